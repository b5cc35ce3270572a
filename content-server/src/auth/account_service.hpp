#pragma once
// Staff accounts and the audit log as admins manage them: adding users,
// changing roles, disabling (which ends the user's sessions), never leaving
// the server without an enabled admin. Every change is audited in the same
// transaction.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

class AccountService {
  public:
    explicit AccountService(Store& store) : store_(store) {}

    Result<std::int64_t> count_users();
    // `actor`: the admin who adds it (nullopt: the command line).
    // "conflict" (field "username") when the name is taken.
    Result<User> add_user(const std::string& username, const std::string& password_hash, Role role,
                          std::optional<std::int64_t> actor = std::nullopt,
                          std::int64_t unit = root_unit_id);
    // The staff of `unit`'s subtree (within `by`'s), by username.
    Result<std::vector<User>> list_users(const User& by, std::int64_t unit);
    // Changes a user's role, disabled flag and/or unit (an id of `by`'s
    // subtree; null: unchanged). "not_found" for a user outside `by`'s
    // subtree; "conflict" when it would leave no enabled admin.
    Result<User> update_user(const std::string& username, std::optional<Role> role,
                             std::optional<bool> disabled, const User& by,
                             const nlohmann::json& unit);
    // The audit log, newest first.
    Result<std::vector<AuditEntry>> audit(const AuditQuery& query);

  private:
    Store& store_;
};

}  // namespace signage::server
