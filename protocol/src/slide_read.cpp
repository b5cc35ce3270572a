#include "slide_read.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

#include "common/sha256.hpp"

namespace signage::protocol::slide_read {

std::string join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "." + std::string(name);
}

namespace {

// The kind a client words for "must be …", from the English phrase.
std::string_view expected_kind(std::string_view want) {
    if (want.find("whole number") != std::string_view::npos) return "integer";
    if (want.find("number") != std::string_view::npos) return "number";
    if (want.find("date") != std::string_view::npos) return "date";
    if (want.find("time") != std::string_view::npos) return "time";
    if (want.find("sha256") != std::string_view::npos) return "media";
    if (want.find("colour") != std::string_view::npos) return "colour";
    if (want.find("true or false") != std::string_view::npos) return "boolean";
    if (want.find("array") != std::string_view::npos || want.find("list") != std::string_view::npos)
        return "list";
    if (want.find("object") != std::string_view::npos) return "object";
    return "string";
}

std::string_view json_type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "a number";
        case json::value_t::string:
            return "a string";
        case json::value_t::array:
            return "an array";
        case json::value_t::object:
            return "an object";
        default:
            return "an unsupported value";
    }
}

}  // namespace

Error wrong_type(const std::string& field, std::string_view want, const json& got) {
    return make_error(ErrorCode::invalid,
                      "must be " + std::string(want) + ", not " + std::string(json_type_name(got)),
                      field)
        .because(ErrorReason::wrong_type, {{"expected", std::string(expected_kind(want))}});
}

Status read_string(const json& j, std::string_view name, const std::string& path,
                   std::size_t max_chars, bool allow_newlines, std::string& out) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return {};
    const std::string field = join(path, name);
    if (!it->is_string()) return wrong_type(field, "a string", *it);
    std::string s = it->get<std::string>();
    // Normalise CRLF to LF so text measures the same whatever wrote it.
    std::string norm;
    norm.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
        norm.push_back(s[i]);
    }
    for (const char ch : norm) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n' && allow_newlines) continue;
        if (c < 0x20 || c == 0x7f) {
            return make_error(ErrorCode::invalid,
                              allow_newlines ? "contains a control character"
                                             : "contains a line break or control character",
                              field)
                .because(ErrorReason::control_char);
        }
    }
    const std::size_t n = utf8_length(norm);
    if (n > max_chars) {
        return make_error(ErrorCode::invalid,
                          "is " + std::to_string(n) + " characters long; at most " +
                              std::to_string(max_chars) + " are allowed",
                          field)
            .because(ErrorReason::too_long, {{"max", max_chars}, {"unit", "chars"}});
    }
    out = std::move(norm);
    return {};
}

Status read_media_ref(const json& v, const std::string& field, const SlideParseOptions& opt,
                      std::string& out) {
    if (!v.is_string()) return wrong_type(field, "a string (sha256 of uploaded media)", v);
    auto s = v.get<std::string>();
    if (is_sha256_hex(s)) {
        out = std::move(s);
        return {};
    }
    if (opt.allow_local_paths && !s.empty() && s.find('\0') == std::string::npos) {
        out = std::move(s);
        return {};
    }
    return make_error(ErrorCode::invalid,
                      "must be the sha256 of uploaded media (64 lowercase hex digits)", field)
        .because(ErrorReason::format, {{"format", "media"}});
}

bool within_period(const std::string& valid_from, const std::string& valid_until, Timestamp now,
                   std::chrono::seconds local_offset) {
    if (!valid_from.empty()) {
        auto from = parse_iso8601(valid_from, local_offset, false);
        if (from && now < *from) return false;
    }
    if (!valid_until.empty()) {
        auto until = parse_iso8601(valid_until, local_offset, true);
        if (until && now >= *until) return false;
    }
    return true;
}

Status read_period(const json& j, const std::string& path, std::string& valid_from,
                   std::string& valid_until) {
    std::optional<Timestamp> from, until;
    for (auto [name, target, end_of_day] : {std::tuple{"valid_from", &valid_from, false},
                                            std::tuple{"valid_until", &valid_until, true}}) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) continue;
        const std::string field = join(path, name);
        if (!it->is_string()) return wrong_type(field, "an ISO 8601 date string", *it);
        auto text = it->get<std::string>();
        auto t = parse_iso8601(text, std::chrono::seconds{0}, end_of_day);
        if (!t) {
            return make_error(ErrorCode::invalid, t.error().message, field)
                .because(ErrorReason::format, {{"format", "date"}});
        }
        (end_of_day ? until : from) = *t;
        *target = std::move(text);
    }
    if (from && until && *until <= *from) {
        return make_error(ErrorCode::invalid, "must be after valid_from", join(path, "valid_until"))
            .because(ErrorReason::not_after, {{"other", join(path, "valid_from")}});
    }
    return {};
}

