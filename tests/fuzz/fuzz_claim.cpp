// Prize claim codes typed or scanned by staff, long and short: never crash,
// and no input but the code the screen made verifies against that screen's key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/claim.hpp"

using namespace signage::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ClaimKeys keys = derive_claim_keys("fuzz-screen-token");
    static const std::string genuine =
        make_claim_code(Claim{claim_key_id(keys.public_key), 20785, 3}, keys.secret_key);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Short codes: a refusal names the code; one that verifies for its day
    // is the genuine short code (another spelling of it at most).
    static const std::string genuine_short = make_short_claim_code(20785, 3, keys.public_key);
    if (auto short_claim = parse_short_claim_code(text); !short_claim) {
        if (short_claim.error().message.empty() || short_claim.error().field != "code") {
            std::abort();
        }
    } else {
        if (short_claim->serial < 1 || short_claim->serial > kMaxClaimSerial) std::abort();
        if (verify_short_claim(*short_claim, resolve_claim_day(short_claim->day_mod, 20785),
                               keys.public_key) &&
            *normalize_short_claim_code(text) != genuine_short) {
            std::abort();
        }
    }
    auto claim = parse_claim_code(text);
    if (!claim) {
        if (claim.error().message.empty() || claim.error().field != "code") std::abort();
        if (verify_claim_code(text, keys.public_key)) std::abort();
        return 0;
    }
    if (claim->serial < 1 || claim->serial > 65535 || claim->day < 0 || claim->day > 65535) {
        std::abort();
    }
    // A code that verifies must carry the genuine code's fields: the same
    // claim (another spelling of the same bytes at most), never a new one.
    if (verify_claim_code(text, keys.public_key)) {
        auto real = parse_claim_code(genuine);
        if (!real || !(*real == *claim)) std::abort();
    }
    return 0;
}
