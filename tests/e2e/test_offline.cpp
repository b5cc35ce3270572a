// Faults on purpose, end to end: the server away for a whole run, and a cached
// file corrupted on disk. What the screen shows is read back from the
// player's snapshot PNGs.

#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <sstream>

#include "common/sha256.hpp"
#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/png_bytes.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

const fs::path kOfflinePlayer = SIGNAGE_PLAYER_BINARY;

struct Colour {
    std::uint8_t r, g, b;
    const char* hex;
};
constexpr Colour kGreen{0x0b, 0x6e, 0x4f, "#0b6e4f"};
constexpr Colour kBlue{0x1d, 0x3f, 0x8f, "#1d3f8f"};
constexpr Colour kPlum{0x8f, 0x1d, 0x6e, "#8f1d6e"};

// The snapshot shows a slide whose background (or image) is this colour.
bool shows(const fs::path& snapshot, const Colour& c, double at_least = 0.3) {
    auto img = Image::load(snapshot);
    return img && img->share_of(c.r, c.g, c.b) > at_least;
}

nlohmann::json coloured_slide(const std::string& title, const Colour& c) {
    return {{"type", "text"},  {"title", title},         {"body", "文明城市 人人共建"},
            {"duration_s", 3}, {"public_service", true}, {"background", c.hex}};
}

std::string solid_png(int w, int h, const Colour& c) {
    std::vector<unsigned char> px;
    px.reserve(static_cast<std::size_t>(w * h * 3));
    for (int i = 0; i < w * h; ++i) px.insert(px.end(), {c.r, c.g, c.b});
    return png_bytes(w, h, 3, px);
}

// A small tmpfs mounted for the test's life (root only), so a disk can fill.
class SmallDisk {
  public:
    SmallDisk(const fs::path& dir, const std::string& size) : dir_(dir) {
        fs::create_directories(dir_);
        const std::string options = "size=" + size;
        mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;
    bool mounted() const { return mounted_; }

  private:
    fs::path dir_;
    bool mounted_ = false;
};

// Watches the screen until `done()` (which reads the player's log) holds:
// every poll reads the snapshot first and the log after it, so a snapshot
// judged was written before the log said what `done` looks for. False when
// a snapshot read before that shows `hidden` or is mostly black, or when
// `done` does not hold within `timeout`.
struct OfflineWatch {
    std::size_t snapshots = 0;  // distinct snapshots seen
    double most_hidden = 0;     // the largest share of the hidden colour in one
    bool dark = false;          // one was mostly black
};

template <class Done>
bool offline_watch_until(const fs::path& snapshot, const Colour& hidden,
                         std::chrono::milliseconds timeout, OfflineWatch& watch, Done done) {
    std::string last;
    const bool happened = wait_until(
        [&] {
            const std::string png = read_or_empty(snapshot);
            if (done()) return true;
            if (png.empty() || png == last) return false;
            auto img = Image::decode(png);
            if (!img) return false;
            last = png;
            ++watch.snapshots;
            watch.most_hidden =
                std::max(watch.most_hidden, img->share_of(hidden.r, hidden.g, hidden.b));
            watch.dark = watch.dark || img->share_darker_than(16) > 0.5;
            return false;
        },
        timeout, 20ms);
    return happened && watch.most_hidden < 0.05 && !watch.dark;
}

// The log's lines that put `slide_id` on screen ("showing ID from manifest
// V") before the first line matching `verified`; -1 when `verified` never
// comes.
int offline_shown_before(const fs::path& log, const std::string& slide_id,
                         const std::regex& verified) {
    const std::regex showing("showing " + slide_id + " from manifest ");
    int shown = 0;
    std::istringstream in(read_or_empty(log));
    for (std::string line; std::getline(in, line);) {
        if (std::regex_search(line, verified)) return shown;
        if (std::regex_search(line, showing)) ++shown;
    }
    return -1;
}

}  // namespace

