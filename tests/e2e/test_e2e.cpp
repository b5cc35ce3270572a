// End to end: the real signage-server and headless signage-player processes.
// What the screen shows is read back from the PNG snapshot the player writes
// each time a new item goes on screen.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

const fs::path kPlayer = SIGNAGE_PLAYER_BINARY;
// A colour no built-in slide uses, so seeing it means the published slide is up.
constexpr std::uint8_t kR = 0x0b, kG = 0x6e, kB = 0x4f;
const char* const kBackground = "#0b6e4f";
const char* const kSize = "640x360";

std::unique_ptr<Process> start_player(const std::string& url, const std::string& token,
                                      const fs::path& cache, const fs::path& snapshot,
                                      const fs::path& log) {
    return start_headless_player(kPlayer, url, token, cache, snapshot, log);
}

// The snapshot shows the published slide: its background fills much of the
// screen and something (the text) is drawn on it.
bool shows_published_slide(const fs::path& snapshot) {
    auto img = Image::load(snapshot);
    if (!img) return false;
    const double bg = img->share_of(kR, kG, kB);
    return bg > 0.3 && bg < 0.98;
}

}  // namespace

TEST_CASE("a published slide reaches a headless screen, which keeps it without the server",
          "[e2e]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("lobby", "community");

    TempDir dir("signage-e2e");
    const auto cache = dir / "cache";
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    auto player = start_player(server.url(), token, cache, snapshot, log);

    // Before anything is published the screen shows the built-in core values,
    // never a black frame.
    INFO("player log:\n" << read_or_empty(log));
    REQUIRE(wait_until([&] { return Image::load(snapshot).has_value(); }, 15s));
    {
        auto first = Image::load(snapshot);
        REQUIRE(first);
        CHECK(first->width == 640);
        CHECK(first->height == 360);
        CHECK(first->share_darker_than(16) < 0.5);
        CHECK(first->share_of(kR, kG, kB) < 0.01);
    }

    const nlohmann::json slide = {
        {"type", "text"},
        {"title", "文明出行 礼让行人"},
        {"body", "机动车行经人行横道，应当减速行驶；遇行人正在通过时，应当停车让行。"},
        {"duration_s", 600},
        {"public_service", true},
        {"background", kBackground}};
    approve_slide(editor, reviewer, slide);
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    INFO("player log:\n" << read_or_empty(log));
    REQUIRE(wait_until([&] { return shows_published_slide(snapshot); }, 10s));

    // The screen shows what the preview engine renders for the same slide on
    // the full screen (header and main zone; no notices, so no ticker).
    const auto slide_file = dir / "slide.json";
    write_text_file(slide_file, slide.dump());
    const auto preview = dir / "preview.png";
    Process render(kPlayer, {"--render", slide_file.string(), "--screen", "--out", preview.string(),
                             "--size", kSize});
    REQUIRE(render.wait(30s) == 0);
    auto expected = Image::load(preview);
    auto shown = Image::load(snapshot);
    REQUIRE(expected);
    REQUIRE(shown);
    CHECK(shown->mean_abs_diff(*expected) < 3.0);

    SECTION("the server goes away: the screen keeps showing the slide") {
        REQUIRE(server.stop() == 0);
        std::this_thread::sleep_for(2s);
        CHECK(player->running());
        CHECK(shows_published_slide(snapshot));
    }

    SECTION("a restart with the server down starts from the cache") {
        REQUIRE(player->terminate() == 0);
        REQUIRE(server.stop() == 0);
        fs::remove(snapshot);
        auto again = start_player(server.url(), token, cache, snapshot, dir / "player2.log");
        INFO("second player log:\n" << read_or_empty(dir / "player2.log"));
        REQUIRE(wait_until([&] { return Image::load(snapshot).has_value(); }, 15s));
        CHECK(shows_published_slide(snapshot));
        CHECK(again->running());
        CHECK(again->terminate() == 0);
    }
}

TEST_CASE("a screen with a revoked or wrong token keeps its default content", "[e2e]") {
    ServerFixture server;
    TempDir dir("signage-e2e");
    const auto snapshot = dir / "screen.png";
    auto player = start_player(server.url(), "not-a-device-token", dir / "cache", snapshot,
                               dir / "player.log");
    REQUIRE(wait_until([&] { return Image::load(snapshot).has_value(); }, 15s));
    std::this_thread::sleep_for(1s);
    CHECK(player->running());
    auto img = Image::load(snapshot);
    REQUIRE(img);
    CHECK(img->share_darker_than(16) < 0.5);
}
