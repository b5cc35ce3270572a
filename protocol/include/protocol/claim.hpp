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
// Screens issued these long codes until the short ones below replaced them;
// the server still accepts them.
//
// Short codes (what screens issue now): 12 symbols a person can read out
// and type, shown in groups of four (K7QM-3XPT-9WDF). The symbols are
// Crockford's base32: 0-9 and A-Z without I, L, O and U, so no two look
// alike; reading accepts either case, dashes and spaces, and O for 0, I and
// L for 1. The 60 bits, most significant first:
//   tag     14 bits: the first 14 bits of the screen's claim public key,
//                    which the server indexes (claim_key_id), so it checks
//                    one screen's key
//   day      3 bits: the local date (days since 1970-01-01) modulo 8; the
//                    server takes the latest such day up to tomorrow (UTC)
//   serial  11 bits: the screen's prize count that day, 1..2047
//   mac     32 bits: the first 32 bits of BLAKE2b-256(key = the screen's MAC
//                    key, message = "CS2" + tag (2 bytes) + the whole day
//                    (4 bytes) + serial (2 bytes), big-endian)
// The MAC key is BLAKE2b-256(key = "civic-signage claim mac v2", message =
// the claim public key): the screen derives it from its token, the server
// from the public key it keeps. A made-up code passes with odds 2^-32 per
// screen sharing its tag (kClaimForgeryOdds); the server limits the tries.
// Unlike the signature, the MAC key is a secret the server holds: a copy of
// the database's screens table lets its holder make short codes.

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
// A long (CS1-) code, as opposed to a short one.
bool is_long_claim_code(std::string_view code);

// ---- short codes
inline constexpr int kClaimCodeLength = 12;  // symbols
inline constexpr int kClaimTagBits = 14;
inline constexpr int kClaimDayBits = 3;
inline constexpr int kClaimSerialBits = 11;
inline constexpr int kClaimMacBits = 32;
inline constexpr int kMaxClaimSerial = (1 << kClaimSerialBits) - 1;  // prizes a screen a day
// The odds that a made-up code passes the check of one screen's key.
inline constexpr double kClaimForgeryOdds = 1.0 / static_cast<double>(1ULL << kClaimMacBits);
// The alphabet, in symbol order (value 0..31).
inline constexpr std::string_view kClaimAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The tag of the screen whose claim public key is `public_key`.
int claim_tag(const ClaimPublicKey& public_key);

// What a short code says.
struct ShortClaim {
    int tag = 0;
    int day_mod = 0;  // the day modulo 8
    int serial = 0;   // 1..kMaxClaimSerial
    std::uint32_t mac = 0;
    bool operator==(const ShortClaim&) const = default;
};

// The short code (12 symbols, no dashes) of prize `serial` (1..kMaxClaimSerial)
// of local `day` of the screen with `public_key`.
std::string make_short_claim_code(int day, int serial, const ClaimPublicKey& public_key);
// K7QM-3XPT-9WDF: the code in groups of four, for reading.
std::string group_claim_code(std::string_view code);
// The 12 symbols of a typed code (case, dashes, spaces and look-alikes
// folded): "invalid" naming "code" and the wrong symbol or length.
Result<std::string> normalize_short_claim_code(std::string_view typed);
// Reads a typed short code (normalized first).
Result<ShortClaim> parse_short_claim_code(std::string_view typed);
// The whole day a code of `day_mod` means when the server's UTC date is
// `today`: the latest day up to today + 1 with that remainder.
int resolve_claim_day(int day_mod, int today);
// True when `claim` was made on `day` by the screen with `public_key`.
bool verify_short_claim(const ShortClaim& claim, int day, const ClaimPublicKey& public_key);

}  // namespace signage::protocol
