#include "auth/account_service.hpp"

#include <nlohmann/json.hpp>
#include "store/audit_json.hpp"

#include "store/store.hpp"
#include "units/unit_service.hpp"

namespace signage::server {

Result<std::int64_t> AccountService::count_users() {
    return store_.read([](Tx& tx) -> Result<std::int64_t> { return tx.users().count(); });
}

Result<User> AccountService::add_user(const std::string& username, const std::string& password_hash,
                                      Role role, std::optional<std::int64_t> actor,
                                      std::int64_t unit) {
    return store_.write([&](Tx& tx) -> Result<User> {
        auto user = tx.users().add(username, password_hash, role, unit);
        if (!user) return user;
        tx.audit().record(actor, "create", "user", username, "", user_audit_json(*user), unit);
        return user;
    });
}

Result<std::vector<User>> AccountService::list_users(const User& by, std::int64_t unit) {
    return store_.read([&](Tx& tx) -> Result<std::vector<User>> {
        const auto tree = tx.unit_tree();
        std::vector<User> out;
        for (User& u : tx.users().list()) {
            if (tree->within(u.unit_id, unit) && tree->within(u.unit_id, by.unit_id)) {
                out.push_back(std::move(u));
            }
        }
        return out;
    });
}

Result<User> AccountService::update_user(const std::string& username, std::optional<Role> role,
                                         std::optional<bool> disabled, const User& by,
                                         const nlohmann::json& unit) {
    return store_.write([&](Tx& tx) -> Result<User> {
        const auto tree = tx.unit_tree();
        auto found = tx.users().find(username);
        if (!found || !tree->within(found->unit_id, by.unit_id)) {
            return make_error(ErrorCode::not_found, "no user " + username);
        }
        const User before = *found;
        User after = before;
        if (role) after.role = *role;
        if (disabled) after.disabled = *disabled;
        if (!unit.is_null()) {
            auto moved = own_unit_of(*tree, by, unit, "unit");
            if (!moved) return moved.error();
            after.unit_id = *moved;
        }
        const bool was_admin = before.role == Role::admin && !before.disabled;
        const bool is_admin = after.role == Role::admin && !after.disabled;
        if (was_admin && !is_admin && tx.users().enabled_admins() <= 1) {
            return make_error(ErrorCode::conflict,
                              username + " is the last admin: make another admin first",
                              disabled && *disabled ? "disabled" : "role");
        }
        tx.users().update(after);
        if (after.disabled) tx.users().end_sessions(after.id);
        if (before.role != after.role || before.disabled != after.disabled ||
            before.unit_id != after.unit_id) {
            tx.audit().record(by.id, "update", "user", username, user_audit_json(before),
                              user_audit_json(after), after.unit_id);
        }
        return after;
    });
}

Result<std::vector<AuditEntry>> AccountService::audit(const AuditQuery& query) {
    return store_.read(
        [&](Tx& tx) -> Result<std::vector<AuditEntry>> { return tx.audit().list(query); });
}

}  // namespace signage::server
