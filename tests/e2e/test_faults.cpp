// Faults on purpose: the player killed with SIGKILL at random points of a
// sync must never keep a corrupt file nor switch to a half-synced manifest,
// and must play after every restart.

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <thread>

#include "common/sha256.hpp"
#include "protocol/manifest.hpp"
#include "support/png_bytes.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

const fs::path kPlayer = SIGNAGE_PLAYER_BINARY;

std::string text_or_empty(const fs::path& p) {
    try {
        return read_text_file(p);
    } catch (...) {
        return {};
    }
}

bool wait_for_text(const fs::path& file, const std::string& needle,
                   std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (text_or_empty(file).find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

struct CacheState {
    std::size_t verified_media = 0;
    std::size_t partial_files = 0;
    std::string manifest_version;  // "" when none committed
};

// Checks the cache as a restarting player would find it: every file under
// media/ matches its name's sha256, and a committed manifest parses and has
// every media it needs.
CacheState check_cache(const fs::path& cache) {
    CacheState st;
    if (fs::exists(cache / "media")) {
        for (const auto& f : fs::directory_iterator(cache / "media")) {
            const auto name = f.path().filename().string();
            INFO("cached file " << name);
            auto hash = sha256_file(f.path());
            REQUIRE(hash.ok());
            CHECK(*hash == name);
            ++st.verified_media;
        }
    }
    if (fs::exists(cache / "tmp")) {
        for (const auto& f : fs::directory_iterator(cache / "tmp")) {
            (void)f;
            ++st.partial_files;
        }
    }
    if (fs::exists(cache / "manifest.json")) {
        auto m = protocol::parse_manifest_text(read_text_file(cache / "manifest.json"));
        REQUIRE(m.ok());
        for (const auto& ref : m->media) {
            INFO("manifest " << m->version << " needs " << ref.sha256);
            CHECK(fs::exists(cache / "media" / ref.sha256));
        }
        st.manifest_version = m->version;
    }
    return st;
}

}  // namespace

TEST_CASE("faults: a player killed at 50 points of a 20-file sync keeps a whole cache and plays",
          "[e2e][faults]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("square", "street");
    TempDir dir("signage-faults");

    // 20 images of about 60 KB, one image slide each, published at once.
    std::mt19937 rng(20261123);
    for (int i = 0; i < 20; ++i) {
        auto up = editor.put_bytes("/api/v1/media",
                                   noise_png(136 + i, 140, static_cast<std::uint32_t>(rng())),
                                   "image/png");
        REQUIRE(up.status == 201);
        nlohmann::json slide = {{"type", "image"},
                                {"media", up.json()["sha256"]},
                                {"fit", "contain"},
                                {"public_service", true},
                                {"duration_s", 5}};
        approve_slide(editor, reviewer, slide);
    }
    auto published = reviewer.post("/api/v1/publish");
    REQUIRE(published.status == 200);
    const auto version = published.json()["version"].get<std::string>();

    // Downloads capped at 48 KB/s: the whole sync takes about 25 s, so the
    // kills land all along it (even on a slow machine, most of them do).
    const fs::path cache = dir / "cache";
    auto start = [&](const fs::path& log) {
        ProcessOptions opt;
        opt.stderr_file = log;
        return std::make_unique<Process>(
            kPlayer,
            std::vector<std::string>{"--server", server.url(), "--token", token, "--cache",
                                     cache.string(), "--headless", "--size", "320x180",
                                     "--max-download-rate", "48"},
            opt);
    };

    int mid_sync = 0;
    std::uniform_int_distribution<int> delay_ms(0, 300);
    for (int round = 0; round < 50; ++round) {
        const fs::path log = dir / ("player-" + std::to_string(round) + ".log");
        auto player = start(log);
        INFO("round " << round);
        ShowOnFailure shown("player log", [&log] { return text_or_empty(log); });
        // It plays after every restart, whatever the last one left behind.
        REQUIRE(wait_for_text(log, "showing ", 15s));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        player->kill9();
        const CacheState st = check_cache(cache);
        if (st.manifest_version != version) ++mid_sync;
        // Never switched before every file was there.
        if (st.manifest_version == version) CHECK(st.verified_media >= 20);
    }
    INFO(mid_sync << " of 50 kills landed before the sync had finished");
    CHECK(mid_sync >= 20);

    // Left alone, it finishes the sync and plays the new content.
    const fs::path log = dir / "player-final.log";
    auto player = start(log);
    ShowOnFailure shown("final player log", [&log] { return text_or_empty(log); });
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline &&
           check_cache(cache).manifest_version != version) {
        std::this_thread::sleep_for(100ms);
    }
    const CacheState st = check_cache(cache);
    CHECK(st.manifest_version == version);
    CHECK(st.verified_media == 20);
    CHECK(wait_for_text(log, "from manifest " + version, 10s));
    CHECK(player->terminate() == 0);
}

