#pragma once
// The slide: one item on a screen's rotation. JSON form in shared/API.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/time.hpp"

namespace signage::protocol {

// text, image, video, core_values, honor_roll and red_black take turns in
// the main zone; notice is a line on the ticker (跑马灯) while it is valid; emergency
// pre-empts everything, full screen, until its valid_until. Each type is
// described once in protocol/slide_types.hpp (one file per type).
enum class SlideType { text, image, video, core_values, honor_roll, red_black, notice, emergency };
enum class Fit { contain, cover };
// How long a video slide lasts: to_end, the film's duration (the server
// sets duration_s to it, rounded up to whole seconds); loop, the film
// repeats for duration_s.
enum class VideoPlay { to_end, loop };

std::string_view to_string(SlideType t);
std::string_view to_string(Fit f);
std::string_view to_string(VideoPlay p);

struct Color {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Color&) const = default;
};
// "#RRGGBB" or "#RRGGBBAA".
Result<Color> parse_color(std::string_view text);
std::string format_color(Color c);

// A daily time window in local time, in minutes since midnight. `to` may be
// smaller than `from` (the window crosses midnight); from == to is all day.
struct DayPart {
    int from_min = 0;
    int to_min = 24 * 60;
    bool contains(int minute_of_day) const;
    bool operator==(const DayPart&) const = default;
};
// "HH:MM" (00:00 to 24:00).
Result<int> parse_clock(std::string_view text);
std::string format_clock(int minutes);

// When in the week and the day a slide may play; empty lists mean always.
struct Schedule {
    std::vector<int> weekdays;  // ISO: 1 = Monday … 7 = Sunday
    std::vector<DayPart> dayparts;
    bool empty() const { return weekdays.empty() && dayparts.empty(); }
    // `weekday` ISO 1..7, `minute_of_day` 0..1439, both local.
    bool active_at(int weekday, int minute_of_day) const;
};

// A QR code drawn on the slide, with a short label under it.
struct QrCode {
    std::string text;  // what the code holds (a URL, usually)
    std::string label;
};

// One person (or group) on an honour roll (光荣榜).
struct HonorEntry {
    std::string name;
    std::string photo;  // sha256 of an uploaded image, or a local path in --render files
    std::string category;
    std::string level;
    std::string unit;
    std::string period;
    std::string deed;
};

// One row of a red/black list (红黑榜).
struct ListEntry {
    enum class Kind { person, household, firm };
    std::string name;
    Kind kind = Kind::person;
    std::string plate;  // a vehicle plate, masked like names
    std::string reason;
    std::string decided_by;
    std::string valid_from;   // ISO 8601; empty: from publication
    std::string valid_until;  // ISO 8601, required: the end of its publication period
    bool is_valid_at(Timestamp now, std::chrono::seconds local_offset) const;
};

struct Background {
    std::optional<Color> color;  // none: the slide type's designed default
    std::string media;           // sha256 of an image, or a local path in --render files
};

// Limits enforced by validation; the server and the player share them.
struct SlideLimits {
    static constexpr std::size_t title_chars = 120;
    static constexpr std::size_t body_chars = 4000;
    static constexpr std::size_t caption_chars = 200;
    static constexpr std::size_t category_chars = 40;
    static constexpr int min_duration_s = 1;
    static constexpr int max_duration_s = 3600;
    static constexpr int default_duration_s = 10;
    static constexpr int max_priority = 100;
    static constexpr std::size_t notice_chars = 200;
    static constexpr std::size_t name_chars = 40;
    static constexpr std::size_t short_field_chars = 60;
    static constexpr std::size_t deed_chars = 400;
    static constexpr std::size_t reason_chars = 200;
    static constexpr std::size_t plate_chars = 16;
    static constexpr std::size_t qr_text_bytes = 500;
    static constexpr std::size_t max_entries = 500;
    static constexpr std::size_t max_groups = 50;
    static constexpr std::size_t max_units = 200;
};

