#include "units/unit_service.hpp"

#include <charconv>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/text.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

constexpr std::size_t max_unit_name_chars = 40;

// 1 to 40 characters, no control or invisible ones, no space at either end.
Status check_unit_name(const nlohmann::json& value) {
    if (value.is_null()) {
        return make_error(ErrorCode::invalid, "is required: the unit's name", "name")
            .because(ErrorReason::required);
    }
    if (!value.is_string()) {
        return make_error(ErrorCode::invalid, "must be the unit's name (text)", "name")
            .because(ErrorReason::wrong_type, {{"expected", "string"}});
    }
    const std::string& name = value.get_ref<const std::string&>();
    std::size_t chars = 0;
    for (std::size_t i = 0; i < name.size(); ++chars) {
        char32_t cp = 0;
        if (!next_code_point(name, i, cp)) {
            return make_error(ErrorCode::invalid, "is not valid UTF-8", "name")
                .because(ErrorReason::not_utf8);
        }
        if (cp < 0x20 || cp == 0x7F) {
            return make_error(ErrorCode::invalid, "must be one line without control characters",
                              "name")
                .because(ErrorReason::control_char);
        }
        if (cp != ' ' && is_blank_or_invisible(cp)) {
            return make_error(ErrorCode::invalid, "has an invisible or unusual space character",
                              "name")
                .because(ErrorReason::control_char);
        }
    }
    if (chars == 0 || name.front() == ' ' || name.back() == ' ') {
        return make_error(ErrorCode::invalid, "a unit's name has 1 to 40 characters, not blank",
                          "name")
            .because(ErrorReason::required);
    }
    if (chars > max_unit_name_chars) {
        return make_error(ErrorCode::invalid, "a unit's name has at most 40 characters", "name")
            .because(ErrorReason::too_long, {{"max", max_unit_name_chars}, {"unit", "chars"}});
    }
    return {};
}

// {"min_public_share": 0..1} or nothing; normalised JSON text.
Result<std::string> read_unit_settings(const nlohmann::json& value) {
    if (value.is_null()) return std::string("{}");
    if (!value.is_object()) {
        return make_error(ErrorCode::invalid, "must be an object", "settings")
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, v] : value.items()) {
        if (key != "min_public_share") {
            return make_error(ErrorCode::invalid, "unknown field", "settings." + key)
                .because(ErrorReason::unknown_field);
        }
        if (v.is_null()) continue;
        if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 1.0)) {
            return make_error(ErrorCode::invalid, "must be a number from 0 to 1 (0.3 is 30%)",
                              "settings.min_public_share")
                .because(ErrorReason::range, {{"min", 0}, {"max", 1}, {"unit", ""}});
        }
        out["min_public_share"] = v.get<double>();
    }
    return dump_audit(out);
}

Error no_unit(std::int64_t id) {
    return make_error(ErrorCode::not_found, "no unit " + std::to_string(id));
}

std::string holdings_text(const UnitHoldings& h) {
    std::string out;
    const auto add = [&out](std::int64_t n, const char* what) {
        if (n == 0) return;
        if (!out.empty()) out += ", ";
        out += std::to_string(n) + " " + what;
    };
    add(h.units, "units");
    add(h.users, "staff");
    add(h.groups, "groups");
    add(h.slides, "slides");
    add(h.questions, "quiz questions");
    add(h.media, "media");
    return out;
}

}  // namespace

UnitService::UnitService(Store& store) : store_(store) {}

Result<std::shared_ptr<const UnitTree>> UnitService::tree() {
    return store_.read(
        [&](Tx& tx) -> Result<std::shared_ptr<const UnitTree>> { return tx.unit_tree(); });
}

Result<std::int64_t> body_unit(Store& store, const User& by, const nlohmann::json& body) {
    const auto it = body.is_object() ? body.find("unit") : body.end();
    if (!body.is_object() || it == body.end() || it->is_null()) return by.unit_id;
    return store.read([&](Tx& tx) -> Result<std::int64_t> {
        return own_unit_of(*tx.unit_tree(), by, *it, "unit");
    });
}

