#include "auth/password.hpp"

#include <sodium.h>

namespace signage::server {

Status check_password_policy(std::string_view password) {
    if (password.size() < kMinPasswordLength) {
        return make_error(ErrorCode::invalid,
                          std::string("a password needs at least ")
                              .append(std::to_string(kMinPasswordLength))
                              .append(" characters"),
                          "password")
            .because(ErrorReason::weak_password,
                     {{"min", static_cast<std::int64_t>(kMinPasswordLength)}});
    }
    if (password.size() > 1024) {
        return make_error(ErrorCode::invalid, "a password may have at most 1024 bytes", "password")
            .because(ErrorReason::too_long, {{"max", 1024}, {"unit", "bytes"}});
    }
    return {};
}

Result<std::string> hash_password(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return make_error(ErrorCode::internal, "out of memory while hashing a password");
    }
    return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace signage::server
