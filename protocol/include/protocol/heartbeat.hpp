#pragma once
// The heartbeat: what a screen tells the server about itself every minute and
// at once on a change (POST /api/v1/player/heartbeat). The player writes it
// with to_json, the server reads it with parse_heartbeat and keeps what
// to_json gives back: the known fields, checked, unknown ones dropped.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace signage::protocol {

struct Heartbeat {
    std::string software_version;                 // required, 1..64 bytes
    std::optional<std::string> manifest_version;  // null: none yet; at most 128 bytes
    std::optional<std::string> item_id;           // the item on screen; at most 128 bytes
    std::optional<std::string> item_title;        // at most 512 bytes
    // When what the manifest playing brought (new or changed items) is first
    // on screen, ISO 8601 on the screen's clock: the end of the item that was
    // on screen when it arrived (a publish cuts nothing), or the moment it
    // arrived when nothing had to play out. null: unknown (it waits for a
    // quiz round, or no manifest yet).
    std::optional<std::string> manifest_shows_at;
    std::optional<std::string> last_sync_error;   // null: the last sync worked; 1000 bytes
    std::int64_t interval_s = 60;                 // how often heartbeats come, 5..3600
    std::int64_t uptime_s = 0;                    // 0..2^40
    std::int64_t rss_bytes = 0;                   // resident memory, 0..2^50
    std::int64_t cache_bytes = 0;                 // bytes under the cache, 0..2^50
    std::int64_t free_disk_bytes = 0;             // free bytes on the cache's disk, 0..2^50
    std::optional<std::int64_t> clock_offset_ms;  // server minus screen; null: unknown; ±10 y
    std::string sent_at;                          // ISO 8601, at most 64 bytes
    bool operator==(const Heartbeat&) const = default;
};

// Errors are "unprocessable" with the field's name ("rss_bytes") and a message
// that starts with it ("rss_bytes: is from 0 to ...").
Result<Heartbeat> parse_heartbeat(const nlohmann::json& body);
// Every field, nulls included.
nlohmann::json to_json(const Heartbeat& heartbeat);

}  // namespace signage::protocol
