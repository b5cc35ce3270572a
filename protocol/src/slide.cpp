#include "protocol/slide.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/sha256.hpp"

namespace signage::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 10> kServerManaged = {
    "id",         "status",      "author",        "reviewer", "created_at",
    "updated_at", "approved_at", "reject_reason", "version",  "submitted_at"};

constexpr std::array<std::string_view, 12> kCommonFields = {
    "type",        "title",      "duration_s", "category", "public_service", "valid_from",
    "valid_until", "background", "priority",   "schedule", "groups",         "qr"};

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
        case SlideType::honor_roll:
            return {"entries"};
        case SlideType::red_black:
            return {"red", "black", "mask_names"};
        case SlideType::notice:
        case SlideType::emergency:
            return {"body"};
    }
    return {};
}

constexpr std::array<std::pair<SlideType, std::string_view>, 7> kTypeNames = {{
    {SlideType::text, "text"},
    {SlideType::image, "image"},
    {SlideType::core_values, "core_values"},
    {SlideType::honor_roll, "honor_roll"},
    {SlideType::red_black, "red_black"},
    {SlideType::notice, "notice"},
    {SlideType::emergency, "emergency"},
}};

constexpr std::string_view kTypeList =
    "text, image, core_values, honor_roll, red_black, notice or emergency";

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
    return make_error(ErrorCode::invalid,
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
    for (const char ch : norm) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n' && allow_newlines) continue;
        if (c < 0x20 || c == 0x7f) {
            return make_error(ErrorCode::invalid,
                              allow_newlines ? "contains a control character"
                                             : "contains a line break or control character",
                              field);
        }
    }
    const std::size_t n = utf8_length(norm);
    if (n > max_chars) {
        return make_error(ErrorCode::invalid,
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
    return make_error(ErrorCode::invalid,
                      "must be the sha256 of uploaded media (64 lowercase hex digits)", field);
}

Status read_background(const json& v, const std::string& field, const SlideParseOptions& opt,
                       Background& out) {
    if (v.is_null()) return {};
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (!s.empty() && s[0] == '#') {
            auto c = parse_color(s);
            if (!c) return make_error(ErrorCode::invalid, c.error().message, field);
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
            if (!c) return make_error(ErrorCode::invalid, c.error().message, field + "." + key);
            out.color = *c;
        } else if (key == "media") {
            if (auto st = read_media_ref(val, field + ".media", opt, out.media); !st) return st;
        } else if (opt.reject_unknown_fields) {
            return make_error(ErrorCode::invalid, "unknown field (expected color or media)",
                              field + "." + key);
        }
    }
    return {};
}

// Inside [from, until) at `now`; empty ends are open.
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

// Reads valid_from and valid_until of the object at `path`, checking order.
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
        if (!t) return make_error(ErrorCode::invalid, t.error().message, field);
        (end_of_day ? until : from) = *t;
        *target = std::move(text);
    }
    if (from && until && *until <= *from) {
        return make_error(ErrorCode::invalid, "must be after valid_from",
                          join(path, "valid_until"));
    }
    return {};
}

Status require_nonempty(const std::string& value, const std::string& field) {
    if (value.find_first_not_of(" \t\n") == std::string::npos) {
        return make_error(ErrorCode::invalid, "is required", field);
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
    if (it->is_number_float()) return make_error(ErrorCode::invalid, "must be " + want, field);
    if (!it->is_number_integer()) return wrong_type(field, want, *it);
    const auto v = it->get<long long>();
    if (v < min || v > max) {
        return make_error(ErrorCode::invalid,
                          "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                              ", not " + std::to_string(v),
                          field);
    }
    out = static_cast<int>(v);
    return {};
}

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
                          field);
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (auto st = each((*it)[i], field + "[" + std::to_string(i) + "]"); !st) return st;
    }
    return {};
}

// Rejects keys of an entry object that are not in `known`.
Status check_keys(const json& e, const std::string& path,
                  std::initializer_list<std::string_view> known, const SlideParseOptions& opt) {
    if (!e.is_object()) return wrong_type(path, "an object", e);
    if (!opt.reject_unknown_fields) return {};
    for (const auto& [key, val] : e.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            return make_error(ErrorCode::invalid, "unknown field", path + "." + key);
        }
    }
    return {};
}

