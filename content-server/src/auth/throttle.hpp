#pragma once
// Failed tries counted per key ("user:NAME", "addr:ADDRESS", …) in a sliding
// window: after a key's `max_failures` failures within `window`, that key
// waits until the oldest of them is `window` old. Each key has its own limit,
// so an account and a client address are throttled separately. Sign-in,
// prize codes and pairing each keep one.
//
// Given a store, the failures are kept in it (ThrottleRepository, under the
// throttle's scope), so every server instance on the database counts the
// same ones and a restart forgets nothing; a check and its count are one
// write transaction. Without one, in memory (tests). When the store fails,
// the attempt is let through uncounted (logged): the check behind it needs
// the database anyway.
//
// An attempt is checked and counted in one step (begin()): it is recorded as
// a failure before the slow check (a password hash, a signature) runs, and
// taken back when the check passes (succeeded()). So 40 guesses sent at once
// get max_failures checks, not more.
//
// Threading: any thread (one mutex).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace signage::server {

class Store;

struct ThrottleKey {
    std::string key;       // "addr:" with nothing after it is skipped
    int max_failures = 5;  // failures within the window before the key waits
};

class FailureThrottle {
  public:
    explicit FailureThrottle(std::chrono::seconds window, Store* store = nullptr,
                             std::string scope = {});

    // One attempt, checked and (when allowed) counted as a failure at once.
    struct Attempt {
        std::int64_t wait = 0;  // > 0: refused; seconds until the key `refused_by` may try
        std::string refused_by;
        std::int64_t at = 0;
        std::vector<std::string> counted;
        std::vector<std::int64_t> ids;  // the failures stored (with a store)
    };
    // Refused when any key must wait (nothing is counted then); else counts a
    // failure for each key at unix time `now`.
    Attempt begin(const std::vector<ThrottleKey>& keys, std::int64_t now);
    // The attempt passed its check: its failures are taken back.
    void succeeded(const Attempt& attempt);

    std::chrono::seconds window() const { return window_; }

  private:
    std::int64_t wait_locked(const ThrottleKey& key, std::int64_t now);
    Attempt begin_stored(const std::vector<ThrottleKey>& keys, std::int64_t now);

    const std::chrono::seconds window_;
    Store* store_;
    std::string scope_;            // "signin/", "pairing/", … before each key in the store
    std::int64_t next_purge_ = 0;  // when the store's old failures go next (under mutex_)
    std::mutex mutex_;
    std::map<std::string, std::deque<std::int64_t>> failures_;  // key -> failure times (unix s)
};

// "try again in 3 minutes (after 2026-11-23T12:15:00Z)": when `wait` seconds
// from unix time `now` ends.
std::string retry_text(std::int64_t wait, std::int64_t now);

}  // namespace signage::server
