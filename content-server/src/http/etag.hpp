#pragma once
// If-None-Match: does the header's list name an entity tag?

#include <string_view>

namespace signage::server::http {

// True when the comma-separated If-None-Match list names `tag` (given without
// quotes), weakly or strongly, or is "*".
inline bool if_none_match_names(std::string_view header, std::string_view tag) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.substr(0, 2) == "W/") item.remove_prefix(2);
        if (item == "*") return true;
        if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
            item = item.substr(1, item.size() - 2);
        }
        if (item == tag) return true;
    }
    return false;
}

}  // namespace signage::server::http
