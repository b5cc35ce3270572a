#pragma once
// Bearer tokens for staff sessions and screens: 32 random bytes as hex. The
// store keeps only their sha256, so a copy of the database opens no screen.

#include <string>
#include <string_view>

#include "store/records.hpp"

namespace signage::server {

std::string new_token();
std::string token_hash(std::string_view token);
// What the store keeps of a device token: its hash and the claim public key
// the screen derives from it (protocol/claim.hpp), with that key's id.
DeviceCredentials device_credentials(std::string_view token);

}  // namespace signage::server
