#pragma once
// Reading slide JSON: the field readers the generic slide code and every
// slide type (slide_types/*.cpp) share. Each names the offending field by its
// path. Private to signage::protocol.

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "protocol/slide.hpp"

namespace signage::protocol::slide_read {

using nlohmann::json;

// "path.name", or "name" at the top.
std::string join(const std::string& path, std::string_view name);

// "must be WANT, not a number" (the JSON type of `got`).
Error wrong_type(const std::string& field, std::string_view want, const json& got);

// Reads an optional string field, checking control characters and length;
// CRLF becomes LF.
Status read_string(const json& j, std::string_view name, const std::string& path,
                   std::size_t max_chars, bool allow_newlines, std::string& out);

// A sha256 of uploaded media (or a local path when the options allow it).
Status read_media_ref(const json& v, const std::string& field, const SlideParseOptions& opt,
                      std::string& out);

// An optional whole number in [min, max]; `unit` words the type error.
Status read_int(const json& j, std::string_view name, const std::string& path, long long min,
                long long max, std::string_view unit, int& out);

// An optional string field that must be one of `allowed`; `out` is
// untouched when the field is absent or null.
Status read_choice(const json& j, std::string_view name, const std::string& path,
                   std::initializer_list<std::string_view> allowed, std::string& out);

// The media field of an image or video slide (required; `what` words the
// error: "an image slide"), then its fit and caption.
Status read_picture(const json& j, const std::string& path, const SlideParseOptions& opt,
                    std::string_view what, Slide& s);
void picture_to_json(const Slide& s, json& j);

// An optional true or false.
Status read_bool(const json& j, std::string_view name, const std::string& path, bool& out);

// "is required" unless `value` has more than white space.
Status require_nonempty(const std::string& value, const std::string& field);

// Rejects keys of an entry object that are not in `known`.
Status check_keys(const json& e, const std::string& path,
                  std::initializer_list<std::string_view> known, const SlideParseOptions& opt);

// Reads valid_from and valid_until of the object at `path`, checking order.
Status read_period(const json& j, const std::string& path, std::string& valid_from,
                   std::string& valid_until);

// Inside [from, until) at `now`; empty ends are open.
bool within_period(const std::string& valid_from, const std::string& valid_until, Timestamp now,
                   std::chrono::seconds local_offset);

// An object array field: checks the type and size, then calls `each(element, path)`.
template <typename F>
Status read_array(const json& j, std::string_view name, const std::string& path,
                  std::size_t max_size, F&& each) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return {};
    const std::string field = join(path, name);
    if (!it->is_array()) return wrong_type(field, "an array", *it);
    if (it->size() > max_size) {
        return make_error(ErrorCode::invalid,
                          "has " + std::to_string(it->size()) + " entries; at most " +
                              std::to_string(max_size) + " are allowed",
                          field)
            .because(ErrorReason::too_many, {{"max", max_size}});
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (auto st = each((*it)[i], field + "[" + std::to_string(i) + "]"); !st) return st;
    }
    return {};
}

// Adds each non-empty text of `fields` as `at + name` to `out`.
void add_texts(std::vector<std::pair<std::string, std::string>>& out, const std::string& at,
               std::initializer_list<std::pair<const char*, const std::string*>> fields);

// Sets each non-empty text of `fields` on the JSON object `o`.
void put_texts(json& o, std::initializer_list<std::pair<const char*, const std::string*>> fields);

// The body of text, notice and emergency slides: read, written, listed.
Status read_body(const json& j, const std::string& path, std::size_t max_chars, bool multiline,
                 Slide& s);
// `message` on the body unless the slide has a title or a body.
Status require_title_or_body(const Slide& s, const std::string& path, std::string_view message);
void body_to_json(const Slide& s, json& j);
void body_text(const Slide& s, std::vector<std::pair<std::string, std::string>>& out);

// How many pages `n` items take at `per_page` a page (at least one).
int pages_for(std::size_t n, int per_page);

}  // namespace signage::protocol::slide_read
