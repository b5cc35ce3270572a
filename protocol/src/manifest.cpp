#include "protocol/manifest.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/sha256.hpp"

namespace signage::protocol {

using nlohmann::json;

const MediaRef* Manifest::find_media(std::string_view sha256) const {
    auto it = std::find_if(media.begin(), media.end(),
                           [&](const MediaRef& m) { return m.sha256 == sha256; });
    return it == media.end() ? nullptr : &*it;
}

namespace {

Status read_string_field(const json& j, const char* name, bool required, std::string& out) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required)
            return make_error(ErrorCode::invalid, "is required", name)
                .because(ErrorReason::required);
        return {};
    }
    if (!it->is_string())
        return make_error(ErrorCode::invalid, "must be a string", name)
            .because(ErrorReason::wrong_type, {{"expected", "string"}});
    out = it->get<std::string>();
    return {};
}

// [{"from": "HH:MM", "to": "HH:MM"}, …]; `why_differ` says why from and to
// must differ.
Result<std::vector<DayPart>> parse_day_parts(const json& v, const std::string& field,
                                             const char* why_differ) {
    if (!v.is_array())
        return make_error(ErrorCode::invalid, "must be an array", field)
            .because(ErrorReason::wrong_type, {{"expected", "list"}});
    std::vector<DayPart> parts;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto& e = v[i];
        const std::string p = field + "[" + std::to_string(i) + "]";
        if (!e.is_object())
            return make_error(ErrorCode::invalid, "must be an object", p)
                .because(ErrorReason::wrong_type, {{"expected", "object"}});
        DayPart d;
        for (auto [name, target] : {std::pair{"from", &d.from_min}, std::pair{"to", &d.to_min}}) {
            auto it = e.find(name);
            if (it == e.end() || !it->is_string()) {
                return make_error(ErrorCode::invalid, "is required (HH:MM)", p + "." + name)
                    .because(ErrorReason::required);
            }
            auto m = parse_clock(it->get<std::string>());
            if (!m) return m.error().at(p + "." + name);
            *target = *m;
        }
        if (d.from_min == d.to_min) {
            return make_error(ErrorCode::invalid,
                              std::string("must differ from from (").append(why_differ).append(")"),
                              p + ".to")
                .because(ErrorReason::not_after, {{"other", p + ".from"}});
        }
        parts.push_back(d);
    }
    return parts;
}

json day_parts_json(const std::vector<DayPart>& parts) {
    json out = json::array();
    for (const auto& d : parts) {
        out.push_back({{"from", format_clock(d.from_min)}, {"to", format_clock(d.to_min)}});
    }
    return out;
}

constexpr std::array<std::string_view, 4> kProfileCodecs{"h264", "hevc", "vp8", "vp9"};

}  // namespace

