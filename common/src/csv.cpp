#include "common/csv.hpp"

#include <array>

namespace signage::csv {

namespace {

// Full-width ＝ ＋ － ＠ in UTF-8.
constexpr std::array<std::string_view, 4> kFullWidthTriggers = {"\xEF\xBC\x9D", "\xEF\xBC\x8B",
                                                                "\xEF\xBC\x8D", "\xEF\xBC\xA0"};

std::string quoted_if_needed(std::string text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

// True when `text` is zero or more apostrophes followed by a formula start.
bool needs_guard(std::string_view text) {
    const std::size_t first = text.find_first_not_of('\'');
    return first != std::string_view::npos && starts_like_formula(text.substr(first));
}

}  // namespace

bool starts_like_formula(std::string_view text) {
    if (text.empty()) return false;
    switch (text.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            return true;
        default:
            break;
    }
    for (const std::string_view t : kFullWidthTriggers) {
        if (text.substr(0, t.size()) == t) return true;
    }
    return false;
}

std::string text_cell(std::string_view text) {
    std::string cell;
    cell.reserve(text.size() + 3);
    if (needs_guard(text)) cell += '\'';
    cell += text;
    return quoted_if_needed(std::move(cell));
}

std::string plain_cell(std::string_view text) {
    return quoted_if_needed(std::string(text));
}

std::string_view strip_formula_guard(std::string_view cell) {
    if (!cell.empty() && cell.front() == '\'' && needs_guard(cell.substr(1))) {
        return cell.substr(1);
    }
    return cell;
}

}  // namespace signage::csv
