#pragma once
// Slide type descriptors: each type of slide is defined once, in its own
// file under protocol/src/slide_types/ (its fields with their kinds, limits
// and labels, how it is read with field paths, its JSON form, its texts, its
// media and its pages), and registered in one table (slide_types.cpp). The
// generic slide code (slide.cpp) goes through the table; the server serves
// it (GET /api/v1/slide-types, slide_types_json()) and the console builds its
// editors from it.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/slide.hpp"
#include "protocol/time.hpp"

namespace signage::protocol {

// Words for people, in both of the console's languages.
struct Label {
    std::string zh_cn;
    std::string en;
};

// What a field holds, which decides its editor.
enum class FieldKind {
    text,            // one line of text
    multiline_text,  // text with line breaks (blank lines between paragraphs)
    integer,
    boolean,
    choice,   // one of `choices`
    media,    // the sha256 of an uploaded image
    video,    // the sha256 of an uploaded film
    date,     // ISO 8601
    entries,  // a list of objects, each with `entry_fields`
};
std::string_view to_string(FieldKind kind);

struct FieldChoice {
    std::string value;
    Label label;
};

struct FieldSpec {
    std::string name;  // the JSON key
    FieldKind kind = FieldKind::text;
    Label label;
    bool required = false;
    std::size_t max_chars = 0;    // text kinds (code points); 0: no limit
    std::size_t min_entries = 0;  // entries
    std::size_t max_entries = 0;  // entries
    long long min = 0, max = 0;   // integer
    std::vector<FieldChoice> choices;
    std::string default_value;  // choice: the value; boolean: "true" or "false"; else empty
    std::vector<FieldSpec> entry_fields;  // entries: each entry's fields
    // Kept as it is by the editor, not shown (a red/black entry's valid_from).
    bool advanced = false;
};

using TextFields = std::vector<std::pair<std::string, std::string>>;

// The media a type adds to a slide's: `lead` comes before the slide's
// background (the slide's own picture), `rest` after it (pictures inside its
// content).
struct TypeMedia {
    std::vector<std::string> lead, rest;
};

struct SlideTypeSpec {
    SlideType type = SlideType::text;
    std::string name;  // as in JSON: the value of "type"
    Label label;
    Label hint;  // what the editor says about the type; may be empty
    // Main-zone types take turns; the others (notice, emergency) are shown apart.
    bool in_rotation = true;
    // The fields the type adds to the common ones, in order.
    std::vector<FieldSpec> fields;

    // Reads the type's fields of `j` (an object whose common fields `s` holds
    // already); errors name the field, prefixed by `path`.
    Status (*parse)(const nlohmann::json& j, const std::string& path,
                    const SlideParseOptions& options, Slide& s) = nullptr;
    // Writes the type's fields into the slide's JSON object.
    void (*to_json)(const Slide& s, nlohmann::json& j) = nullptr;
    // Adds the type's non-empty texts with their field paths, in field order.
    void (*text_fields)(const Slide& s, TextFields& out) = nullptr;
    // The type's media references; null: none.
    void (*media)(const Slide& s, TypeMedia& out) = nullptr;
    // Pages at `now`; null: one.
    int (*pages_at)(const Slide& s, Timestamp now, std::chrono::seconds local_offset) = nullptr;
};

// Every slide type, in SlideType order.
const std::vector<SlideTypeSpec>& slide_types();
const SlideTypeSpec& slide_type(SlideType type);
// nullptr for an unknown name.
const SlideTypeSpec* find_slide_type(std::string_view name);

// The fields every slide has (title, duration_s, category, …), described
// like a type's fields; what the console's common editor shows.
const std::vector<FieldSpec>& common_slide_fields();

// {"common_fields": [...], "types": [{"name", "label": {"zh-CN", "en"},
// "hint", "in_rotation", "fields": [{"name", "kind", "required", "label",
// "max_chars", ...}]}]}: what GET /api/v1/slide-types answers.
nlohmann::json slide_types_json();

}  // namespace signage::protocol