Status require_nonempty(const std::string& value, const std::string& field) {
    if (value.find_first_not_of(" \t\n") == std::string::npos) {
        return make_error(ErrorCode::invalid, "is required", field).because(ErrorReason::required);
    }
    return {};
}

Status read_int(const json& j, std::string_view name, const std::string& path, long long min,
                long long max, std::string_view unit, int& out) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return {};
    const std::string field = join(path, name);
    const std::string want =
        "a whole number" + std::string(unit.empty() ? "" : " of ") + std::string(unit);
    if (it->is_number_float()) {
        return make_error(ErrorCode::invalid, "must be " + want, field)
            .because(ErrorReason::wrong_type, {{"expected", "integer"}});
    }
    if (!it->is_number_integer()) return wrong_type(field, want, *it);
    const auto v = it->get<long long>();
    if (v < min || v > max) {
        return make_error(ErrorCode::invalid,
                          "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                              ", not " + std::to_string(v),
                          field)
            .because(ErrorReason::range, {{"min", min}, {"max", max}, {"unit", std::string(unit)}});
    }
    out = static_cast<int>(v);
    return {};
}

Status check_keys(const json& e, const std::string& path,
                  std::initializer_list<std::string_view> known, const SlideParseOptions& opt) {
    if (!e.is_object()) return wrong_type(path, "an object", e);
    if (!opt.reject_unknown_fields) return {};
    for (const auto& [key, val] : e.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            return make_error(ErrorCode::invalid, "unknown field", path + "." + key)
                .because(ErrorReason::unknown_field);
        }
    }
    return {};
}

Status read_bool(const json& j, std::string_view name, const std::string& path, bool& out) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_boolean()) return wrong_type(join(path, name), "true or false", *it);
    out = it->get<bool>();
    return {};
}

Status read_choice(const json& j, std::string_view name, const std::string& path,
                   std::initializer_list<std::string_view> allowed, std::string& out) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return {};
    const std::string field = join(path, name);
    if (!it->is_string()) return wrong_type(field, "a string", *it);
    const auto value = it->get<std::string>();
    std::string words;
    std::size_t i = 0;
    for (const auto a : allowed) {
        if (a == value) {
            out = value;
            return {};
        }
        if (i > 0) words += i + 1 == allowed.size() ? " or " : ", ";
        words += a;
        ++i;
    }
    std::string list;
    for (const auto a : allowed) list.append(list.empty() ? "" : ", ").append(a);
    return make_error(
               ErrorCode::invalid,
               std::string("must be ").append(words).append(", not \"").append(value).append("\""),
               field)
        .because(ErrorReason::one_of, {{"allowed", list}});
}

Status read_picture(const json& j, const std::string& path, const SlideParseOptions& opt,
                    std::string_view what, Slide& s) {
    auto it = j.find("media");
    const std::string field = join(path, "media");
    if (it == j.end() || it->is_null()) {
        return make_error(ErrorCode::invalid, std::string("is required for ").append(what), field)
            .because(ErrorReason::required);
    }
    if (auto st = read_media_ref(*it, field, opt, s.media); !st) return st;
    std::string fit;
    if (auto st = read_choice(j, "fit", path, {"contain", "cover"}, fit); !st) return st;
    if (!fit.empty()) s.fit = fit == "cover" ? Fit::cover : Fit::contain;
    return read_string(j, "caption", path, SlideLimits::caption_chars, false, s.caption);
}

void picture_to_json(const Slide& s, json& j) {
    j["media"] = s.media;
    j["fit"] = to_string(s.fit);
    if (!s.caption.empty()) j["caption"] = s.caption;
}

void add_texts(std::vector<std::pair<std::string, std::string>>& out, const std::string& at,
               std::initializer_list<std::pair<const char*, const std::string*>> fields) {
    for (const auto& [name, value] : fields) {
        if (!value->empty()) out.emplace_back(at + name, *value);
    }
}

void put_texts(json& o, std::initializer_list<std::pair<const char*, const std::string*>> fields) {
    for (const auto& [key, value] : fields) {
        if (!value->empty()) o[key] = *value;
    }
}

Status read_body(const json& j, const std::string& path, std::size_t max_chars, bool multiline,
                 Slide& s) {
    return read_string(j, "body", path, max_chars, multiline, s.body);
}

Status require_title_or_body(const Slide& s, const std::string& path, std::string_view message) {
    if (s.title.empty() && s.body.find_first_not_of(" \n\t") == std::string::npos) {
        return make_error(ErrorCode::invalid, std::string(message), join(path, "body"))
            .because(ErrorReason::required);
    }
    return {};
}

void body_to_json(const Slide& s, json& j) {
    j["body"] = s.body;
}

void body_text(const Slide& s, std::vector<std::pair<std::string, std::string>>& out) {
    if (!s.body.empty()) out.emplace_back("body", s.body);
}

int pages_for(std::size_t n, int per_page) {
    const auto per = static_cast<std::size_t>(per_page);
    return std::max(1, static_cast<int>((n + per - 1) / per));
}

}  // namespace signage::protocol::slide_read
