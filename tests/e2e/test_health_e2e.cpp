// Screen health end to end: a headless player sends heartbeats the server
// shows as the screen's state, and a screenshot asked for in the console's
// way (POST /api/v1/screens/{id}/screenshot) reaches the player through its
// waiting long-poll and comes back within 2 s as a PNG of what the screen
// shows (compared with the player's snapshot and with the slide drawn alone).

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kHealthPlayer = SIGNAGE_PLAYER_BINARY;

}  // namespace

TEST_CASE(
    "e2e health: heartbeats show the screen online and a screenshot of the screen comes back "
    "within 2 s",
    "[e2e][health]") {
    ServerFixture server;
    auto admin = server.client(server.add_staff("ada", "admin"));
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const std::string token = server.add_screen("gate", "lobby");
    const std::string slide_id = approve_slide(editor, reviewer,
                                               {{"type", "text"},
                                                {"title", "文明出行"},
                                                {"body", "礼让斑马线。"},
                                                {"duration_s", 600},
                                                {"public_service", true},
                                                {"background", "#0b6e4f"}});
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    TempDir dir;
    const auto log = dir / "player.log";
    const auto snapshot = dir / "screen.png";
    ShowOnFailure shown_log("player log", log);
    auto player = start_headless_player(
        kHealthPlayer, server.url(), token, dir / "cache", snapshot, log,
        {"--size", "640x360", "--heartbeat-seconds", "5", "--screenshot-seconds", "0"});

    // The first heartbeat goes at start; the manifest switch sends another
    // at once, with the new version.
    json screen;
    ShowOnFailure shown_screen("the screen as the API shows it", [&] { return screen.dump(2); });
    const bool reported = wait_until(
        [&] {
            screen = screen_named(admin, "gate");
            return screen.is_object() && screen.at("heartbeat").is_object() &&
                   screen.at("heartbeat").at("manifest_version").is_string();
        },
        20s);
    REQUIRE(reported);
    CHECK(screen.at("state") == "online");
    const json hb = screen.at("heartbeat");
    CHECK(hb.at("software_version").get<std::string>().size() > 0);
    CHECK(hb.at("item_id").is_string());
    CHECK(hb.at("item_title").is_string());
    CHECK(hb.at("interval_s") == 5);
    CHECK(hb.at("rss_bytes").get<std::int64_t>() > 1'000'000);
    CHECK(hb.at("cache_bytes").get<std::int64_t>() > 0);
    CHECK(hb.at("free_disk_bytes").get<std::int64_t>() > 0);
    CHECK(hb.at("last_sync_error").is_null());
    CHECK(screen.at("offline_after_s") == 15);

    // The published slide is fully on screen (its snapshot is written then).
    REQUIRE(wait_until(
        [&] {
            auto img = Image::load(snapshot);
            return img && img->share_of(0x0b, 0x6e, 0x4f) > 0.3;
        },
        20s));
    auto on_screen = Image::load(snapshot);
    REQUIRE(on_screen);

    // The screen is waiting on its long-poll: the request answers it.
    REQUIRE(wait_until([&] { return screen_named(admin, "gate").at("waiting") == true; }, 10s));
    const std::string id = screen.at("id").get<std::string>();
    CHECK(admin.get("/api/v1/screens/" + id + "/screenshot").status == 404);
    const AskedScreenshot asked = ask_screenshot(editor, id);
    const HttpResponse& shot = asked.shot;
    std::printf("screenshot arrived %lld ms after the request\n",
                static_cast<long long>(asked.latency.count()));
    REQUIRE(asked.arrived);
    // What the product promises: on the staff member's screen within 2 s.
    CHECK(asked.latency < 2000ms);
    CHECK(shot.header("content-type") == "image/png");
    CHECK_FALSE(shot.header("signage-taken-at").empty());

    // It is the screen's frame: the same picture as the snapshot of the item
    // on screen, and as the slide drawn alone at that moment; the same slide
    // under another title is clearly not it.
    write_text_file(dir / "shot.png", shot.body);
    auto img = Image::load(dir / "shot.png");
    REQUIRE(img);
    CHECK(img->width == 640);
    CHECK(img->height == 360);
    ScreenRender what = published_slide(reviewer, slide_id, "lobby", asked.arrived_at);
    const Image expected = render_screen(kHealthPlayer, what, dir.path(), "expected");
    what.slide["title"] = "垃圾分类";
    const Image decoy = render_screen(kHealthPlayer, what, dir.path(), "decoy");
    INFO("pixels differing from the snapshot: "
         << img->differing_share(*on_screen) << ", from the slide drawn alone: "
         << img->differing_share(expected) << ", from the decoy: " << img->differing_share(decoy));
    CHECK(img->differing_share(*on_screen) < kSameScreen);
    CHECK(img->differing_share(expected) < kSameScreen);
    CHECK(img->differing_share(decoy) > kClearlyOtherScreen);

    // The console's view knows when it was taken.
    CHECK(screen_named(admin, "gate").at("screenshot_at").is_string());
    CHECK(player->terminate() == 0);
}

TEST_CASE("e2e health: --screenshot-seconds sends screenshots with nobody asking",
          "[e2e][health]") {
    ServerFixture server;
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const std::string token = server.add_screen("square", "lobby");
    TempDir dir;
    const auto snapshot = dir / "screen.png";
    ShowOnFailure shown_log("player log", dir / "player.log");
    auto player = start_headless_player(kHealthPlayer, server.url(), token, dir / "cache", snapshot,
                                        dir / "player.log",
                                        {"--size", "320x180", "--screenshot-seconds", "1"});
    const json screen = screen_named(reviewer, "square");
    REQUIRE(screen.is_object());
    const std::string id = screen.at("id").get<std::string>();

    // One arrives, then another a second or so later: nobody asked for either.
    std::string first_taken;
    HttpResponse shot;
    const auto arrived = [&](const std::string& after) {
        return wait_until(
            [&] {
                shot = reviewer.get("/api/v1/screens/" + id + "/screenshot");
                return shot.status == 200 && shot.header("signage-taken-at") != after;
            },
            15s);
    };
    REQUIRE(arrived(""));
    CHECK(shot.header("signage-screenshot-id").empty());  // periodic: no request
    first_taken = shot.header("signage-taken-at");
    const auto first_at = std::chrono::steady_clock::now();
    REQUIRE(arrived(first_taken));
    CHECK(std::chrono::steady_clock::now() - first_at < 5s);
    CHECK(shot.header("signage-screenshot-id").empty());

    // Each is the screen's frame: the built-in slide the snapshot shows.
    write_text_file(dir / "shot.png", shot.body);
    auto img = Image::load(dir / "shot.png");
    auto on_screen = Image::load(snapshot);
    REQUIRE(img);
    REQUIRE(on_screen);
    CHECK(img->width == 320);
    CHECK(img->height == 180);
    INFO("pixels differing from the snapshot: " << img->differing_share(*on_screen));
    CHECK(img->differing_share(*on_screen) < kSameScreen);
    CHECK(player->terminate() == 0);
}