Status read_daypart(const json& e, const std::string& path, const SlideParseOptions& opt,
                    DayPart& out) {
    if (auto st = check_keys(e, path, {"from", "to"}, opt); !st) return st;
    for (auto [name, target] : {std::pair{"from", &out.from_min}, std::pair{"to", &out.to_min}}) {
        auto it = e.find(name);
        const std::string field = path + "." + name;
        if (it == e.end() || it->is_null())
            return make_error(ErrorCode::invalid, "is required (HH:MM)", field);
        if (!it->is_string()) return wrong_type(field, "a time \"HH:MM\"", *it);
        auto m = parse_clock(it->get<std::string>());
        if (!m) return make_error(ErrorCode::invalid, m.error().message, field);
        *target = *m;
    }
    return {};
}

Status read_schedule(const json& v, const std::string& field, const SlideParseOptions& opt,
                     Schedule& out) {
    if (v.is_null()) return {};
    if (auto st = check_keys(v, field, {"weekdays", "dayparts"}, opt); !st) return st;
    if (auto st = read_array(
            v, "weekdays", field, 7,
            [&](const json& d, const std::string& p) -> Status {
                if (!d.is_number_integer() || d.get<long long>() < 1 || d.get<long long>() > 7) {
                    return make_error(ErrorCode::invalid,
                                      "must be a weekday from 1 (Monday) to 7 (Sunday)", p);
                }
                const int day = d.get<int>();
                if (std::find(out.weekdays.begin(), out.weekdays.end(), day) !=
                    out.weekdays.end()) {
                    return make_error(ErrorCode::invalid, "is listed twice", p);
                }
                out.weekdays.push_back(day);
                return {};
            });
        !st) {
        return st;
    }
    std::sort(out.weekdays.begin(), out.weekdays.end());
    return read_array(v, "dayparts", field, 12, [&](const json& e, const std::string& p) -> Status {
        DayPart d;
        if (auto st = read_daypart(e, p, opt, d); !st) return st;
        out.dayparts.push_back(d);
        return {};
    });
}

Status read_qr(const json& v, const std::string& field, const SlideParseOptions& opt,
               std::optional<QrCode>& out) {
    if (v.is_null()) return {};
    QrCode qr;
    if (v.is_string()) {
        qr.text = v.get<std::string>();
    } else {
        if (auto st = check_keys(v, field, {"text", "label"}, opt); !st) return st;
        auto t = v.find("text");
        if (t == v.end() || t->is_null())
            return make_error(ErrorCode::invalid, "is required", field + ".text");
        if (!t->is_string()) return wrong_type(field + ".text", "a string", *t);
        qr.text = t->get<std::string>();
        if (auto st = read_string(v, "label", field, SlideLimits::caption_chars, false, qr.label);
            !st) {
            return st;
        }
    }
    const std::string tfield = v.is_string() ? field : field + ".text";
    if (qr.text.empty()) return make_error(ErrorCode::invalid, "must not be empty", tfield);
    if (qr.text.size() > SlideLimits::qr_text_bytes) {
        return make_error(ErrorCode::invalid,
                          "is " + std::to_string(qr.text.size()) +
                              " bytes; a QR code on a screen holds at most " +
                              std::to_string(SlideLimits::qr_text_bytes),
                          tfield);
    }
    for (const char ch : qr.text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            return make_error(ErrorCode::invalid, "contains a control character", tfield);
    }
    out = std::move(qr);
    return {};
}

Status read_honor_entry(const json& e, const std::string& path, const SlideParseOptions& opt,
                        HonorEntry& out) {
    if (auto st = check_keys(e, path,
                             {"name", "photo", "category", "level", "unit", "period", "deed"}, opt);
        !st) {
        return st;
    }
    using L = SlideLimits;
    for (auto [name, max, target] : {std::tuple{"name", L::name_chars, &out.name},
                                     std::tuple{"category", L::category_chars, &out.category},
                                     std::tuple{"level", L::category_chars, &out.level},
                                     std::tuple{"unit", L::short_field_chars, &out.unit},
                                     std::tuple{"period", L::category_chars, &out.period}}) {
        if (auto st = read_string(e, name, path, max, false, *target); !st) return st;
    }
    if (auto st = read_string(e, "deed", path, L::deed_chars, true, out.deed); !st) return st;
    if (auto st = require_nonempty(out.name, path + ".name"); !st) return st;
    if (auto it = e.find("photo"); it != e.end() && !it->is_null()) {
        if (auto st = read_media_ref(*it, path + ".photo", opt, out.photo); !st) return st;
    }
    return {};
}

