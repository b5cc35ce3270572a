#pragma once
// What the end-to-end tests share: waiting for a condition, starting a
// headless signage-player, reading its log and the times it wrote things,
// and drawing a slide the way the screen draws it.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "image_check.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace signage::test {

// The file's text, or "" when it cannot be read (yet).
inline std::string read_or_empty(const std::filesystem::path& path) {
    try {
        return read_text_file(path);
    } catch (...) {
        return {};
    }
}

// The file's text at the moment it is called, for ShowOnFailure:
//   ShowOnFailure shown("player log", log);
inline std::function<std::string()> file_text(std::filesystem::path path) {
    return [path = std::move(path)] { return read_or_empty(path); };
}

// The lines of a log file that match `pattern` (std::regex_search), in order.
std::vector<std::string> log_lines(const std::filesystem::path& log, const std::regex& pattern);
// How many lines of a log file match `pattern`.
std::size_t count_log_lines(const std::filesystem::path& log, const std::regex& pattern);

// When the player wrote a log line, from its "[YYYY-MM-DD HH:MM:SS.mmm]"
// stamp (local time, as the test sees it too); nullopt without a stamp.
std::optional<std::chrono::system_clock::time_point> log_line_time(const std::string& line);

// When a file was last written (its modification time); nullopt when it is
// missing.
std::optional<std::chrono::system_clock::time_point> modified_at(const std::filesystem::path& path);

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

// A screenshot asked for the console's way (POST /api/v1/screens/{id}/screenshot
// as `staff`) and waited for: GET /api/v1/screens/{id}/screenshot until it
// carries the request's id, polled every 10 ms. Throws std::runtime_error
// when the request is refused.
struct AskedScreenshot {
    std::string id;  // the request's
    bool arrived = false;
    HttpResponse shot;                    // the last GET
    std::chrono::milliseconds latency{};  // from the request to its arrival (or giving up)
    std::chrono::system_clock::time_point arrived_at;
};
AskedScreenshot ask_screenshot(HttpClient& staff, const std::string& screen_id,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

// What `signage-player --render FILE --screen` is asked to draw.
struct ScreenRender {
    nlohmann::json slide;     // as the API returns it (bookkeeping is dropped)
    nlohmann::json settings;  // the group's settings (--settings); null: none
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();  // --now
    std::string size = "640x360";
};

// The slide drawn as the full screen (header and main zone) the way a screen
// playing it alone shows it at `now`, by `signage-player --render FILE
// --screen --settings S --now T --size SIZE --out PNG`; its files go to `dir`
// under `name`. Throws std::runtime_error when the player cannot draw it.
Image render_screen(const std::filesystem::path& binary, const ScreenRender& what,
                    const std::filesystem::path& dir, const std::string& name);

// The slide `id` and its group's settings as `staff` reads them from the
// API (GET /api/v1/slides/{id}, GET /api/v1/groups/{group}), to draw at `now`.
ScreenRender published_slide(HttpClient& staff, const std::string& id, const std::string& group,
                             std::chrono::system_clock::time_point now);

}  // namespace signage::test
