#pragma once
// What the end-to-end tests share: waiting for a condition, starting a
// headless signage-player, reading a log that may not exist yet.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace signage::test {

// Polls `pred` every 50 ms until it holds or `timeout` passes; its last answer.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

// The file's text, or "" when it cannot be read (yet).
std::string read_or_empty(const std::filesystem::path& path);

// The screen named `name` as GET /api/v1/screens shows it to `staff`; null
// when it is not there (or the list cannot be read).
nlohmann::json screen_named(HttpClient& staff, const std::string& name);

// A headless player (640x360 unless `extra` says otherwise) with its
// standard error in `log` and its snapshot in `snapshot`.
std::unique_ptr<Process> start_headless_player(const std::filesystem::path& binary,
                                               const std::string& url, const std::string& token,
                                               const std::filesystem::path& cache,
                                               const std::filesystem::path& snapshot,
                                               const std::filesystem::path& log,
                                               const std::vector<std::string>& extra = {});

}  // namespace signage::test
