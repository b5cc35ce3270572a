#include "protocol/slide.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "common/sha256.hpp"

namespace signage::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 10> kServerManaged = {
    "id",         "status",      "author",        "reviewer", "created_at",
    "updated_at", "approved_at", "reject_reason", "version",  "submitted_at"};

constexpr std::array<std::string_view, 8> kCommonFields = {
    "type",           "title",      "duration_s",  "category",
    "public_service", "valid_from", "valid_until", "background"};

bool is_server_managed(std::string_view key) {
    return std::find(kServerManaged.begin(), kServerManaged.end(), key) != kServerManaged.end();
}

bool is_common(std::string_view key) {
    return std::find(kCommonFields.begin(), kCommonFields.end(), key) != kCommonFields.end();
}

// Fields each type adds to the common ones.
std::vector<std::string_view> own_fields(SlideType t) {
    switch (t) {
        case SlideType::text:
            return {"body"};
        case SlideType::image:
            return {"media", "fit", "caption"};
        case SlideType::core_values:
            return {};
    }
    return {};
}

std::string join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "." + std::string(name);
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

Error wrong_type(const std::string& field, std::string_view want, const json& got) {
    return make_error("invalid",
                      "must be " + std::string(want) + ", not " + std::string(json_type_name(got)),
                      field);
}

// Reads an optional string field, checking control characters and length.
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
    for (unsigned char c : norm) {
        if (c == '\n' && allow_newlines) continue;
        if (c < 0x20 || c == 0x7f) {
            return make_error("invalid",
                              allow_newlines ? "contains a control character"
                                             : "contains a line break or control character",
                              field);
        }
    }
    const std::size_t n = utf8_length(norm);
    if (n > max_chars) {
        return make_error("invalid",
                          "is " + std::to_string(n) + " characters long; at most " +
                              std::to_string(max_chars) + " are allowed",
                          field);
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
    return make_error("invalid", "must be the sha256 of uploaded media (64 lowercase hex digits)",
                      field);
}

Status read_background(const json& v, const std::string& field, const SlideParseOptions& opt,
                       Background& out) {
    if (v.is_null()) return {};
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (!s.empty() && s[0] == '#') {
            auto c = parse_color(s);
            if (!c) return make_error("invalid", c.error().message, field);
            out.color = *c;
            return {};
        }
        return read_media_ref(v, field, opt, out.media);
    }
    if (!v.is_object()) return wrong_type(field, "a colour (\"#RRGGBB\") or an object", v);
    for (const auto& [key, val] : v.items()) {
        if (key == "color" || key == "colour") {
            if (!val.is_string()) return wrong_type(field + "." + key, "a string", val);
            auto c = parse_color(val.get<std::string>());
            if (!c) return make_error("invalid", c.error().message, field + "." + key);
            out.color = *c;
        } else if (key == "media") {
            if (auto st = read_media_ref(val, field + ".media", opt, out.media); !st) return st;
        } else if (opt.reject_unknown_fields) {
            return make_error("invalid", "unknown field (expected color or media)",
                              field + "." + key);
        }
    }
    return {};
}

}  // namespace

std::string_view to_string(SlideType t) {
    switch (t) {
        case SlideType::text:
            return "text";
        case SlideType::image:
            return "image";
        case SlideType::core_values:
            return "core_values";
    }
    return "text";
}

std::string_view to_string(Fit f) {
    return f == Fit::cover ? "cover" : "contain";
}

Result<Color> parse_color(std::string_view text) {
    auto bad = [&] {
        return make_error("invalid", "not a colour: \"" + std::string(text) +
                                         "\" (expected #RRGGBB or #RRGGBBAA)");
    };
    if ((text.size() != 7 && text.size() != 9) || text[0] != '#') return bad();
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::array<std::uint8_t, 4> v{0, 0, 0, 255};
    for (std::size_t i = 0; i * 2 + 1 < text.size(); ++i) {
        const int hi = nibble(text[1 + i * 2]);
        const int lo = nibble(text[2 + i * 2]);
        if (hi < 0 || lo < 0) return bad();
        v[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return Color{v[0], v[1], v[2], v[3]};
}

std::string format_color(Color c) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "#";
    auto put = [&](std::uint8_t b) {
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 15]);
    };
    put(c.r);
    put(c.g);
    put(c.b);
    if (c.a != 255) put(c.a);
    return s;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::vector<std::string> Slide::media_refs() const {
    std::vector<std::string> refs;
    auto add = [&](const std::string& r) {
        if (!r.empty() && std::find(refs.begin(), refs.end(), r) == refs.end()) refs.push_back(r);
    };
    if (type == SlideType::image) add(media);
    add(background.media);
    return refs;
}

