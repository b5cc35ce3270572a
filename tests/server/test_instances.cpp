// Several signage-server instances on one PostgreSQL database (a city's
// servers behind a load balancer): what staff do on one reaches the screens
// waiting on another at once, through the database's notifications.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>

#include "server_test_helpers.hpp"
#include "support/pg_cluster.hpp"

using namespace signage::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// Options for an instance on `database`.
ServerOptions on(const std::string& database) {
    ServerOptions o;
    o.database = database;
    return o;
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

    cluster.restart();
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
