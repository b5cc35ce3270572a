// End to end: the real signage-server and headless signage-player processes.
// What the screen shows is read back from the PNG snapshot the player writes
// each time a new item goes on screen.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <regex>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

const fs::path kPlayer = SIGNAGE_PLAYER_BINARY;
// A colour no built-in slide uses, so seeing it means the published slide is up.
constexpr std::uint8_t kR = 0x0b, kG = 0x6e, kB = 0x4f;
const char* const kBackground = "#0b6e4f";

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
    ShowOnFailure shown_log("player log", log);
    auto player = start_player(server.url(), token, cache, snapshot, log);

    // Before anything is published the screen shows the built-in core values,
    // never a black frame.
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
    const std::string id = approve_slide(editor, reviewer, slide);
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);
    REQUIRE(wait_until([&] { return shows_published_slide(snapshot); }, 10s));

    // The screen shows what the preview engine draws for the slide as the
    // server holds it, on the full screen with the group's header at the
    // time of the snapshot; the same slide under another title does not pass.
    auto shown = Image::load(snapshot);
    const auto taken = modified_at(snapshot);
    REQUIRE(shown);
    REQUIRE(taken);
    ScreenRender what = published_slide(reviewer, id, "community", *taken);
    const Image expected = render_screen(kPlayer, what, dir.path(), "expected");
    what.slide["title"] = "垃圾分类 从我做起";
    const Image decoy = render_screen(kPlayer, what, dir.path(), "decoy");
    INFO("pixels differing from the slide drawn alone: " << shown->differing_share(expected)
                                                         << ", from the decoy: "
                                                         << shown->differing_share(decoy));
    CHECK(shown->differing_share(expected) < kSameScreen);
    CHECK(shown->differing_share(decoy) > kClearlyOtherScreen);

    SECTION("the server goes away: the screen keeps showing the slide") {
        const std::regex unreachable("sync: cannot reach");
        REQUIRE(server.stop() == 0);
        // Keeping it is what does not change: the player's own log shows it
        // found the server gone and tried again, with the slide still up.
        REQUIRE(wait_until([&] { return count_log_lines(log, unreachable) >= 2; }, 15s));
        CHECK(player->running());
        auto still = Image::load(snapshot);
        REQUIRE(still);
        CHECK(still->differing_share(*shown) < kSameScreen);
        CHECK(modified_at(snapshot) == taken);  // no other item went on screen
    }

    SECTION("a restart with the server down starts from the cache") {
        REQUIRE(player->terminate() == 0);
        REQUIRE(server.stop() == 0);
        fs::remove(snapshot);
        const auto log2 = dir / "player2.log";
        ShowOnFailure shown_log2("second player log", log2);
        auto again = start_player(server.url(), token, cache, snapshot, log2);
        REQUIRE(wait_until([&] { return Image::load(snapshot).has_value(); }, 15s));
        CHECK(shows_published_slide(snapshot));
        CHECK(count_log_lines(log2, std::regex("starting from cached manifest")) == 1);
        CHECK(again->running());
        CHECK(again->terminate() == 0);
    }
}

TEST_CASE("a screen with a revoked or wrong token keeps its default content", "[e2e]") {
    ServerFixture server;
    TempDir dir("signage-e2e");
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ShowOnFailure shown_log("player log", log);
    auto player = start_player(server.url(), "not-a-device-token", dir / "cache", snapshot, log);
    REQUIRE(wait_until([&] { return Image::load(snapshot).has_value(); }, 15s));
    // The server refused the token, and the player asked again and was
    // refused again, with the default content on screen all along.
    REQUIRE(wait_until(
        [&] {
            return count_log_lines(log,
                                   std::regex("sync: the server refused this screen's token")) >= 2;
        },
        15s));
    CHECK(player->running());
    auto img = Image::load(snapshot);
    REQUIRE(img);
    CHECK(img->share_darker_than(16) < 0.5);
    CHECK(count_log_lines(log, std::regex("switched to manifest")) == 0);
}
