#include "groups/group_service.hpp"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "publish/manifest_hub.hpp"
#include "publish/publisher.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

struct ScreenMove {
    Screen screen;  // in its new group
    std::string previous_group;
};

constexpr std::size_t max_group_name_chars = 64;

// Unicode spaces, invisible formatting characters and non-characters: they
// make two names look alike.
bool is_blank_or_invisible(char32_t cp) {
    return (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
           cp == 0xFEFF || cp >= 0xFFF0;
}

// Decodes one UTF-8 code point at s[i], advancing i; false for invalid UTF-8.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& cp) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;  // continuation bytes
    if (lead < 0x80) {
        cp = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        n = 1;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 2;
        cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 3;
        cp = lead & 0x07;
    } else {
        return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (c & 0x3F);
    }
    i += n + 1;
    const char32_t min[] = {0, 0x80, 0x800, 0x10000};
    return cp >= min[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

bool is_name_ascii(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

// An IANA zone name ("Asia/Shanghai", "UTC"): its syntax, and, where the
// system has a zone database, that the zone exists there.
Status check_time_zone(const std::string& zone, const std::string& field) {
    bool ok = !zone.empty() && zone.size() <= 64 && zone.front() != '/' && zone.back() != '/' &&
              zone.find("//") == std::string::npos && zone.find("..") == std::string::npos;
    for (char c : zone) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+');
    }
    if (!ok) {
        return make_error(ErrorCode::invalid,
                          "must be an IANA time zone name such as Asia/Shanghai", field)
            .because(ErrorReason::unknown_zone, {{"name", zone}});
    }
    const std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
    std::error_code ec;
    if (std::filesystem::is_directory(zoneinfo, ec) &&
        !std::filesystem::is_regular_file(zoneinfo / zone, ec)) {
        return make_error(ErrorCode::invalid, "is not a known time zone (" + zone + ")", field)
            .because(ErrorReason::unknown_zone, {{"name", zone}});
    }
    return {};
}

// Refuses keys of `body` outside `known`; `ignored` are the server's own
// fields of a view, so a client may send back what it read.
Status check_body_keys(const nlohmann::json& body, std::initializer_list<std::string_view> known,
                       std::initializer_list<std::string_view> ignored, const std::string& prefix) {
    for (const auto& [key, value] : body.items()) {
        const bool fine = std::find(known.begin(), known.end(), key) != known.end() ||
                          std::find(ignored.begin(), ignored.end(), key) != ignored.end();
        if (!fine)
            return make_error(ErrorCode::invalid, "unknown field", prefix + key)
                .because(ErrorReason::unknown_field);
    }
    return {};
}

nlohmann::json member_or_null(const nlohmann::json& body, const char* key) {
    auto it = body.find(key);
    return it == body.end() ? nlohmann::json() : *it;
}

}  // namespace

Status check_group_name(std::string_view name, const std::string& field) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < name.size(); ++chars) {
        char32_t cp = 0;
        if (!next_code_point(name, i, cp)) {
            return make_error(ErrorCode::invalid, "is not valid UTF-8", field)
                .because(ErrorReason::not_utf8);
        }
        const bool ascii_ok = cp < 0x80 && is_name_ascii(cp) && !(chars == 0 && cp == '.');
        if ((cp < 0x80 && !ascii_ok) || is_blank_or_invisible(cp)) {
            return make_error(ErrorCode::invalid,
                              "a group name has letters, digits, '-', '_' and '.' (not first); "
                              "no spaces or other punctuation",
                              field)
                .because(ErrorReason::format, {{"format", "group_name"}});
        }
    }
    if (chars == 0 || chars > max_group_name_chars) {
        return make_error(ErrorCode::invalid, "a group name has 1 to 64 characters", field)
            .because(chars == 0 ? ErrorReason::required : ErrorReason::too_long,
                     {{"max", max_group_name_chars}, {"unit", "chars"}});
    }
    return {};
}

Result<protocol::GroupSettings> read_group_settings(const nlohmann::json& settings) {
    if (settings.is_null()) return protocol::GroupSettings{};
    if (!settings.is_object())
        return make_error(ErrorCode::invalid, "must be an object", "settings")
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    if (auto st = check_body_keys(settings,
                                  {"unit_name", "slogan", "min_public_share", "power_off",
                                   "timezone", "quiz", "volume", "quiet_hours", "video_profile"},
                                  {}, "settings.");
        !st) {
        return st.error();
    }
    for (const char* windows : {"power_off", "quiet_hours"}) {
        auto list = settings.find(windows);
        if (list == settings.end() || !list->is_array()) continue;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto& part = (*list)[i];
            if (!part.is_object()) continue;  // reported by the protocol's reader
            const std::string prefix = std::string("settings.")
                                           .append(windows)
                                           .append("[")
                                           .append(std::to_string(i))
                                           .append("].");
            if (auto st = check_body_keys(part, {"from", "to"}, {}, prefix); !st) {
                return st.error();
            }
        }
    }
    if (auto profile = settings.find("video_profile");
        profile != settings.end() && profile->is_object()) {
        if (auto st =
                check_body_keys(*profile, {"max_width", "max_height", "codecs", "max_bitrate"}, {},
                                "settings.video_profile.");
            !st) {
            return st.error();
        }
    }
    auto parsed = protocol::parse_group_settings(settings, "settings");
    if (!parsed) {
        Error e = parsed.error();
        e.code = ErrorCode::invalid;
        return e;
    }
    if (auto st = check_time_zone(parsed->timezone, "settings.timezone"); !st) return st.error();
    return parsed;
}

