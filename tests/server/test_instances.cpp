// Several signage-server instances on one PostgreSQL database (a city's
// servers behind a load balancer): what staff do on one reaches the screens
// waiting on another at once, through the database's notifications.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/fs.hpp"
#include "common/sha256.hpp"
#include "nginx_front.hpp"
#include "server_test_helpers.hpp"
#include "support/film.hpp"
#include "support/pg_cluster.hpp"

using namespace signage::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

#ifndef SIGNAGE_DEMO_ASSETS
#error "SIGNAGE_DEMO_ASSETS must name the project's assets directory"
#endif

namespace {

// Options for an instance on `database`.
ServerOptions on(const std::string& database) {
    ServerOptions o;
    o.database = database;
    return o;
}

// Options for an instance on `database` keeping its media in `media_dir`,
// the directory every instance shares.
ServerOptions shared(const std::string& database, const std::filesystem::path& media_dir) {
    ServerOptions o = on(database);
    o.args = {"--media-dir", media_dir.string()};
    return o;
}

// How many screens wait on each instance (its /metrics).
std::vector<int> waiting_on(const std::vector<ServerFixture*>& instances) {
    std::vector<int> counts;
    for (ServerFixture* s : instances) {
        counts.push_back(static_cast<int>(
            metric_value(s->client().get("/metrics").body, "signage_screens_waiting")));
    }
    return counts;
}

// A request through the load balancer, again while no instance could take
// it (nginx's 502 while it finds out one is gone) or the connection broke.
template <class F>
HttpResponse until_taken(F&& send) {
    HttpResponse res;
    for (int attempt = 0; attempt < 50; ++attempt) {
        res = send();
        if (res.status != 0 && res.status != 502 && res.status != 504) return res;
        std::this_thread::sleep_for(100ms);
    }
    return res;
}

// `poll`'s answer, waited for up to `limit`, and how long after `from` it came.
Poll answer_of(std::future<Poll>& poll, std::chrono::seconds limit) {
    REQUIRE(poll.wait_for(limit) == std::future_status::ready);
    return poll.get();
}

std::chrono::milliseconds since(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from);
}

}  // namespace

TEST_CASE(
    "instances: a publish on one instance reaches a screen waiting on another within a second",
    "[server][instances]") {
    const std::string database = PgCluster::shared().create_database();
    Staff a(on(database));
    ServerFixture b(on(database));
    // The same accounts and sessions on both: the admin's session works on B.
    HttpClient admin_b = b.client(a.admin.token());
    REQUIRE(admin_b.get("/api/v1/screens").status == 200);

    const std::string device = a.server.add_screen("square", "town");
    const std::string before =
        unquote(b.client(device).get("/api/v1/player/manifest").header("etag"));
    a.approved_slide(text_slide("文明城市 人人共建"));
    auto poll = start_poll(b.url(), device, before, 30);
    REQUIRE(wait_for_waiting(admin_b, "square"));
    REQUIRE(poll.wait_for(0s) == std::future_status::timeout);

    const json published = a.publish();
    const auto published_at = Clock::now();
    const Poll result = answer_of(poll, 5s);
    INFO("answered on B " << since(published_at, result.done).count()
                          << " ms after the publish on A returned");
    CHECK(since(published_at, result.done) < 1000ms);
    REQUIRE(result.res.status == 200);
    CHECK(unquote(result.res.header("etag")) == published.at("version").get<std::string>());
    CHECK(result.res.json().at("items").size() == 1);

    // A settings change on A reaches it on B as well.
    auto again = start_poll(b.url(), device, published.at("version"), 30);
    REQUIRE(wait_for_waiting(admin_b, "square"));
    REQUIRE(
        a.admin.put("/api/v1/groups/town", {{"settings", {{"unit_name", "幸福里社区"}}}}).status ==
        200);
    const auto changed_at = Clock::now();
    const Poll settings = answer_of(again, 5s);
    INFO("settings: answered on B " << since(changed_at, settings.done).count() << " ms after");
    CHECK(since(changed_at, settings.done) < 1000ms);
    REQUIRE(settings.res.status == 200);
    CHECK(settings.res.json().at("settings").at("unit_name") == "幸福里社区");
}

