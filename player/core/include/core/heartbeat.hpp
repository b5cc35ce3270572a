#pragma once
// Heartbeats and screenshot uploads: what the screen tells the server about
// itself (POST /api/v1/player/heartbeat, PUT /api/v1/player/screenshot).
//
// Only the latest heartbeat matters, so nothing is queued on disk: a
// heartbeat that cannot be sent is dropped and the next one goes at its time.
// Requests are short (a few seconds' timeout) and blocking; call them from a
// thread of their own, never the render loop.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace signage::player {

// The software version the player reports (the project's version).
const char* software_version();

struct HeartbeatReport {
    std::string manifest_version;  // empty: none yet (null)
    std::string item_id;           // the item on screen; empty: null
    std::string item_title;
    std::string
        manifest_shows_at;  // ISO 8601 UTC: when the playing manifest's news first show (protocol)
    std::int64_t uptime_s = 0;
    std::int64_t rss_bytes = 0;                   // resident memory (/proc/self/statm)
    std::int64_t cache_bytes = 0;                 // bytes under the cache directory
    std::int64_t free_disk_bytes = 0;             // free bytes on the cache's file system
    std::optional<std::string> last_sync_error;   // nullopt: the last sync worked
    std::optional<std::int64_t> clock_offset_ms;  // server clock minus ours; nullopt: unknown
    int interval_s = 60;                          // how often heartbeats come
    std::string sent_at;                          // ISO 8601 UTC
};

// The request body (every field, nulls included).
nlohmann::json heartbeat_json(const HeartbeatReport& report);

// Measurements. Each returns 0 when it cannot tell.
std::int64_t resident_bytes();
std::int64_t directory_bytes(const std::filesystem::path& dir);
std::int64_t free_disk_bytes(const std::filesystem::path& dir);

struct HeartbeatAnswer {
    // The server's clock minus this machine's, in ms, measured against the
    // middle of the request's round trip; nullopt when the server gave none.
    std::optional<std::int64_t> clock_offset_ms;
};

struct ReportTarget {
    std::string server_url;
    std::string token;
    std::chrono::milliseconds timeout{5000};
};

// "auth" for 401/403, "network" for no answer or another status (the
// server's error message included).
Result<HeartbeatAnswer> post_heartbeat(const ReportTarget& target, const HeartbeatReport& report);
// `id`: the request it answers; empty for a periodic screenshot.
Status put_screenshot(const ReportTarget& target, const std::string& png, const std::string& id);
// POST /api/v1/player/screenshot-failure: the screenshot asked for with `id`
// cannot come; `reason` is "capture", "encode" or "upload", `detail` says
// why (for the server's log, cut to 500 characters).
Status post_screenshot_failure(const ReportTarget& target, const std::string& id,
                               const std::string& reason, const std::string& detail);

}  // namespace signage::player
