#include "screens/screen_service.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "auth/tokens.hpp"
#include "protocol/claim.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {

namespace {

// The claim tags the screens' keys use: the first 14 bits of the key id (hex).
std::set<int> claim_tags_of(const std::vector<Screen>& screens) {
    std::set<int> taken;
    for (const auto& screen : screens) {
        if (screen.claim_key_id.size() < 4) continue;
        taken.insert(std::stoi(screen.claim_key_id.substr(0, 4), nullptr, 16) >>
                     (16 - protocol::kClaimTagBits));
    }
    return taken;
}

// A new token whose claim tag is not in `taken` (while one can be found),
// and its tag added there.
std::string token_with_free_tag(std::set<int>& taken) {
    std::string token = new_token();
    for (int tries = 0; tries < 1000; ++tries) {
        const auto keys = protocol::derive_claim_keys(token);
        if (taken.insert(protocol::claim_tag(keys.public_key)).second) break;
        token = new_token();
    }
    return token;
}

}  // namespace

Result<std::string> ScreenService::new_device_token() {
    auto screens = list();
    if (!screens) return screens.error();
    std::set<int> taken = claim_tags_of(*screens);
    return token_with_free_tag(taken);
}

namespace {

// The group a screen of `unit`'s subtree joins: made in `unit` when
// missing; a group outside the subtree does not exist for it.
Status ensure_group(Tx& tx, const std::string& group, std::int64_t unit) {
    auto found = tx.groups().find(group);
    if (!found) {
        auto added = tx.groups().add(group, "{}", unit);
        if (!added) return added.error();
        return {};
    }
    if (!tx.unit_tree()->within(found->unit_id, unit)) {
        return make_error(ErrorCode::unprocessable,
                          "group " + group + " is not one of your unit's: choose another name",
                          "group")
            .because(ErrorReason::unknown_group, {{"name", group}});
    }
    return {};
}

Result<Screen> add_screen(Tx& tx, const std::string& name, const std::string& group,
                          const DeviceCredentials& device, std::optional<std::int64_t> actor,
                          std::int64_t unit) {
    if (auto st = ensure_group(tx, group, unit); !st) return st.error();
    auto screen = tx.screens().add(name, group, device);
    if (!screen) return screen;
    tx.audit().record(actor, "create", "screen", std::to_string(screen->id), "",
                      dump_audit({{"name", name}, {"group", group}}), screen->unit_id);
    return screen;
}

}  // namespace

Result<Screen> ScreenService::add(const std::string& name, const std::string& group,
                                  const DeviceCredentials& device,
                                  std::optional<std::int64_t> actor, std::int64_t unit) {
    return store_.write(
        [&](Tx& tx) -> Result<Screen> { return add_screen(tx, name, group, device, actor, unit); });
}

Result<std::vector<std::string>> ScreenService::add_many(const std::vector<std::string>& names,
                                                         const std::string& group) {
    auto screens = list();
    if (!screens) return screens.error();
    std::set<int> taken = claim_tags_of(*screens);
    std::vector<std::string> tokens;
    tokens.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) tokens.push_back(token_with_free_tag(taken));
    return store_.write([&](Tx& tx) -> Result<std::vector<std::string>> {
        for (std::size_t i = 0; i < names.size(); ++i) {
            auto screen =
                add_screen(tx, names[i], group, device_credentials(tokens[i]), {}, root_unit_id);
            if (!screen) return screen.error();
        }
        return tokens;
    });
}

Result<Screen> ScreenService::pair(const std::string& name, const std::string& group,
                                   const DeviceCredentials& device,
                                   std::optional<std::int64_t> actor, std::int64_t unit) {
    auto paired = store_.write([&](Tx& tx) -> Result<Screen> {
        auto existing = tx.screens().find_by_name(name);
        if (!existing) return add_screen(tx, name, group, device, actor, unit);
        if (!existing->revoked) {
            return make_error(
                ErrorCode::conflict,
                "screen " + name + " already exists and has a working token: revoke it first",
                "name");
        }
        if (!tx.unit_tree()->within(existing->unit_id, unit)) {
            return make_error(ErrorCode::conflict,
                              "screen " + name + " already exists: choose another name", "name")
                .because(ErrorReason::taken);
        }
        if (auto st = ensure_group(tx, group, unit); !st) return st.error();
        if (!tx.screens().reissue(existing->id, group, device)) {
            return make_error(ErrorCode::conflict,
                              "screen " + name + " changed meanwhile: try again", "name");
        }
        tx.audit().record(actor, "pair", "screen", std::to_string(existing->id),
                          dump_audit({{"name", name}, {"revoked", true}}),
                          dump_audit({{"name", name}, {"group", group}}));
        return *tx.screens().find(existing->id);
    });
    if (paired) store_.screen_cache().forget_touch(paired->id);
    return paired;
}

