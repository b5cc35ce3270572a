#include "protocol/play.hpp"

#include <algorithm>

#include "protocol/time.hpp"

namespace signage::protocol {

using nlohmann::json;

namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

std::string play_field(const std::string& path, std::string_view key) {
    std::string out = path;
    if (!out.empty()) out += '.';
    out += key;
    return out;
}

bool play_token_ok(const std::string& s, std::size_t min, std::size_t max) {
    return s.size() >= min && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
           });
}

// A count of UTF-8 code points (the text was already checked by the JSON reader).
std::size_t play_code_points(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string_view to_string(PlayKind k) {
    switch (k) {
        case PlayKind::item:
            return "item";
        case PlayKind::emergency:
            return "emergency";
        case PlayKind::quiz_invitation:
            return "quiz_invitation";
    }
    return "item";
}

std::string format_iso8601_ms(std::int64_t unix_ms) {
    const auto ms =
        std::chrono::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{unix_ms}};
    const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
    std::string text = format_iso8601(secs);  // "...:SSZ"
    const auto frac = (ms - secs).count();
    text.pop_back();
    text += '.';
    text += static_cast<char>('0' + frac / 100);
    text += static_cast<char>('0' + frac / 10 % 10);
    text += static_cast<char>('0' + frac % 10);
    text += 'Z';
    return text;
}

Result<std::int64_t> parse_iso8601_ms(std::string_view text) {
    const auto bad = [] {
        return make_error(ErrorCode::invalid, "must be a UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ)");
    };
    // "YYYY-MM-DDTHH:MM:SS" is 19 characters, then ".mmm" or nothing, then "Z".
    if (text.size() < 20 || text.back() != 'Z' || text[10] != 'T') return bad();
    std::int64_t frac = 0;
    std::string whole(text.substr(0, 19));
    const std::string_view rest = text.substr(19, text.size() - 20);
    if (!rest.empty()) {
        if (rest.size() != 4 || rest[0] != '.') return bad();
        for (char c : rest.substr(1)) {
            if (c < '0' || c > '9') return bad();
            frac = frac * 10 + (c - '0');
        }
    }
    whole += 'Z';
    auto t = parse_iso8601(whole);
    if (!t) return bad();
    return std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() +
           frac;
}

