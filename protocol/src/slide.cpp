#include "protocol/slide.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "protocol/slide_types.hpp"
#include "slide_read.hpp"

namespace signage::protocol {

using nlohmann::json;
using namespace slide_read;

namespace {

constexpr std::array<std::string_view, 16> kServerManaged = {
    "id",           "unit",        "unit_name",         "origin",
    "status",       "author",      "reviewer",          "created_at",
    "updated_at",   "approved_at", "reject_reason",     "version",
    "submitted_at", "revision",    "approved_revision", "approved_version"};

constexpr std::array<std::string_view, 15> kCommonFields = {
    "type",     "title",      "duration_s",  "category",   "public_service",
    "purpose",  "valid_from", "valid_until", "background", "priority",
    "schedule", "groups",     "units",       "required",   "qr"};

// The values of "purpose", in the order the editor offers them.
constexpr std::array<std::string_view, 3> kPurposes = {"public_service", "notice", "other"};

bool is_server_managed(std::string_view key) {
    return std::find(kServerManaged.begin(), kServerManaged.end(), key) != kServerManaged.end();
}

bool is_common(std::string_view key) {
    return std::find(kCommonFields.begin(), kCommonFields.end(), key) != kCommonFields.end();
}

// "text, image, … or emergency": every type's name, from the table.
std::string type_list() {
    std::string out;
    const auto& all = slide_types();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (i > 0) out += i + 1 == all.size() ? " or " : ", ";
        out += all[i].name;
    }
    return out;
}

Status read_background(const json& v, const std::string& field, const SlideParseOptions& opt,
                       Background& out) {
    if (v.is_null()) return {};
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (!s.empty() && s[0] == '#') {
            auto c = parse_color(s);
            if (!c) return c.error().at(field);
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
            if (!c) return c.error().at(field + "." + key);
            out.color = *c;
        } else if (key == "media") {
            if (auto st = read_media_ref(val, field + ".media", opt, out.media); !st) return st;
        } else if (opt.reject_unknown_fields) {
            return make_error(ErrorCode::invalid, "unknown field (expected color or media)",
                              field + "." + key)
                .because(ErrorReason::unknown_field);
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
            return make_error(ErrorCode::invalid, "is required (HH:MM)", field)
                .because(ErrorReason::required);
        if (!it->is_string()) return wrong_type(field, "a time \"HH:MM\"", *it);
        auto m = parse_clock(it->get<std::string>());
        if (!m) return m.error().at(field);
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
                                      "must be a weekday from 1 (Monday) to 7 (Sunday)", p)
                        .because(ErrorReason::range, {{"min", 1}, {"max", 7}, {"unit", ""}});
                }
                const int day = d.get<int>();
                if (std::find(out.weekdays.begin(), out.weekdays.end(), day) !=
                    out.weekdays.end()) {
                    return make_error(ErrorCode::invalid, "is listed twice", p)
                        .because(ErrorReason::duplicate);
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
            return make_error(ErrorCode::invalid, "is required", field + ".text")
                .because(ErrorReason::required);
        if (!t->is_string()) return wrong_type(field + ".text", "a string", *t);
        qr.text = t->get<std::string>();
        if (auto st = read_string(v, "label", field, SlideLimits::caption_chars, false, qr.label);
            !st) {
            return st;
        }
    }
    const std::string tfield = v.is_string() ? field : field + ".text";
    if (qr.text.empty()) {
        return make_error(ErrorCode::invalid, "must not be empty", tfield)
            .because(ErrorReason::required);
    }
    if (qr.text.size() > SlideLimits::qr_text_bytes) {
        return make_error(ErrorCode::invalid,
                          "is " + std::to_string(qr.text.size()) +
                              " bytes; a QR code on a screen holds at most " +
                              std::to_string(SlideLimits::qr_text_bytes),
                          tfield)
            .because(ErrorReason::too_long,
                     {{"max", SlideLimits::qr_text_bytes}, {"unit", "bytes"}});
    }
    for (const char ch : qr.text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            return make_error(ErrorCode::invalid, "contains a control character", tfield)
                .because(ErrorReason::control_char);
    }
    out = std::move(qr);
    return {};
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
    return slide_type(t).name;
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
                          "not a time of day: \"" + std::string(t) + "\" (expected HH:MM)")
            .because(ErrorReason::format, {{"format", "time"}});
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

std::string_view to_string(VideoPlay p) {
    return p == VideoPlay::loop ? "loop" : "to_end";
}

