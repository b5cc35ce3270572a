// Alerts over real HTTP: the real server posts to a real receiver the test
// starts (support/hook_receiver.hpp) when a screen goes offline or reports a
// sync error, an item waits for review, an emergency is sent, or an admin
// presses test; with retries, a log and a restart in between.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <regex>
#include <set>
#include <thread>

#include "server_test_helpers.hpp"
#include "support/hook_receiver.hpp"

using namespace signage::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json make_hook(HttpClient& admin, json body) {
    auto res = admin.post("/api/v1/webhooks", body);
    INFO(res.body);
    REQUIRE(res.status == 201);
    return res.json();
}

json deliveries(HttpClient& admin, const std::string& id) {
    auto res = admin.get("/api/v1/webhooks/" + id + "/deliveries");
    REQUIRE(res.status == 200);
    return res.json().at("deliveries");
}

// Waits until the webhook's newest delivery has `status`: that delivery.
json wait_delivery(HttpClient& admin, const std::string& id, const std::string& status,
                   std::chrono::milliseconds timeout = 15s) {
    json last;
    wait_until(
        [&] {
            last = deliveries(admin, id);
            return !last.empty() && last[0].at("status") == status;
        },
        timeout, 50ms);
    INFO(last.dump(2));
    REQUIRE(!last.empty());
    REQUIRE(last[0].at("status") == status);
    return last[0];
}

json heartbeat(int interval_s, const json& sync_error) {
    json hb = good_heartbeat();
    hb["interval_s"] = interval_s;
    hb["last_sync_error"] = sync_error;
    return hb;
}

// The request of `hook` whose path starts with `path`.
std::vector<HookReceiver::Request> at_path(const HookReceiver& hook, const std::string& path) {
    std::vector<HookReceiver::Request> out;
    for (auto& r : hook.requests()) {
        if (r.target.rfind(path, 0) == 0) out.push_back(r);
    }
    return out;
}

// The query parameter `name` of a request target, %XX decoded.
std::string query_value(const std::string& target, const std::string& name) {
    const auto at = target.find("&" + name + "=");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 2;
    const std::string raw = target.substr(start, target.find('&', start) - start);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size()) {
            out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += raw[i];
        }
    }
    return out;
}

// 钉钉's signature: base64 of HMAC-SHA256(secret, "timestamp\nsecret").
std::string dingtalk_sign(const std::string& timestamp, const std::string& secret) {
    const std::string text = timestamp + "\n" + secret;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                                  text.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return b64;
}

}  // namespace

