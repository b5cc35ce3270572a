#include "auth/authenticator.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "protocol/time.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

Error unauthenticated(std::string message) {
    return make_error(ErrorCode::unauthenticated, std::move(message), "Authorization");
}

}  // namespace

Authenticator::Authenticator(Store& store, std::chrono::seconds session_ttl)
    : store_(store), session_ttl_(session_ttl) {}

Result<std::optional<Screen>> Authenticator::screen_by_token(const std::string& hash) {
    ScreenCache& cache = store_.screen_cache();
    if (auto hit = cache.find(hash)) return hit;
    // Taken before reading: a screen change meanwhile keeps this answer out.
    const std::uint64_t generation = cache.generation();
    auto screen = store_.read(
        [&](Tx& tx) -> Result<std::optional<Screen>> { return tx.screens().find_by_token(hash); });
    if (screen && *screen) cache.put(hash, **screen, generation);
    return screen;
}

Result<std::optional<User>> Authenticator::session_user(const std::string& hash) {
    return store_.read([&](Tx& tx) -> Result<std::optional<User>> {
        return tx.users().session_user(hash, now_unix());
    });
}

Result<std::optional<std::pair<User, std::string>>> Authenticator::credentials(
    const std::string& username) {
    return store_.read([&](Tx& tx) -> Result<std::optional<std::pair<User, std::string>>> {
        return tx.users().find_credentials(username);
    });
}

Result<LoginResult> Authenticator::login(const std::string& username, std::string_view password,
                                         const std::string& client, std::int64_t* retry_after) {
    // Counted as a failure from here until the password checks out.
    const auto attempt = throttle_.begin({{std::string("user:") += username, kMaxFailures},
                                          {std::string("addr:") += client, kMaxAddressFailures}},
                                         now_unix());
    if (attempt.wait > 0) {
        if (retry_after) *retry_after = attempt.wait;
        return make_error(ErrorCode::too_many_requests, std::string("too many failed sign-ins: ") +=
                                                        retry_text(attempt.wait, attempt.at));
    }
    auto found = credentials(username);
    if (!found) return found.error();
    if (!*found) {
        std::call_once(dummy_once_, [this] {
            auto h = hash_password("not-a-password");
            if (h) dummy_hash_ = *h;
        });
        (void)verify_password(dummy_hash_, password);
        return make_error(ErrorCode::unauthenticated, "wrong username or password");
    }
    const auto& [user, hash] = **found;
    if (!verify_password(hash, password)) {
        return make_error(ErrorCode::unauthenticated, "wrong username or password");
    }
    if (user.disabled) {
        // Answered as a wrong password (and counted as one), so the answer
        // does not confirm that the password was right; the log says why.
        spdlog::info("sign-in refused: account {} is disabled", user.username);
        return make_error(ErrorCode::unauthenticated, "wrong username or password");
    }
    throttle_.succeeded(attempt);
    const std::int64_t now = now_unix();
    LoginResult out{new_token(), user, now + session_ttl_.count()};
    if (auto st = store_.write([&](Tx& tx) -> Status {
            tx.users().purge_expired_sessions(now);
            tx.users().add_session(token_hash(out.token), user.id, out.expires_at);
            return {};
        });
        !st) {
        return st.error();
    }
    return out;
}

Status Authenticator::logout(std::string_view token) {
    return store_.write([&](Tx& tx) -> Status {
        tx.users().delete_session(token_hash(token));
        return {};
    });
}

Status Authenticator::change_password(std::string_view token, std::string_view old_password,
                                      std::string_view new_password) {
    auto user = staff(token);
    if (!user) return user.error();
    if (auto st = check_password_policy(new_password); !st) {
        Error e = st.error().at("new_password");
        e.code = ErrorCode::invalid;
        return e;
    }
    auto found = credentials(user->username);
    if (!found) return found.error();
    if (!*found) return unauthenticated("the session's user no longer exists");
    if (!verify_password((*found)->second, old_password)) {
        return make_error(ErrorCode::forbidden, "the old password is wrong", "old_password")
            .because(ErrorReason::wrong_password);
    }
    auto hash = hash_password(new_password);
    if (!hash) return hash.error();
    return store_.write([&](Tx& tx) -> Status {
        if (!tx.users().set_password_hash(user->id, *hash)) {
            return make_error(ErrorCode::not_found, "no such user");
        }
        const int ended = tx.users().end_sessions(user->id, token_hash(token));
        tx.audit().record(user->id, "change_password", "user", tx.users().username(user->id), "",
                          dump_audit({{"other_sessions_ended", ended}}));
        return {};
    });
}