TEST_CASE(
    "faults: a server killed during publishes restarts with the old or the new version, "
    "never a mix",
    "[e2e][faults]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    // Eight groups, so a publish writes eight manifests in its transaction.
    std::vector<std::string> screens;
    for (int g = 0; g < 8; ++g) {
        screens.push_back(
            server.add_screen("screen-" + std::to_string(g), "group-" + std::to_string(g)));
    }
    auto approve_new_slide = [&](int n) {
        nlohmann::json slide = {{"type", "text"},
                                {"title", "第" + std::to_string(n) + "期 文明创建简报"},
                                {"body", std::string(600, 'x')},
                                {"public_service", true}};
        approve_slide(editor, reviewer, slide);
    };
    // What every screen has now: group → (version, number of items).
    auto versions = [&] {
        std::vector<std::pair<std::string, std::size_t>> out;
        for (const auto& token : screens) {
            auto res = server.client(token).get("/api/v1/player/manifest");
            REQUIRE(res.status == 200);
            out.emplace_back(res.header("etag"), res.json()["items"].size());
        }
        return out;
    };
    // After a publish that took the new slide: every screen moved, by one item.
    auto check_all_moved = [&](const auto& before, const auto& after) {
        for (std::size_t g = 0; g < after.size(); ++g) {
            INFO("group-" << g);
            CHECK(after[g].first != before[g].first);
            CHECK(after[g].second == before[g].second + 1);
        }
    };
    // After a publish that was cut off: every screen has what it had.
    auto check_none_moved = [&](const auto& before, const auto& after) {
        for (std::size_t g = 0; g < after.size(); ++g) {
            INFO("group-" << g);
            CHECK(after[g].first == before[g].first);
            CHECK(after[g].second == before[g].second);
        }
    };
    for (int n = 0; n < 30; ++n) approve_new_slide(n);
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    // Kills inside the transaction, made certain: with the fault point set the
    // server says when every manifest is written and waits there, before the
    // commit, for the kill.
    const std::regex paused("^fault: paused at publish\\.before_commit$");
    for (int round = 0; round < 5; ++round) {
        INFO("paused round " << round);
        const auto before = versions();
        approve_new_slide(100 + round);
        server.set_env({{"SIGNAGE_FAULT_PAUSE", "publish.before_commit:60000"}});
        REQUIRE(server.stop() == 0);
        server.start();
        server.set_env({});
        long answered = -1;
        std::thread publish([&] { answered = reviewer.post("/api/v1/publish").status; });
        const bool in_transaction = server.process().wait_for_line(paused, 30s).has_value();
        server.kill9();
        publish.join();
        REQUIRE(in_transaction);
        CHECK(answered == 0);  // the kill came before any answer
        server.start();        // without the fault point from here
        // Nothing of the cut-off publish: every screen has the old version.
        check_none_moved(before, versions());
        // The slide is still approved: the next publish takes it, whole.
        REQUIRE(reviewer.post("/api/v1/publish").status == 200);
        check_all_moved(before, versions());
    }

    // Kills at random moments too (before, during and after the commit), where
    // each publish must still land whole or not at all.
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> delay_us(0, 40000);
    for (int round = 0; round < 10; ++round) {
        INFO("random round " << round);
        const auto before = versions();
        approve_new_slide(200 + round);
        std::thread publish([&] { (void)reviewer.post("/api/v1/publish"); });
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
        server.kill9();
        publish.join();
        server.start();
        const auto after = versions();
        if (after == before) {
            REQUIRE(reviewer.post("/api/v1/publish").status == 200);
            check_all_moved(before, versions());
        } else {
            check_all_moved(before, after);
        }
    }
}