Result<VideoProfile> parse_video_profile(const json& j, const std::string& path) {
    VideoProfile p;
    if (j.is_null()) return p;
    if (!j.is_object())
        return make_error(ErrorCode::invalid, "must be an object", path)
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    for (const auto& [key, v] : j.items()) {
        const std::string field = path + "." + key;
        if (key == "max_width" || key == "max_height") {
            if (!v.is_number_integer() || v.get<std::int64_t>() < 64 ||
                v.get<std::int64_t>() > VideoProfile::max_side) {
                return make_error(ErrorCode::invalid,
                                  "must be a whole number of pixels from 64 to " +
                                      std::to_string(VideoProfile::max_side),
                                  field)
                    .because(ErrorReason::range,
                             {{"min", 64}, {"max", VideoProfile::max_side}, {"unit", "px"}});
            }
            (key == "max_width" ? p.max_width : p.max_height) = v.get<int>();
        } else if (key == "max_bitrate") {
            if (!v.is_number_integer() || v.get<std::int64_t>() < 100'000 ||
                v.get<std::int64_t>() > 100'000'000) {
                return make_error(ErrorCode::invalid,
                                  "must be a whole number of bits per second from 100000 to "
                                  "100000000",
                                  field)
                    .because(ErrorReason::range,
                             {{"min", 100'000}, {"max", 100'000'000}, {"unit", "bits_per_second"}});
            }
            p.max_bitrate = v.get<std::int64_t>();
        } else if (key == "codecs") {
            if (!v.is_array() || v.empty())
                return make_error(ErrorCode::invalid, "must be a list of codecs", field)
                    .because(ErrorReason::wrong_type, {{"expected", "list"}});
            std::vector<std::string> codecs;
            for (std::size_t i = 0; i < v.size(); ++i) {
                const std::string at = field + "[" + std::to_string(i) + "]";
                if (!v[i].is_string() ||
                    std::find(kProfileCodecs.begin(), kProfileCodecs.end(),
                              v[i].get<std::string>()) == kProfileCodecs.end()) {
                    return make_error(ErrorCode::invalid, "must be one of h264, hevc, vp8, vp9", at)
                        .because(ErrorReason::one_of, {{"allowed", "h264, hevc, vp8, vp9"}});
                }
                const auto name = v[i].get<std::string>();
                if (std::find(codecs.begin(), codecs.end(), name) == codecs.end())
                    codecs.push_back(name);
            }
            if (std::find(codecs.begin(), codecs.end(), "h264") == codecs.end()) {
                return make_error(ErrorCode::invalid,
                                  "must include h264 (films are converted to it)", field)
                    .because(ErrorReason::required);
            }
            p.codecs = std::move(codecs);
        }
    }
    return p;
}

json to_json(const VideoProfile& p) {
    return {{"max_width", p.max_width},
            {"max_height", p.max_height},
            {"codecs", p.codecs},
            {"max_bitrate", p.max_bitrate}};
}

Result<GroupSettings> parse_group_settings(const json& j, const std::string& path) {
    GroupSettings g;
    if (j.is_null()) return g;
    if (!j.is_object())
        return make_error(ErrorCode::invalid, "must be an object", path)
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    for (const auto& [key, v] : j.items()) {
        const std::string field = path + "." + key;
        if (key == "unit_name" || key == "slogan" || key == "timezone") {
            if (!v.is_string())
                return make_error(ErrorCode::invalid, "must be a string", field)
                    .because(ErrorReason::wrong_type, {{"expected", "string"}});
            const auto text = v.get<std::string>();
            if (utf8_length(text) > SlideLimits::short_field_chars) {
                return make_error(ErrorCode::invalid,
                                  "is longer than " +
                                      std::to_string(SlideLimits::short_field_chars) +
                                      " characters",
                                  field)
                    .because(ErrorReason::too_long,
                             {{"max", SlideLimits::short_field_chars}, {"unit", "chars"}});
            }
            for (const char ch : text) {
                const auto c = static_cast<unsigned char>(ch);
                if (c < 0x20 || c == 0x7f) {
                    return make_error(ErrorCode::invalid, "contains a control character", field)
                        .because(ErrorReason::control_char);
                }
            }
            if (key == "unit_name") {
                g.unit_name = text;
            } else if (key == "slogan") {
                g.slogan = text;
            } else {
                if (text.empty())
                    return make_error(ErrorCode::invalid, "must name a time zone", field)
                        .because(ErrorReason::required);
                g.timezone = text;
            }
        } else if (key == "min_public_share") {
            if (!v.is_number())
                return make_error(ErrorCode::invalid, "must be a number from 0 to 1", field)
                    .because(ErrorReason::wrong_type, {{"expected", "number"}});
            const double share = v.get<double>();
            if (!(share >= 0.0 && share <= 1.0)) {
                return make_error(ErrorCode::invalid, "must be between 0 and 1 (0.3 is 30%)", field)
                    .because(ErrorReason::range, {{"min", 0}, {"max", 1}, {"unit", ""}});
            }
            g.min_public_share = share;
        } else if (key == "quiz") {
            auto quiz = parse_quiz_settings(v, field);
            if (!quiz) return quiz.error();
            g.quiz = *quiz;
        } else if (key == "power_off" || key == "quiet_hours") {
            auto parts = parse_day_parts(
                v, field,
                key == "power_off" ? "a screen cannot be off all day" : "use volume 0 for silence");
            if (!parts) return parts.error();
            (key == "power_off" ? g.power_off : g.quiet_hours) = std::move(*parts);
        } else if (key == "volume") {
            if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
                v.get<std::int64_t>() > 100) {
                return make_error(ErrorCode::invalid, "must be a whole number from 0 to 100", field)
                    .because(ErrorReason::range, {{"min", 0}, {"max", 100}, {"unit", ""}});
            }
            g.volume = v.get<int>();
        } else if (key == "video_profile") {
            auto profile = parse_video_profile(v, field);
            if (!profile) return profile.error();
            g.video_profile = std::move(*profile);
        }
        // Unknown keys: settings from a newer server are read leniently.
    }
    return g;
}

json to_json(const GroupSettings& g) {
    return {{"unit_name", g.unit_name},
            {"slogan", g.slogan},
            {"min_public_share", g.min_public_share},
            {"power_off", day_parts_json(g.power_off)},
            {"timezone", g.timezone},
            {"quiz", to_json(g.quiz)},
            {"volume", g.volume},
            {"quiet_hours", day_parts_json(g.quiet_hours)},
            {"video_profile", to_json(g.video_profile)}};
}

// A film's facts, leniently: what is missing or of another kind stays at
// its default.
MediaVideo parse_media_video(const json& j) {
    MediaVideo v;
    if (auto d = j.find("duration_ms"); d != j.end() && d->is_number_integer()) {
        v.duration_ms = std::max<std::int64_t>(0, d->get<std::int64_t>());
    }
    auto side = [&j](const char* name) {
        auto it = j.find(name);
        if (it == j.end() || !it->is_number_integer()) return 0;
        const auto n = it->get<std::int64_t>();
        return n > 0 && n <= 65535 ? static_cast<int>(n) : 0;
    };
    v.width = side("width");
    v.height = side("height");
    if (auto c = j.find("codec"); c != j.end() && c->is_string()) v.codec = c->get<std::string>();
    return v;
}

Result<Manifest> parse_manifest(const json& j) {
    if (!j.is_object())
        return make_error(ErrorCode::invalid, "must be a JSON object", "manifest")
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    Manifest m;
    if (auto st = read_string_field(j, "version", true, m.version); !st) return st.error();
    if (m.version.empty())
        return make_error(ErrorCode::invalid, "must not be empty", "version")
            .because(ErrorReason::required);
    if (auto st = read_string_field(j, "group", false, m.group); !st) return st.error();
    if (auto st = read_string_field(j, "published_at", false, m.published_at); !st) {
        return st.error();
    }

    if (auto it = j.find("settings"); it != j.end()) {
        auto settings = parse_group_settings(*it);
        if (!settings) return settings.error();
        m.settings = std::move(*settings);
    }

    if (auto it = j.find("media"); it != j.end() && !it->is_null()) {
        if (!it->is_array())
            return make_error(ErrorCode::invalid, "must be an array", "media")
                .because(ErrorReason::wrong_type, {{"expected", "list"}});
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& e = (*it)[i];
            const std::string path = "media[" + std::to_string(i) + "]";
            if (!e.is_object())
                return make_error(ErrorCode::invalid, "must be an object", path)
                    .because(ErrorReason::wrong_type, {{"expected", "object"}});
            MediaRef ref;
            auto sha = e.find("sha256");
            if (sha == e.end() || !sha->is_string() || !is_sha256_hex(sha->get<std::string>())) {
                return make_error(ErrorCode::invalid, "must be 64 lowercase hex digits",
                                  path + ".sha256");
            }
            ref.sha256 = sha->get<std::string>();
            auto size = e.find("size");
            if (size == e.end() || !size->is_number_integer() || size->get<long long>() < 0) {
                return make_error(ErrorCode::invalid, "must be a non-negative whole number",
                                  path + ".size");
            }
            ref.size = size->get<std::int64_t>();
            if (auto ct = e.find("content_type"); ct != e.end() && ct->is_string()) {
                ref.content_type = ct->get<std::string>();
            }
            if (auto video = e.find("video"); video != e.end() && video->is_object()) {
                ref.video = parse_media_video(*video);
            }
            if (m.find_media(ref.sha256) != nullptr) {
                return make_error(ErrorCode::invalid, "is listed twice", path + ".sha256")
                    .because(ErrorReason::duplicate);
            }
            m.media.push_back(std::move(ref));
        }
    }

    if (auto it = j.find("items"); it != j.end() && !it->is_null()) {
        if (!it->is_array())
            return make_error(ErrorCode::invalid, "must be an array", "items")
                .because(ErrorReason::wrong_type, {{"expected", "list"}});
        SlideParseOptions opt;
        opt.reject_unknown_fields = false;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string path = "items[" + std::to_string(i) + "]";
            auto slide = parse_slide((*it)[i], opt, path);
            if (!slide) return slide.error();
            if (slide->id.empty())
                return make_error(ErrorCode::invalid, "is required", path + ".id")
                    .because(ErrorReason::required);
            if (!slide->media.empty() && m.find_media(slide->media) == nullptr) {
                return make_error(ErrorCode::invalid, "is not listed in the manifest's media",
                                  path + ".media");
            }
            if (!slide->background.media.empty() &&
                m.find_media(slide->background.media) == nullptr) {
                return make_error(ErrorCode::invalid, "is not listed in the manifest's media",
                                  path + ".background.media");
            }
            for (std::size_t k = 0; k < slide->entries.size(); ++k) {
                const auto& photo = slide->entries[k].photo;
                if (!photo.empty() && m.find_media(photo) == nullptr) {
                    return make_error(ErrorCode::invalid, "is not listed in the manifest's media",
                                      path + ".entries[" + std::to_string(k) + "].photo");
                }
            }
            m.items.push_back(std::move(*slide));
        }
    }
    if (auto it = j.find("quiz"); it != j.end() && !it->is_null()) {
        if (!it->is_array())
            return make_error(ErrorCode::invalid, "must be an array", "quiz")
                .because(ErrorReason::wrong_type, {{"expected", "list"}});
        if (it->size() > QuizLimits::max_questions) {
            return make_error(ErrorCode::invalid, "has too many questions", "quiz");
        }
        QuestionParseOptions opt;
        opt.reject_unknown_fields = false;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string path = "quiz[" + std::to_string(i) + "]";
            auto q = parse_question((*it)[i], opt, path);
            if (!q) return q.error();
            if (q->id.empty())
                return make_error(ErrorCode::invalid, "is required", path + ".id")
                    .because(ErrorReason::required);
            m.quiz.push_back(std::move(*q));
        }
    }
    return m;
}