TEST_CASE(
    "faults: with the server away for a whole run the screen rotates its cache, and takes "
    "the next publish within one poll of the server's return",
    "[e2e][faults]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("corner", "street");
    approve_slide(editor, reviewer, coloured_slide("礼让斑马线", kGreen));
    approve_slide(editor, reviewer, coloured_slide("垃圾分类", kBlue));
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    TempDir dir("signage-offline");
    const auto cache = dir / "cache";
    const auto snapshot = dir / "screen.png";
    {
        ShowOnFailure shown_log("first player log", dir / "player1.log");
        auto first = start_headless_player(kOfflinePlayer, server.url(), token, cache, snapshot,
                                           dir / "player1.log");
        REQUIRE(wait_until([&] { return shows(snapshot, kGreen) || shows(snapshot, kBlue); }, 20s));
        REQUIRE(first->terminate() == 0);
    }

    // The whole run without the server: both cached slides keep rotating.
    REQUIRE(server.stop() == 0);
    fs::remove(snapshot);
    const auto log = dir / "player2.log";
    ShowOnFailure shown_log("player log", log);
    auto player = start_headless_player(kOfflinePlayer, server.url(), token, cache, snapshot, log);
    bool green = false, blue = false, other = false;
    const auto look = [&] {
        if (auto img = Image::load(snapshot)) {
            const bool g = img->share_of(kGreen.r, kGreen.g, kGreen.b) > 0.3;
            const bool b = img->share_of(kBlue.r, kBlue.g, kBlue.b) > 0.3;
            green = green || g;
            blue = blue || b;
            other = other || (!g && !b);
        }
    };
    REQUIRE(wait_until(
        [&] {
            look();
            return green && blue;
        },
        20s));
    // Until its retries have backed off to their longest: the sync client
    // waits 0.5 s after the first failure, doubling up to 15 s, which it
    // waits after the sixth. The rotation goes on all the while.
    const std::regex unreachable("sync: cannot reach");
    REQUIRE(wait_until(
        [&] {
            look();
            return count_log_lines(log, unreachable) >= 6;
        },
        40s));
    CHECK(player->running());
    CHECK_FALSE(other);  // nothing but the two cached slides was on screen
    CHECK(count_log_lines(log, std::regex("starting from cached manifest")) == 1);

    // The server comes back with new content: the screen has it within one
    // poll (its longest back-off is 15 s) of the publish.
    server.start();
    approve_slide(editor, reviewer, coloured_slide("光盘行动", kPlum));
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);
    const auto published = std::chrono::steady_clock::now();
    REQUIRE(wait_until([&] { return shows(snapshot, kPlum); }, 30s));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - published);
    INFO("the new slide showed " << took.count() << " ms after the publish");
    CHECK(took < 15s + 5s + 3s * 2);  // one poll, plus up to two 3 s items before it
    CHECK(player->terminate() == 0);
}

