#include "auth/account_service.hpp"

#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {

Result<std::int64_t> AccountService::count_users() {
    return store_.read([](Tx& tx) -> Result<std::int64_t> { return tx.users().count(); });
}

Result<User> AccountService::add_user(const std::string& username, const std::string& password_hash,
                                      Role role, std::optional<std::int64_t> actor) {
    return store_.write([&](Tx& tx) -> Result<User> {
        auto user = tx.users().add(username, password_hash, role);
        if (!user) return user;
        tx.audit().record(actor, "create", "user", username, "", user_audit_json(*user));
        return user;
    });
}

Result<std::vector<User>> AccountService::list_users() {
    return store_.read([](Tx& tx) -> Result<std::vector<User>> { return tx.users().list(); });
}

Result<User> AccountService::update_user(const std::string& username, std::optional<Role> role,
                                         std::optional<bool> disabled, std::int64_t actor) {
    return store_.write([&](Tx& tx) -> Result<User> {
        auto found = tx.users().find(username);
        if (!found) return make_error(ErrorCode::not_found, "no user " + username);
        const User before = *found;
        User after = before;
        if (role) after.role = *role;
        if (disabled) after.disabled = *disabled;
        const bool was_admin = before.role == Role::admin && !before.disabled;
        const bool is_admin = after.role == Role::admin && !after.disabled;
        if (was_admin && !is_admin && tx.users().enabled_admins() <= 1) {
            return make_error(ErrorCode::conflict,
                              username + " is the last admin: make another admin first",
                              disabled && *disabled ? "disabled" : "role");
        }
        tx.users().update(after);
        if (after.disabled) tx.users().end_sessions(after.id);
        if (before.role != after.role || before.disabled != after.disabled) {
            tx.audit().record(actor, "update", "user", username, user_audit_json(before),
                              user_audit_json(after));
        }
        return after;
    });
}

Result<std::vector<AuditEntry>> AccountService::audit(const AuditQuery& query) {
    return store_.read(
        [&](Tx& tx) -> Result<std::vector<AuditEntry>> { return tx.audit().list(query); });
}

}  // namespace signage::server
