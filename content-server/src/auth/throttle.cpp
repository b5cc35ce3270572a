#include "auth/throttle.hpp"

#include <algorithm>

#include "protocol/time.hpp"

namespace signage::server {

FailureThrottle::FailureThrottle(int max_failures, std::chrono::seconds window)
    : max_failures_(max_failures), window_(window) {}

std::int64_t FailureThrottle::wait_locked(const std::string& key, std::int64_t now) {
    auto it = failures_.find(key);
    if (it == failures_.end()) return 0;
    auto& times = it->second;
    while (!times.empty() && times.front() + window_.count() <= now) times.pop_front();
    if (times.empty()) {
        failures_.erase(it);
        return 0;
    }
    if (times.size() < static_cast<std::size_t>(max_failures_)) return 0;
    // Free again when the oldest failure that still counts leaves the window.
    const std::int64_t oldest = times[times.size() - static_cast<std::size_t>(max_failures_)];
    return std::max<std::int64_t>(1, oldest + window_.count() - now);
}

std::int64_t FailureThrottle::wait(const std::string& key, std::int64_t now) {
    std::lock_guard lock(mutex_);
    return wait_locked(key, now);
}

void FailureThrottle::record(std::initializer_list<std::string> keys, std::int64_t now) {
    std::lock_guard lock(mutex_);
    for (const std::string& key : keys) {
        if (!key.empty() && key.back() == ':') continue;
        auto& times = failures_[key];
        times.push_back(now);
        while (times.size() > static_cast<std::size_t>(max_failures_)) times.pop_front();
    }
    // Keep the table small: drop keys whose failures have all expired.
    if (failures_.size() > 10000) {
        for (auto it = failures_.begin(); it != failures_.end();) {
            if (it->second.empty() || it->second.back() + window_.count() <= now) {
                it = failures_.erase(it);
            } else {
                ++it;
            }
        }
    }
}

std::string retry_text(std::int64_t wait, std::int64_t now) {
    const std::int64_t minutes = (wait + 59) / 60;
    return std::string("try again in ")
        .append(std::to_string(minutes))
        .append(minutes == 1 ? " minute" : " minutes")
        .append(" (after ")
        .append(protocol::format_iso8601(protocol::Timestamp(std::chrono::seconds(now + wait))))
        .append(")");
}

}  // namespace signage::server
