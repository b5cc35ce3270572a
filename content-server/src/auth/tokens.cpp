#include "auth/tokens.hpp"

#include "common/random.hpp"
#include "common/sha256.hpp"
#include "protocol/claim.hpp"

namespace signage::server {

std::string new_token() {
    return random_hex(32);
}

std::string token_hash(std::string_view token) {
    return sha256_hex(token);
}

DeviceCredentials device_credentials(std::string_view token) {
    const auto keys = protocol::derive_claim_keys(token);
    const auto id = protocol::claim_key_id(keys.public_key);
    return DeviceCredentials{token_hash(token),
                             to_hex(keys.public_key.data(), keys.public_key.size()),
                             to_hex(id.data(), id.size())};
}

}  // namespace signage::server
