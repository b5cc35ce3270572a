#pragma once
// The slide: one item on a screen's rotation. JSON form in shared/API.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/time.hpp"

namespace signage::protocol {

enum class SlideType { text, image, core_values };
enum class Fit { contain, cover };

std::string_view to_string(SlideType t);
std::string_view to_string(Fit f);

struct Color {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Color&) const = default;
};
// "#RRGGBB" or "#RRGGBBAA".
Result<Color> parse_color(std::string_view text);
std::string format_color(Color c);

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
};

struct Slide {
    std::string id;  // assigned by the server; empty in --render files and new slides
    SlideType type = SlideType::text;
    std::string title;
    int duration_s = SlideLimits::default_duration_s;
    std::string category;
    bool public_service = false;
    std::string valid_from;   // ISO 8601 as written, empty when unset
    std::string valid_until;  // ISO 8601 as written, empty when unset
    Background background;
    // text
    std::string body;
    // image
    std::string media;
    Fit fit = Fit::contain;
    std::string caption;

    // Every media reference (image, background), in order, without repeats.
    std::vector<std::string> media_refs() const;
    // Inside valid_from/valid_until at `now`, reading offset-less times in `local_offset`.
    bool is_valid_at(Timestamp now, std::chrono::seconds local_offset) const;
};

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
