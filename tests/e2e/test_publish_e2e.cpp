// "A publish is on screen within a second", measured at the screen: a real
// server and a real headless player waiting on its long-poll. The times are
// the player's own: the stamp of its log line "showing ... from manifest V"
// (written when it puts the new manifest's first item up) and the
// modification time of the snapshot it writes once that item is fully drawn,
// both against the wall clock read just before POST /api/v1/publish. The
// test polls every 10 ms only to learn that they happened; how fast it polls
// does not enter the figures.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>
#include <vector>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kLatencyPlayer = SIGNAGE_PLAYER_BINARY;

struct LatencyColour {
    std::uint8_t r, g, b;
    const char* hex;
};
// One background per publish, none of them used by the built-in slides.
constexpr LatencyColour kLatencyColours[] = {
    {0x0b, 0x6e, 0x4f, "#0b6e4f"}, {0x1d, 0x3f, 0x8f, "#1d3f8f"}, {0x8f, 0x1d, 0x6e, "#8f1d6e"},
    {0x5a, 0x3a, 0x0c, "#5a3a0c"}, {0x0c, 0x4d, 0x5a, "#0c4d5a"}, {0x3b, 0x0c, 0x5a, "#3b0c5a"}};
constexpr int kLatencyPublishes = 5;

json latency_slide(int n) {
    static const char* const titles[] = {"文明出行 礼让行人", "垃圾分类 从我做起",
                                         "光盘行动 节约粮食", "文明养犬 牵绳出行",
                                         "爱护公物 人人有责", "邻里互助 温暖社区"};
    return {{"type", "text"},    {"title", titles[n]},     {"body", "文明城市 人人共建。"},
            {"duration_s", 600}, {"public_service", true}, {"background", kLatencyColours[n].hex}};
}

bool latency_shows(const fs::path& snapshot, int n) {
    auto img = Image::load(snapshot);
    const auto& c = kLatencyColours[n];
    return img && img->share_of(c.r, c.g, c.b) > 0.3;
}

std::chrono::milliseconds latency_ms(std::chrono::system_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

// "median M ms, max X ms (each in order of size)".
std::string latency_figures(std::vector<std::chrono::milliseconds> v) {
    std::sort(v.begin(), v.end());
    std::ostringstream out;
    out << "median " << v[v.size() / 2].count() << " ms, max " << v.back().count() << " ms (";
    for (std::size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << v[i].count();
    out << ")";
    return out.str();
}

}  // namespace

TEST_CASE("a screen waiting on its long-poll shows a publish within a second", "[e2e][latency]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    auto admin = server.client(server.add_staff("ada", "admin"));
    const auto token = server.add_screen("square", "town");
    const std::string id = approve_slide(editor, reviewer, latency_slide(0));
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    TempDir dir("signage-latency");
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ShowOnFailure shown_log("player log", log);
    auto player =
        start_headless_player(kLatencyPlayer, server.url(), token, dir / "cache", snapshot, log);
    REQUIRE(wait_until([&] { return latency_shows(snapshot, 0); }, 20s));

    // From just before POST /api/v1/publish: its answer (the server's
    // transaction and fsync), the switch, and the snapshot of the slide fully
    // drawn (after its 600 ms crossfade).
    std::vector<std::chrono::milliseconds> answers, switches, snapshots;
    for (int n = 1; n <= kLatencyPublishes; ++n) {
        INFO("publish " << n);
        // The slide changes (a new title and background), reviewed, not yet published.
        REQUIRE(editor.put("/api/v1/slides/" + id, latency_slide(n)).status == 200);
        REQUIRE(reviewer.post("/api/v1/slides/" + id + "/approve").status == 200);
        // The screen is in its long-poll, as screens are between publishes.
        REQUIRE(wait_until(
            [&] {
                const json s = screen_named(admin, "square");
                return s.is_object() && s.at("waiting") == true;
            },
            10s));

        const auto before = std::chrono::system_clock::now();
        auto published = reviewer.post("/api/v1/publish");
        answers.push_back(latency_ms(std::chrono::system_clock::now() - before));
        REQUIRE(published.status == 200);
        const std::string version = published.json().at("version").get<std::string>();
        const std::regex showing("showing (\\S+) from manifest " + version);

        std::string line;
        const bool switched = wait_until(
            [&] {
                if (line.empty()) {
                    const auto lines = log_lines(log, showing);
                    if (!lines.empty()) line = lines.front();
                }
                return !line.empty() && latency_shows(snapshot, n);
            },
            10s, 10ms);
        REQUIRE(switched);
        std::smatch m;
        REQUIRE(std::regex_search(line, m, showing));
        CHECK(m[1].str() == id);
        const auto switch_at = log_line_time(line);
        const auto snapshot_at = modified_at(snapshot);
        REQUIRE(switch_at);
        REQUIRE(snapshot_at);
        // The stamps are the player's: not before the publish (the log's
        // stamp is cut to the millisecond), and the picture after the switch.
        CHECK(*switch_at >= before - 1ms);
        CHECK(*snapshot_at >= *switch_at);
        switches.push_back(latency_ms(*switch_at - before));
        snapshots.push_back(latency_ms(*snapshot_at - before));
        INFO("the publish answered after " << answers.back().count() << " ms; switched "
                                           << switches.back().count() << " ms after it began, "
                                           << "snapshot at " << snapshots.back().count() << " ms");
        CHECK(switches.back() < 1000ms);
        // And the picture is the new slide as the server holds it.
        auto shown = Image::load(snapshot);
        REQUIRE(shown);
        const Image expected =
            render_screen(kLatencyPlayer, published_slide(reviewer, id, "town", *snapshot_at),
                          dir.path(), "expected-" + std::to_string(n));
        CHECK(shown->differing_share(expected) < kSameScreen);
    }
    std::printf("publish answered: %s\npublish to switch: %s\npublish to snapshot: %s\n",
                latency_figures(answers).c_str(), latency_figures(switches).c_str(),
                latency_figures(snapshots).c_str());
    CHECK(player->terminate() == 0);
}