Result<User> Authenticator::staff(std::string_view token) {
    if (token.empty()) return unauthenticated("sign in first: no bearer token");
    const std::string hash = token_hash(token);
    auto user = session_user(hash);
    if (!user) return user.error();
    if (*user) return **user;
    auto screen = screen_by_token(hash);
    if (screen && *screen) {
        return make_error(ErrorCode::forbidden,
                          "a screen's device token cannot be used for staff routes",
                          "Authorization");
    }
    return unauthenticated("the session is unknown or has expired: sign in again");
}

Result<User> Authenticator::staff_with_role(std::string_view token,
                                            const std::vector<Role>& roles) {
    auto user = staff(token);
    if (!user) return user;
    if (user->role == Role::admin ||
        std::find(roles.begin(), roles.end(), user->role) != roles.end()) {
        return user;
    }
    return make_error(ErrorCode::forbidden,
                      "the role " + std::string(to_string(user->role)) + " may not do this");
}

namespace {

// The stored hash (SHA-256) of the device tokens an I/O thread has seen
// lately, under a 128-bit SipHash of the token keyed with a secret drawn at
// start: a screen's every poll costs one short hash, not a SHA-256. The
// raw token is not kept. Only tokens of known screens are remembered, at
// most kTokenMemo per thread (then all are dropped and learnt again).
struct TokenMemo {
    using Key = std::array<unsigned char, crypto_shorthash_siphashx24_BYTES>;
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            std::size_t h = 0;
            std::memcpy(&h, k.data(), sizeof h);
            return h;
        }
    };
    static constexpr std::size_t kTokenMemo = 4096;
    std::unordered_map<Key, std::string, KeyHash> hashes;

    static Key key_of(std::string_view token) {
        static const auto secret = [] {
            std::array<unsigned char, crypto_shorthash_siphashx24_KEYBYTES> k{};
            if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
            randombytes_buf(k.data(), k.size());
            return k;
        }();
        Key out{};
        crypto_shorthash_siphashx24(out.data(),
                                    reinterpret_cast<const unsigned char*>(token.data()),
                                    token.size(), secret.data());
        return out;
    }
};

}  // namespace

std::shared_ptr<const Screen> Authenticator::cached_device(std::string_view token) {
    if (token.empty()) return nullptr;
    thread_local TokenMemo memo;
    const TokenMemo::Key key = TokenMemo::key_of(token);
    const auto known = memo.hashes.find(key);
    std::string hash = known == memo.hashes.end() ? token_hash(token) : std::string{};
    const std::string& stored = known == memo.hashes.end() ? hash : known->second;
    auto screen = store_.screen_cache().find_shared(stored);
    // A screen still without its claim key gets it through device().
    if (!screen || screen->claim_key_id.empty()) return nullptr;
    if (known == memo.hashes.end()) {
        if (memo.hashes.size() >= TokenMemo::kTokenMemo) memo.hashes.clear();
        memo.hashes.emplace(key, std::move(hash));
    }
    return screen;
}

Result<Screen> Authenticator::device(std::string_view token) {
    if (token.empty()) return unauthenticated("a device token is required");
    const std::string hash = token_hash(token);
    auto screen = screen_by_token(hash);
    if (!screen) return screen.error();
    if (*screen) {
        // A screen registered before claim keys gets its key now that the
        // server sees its token again.
        if ((*screen)->claim_key_id.empty()) {
            DeviceCredentials device = device_credentials(token);
            if (auto st = store_.write([&](Tx& tx) -> Status {
                    tx.screens().set_claim_key_if_missing((*screen)->id, device);
                    return {};
                });
                st) {
                (*screen)->claim_key_id = device.claim_key_id;
            }
        }
        return **screen;
    }
    auto user = session_user(hash);
    if (user && *user) {
        return make_error(ErrorCode::forbidden,
                          "this route is for screens; staff tokens are refused", "Authorization");
    }
    return unauthenticated("unknown device token");
}

}  // namespace signage::server
