#pragma once
// Small text helpers shared by the server's searches and checks.

#include <string>

namespace signage {

// `text` with its ASCII letters in lower case (other bytes, UTF-8 included,
// as they are): for searches that ignore the case of Latin letters.
inline std::string ascii_lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
}

}  // namespace signage