Result<Screen> ScreenService::revoke(std::int64_t screen_id, std::optional<std::int64_t> actor) {
    return store_.write([&](Tx& tx) -> Result<Screen> {
        if (!tx.screens().revoke(screen_id)) {
            return make_error(ErrorCode::not_found, "no screen " + std::to_string(screen_id));
        }
        Screen screen = *tx.screens().find(screen_id);
        tx.audit().record(actor, "revoke", "screen", std::to_string(screen_id),
                          dump_audit({{"name", screen.name}, {"revoked", false}}),
                          dump_audit({{"name", screen.name}, {"revoked", true}}));
        return screen;
    });
}

Status ScreenService::audit_refused_pairing(std::optional<std::int64_t> actor,
                                            const std::string& code_shown,
                                            const std::string& client) {
    return store_.write([&](Tx& tx) -> Status {
        tx.audit().record(actor, "pair_refused", "screen", "", "",
                          dump_audit({{"code", code_shown}, {"client", client}}));
        return {};
    });
}

Result<Screen> ScreenService::get(std::int64_t screen_id) {
    return store_.read([&](Tx& tx) -> Result<Screen> {
        auto screen = tx.screens().find(screen_id);
        if (!screen) return make_error(ErrorCode::not_found, "no such screen", "id");
        return std::move(*screen);
    });
}

Result<std::vector<Screen>> ScreenService::list() {
    return store_.read([](Tx& tx) -> Result<std::vector<Screen>> { return tx.screens().list(); });
}

Status ScreenService::touch(std::int64_t screen_id, std::int64_t min_interval_s) {
    if (seen_within(screen_id, min_interval_s)) return {};
    auto st = store_.write([&](Tx& tx) -> Status {
        tx.screens().set_last_seen(screen_id, now_iso8601());
        return {};
    });
    if (st) store_.screen_cache().touched(screen_id, now_unix());
    return st;
}

bool ScreenService::seen_within(std::int64_t screen_id, std::int64_t seconds) {
    return store_.screen_cache().seen_within(screen_id, seconds);
}

Status ScreenService::record_heartbeat(std::int64_t screen_id, int interval_s,
                                       const std::string& heartbeat_json) {
    const ScreenHealth health{screen_id, now_iso8601(), now_unix(), interval_s, heartbeat_json};
    auto st = store_.write([&](Tx& tx) -> Status {
        tx.health().put_heartbeat(health);
        tx.screens().set_last_seen(screen_id, health.received_at);
        return {};
    });
    if (st) store_.screen_cache().touched(screen_id, health.received_unix);
    return st;
}

Result<std::vector<ScreenHealth>> ScreenService::health() {
    return store_.read(
        [](Tx& tx) -> Result<std::vector<ScreenHealth>> { return tx.health().list(); });
}

Result<std::optional<ScreenHealth>> ScreenService::health(std::int64_t screen_id) {
    return store_.read(
        [&](Tx& tx) -> Result<std::optional<ScreenHealth>> { return tx.health().find(screen_id); });
}

Status ScreenService::put_screenshot(std::int64_t screen_id, const std::string& request_id,
                                     const std::string& png) {
    return store_.write([&](Tx& tx) -> Status {
        tx.health().put_screenshot(screen_id, Screenshot{now_iso8601(), request_id, png});
        return {};
    });
}

Result<std::optional<Screenshot>> ScreenService::screenshot(std::int64_t screen_id) {
    return store_.read([&](Tx& tx) -> Result<std::optional<Screenshot>> {
        return tx.health().screenshot(screen_id);
    });
}

Result<std::unordered_map<std::int64_t, std::string>> ScreenService::screenshot_times() {
    return store_.read([](Tx& tx) -> Result<std::unordered_map<std::int64_t, std::string>> {
        return tx.health().screenshot_times();
    });
}

Result<std::map<std::string, std::map<std::pair<int, int>, int>>> ScreenService::sizes_by_group() {
    using Sizes = std::map<std::string, std::map<std::pair<int, int>, int>>;
    return store_.read([](Tx& tx) -> Result<Sizes> {
        const auto sizes = tx.health().screenshot_sizes();
        Sizes out;
        for (const Screen& screen : tx.screens().list()) {
            const auto size = sizes.find(screen.id);
            if (screen.revoked || size == sizes.end()) continue;
            ++out[screen.group][size->second];
        }
        return out;
    });
}

}  // namespace signage::server
