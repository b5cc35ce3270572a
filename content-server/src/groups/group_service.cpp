#include "groups/group_service.hpp"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/text.hpp"
#include "publish/manifest_hub.hpp"
#include "publish/publisher.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"
#include "units/unit_service.hpp"

namespace signage::server {
namespace {

struct ScreenMove {
    Screen screen;  // in its new group
    std::string previous_group;
};

constexpr std::size_t max_group_name_chars = 64;

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

Result<Group> GroupService::create(const nlohmann::json& body, const User& by) {
    if (auto st = check_body_keys(body, {"name", "settings", "unit"},
                                  {"created_at", "screens", "version", "unit_name", "origin"}, "");
        !st) {
        return st.error();
    }
    const nlohmann::json name = member_or_null(body, "name");
    if (!name.is_string())
        return make_error(ErrorCode::invalid, "is required (a string)", "name")
            .because(ErrorReason::required);
    if (auto st = check_group_name(name.get_ref<const std::string&>()); !st) return st.error();
    const nlohmann::json asked = member_or_null(body, "settings");
    auto settings = read_group_settings(asked);
    if (!settings) return settings.error();
    std::string settings_json;
    auto group = store_.write([&](Tx& tx) -> Result<Group> {
        const auto tree = tx.unit_tree();
        auto unit = own_unit_of(*tree, by, member_or_null(body, "unit"), "unit");
        if (!unit) return unit.error();
        // A new group without a share of its own starts at its unit's floor
        // when that is above the default; a share it names must meet it.
        if (!asked.is_object() || !asked.contains("min_public_share")) {
            settings->min_public_share =
                std::max(settings->min_public_share, tree->share_floor(*unit).value_or(0.0));
        }
        if (auto st = check_share_floor(*tree, *unit, settings->min_public_share); !st) {
            return st.error();
        }
        settings_json = dump_audit(protocol::to_json(*settings));
        auto added = tx.groups().add(name.get<std::string>(), settings_json, *unit);
        if (!added) return added;
        tx.audit().record(actor_id(by), "create", "group", added->name, "",
                          dump_audit({{"name", added->name},
                                      {"unit", *unit},
                                      {"settings", signage::read_json(settings_json)}}),
                          *unit);
        return added;
    });
    if (group) spdlog::info("group {} created", group->name);
    return group;
}

Result<Group> GroupService::get(const std::string& name, const User& by) {
    return store_.read([&](Tx& tx) -> Result<Group> { return find_own(tx, name, by); });
}

Result<Group> find_own(Tx& tx, const std::string& name, const User& by) {
    auto group = tx.groups().find(name);
    if (!group || !tx.unit_tree()->within(group->unit_id, by.unit_id)) {
        return make_error(ErrorCode::not_found, "no group " + name);
    }
    return std::move(*group);
}

Result<std::vector<Group>> GroupService::list(const User& by, std::int64_t unit) {
    return store_.read([&](Tx& tx) -> Result<std::vector<Group>> {
        const auto tree = tx.unit_tree();
        const std::int64_t top = unit == 0 ? by.unit_id : unit;
        std::vector<Group> out;
        for (Group& g : tx.groups().list()) {
            if (tree->within(g.unit_id, top) && tree->within(g.unit_id, by.unit_id)) {
                out.push_back(std::move(g));
            }
        }
        return out;
    });
}

Result<std::vector<Group>> GroupService::list_all() {
    return store_.read([](Tx& tx) -> Result<std::vector<Group>> { return tx.groups().list(); });
}

Status check_share_floor(const UnitTree& tree, std::int64_t unit, double share) {
    const auto floor = tree.share_floor(unit);
    if (!floor || share + 1e-9 >= *floor) return {};
    const std::string by = tree.name(tree.share_floor_unit(unit));
    const std::string min = nlohmann::json(*floor).dump();
    return make_error(ErrorCode::invalid, "must be at least " + min + ", the floor " + by + " sets",
                      "settings.min_public_share")
        .because(ErrorReason::below_floor, {{"min", min}, {"unit", by}});
}

Result<Group> GroupService::replace_settings(const std::string& name, const nlohmann::json& body,
                                             const User& by) {
    if (auto st = check_body_keys(
            body, {"name", "settings"},
            {"created_at", "screens", "version", "unit", "unit_name", "origin"}, "");
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
    auto floor = store_.read([&](Tx& tx) -> Status {
        auto group = find_own(tx, name, by);
        if (!group) return group.error();
        return check_share_floor(*tx.unit_tree(), group->unit_id, settings->min_public_share);
    });
    if (!floor) return floor.error();
    return publisher_.set_group_settings(name, *settings, by);
}

Result<Screen> GroupService::move_screen(std::int64_t screen_id, const nlohmann::json& body,
                                         const User& by) {
    if (auto st = check_body_keys(body, {"group"},
                                  {"id", "name", "created_at", "last_seen", "unit", "revoked"}, "");
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
        const auto tree = tx.unit_tree();
        auto screen = tx.screens().find(screen_id);
        if (!screen || !tree->within(screen->unit_id, by.unit_id))
            return make_error(ErrorCode::not_found, "no screen " + std::to_string(screen_id));
        ScreenMove move{std::move(*screen), {}};
        move.previous_group = move.screen.group;
        auto target = tx.groups().find(group.get<std::string>());
        if (!target || !tree->within(target->unit_id, by.unit_id)) {
            return make_error(ErrorCode::unprocessable,
                              "no group " + group.get<std::string>() + ": create it first", "group")
                .because(ErrorReason::unknown_group, {{"name", group.get<std::string>()}});
        }
        tx.screens().set_group(screen_id, target->id);
        tx.audit().record(actor_id(by), "move", "screen", std::to_string(screen_id),
                          dump_audit({{"name", move.screen.name}, {"group", move.previous_group}}),
                          dump_audit({{"name", move.screen.name}, {"group", target->name}}),
                          target->unit_id);
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
            {"unit", group.unit_id},
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
            {"unit", screen.unit_id},
            {"created_at", screen.created_at},
            {"revoked", screen.revoked},
            {"last_seen", screen.last_seen.empty() ? nlohmann::json(nullptr)
                                                   : nlohmann::json(screen.last_seen)}};
}

}  // namespace signage::server