Status read_list_entry(const json& e, const std::string& path, const SlideParseOptions& opt,
                       ListEntry& out) {
    if (auto st = check_keys(
            e, path, {"name", "kind", "plate", "reason", "decided_by", "valid_from", "valid_until"},
            opt);
        !st) {
        return st;
    }
    using L = SlideLimits;
    for (auto [name, max, target] :
         {std::tuple{"name", L::short_field_chars, &out.name},
          std::tuple{"plate", std::size_t{16}, &out.plate},
          std::tuple{"reason", L::reason_chars, &out.reason},
          std::tuple{"decided_by", L::short_field_chars, &out.decided_by}}) {
        if (auto st = read_string(e, name, path, max, false, *target); !st) return st;
    }
    if (auto st = require_nonempty(out.name, path + ".name"); !st) return st;
    if (auto it = e.find("kind"); it != e.end() && !it->is_null()) {
        const std::string field = path + ".kind";
        const std::string k = it->is_string() ? it->get<std::string>() : std::string{};
        if (k == "person") {
            out.kind = ListEntry::Kind::person;
        } else if (k == "household") {
            out.kind = ListEntry::Kind::household;
        } else if (k == "firm") {
            out.kind = ListEntry::Kind::firm;
        } else {
            return make_error(ErrorCode::invalid, "must be person, household or firm", field);
        }
    }
    if (auto st = read_period(e, path, out.valid_from, out.valid_until); !st) return st;
    if (out.valid_until.empty()) {
        return make_error(ErrorCode::invalid,
                          "is required: every red/black entry ends with its publication period",
                          path + ".valid_until");
    }
    return {};
}

std::string_view kind_name(ListEntry::Kind k) {
    switch (k) {
        case ListEntry::Kind::household:
            return "household";
        case ListEntry::Kind::firm:
            return "firm";
        case ListEntry::Kind::person:
            break;
    }
    return "person";
}

// Splits valid UTF-8 into code points (as byte strings).
std::vector<std::string_view> code_points(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = 1;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xF0) {
            n = 4;
        } else if (c >= 0xE0) {
            n = 3;
        } else if (c >= 0xC0) {
            n = 2;
        }
        n = std::min(n, s.size() - i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

}  // namespace

std::string_view to_string(SlideType t) {
    for (const auto& [type, name] : kTypeNames) {
        if (type == t) return name;
    }
    return "text";
}

bool DayPart::contains(int minute) const {
    if (from_min == to_min) return true;
    if (from_min < to_min) return minute >= from_min && minute < to_min;
    return minute >= from_min || minute < to_min;  // crosses midnight
}

bool Schedule::active_at(int weekday, int minute_of_day) const {
    if (!weekdays.empty() &&
        std::find(weekdays.begin(), weekdays.end(), weekday) == weekdays.end()) {
        return false;
    }
    if (dayparts.empty()) return true;
    return std::any_of(dayparts.begin(), dayparts.end(),
                       [&](const DayPart& d) { return d.contains(minute_of_day); });
}

