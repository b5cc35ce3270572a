#include "pairing/pairing_service.hpp"

#include <cstdio>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "auth/tokens.hpp"
#include "common/random.hpp"
#include "groups/group_service.hpp"
#include "protocol/slide.hpp"
#include "screens/screen_service.hpp"

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

PairingService::PairingService(ScreenService& screens, std::chrono::seconds code_ttl)
    : screens_(screens), code_ttl_(code_ttl) {}

void PairingService::purge_locked(Clock::time_point now) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        const bool claimed = it->second.result.has_value();
        // A claimed request stays until collected, for its collect window.
        const auto end = claimed ? it->second.expires + kCollectWindow : it->second.expires;
        if (now >= it->second.expires && !claimed) {
            by_code_.erase(it->second.code);
        }
        if (now >= end) {
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = recent_.begin(); it != recent_.end();) {
        auto& times = it->second;
        while (!times.empty() && now - times.front() >= std::chrono::minutes{1}) times.pop_front();
        it = times.empty() ? recent_.erase(it) : std::next(it);
    }
}

Result<PairingRequest> PairingService::request(const std::string& remote,
                                               const std::string& name_hint) {
    std::lock_guard lock(mutex_);
    const auto t = Clock::now();
    purge_locked(t);
    auto& times = recent_[remote];
    if (static_cast<int>(times.size()) >= kRequestsPerMinute) {
        return make_error(ErrorCode::rate_limited,
                          "too many pairing requests from this address: try again in a minute");
    }
    times.push_back(t);
    std::string code;
    do {
        code = six_digit_code();
    } while (by_code_.count(code) > 0);  // unique among live requests
    const std::string id = random_hex(32);
    const std::int64_t expires_unix = now_unix() + code_ttl_.count();
    pending_[id] = Pending{code, name_hint, t + code_ttl_, expires_unix, std::nullopt};
    by_code_[code] = id;
    spdlog::info("pairing: code requested from {}{}", remote,
                 name_hint.empty() ? std::string{} : " (" + name_hint + ")");
    return PairingRequest{id, code, expires_unix};
}

Result<PairingPoll> PairingService::poll(const std::string& pairing_id) {
    std::lock_guard lock(mutex_);
    purge_locked(Clock::now());
    auto it = pending_.find(pairing_id);
    if (it == pending_.end()) {
        return make_error(ErrorCode::not_found,
                          "unknown pairing: it expired or was collected; ask for a new code");
    }
    if (!it->second.result) return PairingPoll{};
    PairingPoll out = std::move(*it->second.result);
    pending_.erase(it);  // the token is handed out once
    return out;
}

Result<Screen> PairingService::claim(const std::string& code, const std::string& name,
                                     const std::string& group, std::optional<std::int64_t> actor,
                                     const std::string& client, std::int64_t* retry_after) {
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
    std::unique_lock lock(mutex_);
    purge_locked(Clock::now());
    auto c = by_code_.find(code);
    auto it = c == by_code_.end() ? pending_.end() : pending_.find(c->second);
    if (it == pending_.end() || it->second.result) {
        lock.unlock();
        // Only the first two digits are kept: enough to spot a typo, not a
        // live code to reuse.
        const std::string shown = code.substr(0, 2) + "****";
        spdlog::warn("pairing: code {} claimed by user {} from {} matches no screen", shown,
                     actor ? std::to_string(*actor) : std::string("-"), client);
        if (auto st = screens_.audit_refused_pairing(actor, shown, client); !st) return st.error();
        return unknown_code();
    }
    wrong_codes_.succeeded(attempt);
    auto fresh = screens_.new_device_token();
    if (!fresh) return fresh.error();
    const std::string token = *fresh;
    auto screen = screens_.pair(name, group, device_credentials(token), actor);
    if (!screen) return screen.error();
    it->second.result = PairingPoll{true, token, *screen};
    by_code_.erase(c);
    spdlog::info("pairing: code claimed for screen {} in group {} from {}", screen->name,
                 screen->group, client);
    return *screen;
}

}  // namespace signage::server