TEST_CASE(
    "alerts: test messages and an emergency reach 企业微信, 钉钉 and plain webhooks in "
    "their exact shapes",
    "[server][alerts]") {
    HookReceiver receiver;
    Staff staff;
    staff.server.add_screen("station", "town");
    const json events = {"emergency_sent"};
    const json wecom = make_hook(staff.admin, {{"name", "街道值班群"},
                                               {"url", receiver.url("/wecom?key=abc")},
                                               {"format", "wecom"},
                                               {"events", events}});
    const json ding = make_hook(staff.admin, {{"name", "钉钉群"},
                                              {"url", receiver.url("/ding?access_token=t")},
                                              {"format", "dingtalk"},
                                              {"secret", "SEC123"},
                                              {"events", events}});
    const json plain = make_hook(staff.admin, {{"name", "own"},
                                               {"url", receiver.url("/plain")},
                                               {"format", "plain"},
                                               {"events", events},
                                               {"groups", {"town"}}});
    CHECK(ding.at("has_secret") == true);
    CHECK(!ding.contains("secret"));
    CHECK(plain.at("groups") == json::array({"town"}));

    for (const json& h : {wecom, ding, plain}) {
        auto res = staff.admin.post("/api/v1/webhooks/" + h.at("id").get<std::string>() + "/test");
        REQUIRE(res.status == 202);
        CHECK(res.json().at("event") == "test");
    }
    REQUIRE(receiver.wait_for(3));
    for (const char* robot : {"/wecom", "/ding"}) {
        auto got = at_path(receiver, robot);
        REQUIRE(got.size() == 1);
        CHECK(got[0].method == "POST");
        const json body = json::parse(got[0].body);
        INFO(got[0].body);
        // Exactly the robots' text message: nothing else.
        CHECK(body.size() == 2);
        CHECK(body.at("msgtype") == "text");
        CHECK(body.at("text").size() == 1);
        CHECK(body.at("text").at("content").get<std::string>().find("测试") != std::string::npos);
    }
    // The signed 钉钉 robot: its query kept, with timestamp and sign added.
    const std::string ding_target = at_path(receiver, "/ding")[0].target;
    CHECK(ding_target.rfind("/ding?access_token=t&timestamp=", 0) == 0);
    const std::string timestamp = query_value(ding_target, "timestamp");
    REQUIRE(!timestamp.empty());
    const auto sent_ms = std::stoll(timestamp);
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    CHECK(now_ms - sent_ms < 60'000);  // 钉钉 refuses signatures over an hour old
    CHECK(query_value(ding_target, "sign") == dingtalk_sign(timestamp, "SEC123"));
    CHECK(at_path(receiver, "/wecom")[0].target == "/wecom?key=abc");
    const json test_plain = json::parse(at_path(receiver, "/plain")[0].body);
    CHECK(test_plain.at("event") == "test");
    CHECK(test_plain.at("webhook").at("name") == "own");
    CHECK(test_plain.at("message").get<std::string>().find("own") != std::string::npos);
    wait_delivery(staff.admin, plain.at("id").get<std::string>(), "delivered");

    // An emergency notice for every group, approved and published.
    staff.approved_slide({{"type", "emergency"},
                          {"title", "燃气抢修"},
                          {"body", "燃气管道抢修，请勿靠近幸福路一带。"},
                          {"valid_until", "2099-01-01T00:00:00+08:00"}});
    staff.publish();
    REQUIRE(receiver.wait_for(6));
    const auto plain_got = at_path(receiver, "/plain");
    REQUIRE(plain_got.size() == 2);
    const json sent = json::parse(plain_got[1].body);
    INFO(plain_got[1].body);
    CHECK(sent.at("event") == "emergency_sent");
    CHECK(!sent.at("at").get<std::string>().empty());
    CHECK(sent.at("slide").at("title") == "燃气抢修");
    CHECK(sent.at("slide").at("approved_by") == "reviewer");
    CHECK(sent.at("groups") == json::array());
    const std::string text = sent.at("message").get<std::string>();
    CHECK(text.find("紧急通知") != std::string::npos);
    CHECK(text.find("燃气抢修") != std::string::npos);
    CHECK(text.find("全部分组") != std::string::npos);
    const json wecom_sent = json::parse(at_path(receiver, "/wecom")[1].body);
    CHECK(wecom_sent.at("text").at("content") == text);

    // A publish that sends no new emergency alerts nobody.
    staff.approved_slide(text_slide("文明出行"));
    staff.publish();
    auto log = deliveries(staff.admin, wecom.at("id").get<std::string>());
    CHECK(log.size() == 2);
}

TEST_CASE(
    "alerts: a silent screen alerts once, a sync error alerts, a webhook scoped to "
    "another group gets nothing",
    "[server][alerts]") {
    HookReceiver receiver;
    ServerOptions options;
    options.args = {"--offline-after-missed", "1", "--alert-check-seconds", "1"};
    Staff staff(options);
    const std::string lobby = staff.server.add_screen("lobby", "hall");
    const std::string kiosk = staff.server.add_screen("kiosk", "hall");
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "plaza"}}).status == 201);
    const json hall = make_hook(staff.admin, {{"name", "hall"},
                                              {"url", receiver.url("/hall")},
                                              {"format", "plain"},
                                              {"events", {"screen_offline", "sync_error"}},
                                              {"groups", {"hall"}}});
    const json plaza = make_hook(staff.admin, {{"name", "plaza"},
                                               {"url", receiver.url("/plaza")},
                                               {"format", "plain"},
                                               {"events", {"screen_offline", "sync_error"}},
                                               {"groups", {"plaza"}}});

    // kiosk reports a sync error; lobby heartbeats every 5 s, then stops.
    auto kiosk_client = staff.server.client(kiosk);
    REQUIRE(kiosk_client.post("/api/v1/player/heartbeat", heartbeat(3600, "connection refused"))
                .status == 200);
    auto lobby_client = staff.server.client(lobby);
    REQUIRE(lobby_client.post("/api/v1/player/heartbeat", heartbeat(5, nullptr)).status == 200);
    // The same error again is the same stretch: no second alert.
    REQUIRE(kiosk_client.post("/api/v1/player/heartbeat", heartbeat(3600, "connection refused"))
                .status == 200);

    REQUIRE(receiver.wait_for(2, 30s));
    std::set<std::string> kinds;
    for (const auto& r : receiver.requests()) {
        const json body = json::parse(r.body);
        INFO(r.body);
        CHECK(r.target == "/hall");
        kinds.insert(body.at("event").get<std::string>());
        if (body.at("event") == "screen_offline") {
            CHECK(body.at("screen").at("name") == "lobby");
            CHECK(body.at("screen").at("group") == "hall");
            CHECK(body.at("message").get<std::string>().find("屏幕「lobby」") != std::string::npos);
            CHECK(body.at("message").get<std::string>().find("离线") != std::string::npos);
        } else {
            CHECK(body.at("event") == "sync_error");
            CHECK(body.at("screen").at("name") == "kiosk");
            CHECK(body.at("screen").at("error") == "connection refused");
            CHECK(body.at("message").get<std::string>().find("connection refused") !=
                  std::string::npos);
        }
    }
    CHECK(kinds == std::set<std::string>{"screen_offline", "sync_error"});
    // Three more checks of the screens: the offline screen is not alerted again.
    std::this_thread::sleep_for(3500ms);
    CHECK(receiver.requests().size() == 2);
    CHECK(deliveries(staff.admin, hall.at("id").get<std::string>()).size() == 2);
    CHECK(deliveries(staff.admin, plaza.at("id").get<std::string>()).empty());
    // kiosk is not offline: its heartbeats say they come every hour.
    for (const auto& d : deliveries(staff.admin, hall.at("id").get<std::string>())) {
        CHECK(d.at("status") == "delivered");
        CHECK(d.at("attempts") == 1);
        CHECK(d.at("http_status") == 200);
    }
    // The error clears, and a new one alerts again.
    REQUIRE(kiosk_client.post("/api/v1/player/heartbeat", heartbeat(3600, nullptr)).status == 200);
    REQUIRE(kiosk_client.post("/api/v1/player/heartbeat", heartbeat(3600, "timed out")).status ==
            200);
    REQUIRE(receiver.wait_for(3));
    const json again = json::parse(receiver.requests()[2].body);
    CHECK(again.at("event") == "sync_error");
    CHECK(again.at("screen").at("error") == "timed out");
}