TEST_CASE("faults: a cached file corrupted on disk is detected, fetched again and never shown",
          "[e2e][faults]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("hall", "community");
    const std::string png = solid_png(320, 180, kPlum);
    auto up = editor.put_bytes("/api/v1/media", png, "image/png");
    REQUIRE(up.status == 201);
    const std::string sha = up.json().at("sha256").get<std::string>();
    const nlohmann::json slide = {{"type", "image"},
                                  {"media", sha},
                                  {"fit", "cover"},
                                  {"duration_s", 600},
                                  {"public_service", true}};
    const std::string slide_id = approve_slide(editor, reviewer, slide);
    auto publish = reviewer.post("/api/v1/publish");
    REQUIRE(publish.status == 200);
    const std::string version = publish.json().at("version").get<std::string>();

    TempDir dir("signage-corrupt");
    const auto cache = dir / "cache";
    const auto snapshot = dir / "screen.png";
    const auto cached = cache / "media" / sha;
    {
        ShowOnFailure shown_log("first player log", dir / "player1.log");
        auto first = start_headless_player(kOfflinePlayer, server.url(), token, cache, snapshot,
                                           dir / "player1.log");
        REQUIRE(wait_until([&] { return shows(snapshot, kPlum, 0.5); }, 20s));
        REQUIRE(first->terminate() == 0);
    }
    REQUIRE(fs::file_size(cached) == png.size());

    // The intact picture as the screen draws it: the image slide with the
    // original file.
    write_text_file(dir / "intact.png", png);
    nlohmann::json local = slide;
    local["media"] = (dir / "intact.png").string();

    // Bytes in the middle of the cached image change; its size does not.
    {
        std::fstream f(cached, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(png.size() / 2));
        const std::string junk(64, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    REQUIRE(*sha256_file(cached) != sha);

    // The player logs this once the file is downloaded and its sha256 checked.
    const std::regex verified("sync: manifest " + version + " ready: fetched " +
                              std::to_string(png.size()) + " media bytes in 1 files");
    fs::path log;
    const auto is_verified = [&] { return count_log_lines(log, verified) > 0; };
    OfflineWatch watch;
    std::unique_ptr<Process> player;
    const auto start = [&](const std::string& name) {
        fs::remove(snapshot);
        log = dir / name;
        player = start_headless_player(kOfflinePlayer, server.url(), token, cache, snapshot, log);
    };

    SECTION("with the server there, it is fetched again at once") {
        start("player2.log");
        ShowOnFailure shown_log("player log", log);
        CHECK(offline_watch_until(snapshot, kPlum, 20s, watch, is_verified));
    }

    SECTION("with the server away, the screen shows its own content until it is back") {
        REQUIRE(server.stop() == 0);
        start("player3.log");
        ShowOnFailure shown_log("player log", log);
        // Away: the screen shows its own content, never the damaged picture,
        // while the player tries the server again and again.
        const std::regex unreachable("sync: cannot reach");
        CHECK(offline_watch_until(snapshot, kPlum, 15s, watch, [&] {
            return watch.snapshots >= 1 && count_log_lines(log, unreachable) >= 3;
        }));
        CHECK_FALSE(fs::exists(cached));
        server.start();
        CHECK(offline_watch_until(snapshot, kPlum, 30s, watch, is_verified));
    }

    ShowOnFailure shown_log("player log", log);
    INFO("snapshots seen before the file was verified: "
         << watch.snapshots << ", largest share of its colour: " << watch.most_hidden);
    CHECK(read_or_empty(log).find("does not match its sha256") != std::string::npos);
    // The log names every item the player put on screen: the damaged one not
    // until its file came again and matched.
    CHECK(offline_shown_before(log, slide_id, verified) == 0);
    REQUIRE(wait_until([&] { return shows(snapshot, kPlum, 0.5); }, 10s));
    auto now = sha256_file(cached);
    REQUIRE(now.ok());
    CHECK(*now == sha);
    // What shows then is the intact picture.
    auto shown = Image::load(snapshot);
    REQUIRE(shown);
    const nlohmann::json settings = reviewer.get("/api/v1/groups/community").json().at("settings");
    const Image intact =
        render_screen(kOfflinePlayer, ScreenRender{local, settings, *modified_at(snapshot)},
                      dir.path(), "intact");
    CHECK(shown->differing_share(intact) < kSameScreen);
    CHECK(player->terminate() == 0);
}

namespace {

// A server whose one screen, "kiosk" in group "street", has a green slide to
// show; then a publish of about 4 MB of picture more.
struct KioskWithBigPicture {
    ServerFixture server;
    HttpClient editor = server.client(server.add_staff("erin", "editor"));
    HttpClient reviewer = server.client(server.add_staff("rita", "reviewer"));
    HttpClient admin = server.client(server.add_staff("ada", "admin"));
    std::string token = server.add_screen("kiosk", "street");
    nlohmann::json screen;  // as the API showed it last
    ShowOnFailure shown_screen{"the screen as the API shows it", [this] { return screen.dump(2); }};

    KioskWithBigPicture() {
        approve_slide(editor, reviewer, coloured_slide("礼让斑马线", kGreen));
        REQUIRE(reviewer.post("/api/v1/publish").status == 200);
    }

    void publish_big_picture(std::uint32_t seed) {
        auto up = editor.put_bytes("/api/v1/media", noise_png(1200, 1150, seed), "image/png");
        REQUIRE(up.status == 201);
        approve_slide(editor, reviewer,
                      {{"type", "image"},
                       {"media", up.json().at("sha256").get<std::string>()},
                       {"duration_s", 30},
                       {"public_service", true}});
        REQUIRE(reviewer.post("/api/v1/publish").status == 200);
    }

    // Waits up to 30 s for the screen's heartbeat to carry a sync error
    // (calling `each` at every look): the error, or "" when none came.
    std::string wait_for_sync_error(const std::function<void()>& each = [] {}) {
        const bool reported = wait_until(
            [&] {
                each();
                screen = screen_named(admin, "kiosk");
                return screen.is_object() && screen.at("heartbeat").is_object() &&
                       screen.at("heartbeat").at("last_sync_error").is_string();
            },
            30s);
        return reported ? screen.at("heartbeat").at("last_sync_error").get<std::string>()
                        : std::string{};
    }
};

}  // namespace

TEST_CASE(
    "faults: the disk filling up during a download keeps the old content on screen and the "
    "heartbeat reports it",
    "[e2e][faults]") {
    if (::geteuid() != 0) {
        FAIL(
            "this test mounts a small tmpfs to fill, which needs root; scripts/test runs the "
            "tests as root");
    }
    KioskWithBigPicture k;
    TempDir dir("signage-diskfull");
    const auto cache = dir / "cache";
    SmallDisk disk(cache, "3m");
    REQUIRE(disk.mounted());
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ShowOnFailure shown_log("player log", log);
    // A cache limit above the disk's size, so the download itself fills it
    // (by default the limit is 80% of the free space, and the image would
    // be refused before any byte came: the next test).
    auto player = start_headless_player(
        kOfflinePlayer, k.server.url(), k.token, cache, snapshot, log,
        {"--heartbeat-seconds", "5", "--screenshot-seconds", "0", "--cache-max-bytes", "1G"});
    REQUIRE(wait_until([&] { return shows(snapshot, kGreen); }, 20s));
    // The one 3 s item comes round again and again without being drawn anew:
    // the snapshot changes only when something else goes on screen.
    const auto green_at = modified_at(snapshot);

    // A 4 MB image does not fit on the 3 MB disk.
    k.publish_big_picture(42);
    bool left_green = false;
    const auto still_green = [&] {
        left_green = left_green || !shows(snapshot, kGreen);
        return !left_green;
    };
    const std::string error = k.wait_for_sync_error([&] { still_green(); });
    REQUIRE_FALSE(error.empty());
    CHECK(error.find("disk full") != std::string::npos);
    CHECK(k.screen.at("heartbeat").at("free_disk_bytes").get<std::int64_t>() < 1'000'000);
    CHECK(k.screen.at("state") == "online");

    // The old content keeps playing through the player's next tries; the
    // half-fetched manifest is not used. The log names every switch at once
    // (a snapshot follows a switch only once its crossfade and reveal are
    // over, up to seconds later).
    const std::regex disk_full("sync: cannot write .*\\(disk full\\?\\)");
    REQUIRE(wait_until(
        [&] {
            still_green();
            return count_log_lines(log, disk_full) >= 2;
        },
        30s));
    CHECK(player->running());
    CHECK_FALSE(left_green);
    CHECK(shows(snapshot, kGreen));
    CHECK(modified_at(snapshot) == green_at);
    CHECK(count_log_lines(log, std::regex("switched to manifest")) == 1);
    CHECK(player->terminate() == 0);
}

TEST_CASE(
    "faults: a manifest too big for --cache-max-bytes is not fetched, the old content stays and "
    "the heartbeat says what does not fit",
    "[e2e][faults][cache]") {
    KioskWithBigPicture k;
    TempDir dir("signage-cachefull");
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ShowOnFailure shown_log("player log", log);
    auto player = start_headless_player(
        kOfflinePlayer, k.server.url(), k.token, dir / "cache", snapshot, log,
        {"--heartbeat-seconds", "5", "--screenshot-seconds", "0", "--cache-max-bytes", "1M"});
    REQUIRE(wait_until([&] { return shows(snapshot, kGreen); }, 20s));
    CHECK(count_log_lines(
              log, std::regex("cache: media kept under 1\\.0 MiB \\(--cache-max-bytes\\)")) == 1);

    // About 4 MB of picture, over the 1 MiB limit.
    k.publish_big_picture(43);
    const std::string error = k.wait_for_sync_error();
    INFO(error);
    CHECK(std::regex_search(error, std::regex("^cache: manifest \\S+ needs 3\\.[0-9] MiB of media, "
                                              "1\\.0 MiB fit under --cache-max-bytes 1\\.0 MiB "
                                              "\\(0 bytes kept for the manifest on screen\\)$")));
    // Heartbeats go on (every 5 s) and the error stands; the player said it
    // once, fetched nothing and kept the old content.
    const auto reported_at = k.screen.at("heartbeat_at").get<std::string>();
    REQUIRE(wait_until(
        [&] {
            k.screen = screen_named(k.admin, "kiosk");
            return k.screen.at("heartbeat_at").get<std::string>() != reported_at;
        },
        15s));
    CHECK(k.screen.at("heartbeat").at("last_sync_error") == error);
    CHECK(count_log_lines(log, std::regex("cache: manifest \\S+ needs")) == 1);
    CHECK(fs::is_empty(dir / "cache" / "tmp"));
    CHECK(shows(snapshot, kGreen));
    CHECK(count_log_lines(log, std::regex("switched to manifest")) == 1);
    CHECK(player->terminate() == 0);
}