Result<std::int64_t> query_unit(Store& store, const User& by,
                                const std::optional<std::string>& text) {
    if (!text || text->empty()) return by.unit_id;
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
    const bool number = ec == std::errc{} && end == text->data() + text->size() && id > 0;
    if (number) {
        auto reachable = store.read(
            [&](Tx& tx) -> Result<bool> { return tx.unit_tree()->within(id, by.unit_id); });
        if (!reachable) return reachable.error();
        if (*reachable) return id;
    }
    return make_error(ErrorCode::not_found, "no unit " + *text, "unit");
}

Result<std::int64_t> own_unit_of(const UnitTree& tree, const User& by, const nlohmann::json& value,
                                 const std::string& field) {
    if (value.is_null()) return by.unit_id;
    if (!value.is_number_integer()) {
        return make_error(ErrorCode::invalid, "must be a unit's id (an integer)", field)
            .because(ErrorReason::wrong_type, {{"expected", "integer"}});
    }
    const std::int64_t id = value.get<std::int64_t>();
    if (!tree.within(id, by.unit_id)) {
        return make_error(ErrorCode::unprocessable, "no unit " + std::to_string(id), field)
            .because(ErrorReason::unknown_unit, {{"id", id}});
    }
    return id;
}

nlohmann::json unit_view(const UnitTree& tree, const Unit& unit, const User& by) {
    nlohmann::json j = {{"id", unit.id},
                        {"name", unit.name},
                        {"parent", unit.parent ? nlohmann::json(*unit.parent) : nlohmann::json()},
                        {"depth", tree.depth(unit.id)},
                        {"scope", reach_of(tree, by, unit.id) == Reach::own ? "own" : "above"}};
    auto settings = signage::read_json(unit.settings_json);
    j["settings"] = settings.is_object() ? settings : nlohmann::json::object();
    const auto floor = tree.share_floor(unit.id);
    j["share_floor"] = floor ? nlohmann::json(*floor) : nlohmann::json();
    j["created_at"] = unit.created_at;
    return j;
}

Result<nlohmann::json> UnitService::list(const User& by) {
    auto t = tree();
    if (!t) return t.error();
    const UnitTree& tr = **t;
    nlohmann::json units = nlohmann::json::array();
    for (const std::int64_t id : tr.chain(by.unit_id)) {
        if (id != by.unit_id) units.push_back(unit_view(tr, *tr.find(id), by));
    }
    for (const std::int64_t id : tr.subtree(by.unit_id)) {
        units.push_back(unit_view(tr, *tr.find(id), by));
    }
    return nlohmann::json{{"units", std::move(units)}, {"home", by.unit_id}};
}

Result<nlohmann::json> UnitService::get(std::int64_t id, const User& by) {
    return store_.read([&](Tx& tx) -> Result<nlohmann::json> {
        auto t = tx.unit_tree();
        const Unit* unit = t->find(id);
        if (!unit || reach_of(*t, by, id) == Reach::none) return no_unit(id);
        nlohmann::json j = unit_view(*t, *unit, by);
        if (reach_of(*t, by, id) == Reach::own) {
            const UnitHoldings h = tx.units().holdings(id);
            j["holds"] = {{"units", h.units},   {"users", h.users},         {"groups", h.groups},
                          {"slides", h.slides}, {"questions", h.questions}, {"media", h.media}};
        }
        return j;
    });
}

