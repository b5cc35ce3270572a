// The short prize code a screen makes (protocol/claim.hpp), for the browser
// test of the redemption page: the same function the player's prize book
// calls, with the screen's device token, today's UTC date and a serial.
//   signage-test-claim-code TOKEN SERIAL
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "protocol/claim.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: signage-test-claim-code TOKEN SERIAL\n");
        return 2;
    }
    try {
        const int serial = std::stoi(argv[2]);
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const int today =
            static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(now).count() / 24);
        const auto keys = signage::protocol::derive_claim_keys(argv[1]);
        std::printf(
            "%s\n",
            signage::protocol::make_short_claim_code(today, serial, keys.public_key).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "signage-test-claim-code: %s\n", e.what());
        return 2;
    }
    return 0;
}
