// The player's sync client against the real server on a free port.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/sha256.hpp"
#include "core/cache.hpp"
#include "core/heartbeat.hpp"
#include "core/sync_client.hpp"
#include "support/png_bytes.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage;
using namespace signage::player;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

// A real PNG of w x h pixels with a gradient (so it does not compress to nothing).
std::string make_png(int w, int h) {
    std::vector<unsigned char> px(static_cast<std::size_t>(w * h * 3));
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            auto* p = &px[static_cast<std::size_t>((y * w + x) * 3)];
            p[0] = static_cast<unsigned char>(x * 7 + y);
            p[1] = static_cast<unsigned char>(y * 13);
            p[2] = static_cast<unsigned char>((x ^ y) * 5);
        }
    }
    return png_bytes(w, h, 3, px);
}

struct World {
    ServerFixture server;
    HttpClient editor = server.client(server.add_staff("erin", "editor"));
    HttpClient reviewer = server.client(server.add_staff("rita", "reviewer"));
    std::string token = server.add_screen("hall", "community");
    TempDir dir{"signage-sync"};

    // Creates, approves and publishes a slide; returns the publish response body.
    nlohmann::json publish(const nlohmann::json& slide) {
        approve_slide(editor, reviewer, slide);
        auto published = reviewer.post("/api/v1/publish");
        REQUIRE(published.status == 200);
        return published.json();
    }

    std::string upload(const std::string& bytes) {
        auto res = editor.put_bytes("/api/v1/media", bytes, "image/png");
        REQUIRE(res.status == 201);
        return res.json()["sha256"].get<std::string>();
    }

    // signage_media_sent_bytes_total from GET /metrics: media body bytes the
    // server has written, counted where the client cannot fake it.
    std::uint64_t media_sent_bytes() const {
        auto res = server.client().get("/metrics");
        REQUIRE(res.status == 200);
        const std::string series = "\nsignage_media_sent_bytes_total ";
        const auto at = res.body.find(series);
        REQUIRE(at != std::string::npos);
        return std::stoull(res.body.substr(at + series.size()));
    }

    SyncOptions options(std::string tok = {}) const {
        SyncOptions o;
        o.server_url = server.url();
        o.token = tok.empty() ? token : tok;
        o.retry_min = 50ms;
        o.retry_max = 200ms;
        return o;
    }
};

}  // namespace

TEST_CASE("sync fetches a manifest and its media, then answers 304 until a publish",
          "[sync][e2e]") {
    World w;
    auto cache = Cache::open(w.dir / "cache");
    REQUIRE(cache.ok());
    SyncClient sync(w.options(), **cache, {});

    // Never published: an empty manifest, which the screen may switch to.
    auto first = sync.sync_once("", 0);
    REQUIRE(first.ok());
    REQUIRE(first->has_value());
    CHECK((*first)->items.empty());
    const auto v0 = (*first)->version;

    const auto png = make_png(64, 48);
    const auto sha = w.upload(png);
    w.publish({{"type", "image"}, {"media", sha}, {"title", "垃圾分类"}});

    auto second = sync.sync_once(v0, 0);
    REQUIRE(second.ok());
    REQUIRE(second->has_value());
    const auto& m = **second;
    CHECK(m.version != v0);
    REQUIRE(m.items.size() == 1);
    CHECK(m.items[0].media == sha);
    CHECK((*cache)->has_media(sha));
    CHECK(sha256_file((*cache)->media_path(sha)).value() == sha);
    REQUIRE((*cache)->load_manifest().has_value());
    CHECK((*cache)->load_manifest()->version == m.version);

    // Nothing changed: the long-poll ends with 304 and nothing new.
    auto third = sync.sync_once(m.version, 1);
    REQUIRE(third.ok());
    CHECK_FALSE(third->has_value());
}

TEST_CASE("an interrupted download resumes from the bytes already on disk", "[sync][e2e]") {
    World w;
    // Large enough to go out in many pieces.
    const auto png = noise_png(300, 200, 20261203);
    const auto sha = w.upload(png);
    w.publish({{"type", "image"}, {"media", sha}});

    auto cache = Cache::open(w.dir / "cache");
    REQUIRE(cache.ok());
    // Part of the file arrived before the power went.
    const auto part = (*cache)->partial_path(sha);
    const std::size_t have = png.size() / 2 + 77;
    write_text_file(part, png.substr(0, have));
    const std::uint64_t missing = png.size() - have;

    const std::uint64_t sent_before = w.media_sent_bytes();
    SyncClient sync(w.options(), **cache, {});
    auto r = sync.sync_once("", 0);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*cache)->has_media(sha));
    CHECK(read_text_file((*cache)->media_path(sha)) == png);
    CHECK_FALSE(fs::exists(part));

    // Only the missing bytes crossed the wire: the server's own count of
    // media body bytes grew by exactly them (waited for, as the count is
    // made once the server's write completes).
    const auto sent = [&] { return w.media_sent_bytes() - sent_before; };
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (sent() < missing && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
    }
    INFO("file " << png.size() << " bytes, " << have << " on disk");
    CHECK(sent() == missing);
}

TEST_CASE("sync failures are reported as values, and nothing is switched", "[sync][e2e]") {
    World w;
    auto cache = Cache::open(w.dir / "cache");
    REQUIRE(cache.ok());

    SECTION("a wrong device token") {
        SyncClient sync(w.options("0123456789abcdef"), **cache, {});
        auto r = sync.sync_once("", 0);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == signage::ErrorCode::auth);
    }
    SECTION("the server is down") {
        REQUIRE(w.server.stop() == 0);
        SyncClient sync(w.options(), **cache, {});
        auto r = sync.sync_once("", 0);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == signage::ErrorCode::network);
    }
    CHECK_FALSE((*cache)->load_manifest().has_value());
}

