// "A publish is on screen at the next switch", measured at the screen: a real
// server and a real headless player waiting on its long-poll. A publish cuts
// nothing: the item on screen plays out and what the publish brought comes
// next. The times are the player's own: the stamp of its log line
// "switched to manifest V: new content shows at T" (its promise T), of the
// line "showing ... from manifest V" (the switch), and the modification time
// of the snapshot it writes once the new slide is fully drawn, all against
// the wall clock read just before POST /api/v1/publish. The test polls every
// 10 ms only to learn that they happened; how fast it polls does not enter
// the figures.

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
#include "protocol/time.hpp"
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
// The slide on screen lasts this long: a publish waits at most so much.
constexpr int kItemSeconds = 5;

json latency_slide(int n) {
    static const char* const titles[] = {"文明出行 礼让行人", "垃圾分类 从我做起",
                                         "光盘行动 节约粮食", "文明养犬 牵绳出行",
                                         "爱护公物 人人有责", "邻里互助 温暖社区"};
    return {{"type", "text"},
            {"title", titles[n]},
            {"body", "文明城市 人人共建。"},
            {"duration_s", kItemSeconds},
            {"public_service", true},
            {"background", kLatencyColours[n].hex}};
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

// A real server with staff and the screen "square" in group "town", whose
// one approved slide `first` is published, and a headless player on it that
// shows the slide.
struct ScreenWorld {
    ServerFixture server;
    HttpClient editor = server.client(server.add_staff("erin", "editor"));
    HttpClient reviewer = server.client(server.add_staff("rita", "reviewer"));
    HttpClient admin = server.client(server.add_staff("ada", "admin"));
    std::string id;
    TempDir dir{"signage-latency"};
    fs::path snapshot = dir / "screen.png";
    fs::path log = dir / "player.log";
    ShowOnFailure shown_log{"player log", log};
    std::unique_ptr<Process> player;

    explicit ScreenWorld(const json& first) {
        const auto token = server.add_screen("square", "town");
        id = approve_slide(editor, reviewer, first);
        REQUIRE(reviewer.post("/api/v1/publish").status == 200);
        player = start_headless_player(kLatencyPlayer, server.url(), token, dir / "cache", snapshot,
                                       log);
        REQUIRE(wait_until([&] { return latency_shows(snapshot, 0); }, 20s));
    }
};

}  // namespace

