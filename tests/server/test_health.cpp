// Screen health over real HTTP: heartbeats and the screens' state,
// screenshots on demand through the long-poll, and /metrics.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <regex>
#include <thread>

#include "server_test_helpers.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

// GET /api/v1/player/manifest that says it takes commands, on its own thread.
std::future<Poll> start_command_poll(const std::string& url, const std::string& device,
                                     const std::string& version, int wait_s) {
    return std::async(std::launch::async, [=] {
        auto res =
            http_request("GET", url + "/api/v1/player/manifest?wait=" + std::to_string(wait_s),
                         {{"Authorization", "Bearer " + device},
                          {"If-None-Match", "\"" + version + "\""},
                          {"Signage-Commands", "screenshot"}},
                         {}, std::chrono::seconds(wait_s + 10));
        return Poll{std::move(res), Clock::now()};
    });
}

}  // namespace

TEST_CASE("health: a heartbeat is checked field by field and a bad one changes nothing",
          "[server][health]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "lobby");
    auto screen = staff.server.client(device);
    CHECK(screen_named(staff.admin, "gate").at("state") == "never");

    const std::pair<const char*, json> bad[] = {
        {"software_version", nullptr},
        {"software_version", ""},
        {"interval_s", 2},
        {"interval_s", "60"},
        {"uptime_s", -1},
        {"rss_bytes", 1.5},
        {"free_disk_bytes", "lots"},
        {"clock_offset_ms", "soon"},
        {"last_sync_error", 12},
        {"item_title", std::string(600, 'x')},
        {"sent_at", "yesterday"},
        {"manifest_version", json::array()},
        {"cache_bytes", 18446744073709551615u},
    };
    for (const auto& [field, value] : bad) {
        json body = good_heartbeat();
        body[field] = value;
        auto res = screen.post("/api/v1/player/heartbeat", body);
        INFO(field << " = " << value.dump() << ": " << res.body);
        CHECK(res.status == 422);
        CHECK(error_field(res) == field);
    }
    json missing = good_heartbeat();
    missing.erase("interval_s");
    auto res = screen.post("/api/v1/player/heartbeat", missing);
    CHECK(res.status == 422);
    CHECK(error_field(res) == "interval_s");
    CHECK(screen
              .request("POST", "/api/v1/player/heartbeat", "[1]",
                       {{"Content-Type", "application/json"}})
              .status == 400);

    const json after = screen_named(staff.admin, "gate");
    CHECK(after.at("state") == "never");
    CHECK(after.at("heartbeat").is_null());
    CHECK(after.at("last_seen").is_null());
}

TEST_CASE("health: the latest heartbeat shows on the screen and it goes offline after missed ones",
          "[server][health]") {
    ServerOptions options;
    options.args = {"--offline-after-missed", "2"};
    Staff staff(options);
    const std::string device = staff.server.add_screen("gate", "lobby");
    auto screen = staff.server.client(device);

    auto res = screen.post("/api/v1/player/heartbeat", good_heartbeat());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("server_time").is_string());
    CHECK(res.json().at("server_time_ms").get<std::int64_t>() > 1'700'000'000'000);
    CHECK(res.json().at("offline_after_s") == 120);

    json later = good_heartbeat();
    later["item_id"] = "8";
    later["last_sync_error"] = "cannot reach http://server: timeout";
    later["interval_s"] = 30;
    REQUIRE(screen.post("/api/v1/player/heartbeat", later).status == 200);

    json s = screen_named(staff.admin, "gate");
    CHECK(s.at("state") == "online");
    CHECK(s.at("last_seen").is_string());
    CHECK(s.at("heartbeat").at("item_id") == "8");
    CHECK(s.at("heartbeat").at("last_sync_error") == "cannot reach http://server: timeout");
    CHECK(s.at("heartbeat").at("clock_offset_ms") == -42);
    CHECK(s.at("offline_after_s") == 60);
    auto one = staff.reviewer.get("/api/v1/screens/" + s.at("id").get<std::string>());
    REQUIRE(one.status == 200);
    CHECK(one.json().at("heartbeat") == s.at("heartbeat"));
    CHECK(one.json().at("state") == "online");
    CHECK(staff.reviewer.get("/api/v1/screens/999").status == 404);

    // Two intervals (30 s each) without a word: offline. The clock is moved
    // in the database rather than waited for.
    staff.server.query("UPDATE screen_health SET received_unix = received_unix - 61");
    staff.server.query("UPDATE screens SET last_seen = '2026-01-01T00:00:00Z'");
    CHECK(screen_named(staff.admin, "gate").at("state") == "offline");
    staff.server.query("UPDATE screen_health SET received_unix = received_unix + 2");
    CHECK(screen_named(staff.admin, "gate").at("state") == "online");
}

