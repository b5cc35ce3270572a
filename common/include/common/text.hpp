#pragma once
// Small text helpers shared by the server's searches and checks.

#include <cstddef>
#include <string>
#include <string_view>

namespace signage {

// `text` with its ASCII letters in lower case (other bytes, UTF-8 included,
// as they are): for searches that ignore the case of Latin letters.
inline std::string ascii_lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
}

// Unicode spaces, invisible formatting characters and non-characters: they
// make two names look alike.
bool is_blank_or_invisible(char32_t cp);

// Decodes one UTF-8 code point at s[i], advancing i; false for invalid UTF-8.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& cp);

}  // namespace signage