Result<nlohmann::json> UnitService::create(const nlohmann::json& body, const User& by) {
    if (auto st = only_fields(body, {"name", "parent", "settings"}); !st) return st.error();
    const auto name = body.contains("name") ? body.at("name") : nlohmann::json();
    if (auto st = check_unit_name(name); !st) return st.error();
    auto settings =
        read_unit_settings(body.contains("settings") ? body.at("settings") : nlohmann::json());
    if (!settings) return settings.error();
    auto made = store_.write([&](Tx& tx) -> Result<nlohmann::json> {
        auto t = tx.unit_tree();
        auto parent = own_unit_of(
            *t, by, body.contains("parent") ? body.at("parent") : nlohmann::json(), "parent");
        if (!parent) return parent.error();
        auto unit = tx.units().add(name.get<std::string>(), *parent, *settings);
        if (!unit) return unit.error();
        tx.audit().record(by.id, "create", "unit", std::to_string(unit->id), "",
                          dump_audit({{"name", unit->name},
                                      {"parent", *parent},
                                      {"settings", signage::read_json(unit->settings_json)}}),
                          unit->id);
        std::vector<Unit> units = t->units();
        units.push_back(*unit);
        const UnitTree next(std::move(units), -1);
        return unit_view(next, *unit, by);
    });
    if (made) spdlog::info("unit {} created", made->at("name").get<std::string>());
    return made;
}

Result<nlohmann::json> UnitService::update(std::int64_t id, const nlohmann::json& body,
                                           const User& by) {
    if (auto st = only_fields(body, {"name", "settings", "id", "parent", "depth", "scope",
                                     "share_floor", "created_at", "holds"});
        !st) {
        return st.error();
    }
    if (body.contains("name")) {
        if (auto st = check_unit_name(body.at("name")); !st) return st.error();
    }
    std::optional<std::string> settings;
    if (body.contains("settings")) {
        auto read = read_unit_settings(body.at("settings"));
        if (!read) return read.error();
        settings = *read;
    }
    return store_.write([&](Tx& tx) -> Result<nlohmann::json> {
        auto t = tx.unit_tree();
        const Unit* found = t->find(id);
        if (!found || reach_of(*t, by, id) == Reach::none) return no_unit(id);
        if (reach_of(*t, by, id) == Reach::above) {
            return make_error(ErrorCode::forbidden,
                              "unit " + found->name + " is above yours: only its admins change it");
        }
        Unit unit = *found;
        const nlohmann::json before = {{"name", unit.name},
                                       {"settings", signage::read_json(unit.settings_json)}};
        if (body.contains("name")) unit.name = body.at("name").get<std::string>();
        if (settings) unit.settings_json = *settings;
        if (auto st = tx.units().update(unit); !st) return st.error();
        tx.audit().record(
            by.id, "update", "unit", std::to_string(id), dump_audit(before),
            dump_audit({{"name", unit.name}, {"settings", signage::read_json(unit.settings_json)}}),
            id);
        std::vector<Unit> units = t->units();
        for (Unit& u : units) {
            if (u.id == id) u = unit;
        }
        const UnitTree next(std::move(units), -1);
        return unit_view(next, unit, by);
    });
}

Status UnitService::remove(std::int64_t id, const User& by) {
    return store_.write([&](Tx& tx) -> Status {
        auto t = tx.unit_tree();
        const Unit* unit = t->find(id);
        if (!unit || reach_of(*t, by, id) == Reach::none) return no_unit(id);
        if (reach_of(*t, by, id) == Reach::above || id == by.unit_id) {
            return make_error(
                ErrorCode::forbidden,
                "unit " + unit->name + " is yours or above yours: an admin above it deletes it");
        }
        const UnitHoldings h = tx.units().holdings(id);
        const std::string holds = holdings_text(h);
        if (!holds.empty()) {
            // The path names the unit: no field. The counts let a console
            // say what it holds in its own words.
            return make_error(ErrorCode::conflict, "unit " + unit->name + " still holds " + holds +
                                                       ": move or delete them first")
                .because(ErrorReason::not_empty, {{"what", holds},
                                                  {"name", unit->name},
                                                  {"units", h.units},
                                                  {"users", h.users},
                                                  {"groups", h.groups},
                                                  {"slides", h.slides},
                                                  {"questions", h.questions},
                                                  {"media", h.media}});
        }
        if (!tx.units().remove(id)) return no_unit(id);
        tx.audit().record(by.id, "delete", "unit", std::to_string(id),
                          dump_audit({{"name", unit->name}, {"parent", *unit->parent}}), "",
                          *unit->parent);
        return {};
    });
}

}  // namespace signage::server
