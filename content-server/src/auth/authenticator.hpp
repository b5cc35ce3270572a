#pragma once
// Who is asking: staff sign-in and sessions, screens by device token, and the
// role rules of the staff routes.
//
// Errors: "unauthenticated" (no or unknown token, bad credentials: HTTP 401),
// "forbidden" (a known caller without the right: HTTP 403).
// Threading: any thread; login() is slow (argon2) and belongs on a worker.

#include <chrono>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

struct LoginResult {
    std::string token;
    User user;
    std::int64_t expires_at = 0;  // Unix seconds
};

class Authenticator {
  public:
    Authenticator(Store& store, std::chrono::seconds session_ttl);

    Result<LoginResult> login(const std::string& username, std::string_view password);
    Status logout(std::string_view token);

    // The staff member behind a session token. A device token gives "forbidden".
    Result<User> staff(std::string_view token);
    // staff(), and the user's role is one of `roles` (admin always passes).
    Result<User> staff_with_role(std::string_view token, std::initializer_list<Role> roles);
    // The screen behind a device token. A staff token gives "forbidden".
    Result<Screen> device(std::string_view token);

  private:
    Store& store_;
    std::chrono::seconds session_ttl_;
    std::once_flag dummy_once_;
    std::string dummy_hash_;  // verified against for unknown users, so timing tells nothing
};

}  // namespace signage::server
