#include "auth/throttle.hpp"

#include <algorithm>

#include "protocol/time.hpp"

namespace signage::server {

FailureThrottle::FailureThrottle(std::chrono::seconds window) : window_(window) {}

std::int64_t FailureThrottle::wait_locked(const ThrottleKey& key, std::int64_t now) {
    auto it = failures_.find(key.key);
    if (it == failures_.end()) return 0;
    auto& times = it->second;
    while (!times.empty() && times.front() + window_.count() <= now) times.pop_front();
    if (times.empty()) {
        failures_.erase(it);
        return 0;
    }
    const auto max = static_cast<std::size_t>(std::max(1, key.max_failures));
    if (times.size() < max) return 0;
    // Free again when the oldest failure that still counts leaves the window.
    const std::int64_t oldest = times[times.size() - max];
    return std::max<std::int64_t>(1, oldest + window_.count() - now);
}

FailureThrottle::Attempt FailureThrottle::begin(const std::vector<ThrottleKey>& keys,
                                                std::int64_t now) {
    Attempt attempt;
    attempt.at = now;
    std::lock_guard lock(mutex_);
    for (const ThrottleKey& key : keys) {
        if (key.key.empty() || key.key.back() == ':') continue;
        const std::int64_t wait = wait_locked(key, now);
        if (wait > attempt.wait) {
            attempt.wait = wait;
            attempt.refused_by = key.key;
        }
    }
    if (attempt.wait > 0) return attempt;
    for (const ThrottleKey& key : keys) {
        if (key.key.empty() || key.key.back() == ':') continue;
        auto& times = failures_[key.key];
        times.push_back(now);
        // Only the newest max_failures can matter.
        while (times.size() > static_cast<std::size_t>(std::max(1, key.max_failures))) {
            times.pop_front();
        }
        attempt.counted.push_back(key.key);
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
    return attempt;
}

void FailureThrottle::succeeded(const Attempt& attempt) {
    std::lock_guard lock(mutex_);
    for (const std::string& key : attempt.counted) {
        auto it = failures_.find(key);
        if (it == failures_.end()) continue;
        auto& times = it->second;
        for (auto t = times.rbegin(); t != times.rend(); ++t) {
            if (*t == attempt.at) {
                times.erase(std::next(t).base());
                break;
            }
        }
        if (times.empty()) failures_.erase(it);
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
