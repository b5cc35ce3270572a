#include "auth/tokens.hpp"

#include "common/random.hpp"
#include "common/sha256.hpp"

namespace signage::server {

std::string new_token() {
    return random_hex(32);
}

std::string token_hash(std::string_view token) {
    return sha256_hex(token);
}

}  // namespace signage::server