Result<int> parse_clock(std::string_view t) {
    auto bad = [&] {
        return make_error(ErrorCode::invalid,
                          "not a time of day: \"" + std::string(t) + "\" (expected HH:MM)");
    };
    if (t.size() != 5 || t[2] != ':') return bad();
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
        if (t[i] < '0' || t[i] > '9') return bad();
    }
    const int h = (t[0] - '0') * 10 + (t[1] - '0');
    const int m = (t[3] - '0') * 10 + (t[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return bad();
    return h * 60 + m;
}

std::string format_clock(int minutes) {
    const int h = minutes / 60, m = minutes % 60;
    std::string s;
    s.push_back(static_cast<char>('0' + h / 10));
    s.push_back(static_cast<char>('0' + h % 10));
    s.push_back(':');
    s.push_back(static_cast<char>('0' + m / 10));
    s.push_back(static_cast<char>('0' + m % 10));
    return s;
}

bool ListEntry::is_valid_at(Timestamp now, std::chrono::seconds local_offset) const {
    return within_period(valid_from, valid_until, now, local_offset);
}

std::string mask_name(std::string_view name) {
    const auto cps = code_points(name);
    if (cps.size() <= 1) return std::string(name);
    std::string out(cps.front());
    if (cps.size() == 2) return out + "*";
    for (std::size_t i = 1; i + 1 < cps.size(); ++i) out += "*";
    out += cps.back();
    return out;
}

std::string mask_plate(std::string_view plate) {
    const auto cps = code_points(plate);
    // The serial follows the region (a Chinese character, a letter, and an
    // optional separator dot).
    std::size_t start = 0;
    while (start < cps.size() && start < 2) ++start;
    if (start < cps.size() && (cps[start] == "·" || cps[start] == "." || cps[start] == " "))
        ++start;
    const std::size_t serial = cps.size() - start;
    if (serial < 4) return std::string(plate);
    std::string out;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        const bool hide = i > start && i + 2 < cps.size();
        out += hide ? std::string_view("*") : cps[i];
    }
    return out;
}

std::string_view to_string(Fit f) {
    return f == Fit::cover ? "cover" : "contain";
}

Result<Color> parse_color(std::string_view text) {
    auto bad = [&] {
        return make_error(ErrorCode::invalid, "not a colour: \"" + std::string(text) +
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
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
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
    for (const auto& e : entries) add(e.photo);
    return refs;
}

std::vector<std::pair<std::string, std::string>> Slide::text_fields() const {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&](std::string field, const std::string& text) {
        if (!text.empty()) out.emplace_back(std::move(field), text);
    };
    add("title", title);
    add("body", body);
    add("caption", caption);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string at = "entries[" + std::to_string(i) + "].";
        const HonorEntry& e = entries[i];
        for (const auto& [name, value] :
             {std::pair{"name", &e.name}, std::pair{"category", &e.category},
              std::pair{"level", &e.level}, std::pair{"unit", &e.unit},
              std::pair{"period", &e.period}, std::pair{"deed", &e.deed}}) {
            add(at + name, *value);
        }
    }
    for (const auto& [list_name, list] : {std::pair{"red", &red}, std::pair{"black", &black}}) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string at = std::string(list_name) + "[" + std::to_string(i) + "].";
            const ListEntry& e = (*list)[i];
            for (const auto& [name, value] :
                 {std::pair{"name", &e.name}, std::pair{"plate", &e.plate},
                  std::pair{"reason", &e.reason}, std::pair{"decided_by", &e.decided_by}}) {
                add(at + name, *value);
            }
        }
    }
    if (qr) add("qr.label", qr->label);
    return out;
}

std::optional<Timestamp> Slide::valid_until_at(std::chrono::seconds local_offset) const {
    if (valid_until.empty()) return std::nullopt;
    auto until = parse_iso8601(valid_until, local_offset, true);
    if (!until) return std::nullopt;
    return *until;
}

int Slide::pages_at(Timestamp now, std::chrono::seconds local_offset) const {
    auto pages = [](std::size_t n, int per_page) {
        const auto per = static_cast<std::size_t>(per_page);
        return std::max(1, static_cast<int>((n + per - 1) / per));
    };
    switch (type) {
        case SlideType::honor_roll:
            return pages(entries.size(), kHonorCardsPerPage);
        case SlideType::red_black: {
            auto count = [&](const std::vector<ListEntry>& list) {
                return static_cast<std::size_t>(std::count_if(
                    list.begin(), list.end(),
                    [&](const ListEntry& e) { return e.is_valid_at(now, local_offset); }));
            };
            return pages(std::max(count(red), count(black)), kRedBlackRowsPerPage);
        }
        default:
            return 1;
    }
}

