#pragma once
// Who is asking: staff sign-in and sessions, screens by device token, and the
// role rules of the staff routes.
//
// Errors: "unauthenticated" (no or unknown token, bad credentials: HTTP 401),
// "forbidden" (a known caller without the right: HTTP 403),
// "too_many_requests" (HTTP 429, sign-in throttled; see login()).
//
// Sign-in throttling, kept in memory (a restart forgets it): after
// kMaxFailures failed sign-ins for one username, or kMaxAddressFailures from
// one client address, within kFailureWindow, every further attempt for that
// username or from that address is refused, even with the right password,
// until the oldest of those failures is kFailureWindow old. Successful
// sign-ins do not clear earlier failures. The client address is the one the
// HTTP layer names (behind a trusted proxy, the forwarded one), and each
// attempt is counted before its password is checked (auth/throttle.hpp), so
// parallel guesses get no more checks than the limit.
// Threading: any thread; login() is slow (argon2) and belongs on a worker.

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/throttle.hpp"
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
    static constexpr int kMaxFailures = 5;          // per account
    static constexpr int kMaxAddressFailures = 20;  // per client address (an office shares one)
    static constexpr std::chrono::seconds kFailureWindow{15 * 60};

    Authenticator(Store& store, std::chrono::seconds session_ttl);

    // `client` is the caller's address (without port), for throttling.
    // Throttled: "too_many_requests", and `retry_after` (seconds) is set.
    Result<LoginResult> login(const std::string& username, std::string_view password,
                              const std::string& client = {}, std::int64_t* retry_after = nullptr);
    Status logout(std::string_view token);
    // Changes the password of the session's user after checking the old one
    // (field "old_password"; the new one: at least 10 characters, field
    // "new_password"), and ends the user's other sessions.
    Status change_password(std::string_view token, std::string_view old_password,
                           std::string_view new_password);

    // The staff member behind a session token. A device token gives "forbidden".
    Result<User> staff(std::string_view token);
    // staff(), and the user's role is one of `roles` (admin always passes;
    // no roles: admins only).
    Result<User> staff_with_role(std::string_view token, const std::vector<Role>& roles);
    // The screen behind a device token. A staff token gives "forbidden".
    Result<Screen> device(std::string_view token);
    // The same from memory only, never waiting on the database: nullopt when
    // the store has not resolved this token since the screens last changed.
    // The screen is the cache's own, shared, not a copy; null when unknown.
    std::shared_ptr<const Screen> cached_device(std::string_view token);

  private:
    // The screen of a device token hash: from the store's screen cache, else
    // read (and cached).
    Result<std::optional<Screen>> screen_by_token(const std::string& hash);
    Result<std::optional<User>> session_user(const std::string& hash);
    Result<std::optional<std::pair<User, std::string>>> credentials(const std::string& username);

    Store& store_;
    std::chrono::seconds session_ttl_;
    FailureThrottle throttle_{kFailureWindow, &store_, "signin/"};
    std::once_flag dummy_once_;
    std::string dummy_hash_;  // verified against for unknown users, so timing tells nothing
};

}  // namespace signage::server