// How many honour-roll cards and red/black rows fit one page. The screen
// pages through longer lists; each page shows for the slide's duration_s.
inline constexpr int kHonorCardsPerPage = 4;
inline constexpr int kRedBlackRowsPerPage = 5;

struct Slide {
    std::string id;  // assigned by the server; empty in --render files and new slides
    SlideType type = SlideType::text;
    std::string title;
    int duration_s = SlideLimits::default_duration_s;
    std::string category;
    bool public_service = false;
    // What the item is for, as its editor chose: "public_service" (counts
    // toward the group's public-service share), "notice" or "other"; empty
    // when not said (older content, scripts that send public_service only).
    // public_service follows it.
    std::string purpose;
    std::string valid_from;   // ISO 8601 as written, empty when unset
    std::string valid_until;  // ISO 8601 as written, empty when unset
    int priority = 0;         // 0..100: while higher-priority items can play, lower ones wait
    Schedule schedule;
    std::vector<std::string> groups;  // screen groups it targets; empty: every group
    // The units below its own it goes to (ids); empty: its unit's whole
    // subtree. Those units' screens get it; units below them too.
    std::vector<std::int64_t> units;
    // The units below may not take it off their screens (hidden in a
    // group's order).
    bool required = false;
    std::optional<QrCode> qr;
    Background background;
    // text
    std::string body;
    // image and video
    std::string media;
    Fit fit = Fit::contain;
    std::string caption;
    // video
    VideoPlay play = VideoPlay::to_end;
    bool audio = false;  // the film's sound, at the group's volume outside its quiet hours
    // honor_roll
    std::vector<HonorEntry> entries;
    // red_black
    std::vector<ListEntry> red;
    std::vector<ListEntry> black;
    bool mask_names = true;

    // Every media reference (image, background), in order, without repeats.
    std::vector<std::string> media_refs() const;
    // Every non-empty text a screen may draw for this slide, with its field
    // path as validation names it ("entries[2].deed", "qr.label"), in field
    // order; whatever the page or the time (all entries, every page).
    std::vector<std::pair<std::string, std::string>> text_fields() const;
    // Inside valid_from/valid_until at `now`, reading offset-less times in `local_offset`.
    bool is_valid_at(Timestamp now, std::chrono::seconds local_offset) const;
    // The end of validity, if any.
    std::optional<Timestamp> valid_until_at(std::chrono::seconds local_offset) const;
    // Main-zone items rotate; notices and emergencies are shown apart.
    bool in_rotation() const;
    // Pages at `now` (honour rolls and red/black lists page; others have 1).
    int pages_at(Timestamp now, std::chrono::seconds local_offset) const;
    // Airtime of one play: duration_s for each page.
    int airtime_s(Timestamp now, std::chrono::seconds local_offset) const {
        return duration_s * pages_at(now, local_offset);
    }
};

// Masks a personal name for a public list: 张三 → 张*, 张小明 → 张*明,
// 欧阳小明 → 欧**明. Counts code points, so any script works.
std::string mask_name(std::string_view name);
// Masks a plate: 苏B·12323 → 苏B·1**23 (the serial keeps its first and last two).
std::string mask_plate(std::string_view plate);

struct SlideParseOptions {
    // --render files may name local image files instead of sha256 values.
    bool allow_local_paths = false;
    // Reject fields the model does not know (staff input); manifests from a
    // newer server are read leniently. Server-managed fields (id, status,
    // author, created_at, updated_at, ...) are always ignored on input.
    bool reject_unknown_fields = true;
};

// Validates and reads a slide. Errors name the field path, prefixed by `path`
// ("items[3]" gives "items[3].valid_until").
Result<Slide> parse_slide(const nlohmann::json& j, const SlideParseOptions& options = {},
                          const std::string& path = {});
// Parses JSON text first; a syntax error is reported with its byte offset.
Result<Slide> parse_slide_text(std::string_view text, const SlideParseOptions& options = {});

// The slide's JSON; includes "id" when set.
nlohmann::json to_json(const Slide& slide);

// Number of Unicode code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);

}  // namespace signage::protocol
