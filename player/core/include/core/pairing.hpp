#pragma once
// Pairing a screen that has no device token: ask the server for a six-digit
// code (POST /api/v1/player/pair), show it, and poll with the secret pairing
// id (GET /api/v1/player/pair/{id}) until staff claim it; the answer carries
// the new device token, once. The token is kept in CACHE/device-token.
//
// Threading: PairingClient's calls block (a few seconds at most) and may run
// on any thread; cancel() (any thread) makes a call in progress return
// "stopped" at once.

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "protocol/time.hpp"

namespace signage::player {

struct PairingCode {
    std::string pairing_id;
    std::string code;  // six digits
    protocol::Timestamp expires_at{};
    std::string expires_text;  // as the server sent it (ISO 8601)
};

struct PairingOutcome {
    bool paired = false;  // false: still waiting
    std::string token;
    std::string screen;
    std::string group;
};

class PairingClient {
  public:
    explicit PairingClient(std::string server_url);

    // A new code. Errors: "network", "rate_limited" (HTTP 429), "stopped".
    Result<PairingCode> request_code(const std::string& name_hint);
    // Errors: "expired" (the server no longer knows the id: ask for a new
    // code), "network", "stopped".
    Result<PairingOutcome> poll(const std::string& pairing_id);
    void cancel() { cancelled_ = true; }

  private:
    struct Reply {
        long status = 0;
        std::string body;
    };
    Result<Reply> send(const std::string& method, const std::string& path, const std::string& body);

    std::string server_url_;
    std::atomic<bool> cancelled_{false};
};

// CACHE/device-token.
std::filesystem::path device_token_path(const std::filesystem::path& cache_dir);
// The saved token; "" when there is none (or it is unreadable).
std::string load_device_token(const std::filesystem::path& cache_dir);
// Saves the token: mode 0600, temporary file + fsync + rename + directory fsync.
Status save_device_token(const std::filesystem::path& cache_dir, const std::string& token);
// Removes the saved token (it was revoked).
void forget_device_token(const std::filesystem::path& cache_dir);

}  // namespace signage::player
