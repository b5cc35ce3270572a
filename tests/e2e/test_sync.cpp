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

    // Uploads `png` and publishes an image slide of it: its sha256.
    std::string publish_picture(const std::string& png) {
        const auto sha = upload(png);
        publish({{"type", "image"}, {"media", sha}});
        return sha;
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

namespace {

// Puts `bytes` in the cache as a download finished earlier.
std::string seed_media(Cache& cache, const std::string& bytes) {
    const auto sha = sha256_hex(bytes);
    write_text_file(cache.partial_path(sha), bytes);
    REQUIRE(cache.commit_media(sha, static_cast<std::int64_t>(bytes.size())).ok());
    return sha;
}

bool has_partial_downloads(const fs::path& cache_dir) {
    return fs::directory_iterator(cache_dir / "tmp") != fs::directory_iterator();
}

// Three pictures; the first is published and synced, under a cache limit with
// room for two of them, not three.
struct ThreePictures {
    World w;
    std::string a, b, c;
    std::string sha_a;
    std::unique_ptr<Cache> cache;
    SyncOptions options;
    std::string v1;

    explicit ThreePictures(std::uint32_t seed)
        : a(noise_png(80, 60, seed)),
          b(noise_png(80, 60, seed + 1)),
          c(noise_png(80, 60, seed + 2)) {
        sha_a = w.publish_picture(a);
        auto opened = Cache::open(w.dir / "cache");
        REQUIRE(opened.ok());
        cache = std::move(*opened);
        options = w.options();
        options.cache_max_bytes = static_cast<std::int64_t>(a.size() + b.size() + c.size() / 2);
        SyncClient once(options, *cache, {});
        auto first = once.sync_once("", 0);
        REQUIRE(first.ok());
        REQUIRE(first->has_value());
        v1 = (*first)->version;
    }
};

}  // namespace

TEST_CASE("before downloading, sync evicts the least recently used media to make room",
          "[sync][e2e][cache]") {
    World w;
    const auto png = noise_png(60, 40, 5);
    const auto sha = w.publish_picture(png);

    auto cache = Cache::open(w.dir / "cache");
    REQUIRE(cache.ok());
    // Two films of earlier manifests; the one downloaded later was drawn since.
    const auto drawn = seed_media(**cache, std::string(1000, 'y'));
    const auto idle = seed_media(**cache, std::string(1000, 'x'));
    (*cache)->touch(drawn);

    auto options = w.options();
    options.cache_max_bytes = static_cast<std::int64_t>(1000 + png.size() + 999);
    SyncClient sync(options, **cache, {});
    auto r = sync.sync_once("", 0);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*cache)->has_media(sha));
    CHECK_FALSE((*cache)->has_media(idle));
    CHECK_FALSE(fs::exists((*cache)->media_path(idle)));
    CHECK((*cache)->has_media(drawn));
    CHECK((*cache)->bytes_used() <= options.cache_max_bytes);
}

TEST_CASE("a manifest whose media cannot fit in the cache is not fetched or switched to",
          "[sync][e2e][cache]") {
    ThreePictures t(11);
    World& w = t.w;
    const auto sha_b = w.publish_picture(t.b);
    const auto sha_c = w.publish_picture(t.c);
    const std::uint64_t sent_before = w.media_sent_bytes();

    SyncClient sync(t.options, *t.cache, {});
    auto second = sync.sync_once(t.v1, 0);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == signage::ErrorCode::cache_full);
    const auto& message = second.error().message;
    INFO(message);
    const auto limit = format_bytes(t.options.cache_max_bytes);
    CHECK(
        message.find("needs " +
                     format_bytes(static_cast<std::int64_t>(t.a.size() + t.b.size() + t.c.size())) +
                     " of media, " + limit + " fit under --cache-max-bytes " + limit +
                     " (0 bytes kept for the manifest on screen)") != std::string::npos);
    // Nothing of it was fetched, and the old manifest stays.
    CHECK_FALSE(t.cache->has_media(sha_b));
    CHECK_FALSE(t.cache->has_media(sha_c));
    CHECK_FALSE(has_partial_downloads(w.dir / "cache"));
    CHECK(w.media_sent_bytes() == sent_before);
    REQUIRE(t.cache->load_manifest().has_value());
    CHECK(t.cache->load_manifest()->version == t.v1);
    CHECK(t.cache->has_media(t.sha_a));
}

TEST_CASE("the sync loop reports a manifest too big for the cache once, then takes a newer one",
          "[sync][e2e][cache]") {
    ThreePictures t(21);
    World& w = t.w;
    std::mutex mu;
    std::vector<std::string> events;  // "error cache_full", "success", "manifest VERSION"
    SyncClient sync(
        t.options, *t.cache,
        [&](protocol::Manifest m) {
            std::lock_guard lock(mu);
            events.push_back("manifest " + m.version);
        },
        [&](const Error& e) {
            std::lock_guard lock(mu);
            events.push_back("error " + std::string(error_code_name(e.code)));
        });
    sync.set_success_handler([&] {
        std::lock_guard lock(mu);
        events.push_back("success");
    });
    const auto seen = [&] {
        std::lock_guard lock(mu);
        return events;
    };
    sync.start(t.v1);

    const auto sha_b = w.upload(t.b);
    const auto sha_c = w.upload(t.c);
    // One publish brings both.
    approve_slide(w.editor, w.reviewer, {{"type", "image"}, {"media", sha_b}});
    const std::string slide_c =
        approve_slide(w.editor, w.reviewer, {{"type", "image"}, {"media", sha_c}});
    REQUIRE(w.reviewer.post("/api/v1/publish").status == 200);
    for (int i = 0; i < 200 && seen().empty(); ++i) std::this_thread::sleep_for(25ms);
    REQUIRE(seen() == std::vector<std::string>{"error cache_full"});
    // With retries every 50-200 ms a loop would have said it many times by now.
    std::this_thread::sleep_for(1500ms);
    CHECK(seen() == std::vector<std::string>{"error cache_full"});
    CHECK(t.cache->load_manifest()->version == t.v1);

    // Taking the third picture off makes a manifest that fits.
    auto withdrawn = w.reviewer.post("/api/v1/slides/" + slide_c + "/withdraw");
    REQUIRE(withdrawn.status == 200);
    for (int i = 0; i < 400 && seen().size() < 3; ++i) std::this_thread::sleep_for(25ms);
    const auto after = seen();
    REQUIRE(after.size() == 3);
    CHECK(after[1] == "success");
    CHECK(after[2].rfind("manifest ", 0) == 0);
    CHECK(after[2] != "manifest " + t.v1);
    CHECK(t.cache->has_media(sha_b));
    CHECK_FALSE(t.cache->has_media(sha_c));
    sync.stop();
}