TEST_CASE(
    "instances: a screen moved, asked for a screenshot or revoked on one instance is "
    "answered at once on another",
    "[server][instances]") {
    const std::string database = PgCluster::shared().create_database();
    Staff a(on(database));
    ServerFixture b(on(database));
    HttpClient admin_b = b.client(a.admin.token());
    REQUIRE(a.admin.post("/api/v1/groups", {{"name", "plaza"}}).status == 201);
    const std::string device = a.server.add_screen("gate", "town");
    a.approved_slide(text_slide("文明城市 人人共建"));
    a.publish();
    HttpClient screen_b = b.client(device);
    const auto town = fetch_manifest(screen_b);
    const std::string id = a.screen_id("gate");

    // Moved on A to plaza: its wait on B is answered with plaza's manifest.
    auto poll = start_poll(b.url(), device, town.version, 30);
    REQUIRE(wait_for_waiting(admin_b, "gate"));
    const auto moved_at = Clock::now();
    REQUIRE(a.admin.put("/api/v1/screens/" + id, {{"group", "plaza"}}).status == 200);
    const Poll moved = answer_of(poll, 5s);
    INFO("moved: answered on B " << since(moved_at, moved.done).count() << " ms after");
    CHECK(since(moved_at, moved.done) < 1000ms);
    REQUIRE(moved.res.status == 200);
    const auto plaza = signage::protocol::parse_manifest_text(moved.res.body);
    REQUIRE(plaza.ok());
    CHECK(plaza->group == "plaza");

    // A screenshot asked for on A: the screen waiting on B gets the command.
    auto waiting = std::async(std::launch::async, [&] {
        auto res = http_request("GET", b.url() + "/api/v1/player/manifest?wait=30",
                                {{"Authorization", "Bearer " + device},
                                 {"If-None-Match", "\"" + plaza->version + "\""},
                                 {"Signage-Commands", "screenshot"}},
                                {}, 40s);
        return Poll{std::move(res), Clock::now()};
    });
    REQUIRE(wait_for_waiting(admin_b, "gate"));
    const auto asked_at = Clock::now();
    auto asked = a.editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(asked.status == 202);
    const Poll command = answer_of(waiting, 5s);
    INFO("screenshot: answered on B " << since(asked_at, command.done).count() << " ms after");
    CHECK(since(asked_at, command.done) < 1000ms);
    REQUIRE(command.res.status == 200);
    CHECK(command.res.header("signage-command") == "screenshot");
    CHECK(command.res.json().at("id") == asked.json().at("id"));

    // Revoked on A: its wait on B ends at once, and B refuses its token.
    poll = start_poll(b.url(), device, plaza->version, 30);
    REQUIRE(wait_for_waiting(admin_b, "gate"));
    const auto revoked_at = Clock::now();
    REQUIRE(a.admin.post("/api/v1/screens/" + id + "/revoke").status == 200);
    const Poll revoked = answer_of(poll, 5s);
    INFO("revoked: answered on B " << since(revoked_at, revoked.done).count() << " ms after");
    CHECK(since(revoked_at, revoked.done) < 1000ms);
    CHECK(revoked.res.status == 304);
    CHECK(screen_b.get("/api/v1/player/manifest").status == 401);
}