TEST_CASE(
    "alerts: a sync error that clears and comes back while the alert thread is busy "
    "alerts twice",
    "[server][alerts]") {
    HookReceiver receiver;
    ServerOptions options;
    // The alert thread waits 2 s whenever it is about to take heartbeats.
    options.env = {{"SIGNAGE_FAULT_PAUSE", "alerts.before_heartbeats:2000"}};
    Staff staff(options);
    const std::string kiosk = staff.server.add_screen("kiosk", "hall");
    make_hook(staff.admin, {{"name", "hall"},
                            {"url", receiver.url("/hall")},
                            {"format", "plain"},
                            {"events", {"sync_error"}}});
    auto screen = staff.server.client(kiosk);
    REQUIRE(screen.post("/api/v1/player/heartbeat", heartbeat(3600, "connection refused")).status ==
            200);
    const std::regex paused("^fault: paused at alerts\\.before_heartbeats$");
    REQUIRE(staff.server.process().wait_for_line(paused, 10s));
    // While it waits, the error clears and another comes: both changes count.
    REQUIRE(screen.post("/api/v1/player/heartbeat", heartbeat(3600, nullptr)).status == 200);
    REQUIRE(screen.post("/api/v1/player/heartbeat", heartbeat(3600, "timed out")).status == 200);
    REQUIRE(receiver.wait_for(2));
    std::vector<std::string> errors;
    for (const auto& r : receiver.requests()) {
        errors.push_back(json::parse(r.body).at("screen").at("error").get<std::string>());
    }
    CHECK(errors == std::vector<std::string>{"connection refused", "timed out"});
}

