// Prize claim codes typed or scanned by staff: never crash, and no input but
// the code the screen made verifies against that screen's key.
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
