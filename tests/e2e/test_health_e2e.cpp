// Screen health end to end: a headless player sends heartbeats the server
// shows as the screen's state, and a screenshot asked for in the console's
// way (POST /api/v1/screens/{id}/screenshot) reaches the player through its
// waiting long-poll and comes back as a PNG of what the screen shows.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kHealthPlayer = SIGNAGE_PLAYER_BINARY;

}  // namespace

TEST_CASE("e2e health: heartbeats show the screen online and a screenshot comes back at once",
          "[e2e][health]") {
    ServerFixture server;
    auto admin = server.client(server.add_staff("ada", "admin"));
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const std::string token = server.add_screen("gate", "lobby");
    approve_slide(editor, reviewer,
                  {{"type", "text"},
                   {"title", "文明出行"},
                   {"body", "礼让斑马线。"},
                   {"duration_s", 30},
                   {"background", "#0b6e4f"}});
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    TempDir dir;
    ProcessOptions opt;
    opt.stderr_file = dir.path() / "player.log";
    Process player(kHealthPlayer,
                   {"--server", server.url(), "--token", token, "--cache",
                    (dir.path() / "cache").string(), "--headless", "--size", "640x360",
                    "--heartbeat-seconds", "5", "--screenshot-seconds", "0"},
                   opt);

    // The first heartbeat goes at start; the manifest switch sends another
    // at once, with the new version.
    json screen;
    const bool reported = wait_until(
        [&] {
            screen = screen_named(admin, "gate");
            return screen.is_object() && screen.at("heartbeat").is_object() &&
                   screen.at("heartbeat").at("manifest_version").is_string();
        },
        20s);
    INFO(screen.dump() << "\n" << read_text_file(dir.path() / "player.log"));
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

    // The screen is waiting on its long-poll: the request answers it.
    REQUIRE(wait_until([&] { return screen_named(admin, "gate").at("waiting") == true; }, 10s));
    const std::string id = screen.at("id").get<std::string>();
    CHECK(admin.get("/api/v1/screens/" + id + "/screenshot").status == 404);
    const auto asked = std::chrono::steady_clock::now();
    auto req = editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(req.status == 202);
    const std::string shot_id = req.json().at("id").get<std::string>();
    HttpResponse shot;
    const bool arrived = wait_until(
        [&] {
            shot = editor.get("/api/v1/screens/" + id + "/screenshot");
            return shot.status == 200 && shot.header("signage-screenshot-id") == shot_id;
        },
        10s);
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - asked);
    std::printf("screenshot arrived %lld ms after the request\n",
                static_cast<long long>(latency.count()));
    INFO(read_text_file(dir.path() / "player.log"));
    REQUIRE(arrived);
    CHECK(shot.header("content-type") == "image/png");
    CHECK_FALSE(shot.header("signage-taken-at").empty());

    // It is the screen as shown, at its size, with something drawn on it.
    write_text_file(dir.path() / "shot.png", shot.body);
    auto img = Image::load(dir.path() / "shot.png");
    REQUIRE(img);
    CHECK(img->width == 640);
    CHECK(img->height == 360);
    std::set<std::uint32_t> colours;
    for (std::size_t i = 0; i + 2 < img->rgb.size(); i += 3 * 7) {
        colours.insert(std::uint32_t{img->rgb[i]} << 16 | std::uint32_t{img->rgb[i + 1]} << 8 |
                       img->rgb[i + 2]);
    }
    CHECK(colours.size() > 10);

    // The console's view knows when it was taken.
    CHECK(screen_named(admin, "gate").at("screenshot_at").is_string());
    CHECK(player.terminate() == 0);
}

TEST_CASE("e2e health: --screenshot-seconds sends screenshots with nobody asking",
          "[e2e][health]") {
    ServerFixture server;
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const std::string token = server.add_screen("square", "lobby");
    TempDir dir;
    ProcessOptions opt;
    opt.stderr_file = dir.path() / "player.log";
    Process player(
        kHealthPlayer,
        {"--server", server.url(), "--token", token, "--cache", (dir.path() / "cache").string(),
         "--headless", "--size", "320x180", "--screenshot-seconds", "1"},
        opt);
    const json screen = [&] {
        json s;
        wait_until([&] { return (s = screen_named(reviewer, "square")).is_object(); }, 5s);
        return s;
    }();
    REQUIRE(screen.is_object());
    const std::string id = screen.at("id").get<std::string>();
    HttpResponse shot;
    const bool arrived = wait_until(
        [&] {
            shot = reviewer.get("/api/v1/screens/" + id + "/screenshot");
            return shot.status == 200;
        },
        15s);
    INFO(read_text_file(dir.path() / "player.log"));
    REQUIRE(arrived);
    CHECK(shot.header("signage-screenshot-id").empty());  // periodic: no request
    write_text_file(dir.path() / "shot.png", shot.body);
    auto img = Image::load(dir.path() / "shot.png");
    REQUIRE(img);
    CHECK(img->width == 320);
    CHECK(player.terminate() == 0);
}
