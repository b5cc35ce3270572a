#pragma once
// Random tokens from libsodium's CSPRNG.

#include <cstddef>
#include <string>

namespace signage {

// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

}  // namespace signage