TEST_CASE("alerts: a receiver failing twice gets the message on the third attempt, logged",
          "[server][alerts]") {
    HookReceiver receiver;
    receiver.answer_next({500, 500});
    ServerOptions options;
    options.args = {"--webhook-retry-seconds", "1"};
    Staff staff(options);
    const json hook = make_hook(staff.admin, {{"name", "flaky"},
                                              {"url", receiver.url("/flaky")},
                                              {"format", "wecom"},
                                              {"events", {"emergency_sent"}}});
    const std::string id = hook.at("id").get<std::string>();
    REQUIRE(staff.admin.post("/api/v1/webhooks/" + id + "/test").status == 202);
    REQUIRE(receiver.wait_for(1));
    const json retrying = wait_delivery(staff.admin, id, "retrying");
    CHECK(retrying.at("http_status") == 500);
    CHECK(retrying.at("error") == "HTTP 500");
    CHECK(!retrying.at("next_attempt_at").is_null());
    REQUIRE(receiver.wait_for(3));
    const json done = wait_delivery(staff.admin, id, "delivered");
    CHECK(done.at("attempts") == 3);
    CHECK(done.at("http_status") == 200);
    CHECK(done.at("error").is_null());
    CHECK(!done.at("delivered_at").is_null());
    CHECK(done.at("event") == "test");
    // The same body each time.
    const auto got = receiver.requests();
    REQUIRE(got.size() == 3);
    CHECK(got[0].body == got[2].body);
}

TEST_CASE("alerts: a delivery waiting for its retry survives a restart", "[server][alerts]") {
    HookReceiver receiver;
    receiver.answer_next({503});
    ServerOptions options;
    options.args = {"--webhook-retry-seconds", "3"};
    Staff staff(options);
    const json hook = make_hook(staff.admin, {{"name", "restart"},
                                              {"url", receiver.url("/r")},
                                              {"format", "plain"},
                                              {"events", {"review_waiting"}}});
    const std::string id = hook.at("id").get<std::string>();
    REQUIRE(staff.admin.post("/api/v1/webhooks/" + id + "/test").status == 202);
    REQUIRE(receiver.wait_for(1));
    wait_delivery(staff.admin, id, "retrying");
    REQUIRE(staff.server.stop() == 0);
    REQUIRE(receiver.requests().size() == 1);
    staff.server.start();
    REQUIRE(receiver.wait_for(2));
    HttpClient admin = staff.server.client(staff.server.login("admin", "admin-password"));
    const json done = wait_delivery(admin, id, "delivered");
    CHECK(done.at("attempts") == 2);
    CHECK(receiver.requests()[1].body == receiver.requests()[0].body);
}

