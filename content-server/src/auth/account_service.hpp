#pragma once
// Staff accounts and the audit log as admins manage them: adding users,
// changing roles, disabling (which ends the user's sessions), never leaving
// the server without an enabled admin. Every change is audited in the same
// transaction.

#include <cstdint>
#include <optional>
#include <string>
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
                          std::optional<std::int64_t> actor = std::nullopt);
    Result<std::vector<User>> list_users();  // by username
    // Changes a user's role and/or disabled flag. "not_found"; "conflict" when
    // it would leave no enabled admin.
    Result<User> update_user(const std::string& username, std::optional<Role> role,
                             std::optional<bool> disabled, std::int64_t actor);
    // The audit log, newest first.
    Result<std::vector<AuditEntry>> audit(const AuditQuery& query);

  private:
    Store& store_;
};

}  // namespace signage::server
