#pragma once
// Staff passwords: argon2id hashes in libsodium's self-describing string form.
// Hashing and verifying take about 0.1 s and 64 MiB on purpose: never call
// them on the I/O thread.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace signage::server {

// The one password rule, for every way an account gets a password (the
// API, a password change, `signage-server user add`): kMinPasswordLength to
// 1024 bytes; "invalid" naming "password" otherwise (reason weak_password
// or too_long).
inline constexpr std::size_t kMinPasswordLength = 10;
Status check_password_policy(std::string_view password);

// An argon2id hash string ("$argon2id$v=19$..."); "internal" when out of memory.
Result<std::string> hash_password(std::string_view password);

// True when `password` matches `hash`.
bool verify_password(const std::string& hash, std::string_view password);

}  // namespace signage::server