TEST_CASE(
    "instances: a screen asks on one instance, is claimed on a second and collects on a "
    "third; sign-in failures count on every instance",
    "[server][instances]") {
    const std::string database = PgCluster::shared().create_database();
    Staff a(on(database));
    ServerFixture b(on(database));
    ServerFixture c(on(database));
    HttpClient admin_c = c.client(a.admin.token());

    auto asked = a.server.client().post("/api/v1/player/pair", {{"name_hint", "lobby"}});
    REQUIRE(asked.status == 201);
    const std::string pairing_id = asked.json().at("pairing_id");
    const std::string code = asked.json().at("code");
    CHECK(b.client().get("/api/v1/player/pair/" + pairing_id).json() ==
          json{{"status", "waiting"}});
    // Claimed on C, and the code is then used up everywhere.
    const json claim{{"code", code}, {"name", "lobby-1"}, {"group", "town"}};
    REQUIRE(admin_c.post("/api/v1/screens/pair", claim).status == 201);
    CHECK(a.admin.post("/api/v1/screens/pair", claim).status == 404);
    // Collected once, on B; the token works on A.
    auto collected = b.client().get("/api/v1/player/pair/" + pairing_id);
    REQUIRE(collected.status == 200);
    CHECK(collected.json().at("status") == "paired");
    CHECK(collected.json().at("screen") == "lobby-1");
    const std::string token = collected.json().at("token");
    CHECK(a.server.client().get("/api/v1/player/pair/" + pairing_id).status == 404);
    CHECK(a.server.client(token).get("/api/v1/player/manifest").status == 200);

    // Five wrong passwords for the editor, spread over the three instances:
    // the sixth try is refused on any of them, even with the right password.
    std::vector<ServerFixture*> instances = {&a.server, &b, &c};
    for (int i = 0; i < 5; ++i) {
        auto wrong = instances[static_cast<std::size_t>(i) % 3]->client().post(
            "/api/v1/auth/login", {{"username", "editor"}, {"password", "not-the-password"}});
        CHECK(wrong.status == 401);
    }
    for (ServerFixture* instance : instances) {
        auto refused = instance->client().post(
            "/api/v1/auth/login", {{"username", "editor"}, {"password", "editor-password"}});
        CHECK(refused.status == 429);
    }
}

TEST_CASE(
    "instances: after the database restarts, instances go on without a restart of their "
    "own and a screen waiting through it gets the next publish",
    "[server][instances][fault]") {
    PgCluster cluster;  // its own: restarting the shared one would cut other tests
    const std::string database = cluster.create_database();
    Staff a(on(database));
    ServerFixture b(on(database));
    HttpClient admin_b = b.client(a.admin.token());
    const std::string device = a.server.add_screen("square", "town");
    const std::string before =
        unquote(b.client(device).get("/api/v1/player/manifest").header("etag"));
    auto poll = start_poll(b.url(), device, before, 60);
    REQUIRE(wait_for_waiting(admin_b, "square"));

    // While the database is down the instances say so to a load balancer.
    cluster.stop();
    auto down = b.client().get("/api/v1/health");
    CHECK(down.status == 503);
    CHECK(down.json().at("reason") == "the database does not answer");
    cluster.start();
    REQUIRE(wait_until([&] { return b.client().get("/api/v1/health").status == 200; }));
    // The first write after it finds its connection gone and opens another.
    a.approved_slide(text_slide("数据库重启之后"));
    const json published = a.publish();
    const Poll result = answer_of(poll, 10s);
    REQUIRE(result.res.status == 200);
    CHECK(unquote(result.res.header("etag")) == published.at("version").get<std::string>());
    CHECK(result.res.json().at("items").size() == 1);
    // B says it lost the database's notifications and caught up.
    const std::string metrics = admin_b.get("/metrics").body;
    CHECK(metric_value(metrics, "signage_database_event_reconnects_total") >= 1);
    CHECK(metric_value(metrics, "signage_database_events_connected") == 1);
}

