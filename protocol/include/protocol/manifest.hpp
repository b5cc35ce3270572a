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

// What a group's screens can decode: films outside it are converted by the
// server to H.264 (yuv420p, at most this size and max_bitrate) before they
// are published to the group.
//   "video_profile": {"max_width": 1920, "max_height": 1080,
//                     "codecs": ["h264"], "max_bitrate": 8000000}
struct VideoProfile {
    static constexpr int max_side = 8192;
    int max_width = 1920;
    int max_height = 1080;
    std::vector<std::string> codecs{"h264"};  // FFmpeg's names: h264, hevc, vp8, vp9
    std::int64_t max_bitrate = 8'000'000;     // bits per second
    bool operator==(const VideoProfile&) const = default;
};
Result<VideoProfile> parse_video_profile(const nlohmann::json& j, const std::string& path);
nlohmann::json to_json(const VideoProfile& profile);

// A screen group's settings, carried in its manifest so the screen follows
// them offline.
//   "settings": {"unit_name", "slogan", "min_public_share": 0.3,
//                "power_off": [{"from": "23:00", "to": "06:00"}],
//                "timezone": "Asia/Shanghai", "quiz": {…QuizSettings},
//                "volume": 60, "quiet_hours": [{"from": "21:00", "to": "08:00"}],
//                "video_profile": {…VideoProfile}}
struct GroupSettings {
    static constexpr int default_volume = 60;
    static constexpr double default_min_public_share = 0.3;
    std::string unit_name;                               // shown in the header
    std::string slogan;                                  // shown in the header
    double min_public_share = default_min_public_share;  // of each loop's airtime, 0..1
    std::vector<DayPart> power_off;                      // screen off (local time)
    std::string timezone = "Asia/Shanghai";              // IANA name
    QuizSettings quiz;
    int volume = default_volume;       // films with sound, 0..100
    std::vector<DayPart> quiet_hours;  // no sound at all (local time)
    VideoProfile video_profile;
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