TEST_CASE(
    "a publish shows on a waiting screen at its next switch, never cutting the item on screen",
    "[e2e][latency]") {
    ScreenWorld w(latency_slide(0));
    auto& [server, editor, reviewer, admin, id, dir, snapshot, log, shown_log, player] = w;

    // From just before POST /api/v1/publish: its answer (the server's
    // transaction and fsync), the time the item on screen still had (the
    // screen's promise), and the snapshot of the new slide fully drawn (after
    // its 600 ms crossfade).
    std::vector<std::chrono::milliseconds> answers, remaining, snapshots, late;
    for (int n = 1; n <= kLatencyPublishes; ++n) {
        INFO("publish " << n);
        // The slide changes (a new title and background), reviewed, not yet published.
        REQUIRE(editor.put("/api/v1/slides/" + id, latency_slide(n)).status == 200);
        REQUIRE(approve_as_seen(reviewer, "/api/v1/slides/" + id).status == 200);
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
        const std::regex promise("switched to manifest " + version +
                                 ": new content shows at (\\S+)");
        const std::regex showing("showing (\\S+) from manifest " + version);

        std::string promise_line, line;
        const bool switched = wait_until(
            [&] {
                if (promise_line.empty()) {
                    const auto lines = log_lines(log, promise);
                    if (!lines.empty()) promise_line = lines.front();
                }
                if (line.empty()) {
                    const auto lines = log_lines(log, showing);
                    if (!lines.empty()) line = lines.front();
                }
                return !line.empty() && latency_shows(snapshot, n);
            },
            kItemSeconds * 1s + 10s, 10ms);
        REQUIRE(switched);
        REQUIRE_FALSE(promise_line.empty());
        std::smatch m;
        REQUIRE(std::regex_search(promise_line, m, promise));
        const auto promised = signage::protocol::parse_iso8601(m[1].str());
        REQUIRE(promised);
        REQUIRE(std::regex_search(line, m, showing));
        CHECK(m[1].str() == id);
        const auto switch_at = log_line_time(line);
        const auto snapshot_at = modified_at(snapshot);
        REQUIRE(switch_at);
        REQUIRE(snapshot_at);
        // The promise is honest: no later than the item on screen ends. That
        // item began at its own "showing" line; one shown by a forced switch
        // (the first of a manifest) is scheduled from the next whole second,
        // so it ends kItemSeconds after that second.
        std::optional<std::chrono::system_clock::time_point> on_screen_since;
        for (const auto& l : log_lines(log, std::regex("showing \\S+ from manifest"))) {
            const auto t = log_line_time(l);
            if (t && *t <= before) on_screen_since = t;
        }
        REQUIRE(on_screen_since);
        const auto item_end =
            std::chrono::ceil<std::chrono::seconds>(*on_screen_since) + kItemSeconds * 1s;
        CHECK(*promised <= item_end);
        const auto left = latency_ms(*promised - before);
        CHECK(left <= std::chrono::milliseconds(kItemSeconds * 1000 + 1000));
        // The item on screen was not cut: the switch came when promised (the
        // log's stamp is cut to the millisecond), and the picture after it.
        CHECK(*switch_at >= *promised - 1ms);
        CHECK(*switch_at <= *promised + 300ms);
        CHECK(*snapshot_at >= *switch_at);
        remaining.push_back(left);
        snapshots.push_back(latency_ms(*snapshot_at - before));
        late.push_back(snapshots.back() - left);
        INFO("the publish answered after " << answers.back().count() << " ms; the item on screen "
                                           << "had " << left.count() << " ms left; the new slide "
                                           << "was fully on screen at " << snapshots.back().count()
                                           << " ms");
        // What a publish promises: the new slide is on screen within the time
        // the item on screen had left, plus a second.
        CHECK(snapshots.back() <= left + 1000ms);
        // And the picture is the new slide as the server holds it.
        auto shown = Image::load(snapshot);
        REQUIRE(shown);
        const Image expected =
            render_screen(kLatencyPlayer, published_slide(reviewer, id, "town", *snapshot_at),
                          dir.path(), "expected-" + std::to_string(n));
        CHECK(shown->differing_share(expected) < kSameScreen);
    }
    std::printf(
        "publish answered: %s\nitem on screen had left: %s\npublish to new slide visible: %s\n"
        "visible after the item on screen ended: %s\n",
        latency_figures(answers).c_str(), latency_figures(remaining).c_str(),
        latency_figures(snapshots).c_str(), latency_figures(late).c_str());
    CHECK(player->terminate() == 0);
}

TEST_CASE("after a publish the console learns when each screen will show it", "[e2e][latency]") {
    json long_item = latency_slide(0);
    long_item["duration_s"] = 40;
    ScreenWorld w(long_item);
    auto& [server, editor, reviewer, admin, id, dir, snapshot, log, shown_log, player] = w;
    REQUIRE(wait_until([&] { return screen_named(admin, "square").at("waiting") == true; }, 10s));

    approve_slide(editor, reviewer, latency_slide(1));
    auto published = reviewer.post("/api/v1/publish");
    REQUIRE(published.status == 200);
    const std::string version = published.json().at("version").get<std::string>();
    const std::regex promise("switched to manifest " + version + ": new content shows at (\\S+)");
    // The screen tells the server at once, with a heartbeat, when it will
    // show what the publish brought.
    json screen;
    REQUIRE(wait_until(
        [&] {
            screen = screen_named(admin, "square");
            const json& hb = screen.at("heartbeat");
            return hb.is_object() && hb.at("manifest_version") == version;
        },
        5s, 20ms));
    const auto lines = log_lines(log, promise);
    REQUIRE(lines.size() == 1);
    std::smatch m;
    REQUIRE(std::regex_search(lines.front(), m, promise));
    const auto promised = signage::protocol::parse_iso8601(m[1].str());
    REQUIRE(promised);
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(
        *promised - std::chrono::system_clock::now());
    INFO("the screen promised " << m[1].str() << "; the server says in "
                                << screen.at("shows_in_s").dump() << " s");
    REQUIRE(screen.at("shows_in_s").is_number_integer());
    CHECK(std::abs(screen.at("shows_in_s").get<std::int64_t>() - left.count()) <= 2);
    CHECK(left.count() > 0);  // the 40 s item on screen is still playing
    CHECK(player->terminate() == 0);
}