TEST_CASE("alerts: an item waiting for review longer than the setting alerts once",
          "[server][alerts]") {
    HookReceiver receiver;
    ServerOptions options;
    options.args = {"--review-alert-minutes", "0.02", "--alert-check-seconds", "1"};
    Staff staff(options);
    make_hook(staff.admin, {{"name", "reviewers"},
                            {"url", receiver.url("/review")},
                            {"format", "wecom"},
                            {"events", {"review_waiting"}}});
    auto created = staff.editor.post("/api/v1/slides", text_slide("垃圾分类新规"));
    REQUIRE(created.status == 201);
    const std::string slide = created.json().at("id").get<std::string>();
    REQUIRE(staff.editor.post("/api/v1/slides/" + slide + "/submit").status == 200);
    REQUIRE(receiver.wait_for(1, 20s));
    const json body = json::parse(receiver.requests()[0].body);
    const std::string text = body.at("text").at("content").get<std::string>();
    INFO(text);
    CHECK(text.find("待审核") != std::string::npos);
    CHECK(text.find("垃圾分类新规") != std::string::npos);
    CHECK(text.find("editor") != std::string::npos);
    std::this_thread::sleep_for(2500ms);
    CHECK(receiver.requests().size() == 1);
}

TEST_CASE("alerts: bad webhooks are refused naming the field, and only admins manage them",
          "[server][alerts]") {
    Staff staff;
    staff.server.add_screen("lobby", "hall");
    const json good = {{"name", "值班群"},
                       {"url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
                       {"format", "wecom"},
                       {"events", {"screen_offline"}}};
    const auto with = [&](const std::string& field, const json& value) {
        json b = good;
        b[field] = value;
        return b;
    };
    const std::vector<std::pair<json, std::string>> bad = {
        {with("url", "ftp://example.com/x"), "url"},
        {with("url", "http://"), "url"},
        {with("url", "example.com/hook"), "url"},
        {with("url", "http://exa mple.com/"), "url"},
        {with("url", 5), "url"},
        {with("format", "slack"), "format"},
        {with("events", json::array()), "events"},
        {with("events", {"screen_offline", "fire"}), "events[1]"},
        {with("groups", {"nowhere"}), "groups[0]"},
        {with("name", ""), "name"},
        {with("secret", "s"), "secret"},  // only 钉钉 signs
        {with("colour", "red"), "colour"},
    };
    for (const auto& [body, field] : bad) {
        auto res = staff.admin.post("/api/v1/webhooks", body);
        INFO(body.dump() << " -> " << res.body);
        CHECK(res.status == 400);
        CHECK(error_field(res) == field);
    }
    CHECK(staff.admin.get("/api/v1/webhooks").json().at("webhooks").empty());

    auto made = staff.admin.post("/api/v1/webhooks", good);
    REQUIRE(made.status == 201);
    const std::string id = made.json().at("id").get<std::string>();
    // A bad edit changes nothing.
    auto edit = staff.admin.put("/api/v1/webhooks/" + id, with("url", "gopher://x"));
    CHECK(edit.status == 400);
    CHECK(error_field(edit) == "url");
    CHECK(staff.admin.get("/api/v1/webhooks/" + id).json().at("url") == good.at("url"));
    auto renamed = staff.admin.put("/api/v1/webhooks/" + id, with("groups", {"hall"}));
    REQUIRE(renamed.status == 200);
    CHECK(renamed.json().at("groups") == json::array({"hall"}));

    for (HttpClient* other : {&staff.editor, &staff.reviewer}) {
        CHECK(other->get("/api/v1/webhooks").status == 403);
        CHECK(other->post("/api/v1/webhooks", good).status == 403);
        CHECK(other->post("/api/v1/webhooks/" + id + "/test").status == 403);
        CHECK(other->get("/api/v1/webhooks/" + id + "/deliveries").status == 403);
        CHECK(other->del("/api/v1/webhooks/" + id).status == 403);
    }
    CHECK(staff.admin.get("/api/v1/webhooks/999").status == 404);
    CHECK(staff.admin.del("/api/v1/webhooks/" + id).status == 204);
    CHECK(staff.admin.get("/api/v1/webhooks").json().at("webhooks").empty());
}
