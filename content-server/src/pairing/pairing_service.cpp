#include "pairing/pairing_service.hpp"

#include <cstdio>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "auth/tokens.hpp"
#include "common/random.hpp"
#include "common/sha256.hpp"
#include "groups/group_service.hpp"
#include "protocol/slide.hpp"
#include "screens/screen_service.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

std::string six_digit_code() {
    char text[8];
    std::snprintf(text, sizeof text, "%06u", static_cast<unsigned>(randombytes_uniform(1000000)));
    return text;
}

Error unknown_code() {
    return make_error(ErrorCode::not_found,
                      "no screen is showing this code: check it, or it has expired", "code")
        .because(ErrorReason::unknown_code);
}

}  // namespace

PairingService::PairingService(Store& store, ScreenService& screens, std::chrono::seconds code_ttl)
    : store_(store),
      screens_(screens),
      code_ttl_(code_ttl),
      wrong_codes_(kWrongCodeWindow, &store, "pairing-code/"),
      requests_(std::chrono::minutes{1}, &store, "pairing-request/") {}

Result<PairingRequest> PairingService::request(const std::string& remote,
                                               const std::string& name_hint) {
    const std::int64_t now = now_unix();
    if (requests_.begin({{"addr:" + remote, kRequestsPerMinute}}, now).wait > 0) {
        return make_error(ErrorCode::rate_limited,
                          "too many pairing requests from this address: try again in a minute");
    }
    const std::string id = random_hex(32);
    PairingRow row;
    row.pairing_hash = sha256_hex(id);
    row.name_hint = name_hint;
    row.expires_unix = now + code_ttl_.count();
    auto added = store_.write([&](Tx& tx) -> Status {
        tx.pairings().purge(now);
        // Unique among live requests (expired ones are gone).
        for (int tries = 0; tries < 100; ++tries) {
            row.code = six_digit_code();
            if (tx.pairings().add(row)) return {};
        }
        return make_error(ErrorCode::unavailable, "no pairing code is free: try again");
    });
    if (!added) return added.error();
    spdlog::info("pairing: code requested from {}{}", remote,
                 name_hint.empty() ? std::string{} : " (" + name_hint + ")");
    return PairingRequest{id, row.code, row.expires_unix};
}

Result<PairingPoll> PairingService::poll(const std::string& pairing_id) {
    const std::string hash = sha256_hex(pairing_id);
    const std::int64_t now = now_unix();
    // Read and, once paired, removed in one transaction: the token is
    // handed out once.
    return store_.write([&](Tx& tx) -> Result<PairingPoll> {
        auto row = tx.pairings().find(hash);
        if (!row || row->expires_unix <= now) {
            return make_error(ErrorCode::not_found,
                              "unknown pairing: it expired or was collected; ask for a new code");
        }
        if (!row->claimed) return PairingPoll{};
        tx.pairings().remove(hash);
        PairingPoll out{true, row->token, Screen{}};
        out.screen.name = row->screen;
        out.screen.group = row->group;
        return out;
    });
}

Result<Screen> PairingService::claim(const std::string& code, const std::string& name,
                                     const std::string& group, std::optional<std::int64_t> actor,
                                     const std::string& client, std::int64_t* retry_after,
                                     std::int64_t unit) {
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
        return make_error(ErrorCode::invalid, "the code is six digits", "code")
            .because(ErrorReason::format, {{"format", "six_digits"}});
    }
    // The rule of `signage-server screen add`.
    const std::size_t length = protocol::utf8_length(name);
    bool clean = length >= 1 && length <= 64;
    for (unsigned char ch : name) clean = clean && ch > 0x20 && ch != 0x7f && ch != '/';
    if (!clean) {
        return make_error(ErrorCode::invalid,
                          "a screen name has 1 to 64 characters, no spaces, control characters "
                          "or '/'",
                          "name")
            .because(ErrorReason::format, {{"format", "screen_name"}});
    }
    if (auto st = check_group_name(group, "group"); !st) return st.error();
    // Counted as a wrong code until the code turns out to be live.
    const std::int64_t now = now_unix();
    const auto attempt = wrong_codes_.begin(
        {{"actor:" + (actor ? std::to_string(*actor) : std::string("-")), kMaxWrongCodes},
         {std::string("addr:") += client, kMaxWrongCodes}},
        now);
    if (attempt.wait > 0) {
        if (retry_after) *retry_after = attempt.wait;
        return make_error(
            ErrorCode::too_many_requests,
            std::string("too many codes no screen showed: ") += retry_text(attempt.wait, now),
            "code");
    }
    // The live request showing the code, taken off it so no one else claims it.
    auto taken = store_.write([&](Tx& tx) -> Result<std::optional<std::string>> {
        return tx.pairings().take_code(code, now);
    });
    if (!taken) return taken.error();
    if (!*taken) {
        // Only the first two digits are kept: enough to spot a typo, not a
        // live code to reuse.
        const std::string shown = code.substr(0, 2) + "****";
        spdlog::warn("pairing: code {} claimed by user {} from {} matches no screen", shown,
                     actor ? std::to_string(*actor) : std::string("-"), client);
        if (auto st = screens_.audit_refused_pairing(actor, shown, client); !st) return st.error();
        return unknown_code();
    }
    const std::string hash = **taken;
    // A claim that fails (a name taken, …) leaves the code to claim again.
    auto give_back = [&] {
        auto back = store_.write([&](Tx& tx) -> Status {
            tx.pairings().give_back_code(hash, code);
            return {};
        });
        if (!back)
            spdlog::error("pairing: the code could not be put back: {}", back.error().message);
    };
    wrong_codes_.succeeded(attempt);
    auto fresh = screens_.new_device_token();
    if (!fresh) {
        give_back();
        return fresh.error();
    }
    const std::string token = *fresh;
    auto screen = screens_.pair(name, group, device_credentials(token), actor, unit);
    if (!screen) {
        give_back();
        return screen.error();
    }
    auto claimed = store_.write([&](Tx& tx) -> Status {
        tx.pairings().set_claimed(hash, token, screen->name, screen->group,
                                  now_unix() + kCollectWindow.count());
        return {};
    });
    if (!claimed) return claimed.error();
    spdlog::info("pairing: code claimed for screen {} in group {} from {}", screen->name,
                 screen->group, client);
    return *screen;
}

}  // namespace signage::server
