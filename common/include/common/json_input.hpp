#pragma once
// JSON from outside the process (request bodies, files in the cache, answers
// of other servers): parsed only when it nests at most kMaxJsonDepth deep.
// nlohmann's parser does not recurse, but copying, comparing and walking a
// value does: 140,000 nested '[' overflowed the stack in a copy. The depth is
// checked on the text, before any value exists.

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace signage {

// Deeper than any document of the product (a slide is about 5 levels).
inline constexpr int kMaxJsonDepth = 64;

// Whether the text's arrays and objects nest at most `max_depth` deep
// (strings and their escapes are skipped; the rest of the syntax is the
// parser's to check).
bool json_depth_within(std::string_view text, int max_depth = kMaxJsonDepth);

// OK, or "invalid" naming `field` (reason too_deep, max = the limit) when the
// text nests deeper than kMaxJsonDepth.
Status check_json_depth(std::string_view text, const std::string& field = {});

// The parsed value; "invalid" naming `field` (reason json, or range with
// max = the depth limit) when the text is not JSON or nests too deep.
Result<nlohmann::json> parse_json_input(std::string_view text, const std::string& field = "body");

// The parsed value, or a discarded one (is_discarded()) when the text is not
// JSON or nests too deep: the drop-in for json::parse(text, nullptr, false)
// wherever the text comes from outside (a reply, a file in a cache, a row).
nlohmann::json read_json(std::string_view text);

// OK, or "invalid" naming the first field of the object `body` that is not
// one of `allowed` ("unknown field", reason unknown_field).
Status only_fields(const nlohmann::json& body, std::initializer_list<const char*> allowed);

}  // namespace signage
