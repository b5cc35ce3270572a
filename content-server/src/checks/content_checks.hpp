#pragma once
// Checks run when a slide or quiz question is submitted for review:
//
// - forbidden words (admin-configured, stored in the settings table under
//   "forbidden_words"): any text field containing one blocks the submit with
//   "unprocessable" (422) naming the field and the word; ASCII letters match
//   case-insensitively;
// - red/black entries without an end (valid_until) are refused with
//   "unprocessable" naming the entry's field ("red[0].valid_until");
// - traditional Chinese characters in a text field (found with ICU's
//   "Traditional-Simplified" transliterator) give warnings, which do not block.
//
// Missing-glyph warnings need the player's rendering engine and are not made
// here.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"

namespace signage::server {

class Store;

// A warning: the field's path, the message in English (for logs and tools),
// and a code with its parameter for the console to word in its language:
// "traditional" and "missing_glyphs" (`chars`: the characters), "shortened".
struct CheckWarning {
    std::string field;
    std::string message;
    std::string code;
    std::string chars;
};

// Checks a record's working copy (its JSON text). Pure: `forbidden_words` is
// the configured list.
Result<std::vector<CheckWarning>> check_for_submit(const std::string& json,
                                                   const std::vector<std::string>& forbidden_words);

// The configured forbidden words (empty when never set).
Result<std::vector<std::string>> load_forbidden_words(Store& store);
// Validates {"words": [...]} and stores it; the normalised list. Errors name
// "words" or "words[i]".
Result<std::vector<std::string>> save_forbidden_words(Store& store, const nlohmann::json& body,
                                                      std::int64_t actor);

// [{"field", "message"}, ...]
nlohmann::json warnings_json(const std::vector<CheckWarning>& warnings);

}  // namespace signage::server