TEST_CASE("the background loop delivers a publish and stops promptly mid-poll", "[sync][e2e]") {
    World w;
    auto cache = Cache::open(w.dir / "cache");
    REQUIRE(cache.ok());
    std::mutex mu;
    std::vector<std::string> versions;
    SyncClient sync(w.options(), **cache, [&](protocol::Manifest m) {
        std::lock_guard lock(mu);
        versions.push_back(m.version);
    });
    sync.start("");
    auto count = [&] {
        std::lock_guard lock(mu);
        return versions.size();
    };
    auto wait_for = [&](std::size_t n) {
        for (int i = 0; i < 200 && count() < n; ++i) std::this_thread::sleep_for(25ms);
        return count() >= n;
    };
    REQUIRE(wait_for(1));  // the initial (empty) manifest
    w.publish({{"type", "text"}, {"title", "讲文明 树新风"}});
    REQUIRE(wait_for(2));
    {
        std::lock_guard lock(mu);
        CHECK(versions[1] != versions[0]);
    }
    // Once the server holds the loop's 60 s long-poll, stop must not wait for it.
    HttpClient admin = w.server.client(w.server.add_staff("ada", "admin"));
    const auto waiting = [&] {
        auto res = admin.get("/api/v1/screens");
        return res.status == 200 && res.json().at("screens").at(0).at("waiting") == true;
    };
    for (int i = 0; i < 200 && !waiting(); ++i) std::this_thread::sleep_for(25ms);
    REQUIRE(waiting());
    const auto t0 = std::chrono::steady_clock::now();
    sync.stop();
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
}

TEST_CASE("a screenshot command reaches the command handler and the poll goes on",
          "[sync][e2e][health]") {
    World w;
    auto cache = Cache::open(w.dir / "cache");
    REQUIRE(cache.ok());
    SyncClient sync(w.options(), **cache, {});
    auto first = sync.sync_once("", 0);
    REQUIRE(first.ok());
    REQUIRE(first->has_value());
    const std::string version = (*first)->version;

    std::vector<std::pair<std::string, std::string>> commands;
    sync.set_command_handler([&](const std::string& command, const std::string& id) {
        commands.emplace_back(command, id);
    });
    // No screen is waiting yet: the command is kept for its next poll.
    HttpClient admin = w.server.client(w.server.add_staff("ada", "admin"));
    auto screens = admin.get("/api/v1/screens");
    REQUIRE(screens.status == 200);
    const std::string screen_id = screens.json().at("screens").at(0).at("id").get<std::string>();
    auto asked = admin.post("/api/v1/screens/" + screen_id + "/screenshot");
    REQUIRE(asked.status == 202);
    auto polled = sync.sync_once(version, 30);
    REQUIRE(polled.ok());
    CHECK_FALSE(polled->has_value());  // no manifest: the cached one stays
    REQUIRE(commands.size() == 1);
    CHECK(commands[0].first == "screenshot");
    CHECK(commands[0].second == asked.json().at("id").get<std::string>());
    REQUIRE((*cache)->load_manifest().has_value());
    CHECK((*cache)->load_manifest()->version == version);
}

TEST_CASE("a heartbeat reaches the server and gives the clock offset", "[sync][e2e][health]") {
    World w;
    HeartbeatReport report{.manifest_version = "abc",
                           .item_id = "3",
                           .item_title = "讲文明",
                           .manifest_shows_at = "2026-11-28T08:00:40Z",
                           .uptime_s = 5,
                           .rss_bytes = resident_bytes(),
                           .cache_bytes = directory_bytes(w.dir.path()),
                           .free_disk_bytes = free_disk_bytes(w.dir.path()),
                           .last_sync_error = std::nullopt,
                           .clock_offset_ms = std::nullopt,
                           .interval_s = 30,
                           .sent_at = "2026-11-28T08:00:00Z"};
    CHECK(report.rss_bytes > 0);
    CHECK(report.free_disk_bytes > 0);
    auto answer = post_heartbeat(ReportTarget{w.server.url(), w.token}, report);
    REQUIRE(answer.ok());
    REQUIRE(answer->clock_offset_ms.has_value());
    // Same machine, same clock: the offset is the rounding of a round trip.
    CHECK(std::abs(*answer->clock_offset_ms) < 1000);

    HttpClient admin = w.server.client(w.server.add_staff("ada", "admin"));
    const auto screen = admin.get("/api/v1/screens").json().at("screens").at(0);
    CHECK(screen.at("heartbeat").at("item_title") == "讲文明");
    CHECK(screen.at("heartbeat").at("last_sync_error").is_null());
    CHECK(screen.at("heartbeat").at("clock_offset_ms").is_null());
    // The new content shows 40 s after the heartbeat was sent, on the
    // screen's own clock (days off ours here): so many seconds are left,
    // less the time since the heartbeat arrived.
    REQUIRE(screen.at("shows_in_s").is_number_integer());
    CHECK(screen.at("shows_in_s").get<int>() <= 40);
    CHECK(screen.at("shows_in_s").get<int>() >= 38);

    auto refused = post_heartbeat(ReportTarget{w.server.url(), "not-a-token"}, report);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == signage::ErrorCode::auth);
    report.interval_s = 1;
    auto invalid = post_heartbeat(ReportTarget{w.server.url(), w.token}, report);
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().message.find("interval_s") != std::string::npos);
}
