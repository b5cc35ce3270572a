#pragma once
// Staff passwords: argon2id hashes in libsodium's self-describing string form.
// Hashing and verifying take about 0.1 s and 64 MiB on purpose: never call
// them on the I/O thread.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace signage::server {

// Passwords of 8 to 1024 bytes; field "password" otherwise.
Status check_password_policy(std::string_view password);

// An argon2id hash string ("$argon2id$v=19$..."); "internal" when out of memory.
Result<std::string> hash_password(std::string_view password);

// True when `password` matches `hash`.
bool verify_password(const std::string& hash, std::string_view password);

}  // namespace signage::server
