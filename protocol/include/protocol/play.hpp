#pragma once
// Proof of play: one record per item a screen showed, logged when the item
// ends (or is cut short), queued on the screen and posted in batches to
// POST /api/v1/player/plays. The server keeps each (screen, id) once, so a
// retried batch never counts twice.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace signage::protocol {

// What kind of thing was on screen.
//   item             a rotation item of a loop (slide, or the built-in core values)
//   emergency        an emergency notice (outside loops; public service)
//   quiz_invitation  the quiz's invitation between rotation items
enum class PlayKind { item, emergency, quiz_invitation };

std::string_view to_string(PlayKind k);

struct Play {
    // Unique per screen: "<boot id>-<serial>", 8..64 of [A-Za-z0-9_-].
    std::string id;
    // The loop an item belongs to ("<boot id>-<n>"); empty for emergencies
    // and the quiz invitation.
    std::string loop_id;
    // This item closed its loop: the next item started a new loop (a loop
    // without such an item was interrupted by a publish or a restart).
    bool loop_end = false;
    PlayKind kind = PlayKind::item;
    std::string slide_id;          // "" for the built-in core-values slide
    std::string title;             // up to 200 characters
    std::int64_t start_ms = 0;     // UTC, milliseconds since 1970
    std::int64_t duration_ms = 0;  // 0 .. 24 h
    bool public_service = false;
    std::string manifest_version;  // "" before the first manifest
    bool operator==(const Play&) const = default;
};

// The largest batch a request may carry.
inline constexpr std::size_t kMaxPlaysPerRequest = 500;

// "2026-11-28T08:30:00.125Z"
std::string format_iso8601_ms(std::int64_t unix_ms);
// Reads "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (UTC only) into milliseconds since 1970.
Result<std::int64_t> parse_iso8601_ms(std::string_view text);

// `path` prefixes field names in errors ("plays[3]" → "plays[3].duration_ms").
Result<Play> parse_play(const nlohmann::json& j, const std::string& path = {});
nlohmann::json to_json(const Play& p);

// The body of POST /api/v1/player/plays: {"plays": [...]}, at most
// kMaxPlaysPerRequest of them. Errors are "unprocessable", naming "plays" or
// "plays[i].field".
Result<std::vector<Play>> parse_play_batch(const nlohmann::json& body);

}  // namespace signage::protocol