GroupService::GroupService(Store& store, Publisher& publisher, ManifestHub& hub)
    : store_(store), publisher_(publisher), hub_(hub) {}

Result<Group> GroupService::create(const nlohmann::json& body, std::optional<std::int64_t> by) {
    if (auto st =
            check_body_keys(body, {"name", "settings"}, {"created_at", "screens", "version"}, "");
        !st) {
        return st.error();
    }
    const nlohmann::json name = member_or_null(body, "name");
    if (!name.is_string())
        return make_error(ErrorCode::invalid, "is required (a string)", "name")
            .because(ErrorReason::required);
    if (auto st = check_group_name(name.get_ref<const std::string&>()); !st) return st.error();
    auto settings = read_group_settings(member_or_null(body, "settings"));
    if (!settings) return settings.error();
    const std::string settings_json = dump_audit(protocol::to_json(*settings));
    auto group = store_.write([&](Tx& tx) -> Result<Group> {
        auto added = tx.groups().add(name.get<std::string>(), settings_json);
        if (!added) return added;
        tx.audit().record(
            by, "create", "group", added->name, "",
            dump_audit({{"name", added->name}, {"settings", signage::read_json(settings_json)}}));
        return added;
    });
    if (group) spdlog::info("group {} created", group->name);
    return group;
}

Result<Group> GroupService::get(const std::string& name) {
    auto group =
        store_.read([&](Tx& tx) -> Result<std::optional<Group>> { return tx.groups().find(name); });
    if (!group) return group.error();
    if (!*group) return make_error(ErrorCode::not_found, "no group " + name);
    return std::move(**group);
}

Result<std::vector<Group>> GroupService::list() {
    return store_.read([](Tx& tx) -> Result<std::vector<Group>> { return tx.groups().list(); });
}

Result<Group> GroupService::replace_settings(const std::string& name, const nlohmann::json& body,
                                             const User& by) {
    if (auto st =
            check_body_keys(body, {"name", "settings"}, {"created_at", "screens", "version"}, "");
        !st) {
        return st.error();
    }
    if (auto it = body.find("name"); it != body.end() && *it != name) {
        return make_error(ErrorCode::invalid, "a group cannot be renamed", "name");
    }
    if (!body.contains("settings")) {
        return make_error(ErrorCode::invalid, "is required (the group's settings)", "settings")
            .because(ErrorReason::required);
    }
    auto settings = read_group_settings(body["settings"]);
    if (!settings) return settings.error();
    return publisher_.set_group_settings(name, *settings, by);
}

Result<Screen> GroupService::move_screen(std::int64_t screen_id, const nlohmann::json& body,
                                         std::optional<std::int64_t> by) {
    if (auto st = check_body_keys(body, {"group"}, {"id", "name", "created_at", "last_seen"}, "");
        !st) {
        return st.error();
    }
    const nlohmann::json group = member_or_null(body, "group");
    if (!group.is_string())
        return make_error(ErrorCode::invalid, "is required (a group name)", "group")
            .because(ErrorReason::required);
    if (auto st = check_group_name(group.get_ref<const std::string&>(), "group"); !st) {
        return st.error();
    }
    auto moved = store_.write([&](Tx& tx) -> Result<ScreenMove> {
        auto screen = tx.screens().find(screen_id);
        if (!screen)
            return make_error(ErrorCode::not_found, "no screen " + std::to_string(screen_id));
        ScreenMove move{std::move(*screen), {}};
        move.previous_group = move.screen.group;
        auto target = tx.groups().find(group.get<std::string>());
        if (!target) {
            return make_error(ErrorCode::unprocessable,
                              "no group " + group.get<std::string>() + ": create it first", "group")
                .because(ErrorReason::unknown_group, {{"name", group.get<std::string>()}});
        }
        tx.screens().set_group(screen_id, target->id);
        tx.audit().record(by, "move", "screen", std::to_string(screen_id),
                          dump_audit({{"name", move.screen.name}, {"group", move.previous_group}}),
                          dump_audit({{"name", move.screen.name}, {"group", target->name}}));
        move.screen.group_id = target->id;
        move.screen.group = target->name;
        return move;
    });
    if (!moved) return moved.error();
    const Screen& screen = moved->screen;
    if (moved->previous_group != screen.group) {
        spdlog::info("screen {} moved from group {} to {}", screen.name, moved->previous_group,
                     screen.group);
        auto snap = hub_.current(screen.group);
        if (snap) {
            hub_.reassign_screen(screen.id, *snap);
        } else {
            // It gets its new manifest at its next poll all the same.
            spdlog::warn("screen {}: cannot load group {}'s manifest: {}", screen.name,
                         screen.group, snap.error().to_string());
        }
    }
    return std::move(moved->screen);
}

nlohmann::json GroupService::view(const Group& group) {
    auto settings = group_settings(group);
    auto snap = hub_.current(group.name);
    return {{"name", group.name},
            {"created_at", group.created_at},
            {"screens", group.screens},
            {"version", snap ? (*snap)->version : std::string{}},
            {"settings",
             settings ? protocol::to_json(*settings) : signage::read_json(group.settings_json)}};
}

nlohmann::json screen_view(const Screen& screen) {
    return {{"id", std::to_string(screen.id)},
            {"name", screen.name},
            {"group", screen.group},
            {"created_at", screen.created_at},
            {"revoked", screen.revoked},
            {"last_seen", screen.last_seen.empty() ? nlohmann::json(nullptr)
                                                   : nlohmann::json(screen.last_seen)}};
}

}  // namespace signage::server
