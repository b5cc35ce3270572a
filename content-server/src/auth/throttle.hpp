#pragma once
// Failed tries counted per key ("user:NAME", "addr:ADDRESS", …) in a sliding
// window, in memory only (a restart forgets them): after `max_failures`
// failures of one key within `window`, that key waits until the oldest of
// them is `window` old. Sign-in and prize codes each keep one.
// Threading: any thread (one mutex).

#include <chrono>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>

namespace signage::server {

class FailureThrottle {
  public:
    FailureThrottle(int max_failures, std::chrono::seconds window);

    // Seconds until `key` may try again (unix seconds `now`); 0 when it may now.
    std::int64_t wait(const std::string& key, std::int64_t now);
    // One failure for each key (keys that are empty after their prefix, like
    // "addr:", are skipped).
    void record(std::initializer_list<std::string> keys, std::int64_t now);

    int max_failures() const { return max_failures_; }
    std::chrono::seconds window() const { return window_; }

  private:
    std::int64_t wait_locked(const std::string& key, std::int64_t now);

    const int max_failures_;
    const std::chrono::seconds window_;
    std::mutex mutex_;
    std::map<std::string, std::deque<std::int64_t>> failures_;  // key -> failure times (unix s)
};

// "try again in 3 minutes (after 2026-11-23T12:15:00Z)": when `wait` seconds
// from unix time `now` ends.
std::string retry_text(std::int64_t wait, std::int64_t now);

}  // namespace signage::server
