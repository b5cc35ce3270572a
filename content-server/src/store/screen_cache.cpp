#include "store/screen_cache.hpp"

namespace signage::server {

std::optional<Screen> ScreenCache::find(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    auto hit = tokens_.find(token_hash);
    if (hit == tokens_.end()) return std::nullopt;
    return *hit->second;
}

std::shared_ptr<const Screen> ScreenCache::find_shared(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    auto hit = tokens_.find(token_hash);
    return hit == tokens_.end() ? nullptr : hit->second;
}

std::uint64_t ScreenCache::generation() {
    std::lock_guard lock(mutex_);
    return generation_;
}

void ScreenCache::put(const std::string& token_hash, const Screen& screen,
                      std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    if (tokens_.size() >= kTokenLimit) tokens_.clear();
    tokens_.insert_or_assign(token_hash, std::make_shared<const Screen>(screen));
}

void ScreenCache::forget() {
    std::lock_guard lock(mutex_);
    ++generation_;
    tokens_.clear();
}

void ScreenCache::touched(std::int64_t screen_id, std::int64_t unix_now) {
    std::lock_guard lock(mutex_);
    last_touch_[screen_id] = unix_now;
}

void ScreenCache::forget_touch(std::int64_t screen_id) {
    std::lock_guard lock(mutex_);
    last_touch_.erase(screen_id);
}

bool ScreenCache::seen_within(std::int64_t screen_id, std::int64_t seconds) {
    std::lock_guard lock(mutex_);
    auto it = last_touch_.find(screen_id);
    return it != last_touch_.end() && now_unix() - it->second < seconds;
}

}  // namespace signage::server
