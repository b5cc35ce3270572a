#include "auth/throttle.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "protocol/time.hpp"
#include "store/store.hpp"

namespace signage::server {

FailureThrottle::FailureThrottle(std::chrono::seconds window, Store* store, std::string scope)
    : window_(window), store_(store), scope_(std::move(scope)) {}

namespace {

bool counts(const ThrottleKey& key) {
    return !key.key.empty() && key.key.back() != ':';
}

}  // namespace

FailureThrottle::Attempt FailureThrottle::begin_stored(const std::vector<ThrottleKey>& keys,
                                                       std::int64_t now) {
    bool purge = false;
    {
        std::lock_guard lock(mutex_);
        if (now >= next_purge_) {
            purge = true;
            next_purge_ = now + 60;
        }
    }
    const std::int64_t window = window_.count();
    auto done = store_->write([&](Tx& tx) -> Result<Attempt> {
        Attempt a;
        a.at = now;
        if (purge) tx.throttles().purge(now - window);
        for (const ThrottleKey& key : keys) {
            if (!counts(key)) continue;
            const int max = std::max(1, key.max_failures);
            const auto times = tx.throttles().recent(scope_ + key.key, now - window, max);
            if (static_cast<int>(times.size()) < max) continue;
            // Free again when the oldest failure that still counts leaves the window.
            const std::int64_t wait = std::max<std::int64_t>(1, times.back() + window - now);
            if (wait > a.wait) {
                a.wait = wait;
                a.refused_by = key.key;
            }
        }
        if (a.wait > 0) return a;
        for (const ThrottleKey& key : keys) {
            if (!counts(key)) continue;
            a.ids.push_back(tx.throttles().add(scope_ + key.key, now));
            a.counted.push_back(key.key);
        }
        return a;
    });
    if (!done) {
        spdlog::error("throttle {}: {}; the attempt is let through uncounted", scope_,
                      done.error().message);
        Attempt a;
        a.at = now;
        return a;
    }
    return *done;
}

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
    if (store_ != nullptr) return begin_stored(keys, now);
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
    if (store_ != nullptr) {
        if (attempt.ids.empty()) return;
        auto done = store_->write([&](Tx& tx) -> Status {
            tx.throttles().remove(attempt.ids);
            return {};
        });
        if (!done) spdlog::error("throttle {}: {}", scope_, done.error().message);
        return;
    }
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