bool Slide::is_valid_at(Timestamp now, std::chrono::seconds local_offset) const {
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

Result<Slide> parse_slide(const json& j, const SlideParseOptions& opt, const std::string& path) {
    if (!j.is_object()) {
        return wrong_type(path.empty() ? std::string("slide") : path, "a JSON object", j);
    }
    Slide s;

    // type decides which other fields exist, so it comes first.
    auto type_it = j.find("type");
    const std::string type_field = join(path, "type");
    if (type_it == j.end() || type_it->is_null()) {
        return make_error("invalid", "is required (text, image or core_values)", type_field);
    }
    if (!type_it->is_string()) return wrong_type(type_field, "a string", *type_it);
    const auto type = type_it->get<std::string>();
    if (type == "text") {
        s.type = SlideType::text;
    } else if (type == "image") {
        s.type = SlideType::image;
    } else if (type == "core_values") {
        s.type = SlideType::core_values;
    } else {
        return make_error(
            "invalid", "unknown slide type \"" + type + "\" (expected text, image or core_values)",
            type_field);
    }

    const auto own = own_fields(s.type);
    for (const auto& [key, val] : j.items()) {
        if (key == "id") {
            if (val.is_string()) {
                s.id = val.get<std::string>();
            } else if (val.is_number_integer()) {
                s.id = std::to_string(val.get<long long>());
            }
            continue;
        }
        if (is_common(key) || is_server_managed(key)) continue;
        if (std::find(own.begin(), own.end(), key) != own.end()) continue;
        if (opt.reject_unknown_fields) {
            return make_error("invalid", "unknown field for a " + type + " slide", join(path, key));
        }
    }

    if (auto st = read_string(j, "title", path, SlideLimits::title_chars, false, s.title); !st) {
        return st.error();
    }
    if (auto st = read_string(j, "category", path, SlideLimits::category_chars, false, s.category);
        !st) {
        return st.error();
    }

    if (auto it = j.find("duration_s"); it != j.end() && !it->is_null()) {
        const std::string field = join(path, "duration_s");
        if (it->is_number_float()) {
            return make_error("invalid", "must be a whole number of seconds", field);
        }
        if (!it->is_number_integer()) return wrong_type(field, "a whole number of seconds", *it);
        const auto d = it->get<long long>();
        if (d < SlideLimits::min_duration_s || d > SlideLimits::max_duration_s) {
            return make_error("invalid",
                              "must be between " + std::to_string(SlideLimits::min_duration_s) +
                                  " and " + std::to_string(SlideLimits::max_duration_s) +
                                  " seconds, not " + std::to_string(d),
                              field);
        }
        s.duration_s = static_cast<int>(d);
    }

    if (auto it = j.find("public_service"); it != j.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            return wrong_type(join(path, "public_service"), "true or false", *it);
        }
        s.public_service = it->get<bool>();
    }

    std::optional<Timestamp> from, until;
    for (auto [name, target, end_of_day] : {std::tuple{"valid_from", &s.valid_from, false},
                                            std::tuple{"valid_until", &s.valid_until, true}}) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) continue;
        const std::string field = join(path, name);
        if (!it->is_string()) return wrong_type(field, "an ISO 8601 date string", *it);
        auto text = it->get<std::string>();
        auto t = parse_iso8601(text, std::chrono::seconds{0}, end_of_day);
        if (!t) return make_error("invalid", t.error().message, field);
        (end_of_day ? until : from) = *t;
        *target = std::move(text);
    }
    if (from && until && *until <= *from) {
        return make_error("invalid", "must be after valid_from", join(path, "valid_until"));
    }

    if (auto it = j.find("background"); it != j.end()) {
        if (auto st = read_background(*it, join(path, "background"), opt, s.background); !st) {
            return st.error();
        }
    }

    switch (s.type) {
        case SlideType::text:
            if (auto st = read_string(j, "body", path, SlideLimits::body_chars, true, s.body);
                !st) {
                return st.error();
            }
            if (s.title.empty() && s.body.find_first_not_of(" \n\t") == std::string::npos) {
                return make_error("invalid", "a text slide needs a title or a body",
                                  join(path, "body"));
            }
            break;
        case SlideType::image: {
            auto it = j.find("media");
            const std::string field = join(path, "media");
            if (it == j.end() || it->is_null()) {
                return make_error("invalid", "is required for an image slide", field);
            }
            if (auto st = read_media_ref(*it, field, opt, s.media); !st) return st.error();
            if (auto fit = j.find("fit"); fit != j.end() && !fit->is_null()) {
                const std::string ffield = join(path, "fit");
                if (!fit->is_string()) return wrong_type(ffield, "a string", *fit);
                const auto f = fit->get<std::string>();
                if (f == "contain") {
                    s.fit = Fit::contain;
                } else if (f == "cover") {
                    s.fit = Fit::cover;
                } else {
                    return make_error("invalid", "must be contain or cover, not \"" + f + "\"",
                                      ffield);
                }
            }
            if (auto st =
                    read_string(j, "caption", path, SlideLimits::caption_chars, false, s.caption);
                !st) {
                return st.error();
            }
            break;
        }
        case SlideType::core_values:
            break;
    }
    return s;
}

Result<Slide> parse_slide_text(std::string_view text, const SlideParseOptions& options) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        return make_error("invalid",
                          "not valid JSON (at byte " + std::to_string(e.byte) + "): " + e.what());
    }
    return parse_slide(j, options);
}

json to_json(const Slide& s) {
    json j = json::object();
    if (!s.id.empty()) j["id"] = s.id;
    j["type"] = to_string(s.type);
    if (!s.title.empty()) j["title"] = s.title;
    j["duration_s"] = s.duration_s;
    if (!s.category.empty()) j["category"] = s.category;
    j["public_service"] = s.public_service;
    if (!s.valid_from.empty()) j["valid_from"] = s.valid_from;
    if (!s.valid_until.empty()) j["valid_until"] = s.valid_until;
    if (s.background.color && s.background.media.empty()) {
        j["background"] = format_color(*s.background.color);
    } else if (!s.background.media.empty()) {
        json bg = {{"media", s.background.media}};
        if (s.background.color) bg["color"] = format_color(*s.background.color);
        j["background"] = std::move(bg);
    }
    switch (s.type) {
        case SlideType::text:
            j["body"] = s.body;
            break;
        case SlideType::image:
            j["media"] = s.media;
            j["fit"] = to_string(s.fit);
            if (!s.caption.empty()) j["caption"] = s.caption;
            break;
        case SlideType::core_values:
            break;
    }
    return j;
}

}  // namespace signage::protocol