bool Slide::is_valid_at(Timestamp now, std::chrono::seconds local_offset) const {
    return within_period(valid_from, valid_until, now, local_offset);
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
        return make_error(ErrorCode::invalid, "is required (" + std::string(kTypeList) + ")",
                          type_field);
    }
    if (!type_it->is_string()) return wrong_type(type_field, "a string", *type_it);
    const auto type = type_it->get<std::string>();
    {
        auto known = std::find_if(kTypeNames.begin(), kTypeNames.end(),
                                  [&](const auto& p) { return p.second == type; });
        if (known == kTypeNames.end()) {
            return make_error(
                ErrorCode::invalid,
                "unknown slide type \"" + type + "\" (expected " + std::string(kTypeList) + ")",
                type_field);
        }
        s.type = known->first;
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
            return make_error(ErrorCode::invalid, "unknown field for a " + type + " slide",
                              join(path, key));
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
            return make_error(ErrorCode::invalid, "must be a whole number of seconds", field);
        }
        if (!it->is_number_integer()) return wrong_type(field, "a whole number of seconds", *it);
        const auto d = it->get<long long>();
        if (d < SlideLimits::min_duration_s || d > SlideLimits::max_duration_s) {
            return make_error(ErrorCode::invalid,
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

    if (auto st = read_period(j, path, s.valid_from, s.valid_until); !st) return st.error();

    if (auto st = read_int(j, "priority", path, 0, SlideLimits::max_priority, "", s.priority);
        !st) {
        return st.error();
    }
    if (auto it = j.find("schedule"); it != j.end()) {
        if (auto st = read_schedule(*it, join(path, "schedule"), opt, s.schedule); !st) {
            return st.error();
        }
    }
    if (auto st = read_array(j, "groups", path, SlideLimits::max_groups,
                             [&](const json& g, const std::string& p) -> Status {
                                 if (!g.is_string() || g.get<std::string>().empty()) {
                                     return make_error(ErrorCode::invalid, "must be a group name",
                                                       p);
                                 }
                                 s.groups.push_back(g.get<std::string>());
                                 return {};
                             });
        !st) {
        return st.error();
    }
    if (auto it = j.find("qr"); it != j.end()) {
        if (auto st = read_qr(*it, join(path, "qr"), opt, s.qr); !st) return st.error();
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
                return make_error(ErrorCode::invalid, "a text slide needs a title or a body",
                                  join(path, "body"));
            }
            break;
        case SlideType::image: {
            auto it = j.find("media");
            const std::string field = join(path, "media");
            if (it == j.end() || it->is_null()) {
                return make_error(ErrorCode::invalid, "is required for an image slide", field);
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
                    return make_error(ErrorCode::invalid,
                                      "must be contain or cover, not \"" + f + "\"", ffield);
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
        case SlideType::honor_roll: {
            if (auto st = read_array(j, "entries", path, SlideLimits::max_entries,
                                     [&](const json& e, const std::string& p) -> Status {
                                         HonorEntry entry;
                                         if (auto bad = read_honor_entry(e, p, opt, entry); !bad) {
                                             return bad;
                                         }
                                         s.entries.push_back(std::move(entry));
                                         return {};
                                     });
                !st) {
                return st.error();
            }
            if (s.entries.empty()) {
                return make_error(ErrorCode::invalid, "an honour roll needs at least one entry",
                                  join(path, "entries"));
            }
            break;
        }
        case SlideType::red_black: {
            for (const auto& column : {std::pair{"red", &s.red}, std::pair{"black", &s.black}}) {
                auto* list = column.second;  // a plain variable: lambdas may capture it
                const char* name = column.first;
                if (auto st = read_array(j, name, path, SlideLimits::max_entries,
                                         [&](const json& e, const std::string& p) -> Status {
                                             ListEntry entry;
                                             if (auto bad = read_list_entry(e, p, opt, entry);
                                                 !bad) {
                                                 return bad;
                                             }
                                             list->push_back(std::move(entry));
                                             return {};
                                         });
                    !st) {
                    return st.error();
                }
            }
            if (s.red.empty() && s.black.empty()) {
                return make_error(ErrorCode::invalid, "a red/black list needs at least one entry",
                                  join(path, "red"));
            }
            if (auto it = j.find("mask_names"); it != j.end() && !it->is_null()) {
                if (!it->is_boolean()) {
                    return wrong_type(join(path, "mask_names"), "true or false", *it);
                }
                s.mask_names = it->get<bool>();
            }
            break;
        }
        case SlideType::notice:
            if (auto st = read_string(j, "body", path, SlideLimits::notice_chars, false, s.body);
                !st) {
                return st.error();
            }
            if (auto st = require_nonempty(s.body, join(path, "body")); !st) return st.error();
            break;
        case SlideType::emergency:
            if (auto st = read_string(j, "body", path, SlideLimits::body_chars, true, s.body);
                !st) {
                return st.error();
            }
            if (s.title.empty() && s.body.find_first_not_of(" \n\t") == std::string::npos) {
                return make_error(ErrorCode::invalid, "an emergency notice needs a title or a body",
                                  join(path, "body"));
            }
            if (s.valid_until.empty()) {
                return make_error(ErrorCode::invalid,
                                  "is required: an emergency notice holds the screen until it",
                                  join(path, "valid_until"));
            }
            break;
    }
    return s;
}

namespace {

// "not valid JSON at byte offset 15 (line 1, column 16): syntax error while
// parsing object key - unexpected end of input; expected string literal".
// The offset counts from 0 and names the byte at which the text stopped
// being JSON: a bad byte itself, the last byte of a token that cannot be
// there, or the text's length when it stops short. (nlohmann's `byte` is
// the 1-based position of the last byte it read.)
std::string json_syntax_message(const json::parse_error& e) {
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    // e.what(): "[json.exception.parse_error.101] parse error at line 1, column 16: reason".
    const std::string what = e.what();
    std::string where;
    std::string reason = what;
    const std::string at = "parse error at ";
    if (const auto from = what.find(at); from != std::string::npos) {
        const auto start = from + at.size();
        if (const auto colon = what.find(": ", start); colon != std::string::npos) {
            where = " (" + what.substr(start, colon - start) + ")";
            reason = what.substr(colon + 2);
        }
    }
    return "not valid JSON at byte offset " + std::to_string(offset) + where + ": " + reason;
}

}  // namespace

Result<Slide> parse_slide_text(std::string_view text, const SlideParseOptions& options) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        return make_error(ErrorCode::invalid, json_syntax_message(e));
    } catch (const json::exception& e) {
        // A number too large for a double, for one.
        return make_error(ErrorCode::invalid, std::string("not usable JSON: ") + e.what());
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
    if (s.priority != 0) j["priority"] = s.priority;
    if (!s.schedule.empty()) {
        json sch = json::object();
        if (!s.schedule.weekdays.empty()) sch["weekdays"] = s.schedule.weekdays;
        if (!s.schedule.dayparts.empty()) {
            json parts = json::array();
            for (const auto& d : s.schedule.dayparts) {
                parts.push_back(
                    {{"from", format_clock(d.from_min)}, {"to", format_clock(d.to_min)}});
            }
            sch["dayparts"] = std::move(parts);
        }
        j["schedule"] = std::move(sch);
    }
    if (!s.groups.empty()) j["groups"] = s.groups;
    if (s.qr) {
        json qr = {{"text", s.qr->text}};
        if (!s.qr->label.empty()) qr["label"] = s.qr->label;
        j["qr"] = std::move(qr);
    }
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
        case SlideType::honor_roll: {
            json entries = json::array();
            for (const auto& e : s.entries) {
                json o = {{"name", e.name}};
                for (auto [key, value] :
                     {std::pair{"photo", &e.photo}, std::pair{"category", &e.category},
                      std::pair{"level", &e.level}, std::pair{"unit", &e.unit},
                      std::pair{"period", &e.period}, std::pair{"deed", &e.deed}}) {
                    if (!value->empty()) o[key] = *value;
                }
                entries.push_back(std::move(o));
            }
            j["entries"] = std::move(entries);
            break;
        }
        case SlideType::red_black: {
            auto list = [](const std::vector<ListEntry>& entries) {
                json out = json::array();
                for (const auto& e : entries) {
                    json o = {{"name", e.name}, {"kind", kind_name(e.kind)}};
                    for (auto [key, value] :
                         {std::pair{"plate", &e.plate}, std::pair{"reason", &e.reason},
                          std::pair{"decided_by", &e.decided_by},
                          std::pair{"valid_from", &e.valid_from},
                          std::pair{"valid_until", &e.valid_until}}) {
                        if (!value->empty()) o[key] = *value;
                    }
                    out.push_back(std::move(o));
                }
                return out;
            };
            j["red"] = list(s.red);
            j["black"] = list(s.black);
            j["mask_names"] = s.mask_names;
            break;
        }
        case SlideType::notice:
        case SlideType::emergency:
            j["body"] = s.body;
            break;
    }
    return j;
}

}  // namespace signage::protocol
