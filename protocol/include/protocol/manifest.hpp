#pragma once
// The manifest: everything one screen group plays, compiled by the server at
// publish time and fetched by players with a long-poll.
//
// {"version": "…", "group": "…", "published_at": "2026-…Z", "settings": {…},
//  "items": [slide, …], "media": [{"sha256","size","content_type"[,"video"]}, …],
//  "quiz": [question, …]}

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/quiz.hpp"
#include "protocol/slide.hpp"

namespace signage::protocol {

// What a screen needs to know of a film before it plays it: its length
// (ms), frame size and video codec as FFmpeg names it ("h264", "hevc",
// "vp8", "vp9").
struct MediaVideo {
    std::int64_t duration_ms = 0;
    int width = 0;
    int height = 0;
    std::string codec;
};

struct MediaRef {
    std::string sha256;
    std::int64_t size = 0;
    std::string content_type;  // image/png, image/jpeg, video/mp4, video/webm, video/quicktime
    // Films only: {"duration_ms", "width", "height", "codec"}. Read leniently
    // (a value of the wrong kind is left at its default), written when set.
    std::optional<MediaVideo> video = std::nullopt;
};

// A screen group's settings, carried in its manifest so the screen follows
// them offline.
//   "settings": {"unit_name", "slogan", "min_public_share": 0.3,
//                "power_off": [{"from": "23:00", "to": "06:00"}],
//                "timezone": "Asia/Shanghai", "quiz": {…QuizSettings}}
struct GroupSettings {
    static constexpr double default_min_public_share = 0.3;
    std::string unit_name;                               // shown in the header
    std::string slogan;                                  // shown in the header
    double min_public_share = default_min_public_share;  // of each loop's airtime, 0..1
    std::vector<DayPart> power_off;                      // screen off (local time)
    std::string timezone = "Asia/Shanghai";              // IANA name
    QuizSettings quiz;
    bool operator==(const GroupSettings&) const = default;
};

// Reads settings; errors name the field under `path`.
Result<GroupSettings> parse_group_settings(const nlohmann::json& j,
                                           const std::string& path = "settings");
nlohmann::json to_json(const GroupSettings& settings);

struct Manifest {
    std::string version;  // opaque; equals the HTTP ETag (without quotes)
    std::string group;
    GroupSettings settings;
    std::string published_at;  // ISO 8601
    std::vector<Slide> items;  // in play order, each with an id
    std::vector<MediaRef> media;
    std::vector<Question> quiz;  // the approved quiz bank ("quiz": [question, …])

    // The entry for a sha256, or nullptr.
    const MediaRef* find_media(std::string_view sha256) const;
};

// Validates a manifest: item fields (leniently: unknown fields are ignored),
// media entries, and that every media an item uses is listed.
Result<Manifest> parse_manifest(const nlohmann::json& j);
Result<Manifest> parse_manifest_text(std::string_view text);
nlohmann::json to_json(const Manifest& manifest);

// A version computed from the manifest's content (items and media), so an
// unchanged publish keeps the same version and wakes no screen.
std::string content_version(const Manifest& manifest);

}  // namespace signage::protocol