TEST_CASE(
    "instances: behind the project's nginx example, three instances share media, answer "
    "every waiting screen at once and know each other's screenshot requests",
    "[server][instances][nginx]") {
    const std::string database = PgCluster::shared().create_database();
    TempDir media("signage-shared-media");
    Staff a(shared(database, media.path()));
    ServerFixture b(shared(database, media.path()));
    ServerFixture c(shared(database, media.path()));
    const std::vector<ServerFixture*> instances = {&a.server, &b, &c};
    NginxFront front({a.server.url(), b.url(), c.url()});
    HttpClient editor(front.url(), a.editor.token());
    HttpClient reviewer(front.url(), a.reviewer.token());

    auto health = HttpClient(front.url()).get("/api/v1/health");
    REQUIRE(health.status == 200);
    CHECK(health.json().at("status") == "ok");
    CHECK(health.json().at("database") == "postgresql");

    // An upload through the balancer lands on one instance; every
    // instance serves it from the shared directory.
    const std::string png = make_png(64, 48, 17);
    const std::string sha = signage::sha256_hex(png);
    REQUIRE(editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
    for (ServerFixture* s : instances) {
        auto served = s->client().get("/media/" + sha);
        CHECK(served.status == 200);
        CHECK(served.body == png);
    }

    // Six screens wait through the balancer, spread over the instances.
    std::vector<std::string> devices;
    for (int i = 0; i < 6; ++i) {
        devices.push_back(a.server.add_screen("stop-" + std::to_string(i), "town"));
    }
    const std::string before =
        unquote(HttpClient(front.url(), devices[0]).get("/api/v1/player/manifest").header("etag"));
    std::vector<std::future<Poll>> polls;
    for (const std::string& device : devices) {
        polls.push_back(start_poll(front.url(), device, before, 30));
    }
    std::vector<int> counts;
    REQUIRE(wait_until([&] {
        counts = waiting_on(instances);
        return counts[0] + counts[1] + counts[2] == 6;
    }));
    INFO("waiting on each instance: " << counts[0] << ", " << counts[1] << ", " << counts[2]);
    CHECK(std::count(counts.begin(), counts.end(), 0) == 0);

    // A publish through the balancer reaches all six within a second.
    approve_slide(editor, reviewer,
                  {{"type", "image"}, {"title", "共享媒体"}, {"media", sha}, {"duration_s", 8}});
    auto published = reviewer.post("/api/v1/publish");
    REQUIRE(published.status == 200);
    const auto published_at = Clock::now();
    const std::string version = published.json().at("version");
    for (auto& poll : polls) {
        const Poll result = answer_of(poll, 5s);
        INFO("answered " << since(published_at, result.done).count() << " ms after the publish");
        CHECK(since(published_at, result.done) < 1000ms);
        REQUIRE(result.res.status == 200);
        CHECK(unquote(result.res.header("etag")) == version);
        CHECK(result.res.body.find(sha) != std::string::npos);
    }

    // A screenshot asked for on A, uploaded to C, followed on B.
    const std::string id = a.screen_id("stop-0");
    auto asked = a.editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(asked.status == 202);
    const std::string shot = asked.json().at("id");
    HttpClient admin_b = b.client(a.admin.token());
    const std::string follow = "/api/v1/screens/" + id + "/screenshot-requests/" + shot;
    CHECK(admin_b.get(follow).json().at("state") == "pending");
    REQUIRE(c.client(devices[0])
                .request("PUT", "/api/v1/player/screenshot", make_png(32, 18, 3),
                         {{"Content-Type", "image/png"}, {"Signage-Screenshot-Id", shot}})
                .status == 201);
    CHECK(admin_b.get(follow).json().at("state") == "arrived");
}

TEST_CASE(
    "instances: one instance killed during 20 publishes, every screen ends on the latest "
    "manifest through the others, nothing mixed or lost",
    "[server][instances][nginx][fault]") {
    const std::string database = PgCluster::shared().create_database();
    TempDir media("signage-shared-media");
    Staff a(shared(database, media.path()));
    ServerFixture b(shared(database, media.path()));
    ServerFixture c(shared(database, media.path()));
    NginxFront front({a.server.url(), b.url(), c.url()});
    HttpClient editor(front.url(), a.editor.token());
    HttpClient reviewer(front.url(), a.reviewer.token());

    // Four screens, each polling through the balancer as a player does:
    // again at once after an answer, a moment later after an error.
    struct Seen {
        std::mutex mutex;
        std::vector<std::string> versions;  // each new manifest, in order
        std::string body;                   // the latest
    };
    constexpr int kScreens = 4;
    std::vector<std::string> devices;
    for (int i = 0; i < kScreens; ++i) {
        devices.push_back(a.server.add_screen("gate-" + std::to_string(i), "town"));
    }
    std::vector<Seen> seen(kScreens);
    std::atomic<bool> stop{false};
    std::vector<std::thread> screens;
    for (int i = 0; i < kScreens; ++i) {
        screens.emplace_back([&, i] {
            Seen& mine = seen[static_cast<std::size_t>(i)];
            std::string etag;
            while (!stop) {
                HttpHeaders headers = {
                    {"Authorization", "Bearer " + devices[static_cast<std::size_t>(i)]}};
                if (!etag.empty()) headers.emplace_back("If-None-Match", "\"" + etag + "\"");
                auto res = http_request("GET", front.url() + "/api/v1/player/manifest?wait=3",
                                        headers, {}, 10s);
                if (res.status == 200) {
                    etag = unquote(res.header("etag"));
                    std::lock_guard lock(mine.mutex);
                    mine.versions.push_back(etag);
                    mine.body = res.body;
                } else if (res.status != 304) {
                    std::this_thread::sleep_for(100ms);
                }
            }
        });
    }
    struct Joiner {
        std::atomic<bool>& stop;
        std::vector<std::thread>& threads;
        ~Joiner() {
            stop = true;
            for (auto& t : threads) t.join();
        }
    } joiner{stop, screens};

    const std::string initial =
        unquote(a.server.client(devices[0]).get("/api/v1/player/manifest").header("etag"));
    std::vector<std::string> versions;  // each publish's, in order
    for (int i = 0; i < 20; ++i) {
        if (i == 7) b.kill9();  // with screens waiting on it
        auto created = until_taken([&] {
            return editor.post("/api/v1/slides",
                               text_slide("第" + std::to_string(i + 1) + "次发布"));
        });
        REQUIRE(created.status == 201);
        const std::string slide = created.json().at("id").get<std::string>();
        REQUIRE(until_taken([&] {
                    return editor.post("/api/v1/slides/" + slide + "/submit");
                }).status == 200);
        REQUIRE(until_taken([&] {
                    return approve_as_seen(reviewer, "/api/v1/slides/" + slide);
                }).status == 200);
        auto published = until_taken([&] { return reviewer.post("/api/v1/publish"); });
        REQUIRE(published.status == 200);
        versions.push_back(published.json().at("version"));
    }
    const std::string latest = versions.back();
    CHECK(std::set<std::string>(versions.begin(), versions.end()).size() == versions.size());

    // The live instances serve the latest manifest (each hears of the last
    // publish within a second), byte for byte the same.
    std::string served;
    REQUIRE(wait_until(
        [&] {
            served = a.server.client(devices[0]).get("/api/v1/player/manifest").body;
            return served.find("\"version\":\"" + latest + "\"") != std::string::npos &&
                   c.client(devices[0]).get("/api/v1/player/manifest").body == served;
        },
        2s));
    const auto manifest = signage::protocol::parse_manifest_text(served);
    REQUIRE(manifest.ok());
    CHECK(manifest->version == latest);
    CHECK(manifest->items.size() == 20);
    // Every screen ends on it, having seen only published manifests, never
    // an older one after a newer.
    versions.insert(versions.begin(), initial);
    for (int i = 0; i < kScreens; ++i) {
        Seen& s = seen[static_cast<std::size_t>(i)];
        INFO("screen " << i);
        REQUIRE(wait_until(
            [&] {
                std::lock_guard lock(s.mutex);
                return !s.versions.empty() && s.versions.back() == latest;
            },
            10s));
        std::lock_guard lock(s.mutex);
        CHECK(s.body == served);
        auto from = versions.begin();
        for (const std::string& v : s.versions) {
            const auto it = std::find(from, versions.end(), v);
            INFO("version " << v);
            CHECK(it != versions.end());
            if (it != versions.end()) from = it;
        }
    }
}

TEST_CASE(
    "instances: the database restarted in the middle of a publish: the publish fails whole, "
    "and the next goes through without restarting an instance",
    "[server][instances][fault]") {
    PgCluster cluster;  // its own: restarting the shared one would cut other tests
    const std::string database = cluster.create_database();
    ServerOptions paused = on(database);
    paused.env = {{"SIGNAGE_FAULT_PAUSE", "publish.before_commit:2000"}};
    Staff a(paused);
    ServerFixture b(on(database));
    HttpClient admin_b = b.client(a.admin.token());
    const std::string device = a.server.add_screen("square", "town");
    const std::string before =
        unquote(b.client(device).get("/api/v1/player/manifest").header("etag"));
    const std::string slide = a.approved_slide(text_slide("重启之中"));

    auto publishing = std::async(std::launch::async, [&] {
        HttpClient reviewer = a.server.client(a.reviewer.token());
        return reviewer.post("/api/v1/publish");
    });
    const std::regex at_commit("^fault: paused at publish\\.before_commit$");
    REQUIRE(a.server.process().wait_for_line(at_commit, 10s));
    cluster.restart();
    const HttpResponse cut = publishing.get();
    // Whole or nothing: 200 with the screen's manifest at its version, or
    // an error with the manifest and the slide as they were.
    const std::string now = unquote(b.client(device).get("/api/v1/player/manifest").header("etag"));
    if (cut.status == 200) {
        CHECK(now == cut.json().at("version").get<std::string>());
    } else {
        CHECK(cut.status == 500);
        CHECK(now == before);
        CHECK(a.editor.get("/api/v1/slides/" + slide).json().at("status") == "approved");
    }

    // The instances go on: the next publish reaches the screen waiting on B.
    auto poll = start_poll(b.url(), device, now, 30);
    REQUIRE(wait_for_waiting(admin_b, "square"));
    a.approved_slide(text_slide("重启之后"));
    const json published = a.publish();
    const Poll result = answer_of(poll, 10s);
    REQUIRE(result.res.status == 200);
    CHECK(unquote(result.res.header("etag")) == published.at("version").get<std::string>());
    CHECK(result.res.json().at("items").size() == 2);
}

TEST_CASE(
    "instances: signage-server migrate --from moves a running SQLite installation (the demo "
    "set) to PostgreSQL and a shared media directory, losing nothing",
    "[server][instances][migrate]") {
    ServerOptions sqlite;
    sqlite.demo = true;
    sqlite.assets = SIGNAGE_DEMO_ASSETS;
    ServerFixture old(sqlite);
    REQUIRE(old.database().empty());
    HttpClient old_admin = old.client(old.login("admin", "demo-admin"));
    std::string device = read_text_file(old.data_dir() / "demo-screen.token");
    while (!device.empty() && device.back() == '\n') device.pop_back();
    HttpClient screen = old.client(device);
    REQUIRE(screen.post("/api/v1/player/heartbeat", good_heartbeat()).status == 200);
    const std::string shot = make_png(48, 27, 5);
    REQUIRE(screen.put_bytes("/api/v1/player/screenshot", shot, "image/png").status == 201);

    // What staff and the screen see before the move.
    const std::vector<std::string> views = {"/api/v1/slides", "/api/v1/media", "/api/v1/groups",
                                            "/api/v1/quiz/questions", "/api/v1/audit"};
    std::map<std::string, json> before;
    for (const std::string& path : views) {
        auto res = old_admin.get(path);
        REQUIRE(res.status == 200);
        before[path] = res.json();
    }
    auto old_manifest = screen.get("/api/v1/player/manifest");
    REQUIRE(old_manifest.status == 200);
    const std::string demo_screen = screen_named(old_admin, "demo-screen").at("id");
    REQUIRE_FALSE(before["/api/v1/media"].at("media").empty());

    // Moved while the old server still runs.
    const std::string database = PgCluster::shared().create_database();
    TempDir media("signage-shared-media");
    auto moved = ServerFixture::run_cli({"migrate", "--from", old.data_dir().string(), "--to",
                                         database, "--media-dir", media.path().string()},
                                        120s);
    INFO(moved.out);
    REQUIRE(moved.status == 0);
    CHECK(moved.out.find("records verified") != std::string::npos);
    CHECK(moved.out.find("media verified") != std::string::npos);

    // A second move into the same database is refused, naming why.
    auto again =
        ServerFixture::run_cli({"migrate", "--from", old.data_dir().string(), "--to", database});
    CHECK(again.status == 1);

    // An instance on PostgreSQL and the shared media shows the same.
    ServerFixture moved_to(shared(database, media.path()));
    HttpClient admin = moved_to.client(moved_to.login("admin", "demo-admin"));
    for (const std::string& path : views) {
        auto res = admin.get(path);
        REQUIRE(res.status == 200);
        INFO(path);
        CHECK(res.json() == before[path]);
    }
    HttpClient moved_screen = moved_to.client(device);  // the screen's token still works
    auto manifest = moved_screen.get("/api/v1/player/manifest");
    REQUIRE(manifest.status == 200);
    CHECK(manifest.body == old_manifest.body);
    auto picture = admin.get("/api/v1/screens/" + demo_screen + "/screenshot");
    REQUIRE(picture.status == 200);
    CHECK(picture.body == shot);
    for (const json& m : before["/api/v1/media"].at("media")) {
        const std::string sha = m.at("sha256");
        auto file = moved_to.client().get("/media/" + sha);
        CHECK(file.status == 200);
        CHECK(signage::sha256_hex(file.body) == sha);
    }
    // New records take new ids after the copied ones.
    HttpClient editor = moved_to.client(moved_to.login("editor", "demo-editor"));
    auto created = editor.post("/api/v1/slides", text_slide("迁移之后"));
    REQUIRE(created.status == 201);
    CHECK(std::stoll(created.json().at("id").get<std::string>()) >
          static_cast<long long>(before["/api/v1/slides"].at("slides").size()));
}

TEST_CASE(
    "instances: a film is converted by one instance at a time, and another takes it over when "
    "that one stops",
    "[server][instances][convert]") {
    const std::string database = PgCluster::shared().create_database();
    TempDir media("signage-shared-media");
    TempDir tools("signage-ffmpeg");
    const auto ffmpeg = signage::find_on_path("ffmpeg");
    REQUIRE_FALSE(ffmpeg.empty());
    // A's ffmpeg never ends (it is stopped with A); B's is the real one.
    // Each notes every conversion it is asked for.
    const auto log_a = tools / "a.log", log_b = tools / "b.log";
    const auto ffmpeg_a = tools / "ffmpeg-a", ffmpeg_b = tools / "ffmpeg-b";
    write_text_file(ffmpeg_a, "#!/bin/sh\necho ran >> '" + log_a.string() + "'\nexec sleep 600\n");
    write_text_file(ffmpeg_b, "#!/bin/sh\necho ran >> '" + log_b.string() + "'\nexec '" +
                                  ffmpeg.string() + "' \"$@\"\n");
    std::filesystem::permissions(ffmpeg_a, std::filesystem::perms::owner_all);
    std::filesystem::permissions(ffmpeg_b, std::filesystem::perms::owner_all);
    const auto runs = [](const std::filesystem::path& log) {
        std::error_code ec;
        if (!std::filesystem::exists(log, ec)) return 0;
        const std::string text = read_text_file(log);
        return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    };
    ServerOptions options_a = shared(database, media.path());
    options_a.args.insert(options_a.args.end(), {"--ffmpeg", ffmpeg_a.string()});
    ServerOptions options_b = shared(database, media.path());
    options_b.args.insert(options_b.args.end(), {"--ffmpeg", ffmpeg_b.string()});
    Staff a(options_a);
    ServerFixture b(options_b);
    HttpClient editor_b = b.client(a.editor.token());
    HttpClient admin_b = b.client(a.admin.token());
    a.server.add_screen("hall", "community");
    // The group's screens take at most 640x360: 720p films are converted.
    const json small = {{"video_profile",
                         {{"max_width", 640},
                          {"max_height", 360},
                          {"codecs", {"h264"}},
                          {"max_bitrate", 2000000}}}};
    REQUIRE(a.admin.put("/api/v1/groups/community", {{"settings", small}}).status == 200);
    TempDir films("films");
    const auto upload = [&](HttpClient& editor, const std::string& source) {
        FilmSpec spec{"mp4", "libx264", "", 1280, 720, 1};
        spec.source = source;
        auto up = editor.put_bytes("/api/v1/media", read_text_file(make_film(films.path(), spec)));
        REQUIRE(up.status == 201);
        return up.json().at("sha256").get<std::string>();
    };
    const auto status_of = [&](const std::string& sha) {
        return editor_b.get("/api/v1/media/" + sha).json().at("renditions").at(0).at("status");
    };

    // Uploaded on A: A converts it.
    const std::string first = upload(a.editor, "testsrc2");
    REQUIRE(wait_until([&] { return runs(log_a) == 1; }));
    CHECK(status_of(first) == "converting");
    // A second film, uploaded on B: B converts that one, not A's.
    const std::string second = upload(editor_b, "testsrc");
    const json done = wait_for_film(editor_b, second, conversions_ended);
    CHECK(done.at("renditions").at(0).at("status") == "done");
    CHECK(runs(log_b) == 1);
    CHECK(status_of(first) == "converting");
    CHECK(runs(log_a) == 1);

    // A stops: it lets go, and B (told to look by a change of the group)
    // takes the first film over.
    REQUIRE(a.server.stop() == 0);
    REQUIRE(admin_b.put("/api/v1/groups/community", {{"settings", small}}).status == 200);
    const json taken = wait_for_film(editor_b, first, conversions_ended);
    CHECK(taken.at("renditions").at(0).at("status") == "done");
    CHECK(runs(log_a) == 1);
    CHECK(runs(log_b) == 2);
}