Result<Color> parse_color(std::string_view text) {
    auto bad = [&] {
        return make_error(ErrorCode::invalid, "not a colour: \"" + std::string(text) +
                                                  "\" (expected #RRGGBB or #RRGGBBAA)")
            .because(ErrorReason::format, {{"format", "colour"}});
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
    TypeMedia own;
    if (const auto& spec = slide_type(type); spec.media) spec.media(*this, own);
    for (const auto& r : own.lead) add(r);
    add(background.media);
    for (const auto& r : own.rest) add(r);
    return refs;
}

std::vector<std::pair<std::string, std::string>> Slide::text_fields() const {
    TextFields out;
    if (!title.empty()) out.emplace_back("title", title);
    slide_type(type).text_fields(*this, out);
    if (qr && !qr->label.empty()) out.emplace_back("qr.label", qr->label);
    return out;
}

bool Slide::in_rotation() const {
    return slide_type(type).in_rotation;
}

std::optional<Timestamp> Slide::valid_until_at(std::chrono::seconds local_offset) const {
    if (valid_until.empty()) return std::nullopt;
    auto until = parse_iso8601(valid_until, local_offset, true);
    if (!until) return std::nullopt;
    return *until;
}

int Slide::pages_at(Timestamp now, std::chrono::seconds local_offset) const {
    const auto& spec = slide_type(type);
    return spec.pages_at ? spec.pages_at(*this, now, local_offset) : 1;
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
        return make_error(ErrorCode::invalid, "is required (" + type_list() + ")", type_field)
            .because(ErrorReason::required);
    }
    if (!type_it->is_string()) return wrong_type(type_field, "a string", *type_it);
    const auto type = type_it->get<std::string>();
    const SlideTypeSpec* spec = find_slide_type(type);
    if (spec == nullptr) {
        return make_error(ErrorCode::invalid,
                          "unknown slide type \"" + type + "\" (expected " + type_list() + ")",
                          type_field)
            .because(ErrorReason::one_of, {{"allowed", type_list()}});
    }
    s.type = spec->type;

    const auto& own = spec->fields;
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
        const std::string& name = key;  // a lambda cannot capture a structured binding (clang 14)
        if (std::any_of(own.begin(), own.end(),
                        [&name](const FieldSpec& f) { return f.name == name; })) {
            continue;
        }
        if (opt.reject_unknown_fields) {
            return make_error(ErrorCode::invalid, "unknown field for a " + type + " slide",
                              join(path, key))
                .because(ErrorReason::unknown_field);
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
            return make_error(ErrorCode::invalid, "must be a whole number of seconds", field)
                .because(ErrorReason::wrong_type, {{"expected", "integer"}});
        }
        if (!it->is_number_integer()) return wrong_type(field, "a whole number of seconds", *it);
        const auto d = it->get<long long>();
        if (d < SlideLimits::min_duration_s || d > SlideLimits::max_duration_s) {
            return make_error(ErrorCode::invalid,
                              "must be between " + std::to_string(SlideLimits::min_duration_s) +
                                  " and " + std::to_string(SlideLimits::max_duration_s) +
                                  " seconds, not " + std::to_string(d),
                              field)
                .because(ErrorReason::range, {{"min", SlideLimits::min_duration_s},
                                              {"max", SlideLimits::max_duration_s},
                                              {"unit", "seconds"}});
        }
        s.duration_s = static_cast<int>(d);
    }

    if (auto st = read_bool(j, "public_service", path, s.public_service); !st) return st.error();
    if (auto it = j.find("purpose"); it != j.end() && !it->is_null()) {
        const std::string pfield = join(path, "purpose");
        if (!it->is_string()) return wrong_type(pfield, "a string", *it);
        s.purpose = it->get<std::string>();
        if (std::find(kPurposes.begin(), kPurposes.end(), s.purpose) == kPurposes.end()) {
            return make_error(ErrorCode::invalid,
                              "must be public_service, notice or other, not \"" + s.purpose + "\"",
                              pfield)
                .because(ErrorReason::one_of, {{"allowed", "public_service, notice, other"}});
        }
        const bool ps = s.purpose == "public_service";
        if (j.contains("public_service") && s.public_service != ps) {
            return make_error(ErrorCode::invalid,
                              std::string("is ")
                                  .append(s.purpose)
                                  .append(" but public_service is ")
                                  .append(s.public_service ? "true" : "false"),
                              pfield);
        }
        s.public_service = ps;
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
                                                       p)
                                         .because(ErrorReason::required);
                                 }
                                 s.groups.push_back(g.get<std::string>());
                                 return {};
                             });
        !st) {
        return st.error();
    }
    if (auto st = read_array(j, "units", path, SlideLimits::max_units,
                             [&](const json& u, const std::string& p) -> Status {
                                 if (!u.is_number_integer() || u.get<std::int64_t>() <= 0) {
                                     return make_error(ErrorCode::invalid, "must be a unit's id", p)
                                         .because(ErrorReason::wrong_type,
                                                  {{"expected", "integer"}});
                                 }
                                 s.units.push_back(u.get<std::int64_t>());
                                 return {};
                             });
        !st) {
        return st.error();
    }
    if (auto it = j.find("required"); it != j.end()) {
        if (!it->is_boolean()) {
            return make_error(ErrorCode::invalid, "must be true or false", join(path, "required"))
                .because(ErrorReason::wrong_type, {{"expected", "boolean"}});
        }
        s.required = it->get<bool>();
    }
    if (auto it = j.find("qr"); it != j.end()) {
        if (auto st = read_qr(*it, join(path, "qr"), opt, s.qr); !st) return st.error();
    }

    if (auto it = j.find("background"); it != j.end()) {
        if (auto st = read_background(*it, join(path, "background"), opt, s.background); !st) {
            return st.error();
        }
    }

    if (auto st = spec->parse(j, path, opt, s); !st) return st.error();
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
    if (auto depth = check_json_depth(text); !depth) return depth.error();
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        return make_error(ErrorCode::invalid, json_syntax_message(e))
            .because(ErrorReason::json, {{"offset", e.byte > 0 ? e.byte - 1 : 0}});
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
    if (!s.purpose.empty()) j["purpose"] = s.purpose;
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
    if (!s.units.empty()) j["units"] = s.units;
    if (s.required) j["required"] = true;
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
    slide_type(s.type).to_json(s, j);
    return j;
}

}  // namespace signage::protocol
