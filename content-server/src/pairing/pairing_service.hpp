#pragma once
// Screen pairing: a screen without a device token asks for a six-digit code
// and shows it; an admin types the code into the console with a name and a
// group; the screen, polling with its long secret pairing id, then collects
// its new device token, once.
//
// Pairing requests live in the store (PairingRepository, 15 minutes each),
// so a screen may ask on one server instance, be claimed on another and
// collect its token from a third. The store knows the pairing id only by
// its hash. Tokens are made and stored (hashed, with the claim public key)
// when the code is claimed; the plain token waits with the request until the
// screen collects it (at most kCollectWindow), and is dropped then. A code
// is taken off its request while it is being claimed, so two staff claiming
// the same code on two instances pair one screen.
//
// Errors: "rate_limited" (HTTP 429: too many requests from one address),
// "not_found" (unknown, expired or already collected pairing id; a wrong or
// expired code, field "code"), the store's errors for claim().
// Threading: every method may be called from any thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "auth/throttle.hpp"
#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class ScreenService;
class Store;

struct PairingRequest {
    std::string pairing_id;       // 32 random bytes as hex: the screen's secret
    std::string code;             // six digits
    std::int64_t expires_at = 0;  // Unix seconds
};

struct PairingPoll {
    bool paired = false;
    std::string token;  // set once paired
    Screen screen;
};

class PairingService {
  public:
    static constexpr int kRequestsPerMinute = 10;  // per client address
    // How long a claimed request waits for its screen to collect the token.
    static constexpr std::chrono::seconds kCollectWindow{15 * 60};

    // `code_ttl`: how long a code is valid (15 minutes in service).
    PairingService(Store& store, ScreenService& screens, std::chrono::seconds code_ttl);

    // A new code for the screen at `remote`; `name_hint` is kept for the log.
    Result<PairingRequest> request(const std::string& remote, const std::string& name_hint);
    // What the screen sees: waiting, or paired with its token (once; after
    // that the id is unknown).
    Result<PairingPoll> poll(const std::string& pairing_id);
    // Staff claim a live code: registers the screen `name` in `group`
    // (created when missing) with a new device token, or gives a revoked
    // screen of that name a new one.
    // `actor`: the admin who claims it, for the audit log. A code no screen
    // shows is audited ("pair_refused") and counts against the admin and the
    // client address: after kMaxWrongCodes of either in kWrongCodeWindow,
    // "too_many_requests" (field "code", `retry_after` set) until the oldest
    // is that old, so the million codes cannot be walked.
    Result<Screen> claim(const std::string& code, const std::string& name, const std::string& group,
                         std::optional<std::int64_t> actor, const std::string& client = {},
                         std::int64_t* retry_after = nullptr, std::int64_t unit = root_unit_id);
    static constexpr int kMaxWrongCodes = 10;
    static constexpr std::chrono::seconds kWrongCodeWindow{15 * 60};

  private:
    Store& store_;
    ScreenService& screens_;
    std::chrono::seconds code_ttl_;
    FailureThrottle wrong_codes_;
    FailureThrottle requests_;  // per client address, a minute
};

}  // namespace signage::server