Result<Manifest> parse_manifest_text(std::string_view text) {
    if (auto depth = check_json_depth(text, "manifest"); !depth) return depth.error();
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        // parse_error, or out_of_range for a number too large for a double.
        return make_error(ErrorCode::invalid,
                          std::string("manifest is not valid JSON: ") + e.what());
    }
    return parse_manifest(j);
}

json to_json(const Manifest& m) {
    json items = json::array();
    for (const auto& s : m.items) items.push_back(to_json(s));
    json media = json::array();
    for (const auto& r : m.media) {
        json ref = {{"sha256", r.sha256}, {"size", r.size}, {"content_type", r.content_type}};
        if (r.video) {
            ref["video"] = {{"duration_ms", r.video->duration_ms},
                            {"width", r.video->width},
                            {"height", r.video->height},
                            {"codec", r.video->codec}};
        }
        media.push_back(std::move(ref));
    }
    json quiz = json::array();
    for (const auto& q : m.quiz) quiz.push_back(to_json(q));
    return {{"version", m.version},           {"group", m.group},
            {"published_at", m.published_at}, {"settings", to_json(m.settings)},
            {"items", std::move(items)},      {"media", std::move(media)},
            {"quiz", std::move(quiz)}};
}

std::string content_version(const Manifest& m) {
    json j = to_json(m);
    j.erase("version");
    j.erase("published_at");
    return sha256_hex(j.dump()).substr(0, 20);
}

}  // namespace signage::protocol