TEST_CASE("health: a screenshot request answers the screen's waiting poll with a command",
          "[server][health]") {
    Staff staff;
    staff.approved_slide(text_slide("文明出行"));
    staff.publish();
    const std::string device = staff.server.add_screen("gate", "lobby");
    auto screen = staff.server.client(device);
    const std::string version = unquote(screen.get("/api/v1/player/manifest").header("etag"));
    const std::string id = staff.screen_id("gate");

    CHECK(staff.editor.get("/api/v1/screens/" + id + "/screenshot").status == 404);

    // A player that takes commands is answered at once.
    auto poll = start_command_poll(staff.server.url(), device, version, 30);
    REQUIRE(wait_for_waiting(staff.admin, "gate"));
    CHECK(screen_named(staff.admin, "gate").at("state") == "online");
    const auto asked = Clock::now();
    auto req = staff.editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(req.status == 202);
    CHECK(req.json().at("waiting") == true);
    const std::string shot_id = req.json().at("id").get<std::string>();
    Poll answered = poll.get();
    CHECK(answered.res.status == 200);
    CHECK(answered.res.header("signage-command") == "screenshot");
    CHECK(answered.res.json().at("id") == shot_id);
    CHECK(answered.done - asked < std::chrono::seconds(5));

    // The screen uploads a PNG; staff fetch it with its time and id.
    CHECK(screen.put_bytes("/api/v1/player/screenshot", make_jpeg(64, 36), "image/png").status ==
          415);
    const std::string png = make_png(64, 36, 3);
    auto up = staff.server.client(device).request(
        "PUT", "/api/v1/player/screenshot", png,
        {{"Content-Type", "image/png"}, {"Signage-Screenshot-Id", shot_id}});
    REQUIRE(up.status == 201);
    CHECK(up.json().at("width") == 64);
    auto got = staff.reviewer.get("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(got.status == 200);
    CHECK(got.header("content-type") == "image/png");
    CHECK(got.header("signage-screenshot-id") == shot_id);
    CHECK_FALSE(got.header("signage-taken-at").empty());
    CHECK(got.body == png);
    CHECK(screen_named(staff.admin, "gate").at("screenshot_at").is_string());

    // A player that does not take commands (an old one) only ever gets
    // manifests: its poll, held when the command comes, is not answered with
    // it; the command waits for a poll that takes it.
    auto old_poll = start_poll(staff.server.url(), device, version, 3);
    REQUIRE(wait_for_waiting(staff.admin, "gate"));
    auto queued = staff.editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(queued.status == 202);
    CHECK(queued.json().at("waiting") == true);
    CHECK(old_poll.get().res.status == 304);
    auto later = start_command_poll(staff.server.url(), device, version, 30).get();
    CHECK(later.res.status == 200);
    CHECK(later.res.header("signage-command") == "screenshot");

    CHECK(staff.editor.post("/api/v1/screens/999/screenshot").status == 404);
}

TEST_CASE(
    "health: a screenshot request ends arrived, failed with the screen's reason, or expired at "
    "its time limit",
    "[server][health]") {
    ServerOptions options;
    options.args = {"--screenshot-timeout-seconds", "2"};
    Staff staff(options);
    const std::string device = staff.server.add_screen("gate", "lobby");
    const std::string other_device = staff.server.add_screen("door", "lobby");
    auto screen = staff.server.client(device);
    auto other = staff.server.client(other_device);
    const std::string id = staff.screen_id("gate");
    const auto follow = [&](const std::string& shot) {
        return staff.editor.get("/api/v1/screens/" + id + "/screenshot-requests/" + shot);
    };

    // Asked: pending, with its time limit.
    auto asked = staff.editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(asked.status == 202);
    const json first = asked.json();
    CHECK(first.at("state") == "pending");
    CHECK(first.at("timeout_s") == 2);
    CHECK(first.at("expires_at").is_string());
    const std::string shot = first.at("id").get<std::string>();
    CHECK(follow(shot).json().at("state") == "pending");

    // Bad reports name their field and change nothing.
    const std::pair<json, const char*> bad[] = {
        {{{"reason", "capture"}}, "id"},
        {{{"id", 7}, {"reason", "capture"}}, "id"},
        {{{"id", "no spaces"}, {"reason", "capture"}}, "id"},
        {{{"id", shot}}, "reason"},
        {{{"id", shot}, {"reason", "tired"}}, "reason"},
        {{{"id", shot}, {"reason", "capture"}, {"detail", std::string(1001, 'x')}}, "detail"},
        {{{"id", shot}, {"reason", "capture"}, {"detail", "two\nlines"}}, "detail"},
        {{{"id", shot}, {"reason", "capture"}, {"detail", 3}}, "detail"},
    };
    for (const auto& [body, field] : bad) {
        INFO(body.dump());
        auto res = screen.post("/api/v1/player/screenshot-failure", body);
        CHECK(res.status == 422);
        CHECK(res.json().at("error").at("field") == field);
    }
    // Another screen cannot fail this screen's request; an unknown id is 404.
    auto foreign =
        other.post("/api/v1/player/screenshot-failure", {{"id", shot}, {"reason", "capture"}});
    CHECK(foreign.status == 404);
    CHECK(foreign.json().at("error").at("field") == "id");
    CHECK(screen.post("/api/v1/player/screenshot-failure", {{"id", "feed"}, {"reason", "upload"}})
              .status == 404);
    CHECK(follow(shot).json().at("state") == "pending");

    // The screen's failure: staff see it with the reason.
    auto failed = screen.post("/api/v1/player/screenshot-failure",
                              {{"id", shot}, {"reason", "capture"}, {"detail", "no kept frame"}});
    REQUIRE(failed.status == 200);
    const json seen = follow(shot).json();
    CHECK(seen.at("state") == "failed");
    CHECK(seen.at("reason") == "capture");
    CHECK(seen.at("detail") == "no kept frame");
    CHECK(seen.at("answered_at").is_string());

    // Arrived: the upload with the request's id ends it; a failure after
    // that is refused.
    const std::string second =
        staff.editor.post("/api/v1/screens/" + id + "/screenshot").json().at("id");
    REQUIRE(screen
                .request("PUT", "/api/v1/player/screenshot", make_png(32, 18, 3),
                         {{"Content-Type", "image/png"}, {"Signage-Screenshot-Id", second}})
                .status == 201);
    CHECK(follow(second).json().at("state") == "arrived");
    auto late =
        screen.post("/api/v1/player/screenshot-failure", {{"id", second}, {"reason", "upload"}});
    CHECK(late.status == 409);
    CHECK(late.json().at("error").at("field") == "id");
    CHECK(follow(second).json().at("state") == "arrived");

    // No answer: expired once its time limit has passed, not before.
    const auto third_at = Clock::now();
    const std::string third =
        staff.editor.post("/api/v1/screens/" + id + "/screenshot").json().at("id");
    CHECK(follow(third).json().at("state") == "pending");
    REQUIRE(wait_until([&] { return follow(third).json().at("state") == "expired"; },
                       std::chrono::seconds(10)));
    CHECK(Clock::now() - third_at >= std::chrono::seconds(2));

    // Requests are per screen; an unknown one names the request.
    auto unknown = follow("abcdef");
    CHECK(unknown.status == 404);
    CHECK(unknown.json().at("error").at("field") == "request");
    CHECK(staff.editor
              .get("/api/v1/screens/" + staff.screen_id("door") + "/screenshot-requests/" + shot)
              .status == 404);
}

TEST_CASE("health: /metrics counts requests, publishes, uploads and waiting screens",
          "[server][health]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "lobby");
    auto anon = staff.server.client();
    auto first = anon.get("/metrics");
    REQUIRE(first.status == 200);
    CHECK(first.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    const std::string slides_ok =
        "signage_http_requests_total{method=\"GET\",route=\"/api/v1/slides\",status=\"200\"}";
    const double slides_before = std::max(0.0, metric_value(first.body, slides_ok));
    const double publishes_before = metric_value(first.body, "signage_publishes_total");
    CHECK(metric_value(first.body, "signage_screens") == 1);

    for (int i = 0; i < 3; ++i) REQUIRE(staff.editor.get("/api/v1/slides").status == 200);
    CHECK(staff.editor.get("/api/v1/slides/424242").status == 404);
    const std::string png = make_png(40, 30, 9);
    REQUIRE(staff.editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
    staff.publish();
    auto waiting = start_poll(
        staff.server.url(), device,
        unquote(staff.server.client(device).get("/api/v1/player/manifest").header("etag")), 2);
    REQUIRE(wait_for_waiting(staff.admin, "gate"));

    auto second = anon.get("/metrics");
    REQUIRE(second.status == 200);
    const std::string& text = second.body;
    INFO(text);
    CHECK(metric_value(text, slides_ok) == slides_before + 3);
    CHECK(metric_value(text,
                       "signage_http_requests_total{method=\"GET\",route=\"/api/v1/slides/"
                       "{id}\",status=\"404\"}") >= 1);
    CHECK(metric_value(text, "signage_publishes_total") == publishes_before + 1);
    CHECK(metric_value(text, "signage_upload_bytes_total") == static_cast<double>(png.size()));
    CHECK(metric_value(text, "signage_screens_waiting") == 1);
    CHECK(metric_value(text, "signage_screens_online") == 1);
    CHECK(metric_value(text,
                       "signage_http_request_duration_seconds_count{route=\"/api/v1/"
                       "slides\"}") >= 3);
    CHECK(std::regex_search(
        text, std::regex("signage_http_request_duration_seconds_bucket\\{route=\"/api/v1/"
                         "slides\",le=\"\\+Inf\"\\} [0-9]+")));
    // The slide looked up by path (the 404 above) paid for its unit scope;
    // the lists did not: only requests naming a record are counted.
    const double scoped = metric_value(text, "signage_scope_check_seconds_count");
    CHECK(scoped >= 1);
    CHECK(scoped < 3);
    CHECK(metric_value(text, "signage_scope_check_seconds_bucket{le=\"+Inf\"}") == scoped);
    CHECK(metric_value(text, "signage_scope_check_seconds_sum") > 0);
    waiting.get();
}

TEST_CASE("health: --no-metrics turns /metrics off", "[server][health]") {
    ServerOptions options;
    options.args = {"--no-metrics"};
    ServerFixture server(options);
    CHECK(server.client().get("/metrics").status == 404);
}

TEST_CASE("health: with the journal as standard error, log lines carry a priority, no timestamp",
          "[server][health]") {
    TempDir dir;
    const auto log = dir.path() / "server.log";
    write_text_file(log, "");
    struct stat st {};
    REQUIRE(::stat(log.c_str(), &st) == 0);
    const std::string stream = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                               std::to_string(static_cast<unsigned long long>(st.st_ino));
    for (const bool journal : {true, false}) {
        ProcessOptions opt;
        opt.stderr_file = log;
        // Another stream (not this file) must not count as the journal.
        opt.env = {{"JOURNAL_STREAM", journal ? stream : std::string{"1:1"}}};
        Process server(ServerFixture::binary(),
                       {"--data", (dir.path() / "data").string(), "--listen", "127.0.0.1:0"}, opt);
        REQUIRE(server.wait_for_line(std::regex("listening on"), std::chrono::seconds(15)));
        CHECK(server.terminate() == 0);
        const std::string text = read_text_file(log);
        INFO(text);
        if (journal) {
            CHECK(std::regex_search(text, std::regex("(^|\n)<6>serving http://")));
            CHECK_FALSE(std::regex_search(text, std::regex("(^|\n)[0-9]{4}-[0-9]{2}-[0-9]{2} ")));
        } else {
            CHECK(std::regex_search(text, std::regex("\n[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ info "
                                                     "serving http://")));
        }
    }
}
