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

bool is_long_claim_code(std::string_view code) {
    return code.substr(0, kPrefix.size()) == kPrefix;
}

// ---------------------------------------------------------------- short codes

static_assert(kClaimTagBits + kClaimDayBits + kClaimSerialBits + kClaimMacBits ==
              5 * kClaimCodeLength);
static_assert(kClaimAlphabet.size() == 32);

namespace {

constexpr std::string_view kMacKeyKey = "civic-signage claim mac v2";

std::array<unsigned char, 32> short_mac_key(const ClaimPublicKey& public_key) {
    ensure_sodium();
    std::array<unsigned char, 32> key{};
    crypto_generichash(key.data(), key.size(), public_key.data(), public_key.size(),
                       reinterpret_cast<const unsigned char*>(kMacKeyKey.data()),
                       kMacKeyKey.size());
    return key;
}

std::uint32_t short_mac(int tag, int day, int serial, const ClaimPublicKey& public_key) {
    const auto key = short_mac_key(public_key);
    const std::array<unsigned char, 11> message{
        'C',
        'S',
        '2',
        static_cast<unsigned char>((tag >> 8) & 0xff),
        static_cast<unsigned char>(tag & 0xff),
        static_cast<unsigned char>((static_cast<std::uint32_t>(day) >> 24) & 0xff),
        static_cast<unsigned char>((day >> 16) & 0xff),
        static_cast<unsigned char>((day >> 8) & 0xff),
        static_cast<unsigned char>(day & 0xff),
        static_cast<unsigned char>((serial >> 8) & 0xff),
        static_cast<unsigned char>(serial & 0xff)};
    std::array<unsigned char, 32> out{};
    crypto_generichash(out.data(), out.size(), message.data(), message.size(), key.data(),
                       key.size());
    return (static_cast<std::uint32_t>(out[0]) << 24) | (static_cast<std::uint32_t>(out[1]) << 16) |
           (static_cast<std::uint32_t>(out[2]) << 8) | out[3];
}

int positive_mod(int a, int m) {
    return ((a % m) + m) % m;
}

}  // namespace

int claim_tag(const ClaimPublicKey& public_key) {
    return ((public_key[0] << 8) | public_key[1]) >> (16 - kClaimTagBits);
}

std::string make_short_claim_code(int day, int serial, const ClaimPublicKey& public_key) {
    if (serial < 1 || serial > kMaxClaimSerial) {
        throw std::invalid_argument("claim serial out of range");
    }
    const int tag = claim_tag(public_key);
    std::uint64_t bits = static_cast<std::uint64_t>(tag);
    bits =
        (bits << kClaimDayBits) | static_cast<std::uint64_t>(positive_mod(day, 1 << kClaimDayBits));
    bits = (bits << kClaimSerialBits) | static_cast<std::uint64_t>(serial);
    bits = (bits << kClaimMacBits) | short_mac(tag, day, serial, public_key);
    std::string out(kClaimCodeLength, '0');
    for (int i = kClaimCodeLength - 1; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = kClaimAlphabet[bits & 31];
        bits >>= 5;
    }
    return out;
}

std::string group_claim_code(std::string_view code) {
    std::string out;
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += '-';
        out += code[i];
    }
    return out;
}

Result<std::string> normalize_short_claim_code(std::string_view typed) {
    std::string out;
    for (const char raw : typed) {
        if (raw == '-' || raw == ' ' || raw == '\t' || raw == '\r' || raw == '\n') continue;
        char c = raw >= 'a' && raw <= 'z' ? static_cast<char>(raw - 'a' + 'A') : raw;
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (kClaimAlphabet.find(c) == std::string_view::npos) {
            const bool printable =
                static_cast<unsigned char>(raw) >= 0x20 && static_cast<unsigned char>(raw) < 0x7f;
            return make_error(ErrorCode::invalid,
                              printable ? std::string("has a character that is in no code: ") + raw
                                        : std::string("has a character that is in no code"),
                              "code");
        }
        out += c;
        if (out.size() > static_cast<std::size_t>(kClaimCodeLength)) break;
    }
    if (out.size() != static_cast<std::size_t>(kClaimCodeLength)) {
        return make_error(ErrorCode::invalid,
                          std::string("must have ")
                              .append(std::to_string(kClaimCodeLength))
                              .append(" letters and digits (it has ")
                              .append(std::to_string(out.size()))
                              .append(")"),
                          "code");
    }
    return out;
}

Result<ShortClaim> parse_short_claim_code(std::string_view typed) {
    auto code = normalize_short_claim_code(typed);
    if (!code) return code.error();
    std::uint64_t bits = 0;
    for (const char c : *code) bits = (bits << 5) | kClaimAlphabet.find(c);
    ShortClaim claim;
    claim.mac = static_cast<std::uint32_t>(bits & 0xffffffffu);
    bits >>= kClaimMacBits;
    claim.serial = static_cast<int>(bits & kMaxClaimSerial);
    bits >>= kClaimSerialBits;
    claim.day_mod = static_cast<int>(bits & ((1 << kClaimDayBits) - 1));
    bits >>= kClaimDayBits;
    claim.tag = static_cast<int>(bits);
    if (claim.serial == 0)
        return make_error(ErrorCode::invalid, "has serial 0, which no screen makes", "code");
    return claim;
}

int resolve_claim_day(int day_mod, int today) {
    const int last = today + 1;
    return last - positive_mod(last - day_mod, 1 << kClaimDayBits);
}

bool verify_short_claim(const ShortClaim& claim, int day, const ClaimPublicKey& public_key) {
    if (claim.tag != claim_tag(public_key)) return false;
    if (positive_mod(day, 1 << kClaimDayBits) != claim.day_mod) return false;
    if (claim.serial < 1 || claim.serial > kMaxClaimSerial) return false;
    const std::uint32_t expected = short_mac(claim.tag, day, claim.serial, public_key);
    return sodium_memcmp(&expected, &claim.mac, sizeof expected) == 0;
}

}  // namespace signage::protocol