Result<Play> parse_play(const json& j, const std::string& path) {
    const std::string where = path.empty() ? std::string("play") : path;
    if (!j.is_object()) return make_error(ErrorCode::invalid, "must be an object", where);
    const auto field = [&](std::string_view k) { return play_field(path, k); };
    const auto text = [&](std::string_view k) -> const json* {
        auto it = j.find(std::string(k));
        return it != j.end() && it->is_string() ? &*it : nullptr;
    };
    Play p;
    const json* id = text("id");
    if (!id || !play_token_ok(id->get<std::string>(), 8, 64)) {
        return make_error(ErrorCode::invalid,
                          "must be 8 to 64 characters of A-Z, a-z, 0-9, - and _", field("id"));
    }
    p.id = id->get<std::string>();

    const json* kind = text("kind");
    if (!kind)
        return make_error(ErrorCode::invalid, "must be item, emergency or quiz_invitation",
                          field("kind"));
    const std::string k = kind->get<std::string>();
    if (k == "item") {
        p.kind = PlayKind::item;
    } else if (k == "emergency") {
        p.kind = PlayKind::emergency;
    } else if (k == "quiz_invitation") {
        p.kind = PlayKind::quiz_invitation;
    } else {
        return make_error(ErrorCode::invalid, "must be item, emergency or quiz_invitation",
                          field("kind"));
    }

    auto loop = j.find("loop_id");
    if (p.kind == PlayKind::item) {
        if (loop == j.end() || !loop->is_string() ||
            !play_token_ok(loop->get<std::string>(), 1, 64)) {
            return make_error(ErrorCode::invalid,
                              "is required for an item: 1 to 64 characters of A-Z, a-z, 0-9, - "
                              "and _",
                              field("loop_id"));
        }
        p.loop_id = loop->get<std::string>();
    } else if (loop != j.end() && !loop->is_null() &&
               !(loop->is_string() && loop->get<std::string>().empty())) {
        return make_error(ErrorCode::invalid, "must be empty: only items belong to loops",
                          field("loop_id"));
    }
    auto loop_end = j.find("loop_end");
    if (loop_end != j.end()) {
        if (!loop_end->is_boolean()) {
            return make_error(ErrorCode::invalid, "must be true or false", field("loop_end"));
        }
        p.loop_end = loop_end->get<bool>();
        if (p.loop_end && p.kind != PlayKind::item) {
            return make_error(ErrorCode::invalid, "only an item can end a loop", field("loop_end"));
        }
    }

    auto slide = j.find("slide_id");
    if (slide == j.end() || !slide->is_string() || slide->get<std::string>().size() > 64) {
        return make_error(ErrorCode::invalid,
                          "must be the slide's id (\"\" for the built-in slide)",
                          field("slide_id"));
    }
    p.slide_id = slide->get<std::string>();
    const json* title = text("title");
    if (!title || play_code_points(title->get<std::string>()) > 200) {
        return make_error(ErrorCode::invalid, "must be text of up to 200 characters",
                          field("title"));
    }
    p.title = title->get<std::string>();

    const json* start = text("start");
    auto start_ms = start ? parse_iso8601_ms(start->get<std::string>())
                          : Result<std::int64_t>(make_error(ErrorCode::invalid, ""));
    if (!start_ms) {
        return make_error(ErrorCode::invalid, "must be a UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ)",
                          field("start"));
    }
    p.start_ms = *start_ms;
    auto duration = j.find("duration_ms");
    if (duration == j.end() || !duration->is_number_integer() ||
        duration->get<std::int64_t>() < 0 || duration->get<std::int64_t>() > kDayMs) {
        return make_error(ErrorCode::invalid, "must be whole milliseconds from 0 to 86400000",
                          field("duration_ms"));
    }
    p.duration_ms = duration->get<std::int64_t>();
    auto ps = j.find("public_service");
    if (ps == j.end() || !ps->is_boolean()) {
        return make_error(ErrorCode::invalid, "must be true or false", field("public_service"));
    }
    p.public_service = ps->get<bool>();
    if (p.kind == PlayKind::emergency && !p.public_service) {
        return make_error(ErrorCode::invalid, "an emergency notice is public service",
                          field("public_service"));
    }
    auto version = j.find("manifest_version");
    if (version == j.end() || !version->is_string() || version->get<std::string>().size() > 128) {
        return make_error(ErrorCode::invalid, "must be the manifest's version (\"\" when none)",
                          field("manifest_version"));
    }
    p.manifest_version = version->get<std::string>();
    return p;
}

json to_json(const Play& p) {
    json j{{"id", p.id},
           {"kind", std::string(to_string(p.kind))},
           {"slide_id", p.slide_id},
           {"title", p.title},
           {"start", format_iso8601_ms(p.start_ms)},
           {"duration_ms", p.duration_ms},
           {"public_service", p.public_service},
           {"manifest_version", p.manifest_version}};
    if (p.kind == PlayKind::item) {
        j["loop_id"] = p.loop_id;
        j["loop_end"] = p.loop_end;
    }
    return j;
}

Result<std::vector<Play>> parse_play_batch(const json& body) {
    auto list = body.find("plays");  // end() when the body is not an object
    if (list == body.end() || !list->is_array()) {
        return make_error(ErrorCode::unprocessable, "is required (a list of plays)", "plays");
    }
    if (list->size() > kMaxPlaysPerRequest) {
        return make_error(ErrorCode::unprocessable,
                          std::string{"has more than "} + std::to_string(kMaxPlaysPerRequest) +
                              " plays: send them in several requests",
                          "plays");
    }
    std::vector<Play> plays;
    plays.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto p = parse_play((*list)[i], std::string{"plays["} + std::to_string(i) + "]");
        if (!p) return make_error(ErrorCode::unprocessable, p.error().message, p.error().field);
        plays.push_back(std::move(*p));
    }
    return plays;
}

}  // namespace signage::protocol
