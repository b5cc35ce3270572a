#pragma once
// Shared pieces of the server integration tests: images made on the fly, a
// server with one account per role, and slide shortcuts.

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/manifest.hpp"
#include "support/http_client.hpp"
#include "support/server_fixture.hpp"
#include "support/wait.hpp"

namespace signage::test {

// A real PNG / JPEG of w x h pixels; `seed` varies the content (and so the sha256).
std::string make_png(int width, int height, int seed = 0);
std::string make_jpeg(int width, int height, int seed = 0);

// The pixels of a PNG, as RGB.
struct Pixels {
    int w = 0;
    int h = 0;
    std::vector<unsigned char> rgb;

    // The colour at (x, y): {r, g, b}.
    std::array<int, 3> at(int x, int y) const;
    // Share of pixels of the most common colour.
    double flattest_share() const;
    // Share of pixels within 40 of the colour on every channel.
    double share_near(int r, int g, int b) const;
    std::size_t differing_pixels(const Pixels& other) const;
};

// Decodes a PNG answer (200, image/png); throws std::runtime_error saying
// what came instead when it is not one.
Pixels decode_png(const HttpResponse& res);

// {"type": "text", "title": title, "body": body, "duration_s": 8}
nlohmann::json text_slide(const std::string& title,
                          const std::string& body = "文明出行，礼让斑马线。");

// A heartbeat as a healthy player sends it (interval 60 s, no sync error).
nlohmann::json good_heartbeat();

// The rows of CSV text (without its byte order mark), cells as a spreadsheet
// reads them.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// The error's "field" and "code" of a JSON error response ("" when absent).
// Regular files under DATA/media, films' posters included (empty when the
// directory does not exist).
std::vector<std::filesystem::path> media_files(const ServerFixture& server);

// A process's peak resident memory so far, in kB (VmHWM); -1 when unknown.
long peak_resident_kb(Process& process);
// Starts the peak over from the memory the process holds now (clear_refs).
void reset_peak_resident(Process& process);
// A bound on how much a server's peak memory may grow: `plain_kb`, or
// `sanitized_kb` under AddressSanitizer, whose quarantine (up to 256 MB)
// keeps freed memory instead of reusing it.
constexpr long growth_bound_kb(long plain_kb, long sanitized_kb) {
#if defined(__SANITIZE_ADDRESS__)
    (void)plain_kb;
    return sanitized_kb;
#else
    (void)sanitized_kb;
    return plain_kb;
#endif
}

std::string error_field(const HttpResponse& res);
std::string error_code(const HttpResponse& res);

// GET /api/v1/player/manifest without If-None-Match, parsed and validated
// with the protocol's reader; throws when it is not a 200 with a valid manifest.
signage::protocol::Manifest fetch_manifest(HttpClient& screen);

// The value of one sample line ("name{labels} value") of a Prometheus
// exposition; -1 when absent.
double metric_value(const std::string& text, const std::string& series);

// GET /api/v1/media/{sha} until `done` says its answer is what the test waits
// for, and that answer (films convert in the background: media/converter.hpp);
// throws after three minutes, or on an answer other than 200.
nlohmann::json wait_for_film(HttpClient& client, const std::string& sha,
                             const std::function<bool(const nlohmann::json&)>& done);
// Whether every conversion of a film ("renditions") is done or failed.
bool conversions_ended(const nlohmann::json& film);

// An ETag without its quotes.
std::string unquote(std::string etag);

using Clock = std::chrono::steady_clock;

// The screen named `name` as GET /api/v1/screens shows it to `staff`; null
// when it is not listed.
nlohmann::json screen_named(HttpClient& staff, const std::string& name);

// Waits (up to 10 s) until the server holds a manifest long-poll of the
// screen named `name`, as its "waiting" in GET /api/v1/screens says: the
// condition a test needs before a publish that should, or should not, wake it.
bool wait_for_waiting(HttpClient& staff, const std::string& name);

// A long-poll's answer and when it came.
struct Poll {
    HttpResponse res;
    Clock::time_point done;
};

// Starts GET /api/v1/player/manifest?wait=WAIT_S with If-None-Match: VERSION
// on its own connection and thread.
std::future<Poll> start_poll(const std::string& url, const std::string& device,
                             const std::string& version, int wait_s);

// A running server with signed-in accounts: admin, editor and reviewer.
struct Staff {
    explicit Staff(ServerOptions options = {});
    ServerFixture server;
    HttpClient admin;
    HttpClient editor;
    HttpClient reviewer;

    // Created by the editor, submitted and approved by the reviewer: its id.
    std::string approved_slide(const nlohmann::json& slide);
    // POST /api/v1/publish as the reviewer: the response JSON.
    nlohmann::json publish();
    // The id of the screen named `name` (from GET /api/v1/screens).
    std::string screen_id(const std::string& name);
};

}  // namespace signage::test
