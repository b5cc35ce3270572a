#pragma once
// What became of each screenshot staff asked for: pending until the screen
// uploads it (arrived) or reports that it cannot (failed, with a reason);
// still pending at its time limit, it has expired. The console asks here
// instead of guessing from the latest picture's time, so it can stop with
// an error when the screen fails or never answers.
//
// Requests are kept in the database (screenshot_requests), so any instance
// on it answers for a request another instance opened, and a restart
// forgets none. Each is kept for ten minutes past its time limit.
//
// Errors: "not_found" (no such request for that screen, field "id" for the
// player's report, "request" for staff), "conflict" (a failure reported for
// one that arrived, field "id"), "internal" when the database fails.
// Threading: every method may be called from any thread.

#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace signage::server {

class Store;

class ScreenshotRequests {
  public:
    enum class State { pending, arrived, failed, expired };
    // The reasons a screen may give (POST /api/v1/player/screenshot-failure).
    static bool known_reason(const std::string& reason);

    struct View {
        std::string id;
        std::int64_t screen_id = 0;
        State state = State::pending;
        std::string reason;  // failed: capture, encode or upload
        std::string detail;  // failed: the screen's words (for logs)
        std::string requested_at;
        std::string expires_at;
        std::string answered_at;  // arrived or failed
        int timeout_s = 0;
    };

    // `timeout`: how long a screen has to answer (--screenshot-timeout-seconds).
    ScreenshotRequests(Store& store, std::chrono::seconds timeout);

    // A new request for the screen, with a fresh id.
    Result<View> open(std::int64_t screen_id);
    // The screen uploaded the picture for `id`; false when `id` is not one
    // of its requests (then nothing changes).
    Result<bool> arrived(std::int64_t screen_id, const std::string& id);
    // The screen cannot send it. A request past its time limit still takes
    // the reason (it says more than "expired").
    Result<View> failed(std::int64_t screen_id, const std::string& id, const std::string& reason,
                        const std::string& detail);
    Result<View> get(std::int64_t screen_id, const std::string& id);

    std::chrono::seconds timeout() const { return timeout_; }

  private:
    Store& store_;
    std::chrono::seconds timeout_;
};

const char* to_string(ScreenshotRequests::State state);

}  // namespace signage::server
