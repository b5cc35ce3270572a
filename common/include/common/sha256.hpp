#pragma once
// SHA-256 (libsodium) over bytes and files, as lowercase hex.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include <sodium.h>

#include "common/result.hpp"

namespace signage {

class Sha256 {
  public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // Finishes the hash; the object must not be updated afterwards.
    std::string hex();

  private:
    crypto_hash_sha256_state state_;
};

std::string sha256_hex(std::string_view bytes);
// Hashes a file by streaming it; an "io" error when it cannot be read.
Result<std::string> sha256_file(const std::filesystem::path& path);
// True for exactly 64 lowercase hex digits.
bool is_sha256_hex(std::string_view s);

// Lowercase hex of raw bytes.
std::string to_hex(const void* data, std::size_t size);

}  // namespace signage
