// A film from upload to the screen: staff upload it, write a video slide,
// approve and publish; a headless screen plays it and its item lasts the
// film (not the whole seconds the server rounds it up to).

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <utility>
#include <vector>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/film.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

// When each "showing" line of the player's log was written, in ms since
// midnight, with the line.
std::vector<std::pair<long, std::string>> shows(const fs::path& log) {
    const std::regex stamp(R"(^\[\d{4}-\d\d-\d\d (\d\d):(\d\d):(\d\d)\.(\d{3})\].*showing )");
    std::vector<std::pair<long, std::string>> out;
    std::istringstream in(read_or_empty(log));
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (!std::regex_search(line, m, stamp)) continue;
        out.emplace_back(((std::stol(m[1]) * 60 + std::stol(m[2])) * 60 + std::stol(m[3])) * 1000 +
                             std::stol(m[4]),
                         line);
    }
    return out;
}

}  // namespace

TEST_CASE("a film uploaded, approved and published plays on a screen, its item as long as the film",
          "[e2e][video]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("lobby", "community");
    TempDir dir("signage-video-e2e");

    // 2.4 s (60 frames) of green, a colour no built-in slide uses.
    const fs::path film = make_film(
        dir.path(), FilmSpec("mp4", "libx264", {}, 640, 360, 2.4, 0, "color=c=0x0b6e4f", 25));
    auto up = editor.put_bytes("/api/v1/media", read_text_file(film), "video/mp4");
    REQUIRE(up.status == 201);  // stored
    const std::string sha = up.json().at("sha256");
    CHECK(up.json().at("video").at("duration_ms") == 2400);

    const std::string film_id = approve_slide(editor, reviewer,
                                              {{"type", "video"},
                                               {"title", "绿色出行"},
                                               {"media", sha},
                                               {"fit", "cover"},
                                               {"purpose", "public_service"}});
    // The server counts the film's length, rounded up to whole seconds.
    CHECK(editor.get("/api/v1/slides/" + film_id).json().at("duration_s") == 3);
    const std::string text_id = approve_slide(editor, reviewer,
                                              {{"type", "text"},
                                               {"title", "文明出行"},
                                               {"body", "礼让行人"},
                                               {"duration_s", 2},
                                               {"purpose", "public_service"},
                                               {"background", "#37474f"}});
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ShowOnFailure shown_log("player log", log);
    auto player = start_headless_player(SIGNAGE_PLAYER_BINARY, server.url(), token, dir / "cache",
                                        snapshot, log);

    // The film is on screen: its green fills the main zone.
    REQUIRE(wait_until(
        [&] {
            auto img = Image::load(snapshot);
            return img && img->share_of(0x0b, 0x6e, 0x4f, 12) > 0.5;
        },
        20s));
    // Its item ended with the film: the next item went up 2.4 s after it,
    // not at the 3 s the schedule planned.
    const std::string film_line = "showing " + film_id + " ";
    long film_at = -1, next_at = -1;
    REQUIRE(wait_until(
        [&] {
            film_at = next_at = -1;
            for (const auto& [t, line] : shows(log)) {
                if (film_at < 0 && line.find(film_line) != std::string::npos) {
                    film_at = t;
                } else if (film_at >= 0 && next_at < 0) {
                    next_at = t;
                }
            }
            return next_at >= 0;
        },
        20s));
    INFO("the film's item lasted " << next_at - film_at << " ms");
    CHECK(next_at - film_at >= 2300);
    CHECK(next_at - film_at <= 2700);
    CHECK(player->running());
}
