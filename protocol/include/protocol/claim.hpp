#pragma once
// Prize claim codes: made by a screen offline, checked and redeemed by staff.
//
// Each screen has an Ed25519 key pair derived from the device token the
// server issued when it registered the screen:
//   seed = BLAKE2b-256(key = "civic-signage claim key v1", message = token)
// The screen derives the secret key itself; the server derives the public key
// when it issues the token and keeps only that (and the token's hash), so
// neither the screen's codes nor a copy of the server's database let anyone
// make a new code.
//
// A code is "CS1-" followed by unpadded base64url of
//   key_id (8 bytes: the first 8 bytes of the public key)
//   day    (2 bytes, big-endian: the local date, days since 1970-01-01)
//   serial (2 bytes, big-endian: the screen's prize count that day, from 1)
//   signature (64 bytes: Ed25519 over "CS1" + the 12 bytes before it)
// 106 characters in all (4 + 102 of base64url), which a QR code holds.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace signage::protocol {

using ClaimPublicKey = std::array<unsigned char, 32>;
using ClaimSecretKey = std::array<unsigned char, 64>;
using ClaimKeyId = std::array<unsigned char, 8>;

struct ClaimKeys {
    ClaimPublicKey public_key{};
    ClaimSecretKey secret_key{};
};

// The key pair of the screen whose device token is `token`.
ClaimKeys derive_claim_keys(std::string_view device_token);
ClaimKeyId claim_key_id(const ClaimPublicKey& public_key);

struct Claim {
    ClaimKeyId key_id{};
    int day = 0;     // days since 1970-01-01, the screen's local date
    int serial = 0;  // 1..65535
    bool operator==(const Claim&) const = default;
};

// The code for `claim` (whose key_id must be the keys' own).
std::string make_claim_code(const Claim& claim, const ClaimSecretKey& secret_key);

// Reads a code's fields without checking its signature: "invalid" with a
// message when it is not a well-formed code.
Result<Claim> parse_claim_code(std::string_view code);
// True when `code` is well formed and signed by the holder of `public_key`.
bool verify_claim_code(std::string_view code, const ClaimPublicKey& public_key);

}  // namespace signage::protocol
