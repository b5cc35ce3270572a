#include "auth/authenticator.hpp"

#include <algorithm>

#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

Error unauthenticated(std::string message) {
    return make_error("unauthenticated", std::move(message), "Authorization");
}

}  // namespace

Authenticator::Authenticator(Store& store, std::chrono::seconds session_ttl)
    : store_(store), session_ttl_(session_ttl) {}

Result<LoginResult> Authenticator::login(const std::string& username, std::string_view password) {
    auto found = store_.find_user(username);
    if (!found) return found.error();
    if (!*found) {
        std::call_once(dummy_once_, [this] {
            auto h = hash_password("not-a-password");
            if (h) dummy_hash_ = *h;
        });
        (void)verify_password(dummy_hash_, password);
        return make_error("unauthenticated", "wrong username or password");
    }
    const auto& [user, hash] = **found;
    if (!verify_password(hash, password)) {
        return make_error("unauthenticated", "wrong username or password");
    }
    const std::int64_t now = now_unix();
    (void)store_.purge_expired_sessions(now);
    LoginResult out{new_token(), user, now + session_ttl_.count()};
    if (auto st = store_.add_session(token_hash(out.token), user.id, out.expires_at); !st) {
        return st.error();
    }
    return out;
}

Status Authenticator::logout(std::string_view token) {
    return store_.delete_session(token_hash(token));
}

Result<User> Authenticator::staff(std::string_view token) {
    if (token.empty()) return unauthenticated("sign in first: no bearer token");
    const std::string hash = token_hash(token);
    auto user = store_.session_user(hash, now_unix());
    if (!user) return user.error();
    if (*user) return **user;
    auto screen = store_.screen_by_token(hash);
    if (screen && *screen) {
        return make_error("forbidden", "a screen's device token cannot be used for staff routes",
                          "Authorization");
    }
    return unauthenticated("the session is unknown or has expired: sign in again");
}

Result<User> Authenticator::staff_with_role(std::string_view token,
                                            std::initializer_list<Role> roles) {
    auto user = staff(token);
    if (!user) return user;
    if (user->role == Role::admin ||
        std::find(roles.begin(), roles.end(), user->role) != roles.end()) {
        return user;
    }
    return make_error("forbidden",
                      "the role " + std::string(to_string(user->role)) + " may not do this");
}

Result<Screen> Authenticator::device(std::string_view token) {
    if (token.empty()) return unauthenticated("a device token is required");
    const std::string hash = token_hash(token);
    auto screen = store_.screen_by_token(hash);
    if (!screen) return screen.error();
    if (*screen) {
        // A screen registered before claim keys gets its key now that the
        // server sees its token again.
        if ((*screen)->claim_key_id.empty()) {
            DeviceCredentials device = device_credentials(token);
            if (auto st = store_.set_claim_key((*screen)->id, device); st) {
                (*screen)->claim_key_id = device.claim_key_id;
            }
        }
        return **screen;
    }
    auto user = store_.session_user(hash, now_unix());
    if (user && *user) {
        return make_error("forbidden", "this route is for screens; staff tokens are refused",
                          "Authorization");
    }
    return unauthenticated("unknown device token");
}

}  // namespace signage::server
