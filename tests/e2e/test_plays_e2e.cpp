// Proof of play end to end: a real headless player logs what it shows, and
// the plays reach the real server's report; the play on screen at quit is
// kept on disk and sent after a restart.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "e2e_kit.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kPlaysPlayer = SIGNAGE_PLAYER_BINARY;

std::unique_ptr<Process> start_logging_player(const std::string& url, const std::string& token,
                                              const fs::path& dir) {
    ProcessOptions opt;
    opt.stderr_file = dir / "player.log";
    opt.env = {{"SIGNAGE_PLAY_UPLOAD_SECONDS", "1"}};
    return std::make_unique<Process>(
        kPlaysPlayer,
        std::vector<std::string>{"--server", url, "--token", token, "--cache",
                                 (dir / "cache").string(), "--headless", "--size", "640x360"},
        opt);
}

std::size_t queued_plays(const fs::path& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / "cache" / "outbox" / "plays", ec)) {
        if (e.is_regular_file() && e.path().extension() == ".json") ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("plays: a headless player's plays reach the server's report and survive a restart",
          "[e2e][plays]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("lobby", "community");
    const std::string a = approve_slide(editor, reviewer,
                                        {{"type", "text"},
                                         {"title", "礼让行人"},
                                         {"body", "文明出行。"},
                                         {"duration_s", 2},
                                         {"public_service", true}});
    const std::string b = approve_slide(editor, reviewer,
                                        {{"type", "text"},
                                         {"title", "社区通知"},
                                         {"body", "周六义诊。"},
                                         {"duration_s", 2},
                                         {"public_service", false}});
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);
    std::string screen_id;
    const json screens = reviewer.get("/api/v1/screens").json();
    for (const auto& s : screens.at("screens")) {
        if (s.at("name") == "lobby") screen_id = s.at("id").dump();
    }
    if (!screen_id.empty() && screen_id.front() == '"') {
        screen_id = screen_id.substr(1, screen_id.size() - 2);
    }
    REQUIRE(!screen_id.empty());

    // Today in the group's zone (UTC+8) lies within yesterday..tomorrow in UTC.
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const auto date = [](std::chrono::sys_days d) {
        const std::chrono::year_month_day ymd{d};
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        return std::string(buf);
    };
    const std::string report_path = "/api/v1/reports/plays?screen=" + screen_id +
                                    "&from=" + date(today - std::chrono::days{1}) +
                                    "&to=" + date(today + std::chrono::days{1});
    const auto report = [&] {
        auto res = reviewer.get(report_path);
        REQUIRE(res.status == 200);
        return res.json();
    };

    TempDir dir("signage-plays-e2e");
    ShowOnFailure shown_log("player log", dir / "player.log");
    auto player = start_logging_player(server.url(), token, dir.path());

    // Both slides have played and arrived, each with its flag.
    json r;
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    for (;;) {
        r = report();
        int seen = 0;
        for (const auto& i : r.at("items")) {
            if ((i.at("slide_id") == a && i.at("public_service") == true) ||
                (i.at("slide_id") == b && i.at("public_service") == false)) {
                ++seen;
            }
        }
        if (seen == 2 && r.at("summary").at("loops_complete").get<int>() >= 1) break;
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(250ms);
    }
    CHECK(r.at("summary").at("airtime_ms").get<long long>() > 0);
    for (const auto& l : r.at("loops")) {
        if (l.at("complete") == true) CHECK(l.at("share").get<double>() >= 0.3);
    }

    // Quit: the item on screen is logged on disk, sent after the restart.
    REQUIRE(player->terminate() == 0);
    const std::size_t left = queued_plays(dir.path());
    CHECK(left >= 1);
    const long long before = report().at("summary").at("plays").get<long long>();
    player = start_logging_player(server.url(), token, dir.path());
    const auto later = std::chrono::steady_clock::now() + 30s;
    while (queued_plays(dir.path()) >= left) {
        REQUIRE(std::chrono::steady_clock::now() < later);
        std::this_thread::sleep_for(100ms);
    }
    CHECK(report().at("summary").at("plays").get<long long>() >=
          before + static_cast<long long>(left));
    CHECK(player->terminate() == 0);
}
