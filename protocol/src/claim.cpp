#include "protocol/claim.hpp"

#include <algorithm>
#include <stdexcept>

#include <sodium.h>

namespace signage::protocol {
namespace {

constexpr std::string_view kPrefix = "CS1-";
constexpr std::string_view kSeedKey = "civic-signage claim key v1";
constexpr std::size_t kFieldsBytes = 12;  // key_id, day, serial
constexpr std::size_t kCodeBytes = kFieldsBytes + crypto_sign_BYTES;

void ensure_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

// "CS1" + the 12 field bytes: what the signature covers.
std::array<unsigned char, 3 + kFieldsBytes> signed_message(const unsigned char* fields) {
    std::array<unsigned char, 3 + kFieldsBytes> m{'C', 'S', '1'};
    for (std::size_t i = 0; i < kFieldsBytes; ++i) m[3 + i] = fields[i];
    return m;
}

}  // namespace

ClaimKeys derive_claim_keys(std::string_view device_token) {
    ensure_sodium();
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    crypto_generichash(seed.data(), seed.size(),
                       reinterpret_cast<const unsigned char*>(device_token.data()),
                       device_token.size(), reinterpret_cast<const unsigned char*>(kSeedKey.data()),
                       kSeedKey.size());
    ClaimKeys keys;
    crypto_sign_seed_keypair(keys.public_key.data(), keys.secret_key.data(), seed.data());
    sodium_memzero(seed.data(), seed.size());
    return keys;
}

ClaimKeyId claim_key_id(const ClaimPublicKey& public_key) {
    ClaimKeyId id{};
    std::copy_n(public_key.begin(), id.size(), id.begin());
    return id;
}

std::string make_claim_code(const Claim& claim, const ClaimSecretKey& secret_key) {
    ensure_sodium();
    std::array<unsigned char, kCodeBytes> bin{};
    std::copy(claim.key_id.begin(), claim.key_id.end(), bin.begin());
    bin[8] = static_cast<unsigned char>((claim.day >> 8) & 0xff);
    bin[9] = static_cast<unsigned char>(claim.day & 0xff);
    bin[10] = static_cast<unsigned char>((claim.serial >> 8) & 0xff);
    bin[11] = static_cast<unsigned char>(claim.serial & 0xff);
    const auto message = signed_message(bin.data());
    crypto_sign_detached(bin.data() + kFieldsBytes, nullptr, message.data(), message.size(),
                         secret_key.data());
    std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                    '\0');
    sodium_bin2base64(out.data(), out.size(), bin.data(), bin.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(out.find('\0'));
    return std::string(kPrefix) + out;
}

namespace {

Result<std::array<unsigned char, kCodeBytes>> decode(std::string_view code) {
    ensure_sodium();
    if (code.substr(0, kPrefix.size()) != kPrefix) {
        return make_error(ErrorCode::invalid, "is not a claim code (it must start with CS1-)",
                          "code");
    }
    code.remove_prefix(kPrefix.size());
    std::array<unsigned char, kCodeBytes> bin{};
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(bin.data(), bin.size(), code.data(), code.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != code.data() + code.size() || len != kCodeBytes) {
        return make_error(ErrorCode::invalid,
                          "is not a whole claim code (wrong length or characters)", "code");
    }
    return bin;
}

}  // namespace

Result<Claim> parse_claim_code(std::string_view code) {
    auto bin = decode(code);
    if (!bin) return bin.error();
    Claim c;
    std::copy_n(bin->begin(), c.key_id.size(), c.key_id.begin());
    c.day = ((*bin)[8] << 8) | (*bin)[9];
    c.serial = ((*bin)[10] << 8) | (*bin)[11];
    if (c.serial == 0)
        return make_error(ErrorCode::invalid, "has serial 0, which no screen makes", "code");
    return c;
}

bool verify_claim_code(std::string_view code, const ClaimPublicKey& public_key) {
    auto bin = decode(code);
    if (!bin) return false;
    const auto message = signed_message(bin->data());
    return crypto_sign_verify_detached(bin->data() + kFieldsBytes, message.data(), message.size(),
                                       public_key.data()) == 0;
}

}  // namespace signage::protocol
