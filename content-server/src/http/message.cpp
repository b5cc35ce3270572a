#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace signage::server::http {

std::string_view to_string(Method method) {
    switch (method) {
        case Method::get:
            return "GET";
        case Method::head:
            return "HEAD";
        case Method::post:
            return "POST";
        case Method::put:
            return "PUT";
        case Method::patch:
            return "PATCH";
        case Method::del:
            return "DELETE";
        case Method::options:
            return "OPTIONS";
        case Method::other:
            return "OTHER";
    }
    return "OTHER";
}

bool iequals(std::string_view a, std::string_view b) {
    // ASCII only, as HTTP's field names are: no locale lookup per letter.
    const auto lower = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 'A' && u <= 'Z' ? static_cast<unsigned char>(u + ('a' - 'A')) : u;
    };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view Headers::get(std::string_view name) const {
    for (const auto& [n, v] : fields_) {
        if (iequals(n, name)) return v;
    }
    return {};
}

bool Headers::has(std::string_view name) const {
    return std::any_of(fields_.begin(), fields_.end(),
                       [&](const auto& f) { return iequals(f.first, name); });
}

void Headers::set(std::string_view name, std::string value) {
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const auto& f) { return iequals(f.first, name); }),
                  fields_.end());
    fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::assign_at(std::size_t index, std::string_view name, std::string_view value) {
    if (index < fields_.size()) {
        fields_[index].first.assign(name);
        fields_[index].second.assign(value);
    } else {
        fields_.emplace_back(std::string(name), std::string(value));
    }
}

void Headers::truncate(std::size_t count) {
    if (count < fields_.size()) fields_.resize(count);
}

void Headers::add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
}

void split_target(std::string_view target, std::string& path, std::string& query) {
    const auto q = target.find('?');
    path.assign(target.substr(0, q));  // into the strings' own memory
    if (q == std::string_view::npos) {
        query.clear();
    } else {
        query.assign(target.substr(q + 1));
    }
}

std::optional<std::string> percent_decode(std::string_view text) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex(text[i + 1]);
            const int lo = hex(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return std::nullopt;
        out.push_back(c);
    }
    return out;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) != name) continue;
        if (eq == std::string_view::npos) return std::string{};
        std::string value(pair.substr(eq + 1));
        std::replace(value.begin(), value.end(), '+', ' ');
        return percent_decode(value).value_or(std::string{"\x01"});
    }
    return std::nullopt;
}

std::string Request::bearer_token() const {
    return std::string(bearer_token_view());
}

std::string_view Request::bearer_token_view() const {
    std::string_view v = header("authorization");
    constexpr std::string_view scheme = "bearer ";
    if (v.size() <= scheme.size() || !iequals(v.substr(0, scheme.size()), scheme)) return {};
    v.remove_prefix(scheme.size());
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace signage::server::http
