// Accounts, audit log and submit checks, over real HTTP against the real server.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"
#include "support/film.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

// Expected answer per caller: U = 401, F = 403, K = allowed (see
// access_class), each asked with a real object behind every path parameter.
// Callers, in order: no token, expired staff token, device token, editor,
// reviewer, admin.
const std::map<std::string, std::string>& access_matrix() {
    static const std::map<std::string, std::string> m = {
        {"POST /api/v1/auth/login", "KKKKKK"},
        {"POST /api/v1/auth/logout", "UUFKKK"},
        {"POST /api/v1/auth/password", "UUFKKK"},
        {"GET /api/v1/auth/me", "UUFKKK"},
        {"PUT /api/v1/media", "UUFKFK"},
        {"GET /api/v1/media", "UUFKKK"},
        {"GET /api/v1/media/{sha256}", "UUFKKK"},
        {"PATCH /api/v1/media/{sha256}", "UUFKFK"},
        {"DELETE /api/v1/media/{sha256}", "UUFKFK"},
        {"POST /api/v1/media/{sha256}/renditions/retry", "UUFKFK"},
        {"GET /media/{sha256}", "KKKKKK"},
        {"GET /media/{sha256}/poster.png", "KKKKKK"},
        {"GET /api/v1/slides", "UUFKKK"},
        {"POST /api/v1/slides", "UUFKFK"},
        {"GET /api/v1/slides/{id}", "UUFKKK"},
        {"PUT /api/v1/slides/{id}", "UUFKFK"},
        {"DELETE /api/v1/slides/{id}", "UUFKFK"},
        {"POST /api/v1/slides/{id}/submit", "UUFKFK"},
        {"POST /api/v1/slides/{id}/approve", "UUFFKK"},
        {"POST /api/v1/slides/{id}/reject", "UUFFKK"},
        {"POST /api/v1/slides/{id}/withdraw", "UUFKKK"},
        {"POST /api/v1/slides/{id}/duplicate", "UUFKFK"},
        {"GET /api/v1/slides/{id}/preview.png", "UUFKKK"},
        {"GET /api/v1/slide-types", "UUFKKK"},
        {"POST /api/v1/preview", "UUFKKK"},
        {"GET /api/v1/groups", "UUFKKK"},
        {"POST /api/v1/groups", "UUFFFK"},
        {"GET /api/v1/groups/{name}", "UUFKKK"},
        {"PUT /api/v1/groups/{name}", "UUFFFK"},
        {"GET /api/v1/groups/{name}/order", "UUFKKK"},
        {"PUT /api/v1/groups/{name}/order", "UUFKFK"},
        {"POST /api/v1/groups/{name}/order/approve", "UUFFKK"},
        {"POST /api/v1/groups/{name}/order/reject", "UUFFKK"},
        {"GET /api/v1/screens", "UUFKKK"},
        {"PUT /api/v1/screens/{id}", "UUFFFK"},
        {"POST /api/v1/publish", "UUFFKK"},
        {"GET /api/v1/groups/{name}/manifest", "UUFKKK"},
        {"GET /api/v1/player/manifest", "UUKFFF"},
        {"POST /api/v1/player/pair", "KKKKKK"},
        {"GET /api/v1/player/pair/{pairing_id}", "KKKKKK"},
        {"POST /api/v1/screens/pair", "UUFFFK"},
        {"POST /api/v1/screens/{id}/revoke", "UUFFFK"},
        {"GET /api/v1/quiz/questions", "UUFKKK"},
        {"POST /api/v1/quiz/questions", "UUFKFK"},
        {"GET /api/v1/quiz/questions/{id}", "UUFKKK"},
        {"PUT /api/v1/quiz/questions/{id}", "UUFKFK"},
        {"DELETE /api/v1/quiz/questions/{id}", "UUFKFK"},
        {"POST /api/v1/quiz/questions/{id}/submit", "UUFKFK"},
        {"POST /api/v1/quiz/questions/{id}/approve", "UUFFKK"},
        {"POST /api/v1/quiz/questions/{id}/reject", "UUFFKK"},
        {"POST /api/v1/quiz/questions/submit", "UUFKFK"},
        {"POST /api/v1/quiz/questions/approve", "UUFFKK"},
        {"POST /api/v1/quiz/import", "UUFKFK"},
        {"GET /api/v1/quiz/export", "UUFKKK"},
        {"GET /api/v1/quiz/stats", "UUFKKK"},
        {"POST /api/v1/quiz/claims/check", "UUFKKK"},
        {"POST /api/v1/quiz/claims/redeem", "UUFKKK"},
        {"POST /api/v1/player/quiz-results", "UUKFFF"},
        {"POST /api/v1/player/plays", "UUKFFF"},
        {"GET /api/v1/reports/plays", "UUFKKK"},
        {"GET /api/v1/reports/units", "UUFKKK"},
        {"GET /api/v1/users", "UUFFFK"},
        {"POST /api/v1/users", "UUFFFK"},
        {"PUT /api/v1/users/{name}", "UUFFFK"},
        {"GET /api/v1/audit", "UUFFKK"},
        {"GET /api/v1/settings/forbidden-words", "UUFKKK"},
        {"PUT /api/v1/settings/forbidden-words", "UUFFFK"},
        {"POST /api/v1/player/heartbeat", "UUKFFF"},
        {"PUT /api/v1/player/screenshot", "UUKFFF"},
        {"POST /api/v1/player/screenshot-failure", "UUKFFF"},
        {"GET /api/v1/screens/{id}", "UUFKKK"},
        {"POST /api/v1/screens/{id}/screenshot", "UUFKKK"},
        {"GET /api/v1/screens/{id}/screenshot", "UUFKKK"},
        {"GET /api/v1/screens/{id}/screenshot-requests/{request}", "UUFKKK"},
        {"GET /metrics", "KKKKKK"},
        {"GET /api/v1/health", "KKKKKK"},
        {"GET /api/v1/webhooks", "UUFFFK"},
        {"POST /api/v1/webhooks", "UUFFFK"},
        {"GET /api/v1/webhooks/{id}", "UUFFFK"},
        {"PUT /api/v1/webhooks/{id}", "UUFFFK"},
        {"DELETE /api/v1/webhooks/{id}", "UUFFFK"},
        {"POST /api/v1/webhooks/{id}/test", "UUFFFK"},
        {"GET /api/v1/webhooks/{id}/deliveries", "UUFFFK"},
        {"GET /api/v1/units", "UUFKKK"},
        {"POST /api/v1/units", "UUFFFK"},
        {"GET /api/v1/units/{id}", "UUFKKK"},
        {"PUT /api/v1/units/{id}", "UUFFFK"},
        {"DELETE /api/v1/units/{id}", "UUFFFK"},
        {"GET /{*}", "KKKKKK"},
    };
    return m;
}

// A registered route ("METHOD PATTERN") and the access it declares.
struct RegisteredRoute {
    std::string route;
    std::string access;
};

// The server's own route table: every route with who may call it.
std::vector<RegisteredRoute> registered_routes() {
    TempDir dir;
    auto res = ServerFixture::run_cli({"routes", "--json", "--data", dir.path().string()});
    REQUIRE(res.status == 0);
    std::vector<RegisteredRoute> out;
    for (const auto& r : json::parse(res.out)) {
        out.push_back({r.at("method").get<std::string>() + " " + r.at("pattern").get<std::string>(),
                       r.at("access").get<std::string>()});
    }
    return out;
}

// What a declared access means for the matrix's callers (none, expired,
// device, editor, reviewer, admin); "" for an access this test does not know.
std::string columns_for(const std::string& access) {
    static const std::map<std::string, std::string> m = {
        {"anyone", "KKKKKK"},          {"device", "UUKFFF"},   {"staff", "UUFKKK"},
        {"editor", "UUFKFK"},          {"reviewer", "UUFFKK"}, {"admin", "UUFFFK"},
        {"editor|reviewer", "UUFKKK"},
    };
    const auto it = m.find(access);
    return it == m.end() ? std::string() : it->second;
}

// U = 401, F = 403, K = allowed: the handler ran and answered 2xx, or a 4xx
// other than 401/403/404 for the test's empty body (400, 409, 415, 422...).
// A 404 is never expected: every path names a real object.
char access_class(long status) {
    if (status == 401) return 'U';
    if (status == 403) return 'F';
    if (status >= 200 && status < 300) return 'K';
    if (status >= 400 && status < 500 && status != 404) return 'K';
    return '?';
}

// Makes a session token stale by moving its expiry into the past.
void expire_session(const ServerFixture& server, const std::string& token) {
    const auto changed =
        server.query("UPDATE sessions SET expires_at = 1 WHERE token_hash = ? RETURNING token_hash",
                     {signage::sha256_hex(token)});
    REQUIRE(changed.size() == 1);
}

json audit_for(HttpClient& client, const std::string& type, const std::string& id) {
    auto res = client.get("/api/v1/audit?object_type=" + type + "&object_id=" + id);
    REQUIRE(res.status == 200);
    return res.json().at("entries");
}

// The callers of the matrix, in its column order.
constexpr int kCallers = 6;
const char* const kCallerNames[kCallers] = {"none",   "expired",  "device",
                                            "editor", "reviewer", "admin"};

// A server with a real object behind every kind of path parameter, so an
// allowed caller reaches the handler: reads use shared objects, requests that
// change or destroy one get a fresh one per caller.
struct AccessWorld {
    Staff staff;
    std::string device = staff.server.add_screen("lobby", "hall");
    std::string expired;
    std::string media;     // sha256 of an uploaded PNG
    std::string film;      // sha256 of an uploaded film (it has a poster)
    std::string slide;     // a draft slide
    std::string question;  // a draft quiz question
    std::string screen;    // the device's screen id
    std::string pairing;   // a pairing waiting for its code to be claimed
    std::string shot;      // a screenshot request of the device's screen
    std::string webhook;   // a webhook (to a port nobody listens on)
    int made = 0;          // fresh objects so far, for unique names

    AccessWorld() {
        staff.server.add_user("stale", "editor", "stale-password");
        expired = staff.server.login("stale", "stale-password");
        expire_session(staff.server, expired);

        const std::string png = make_png(8, 8, 5);
        REQUIRE(staff.editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
        media = signage::sha256_hex(png);
        const signage::test::TempDir films("films");
        auto uploaded = staff.editor.put_bytes(
            "/api/v1/media",
            read_text_file(make_film(films.path(), {"mp4", "libx264", "", 64, 48, 1})));
        REQUIRE(uploaded.status == 201);
        film = uploaded.json().at("sha256").get<std::string>();
        slide = fresh_slide("draft");
        question = fresh_question("draft");
        screen = staff.screen_id("lobby");
        // The screen has sent a screenshot, so there is one to fetch.
        REQUIRE(staff.server.client(device)
                    .put_bytes("/api/v1/player/screenshot", make_png(16, 9, 6), "image/png")
                    .status == 201);
        auto asked = staff.editor.post("/api/v1/screens/" + screen + "/screenshot");
        REQUIRE(asked.status == 202);
        shot = asked.json().at("id").get<std::string>();
        HttpClient elsewhere = staff.server.client();
        elsewhere.set_local_address("127.0.0.9");  // its own pairing rate limit
        auto pair = elsewhere.post("/api/v1/player/pair", {{"name_hint", "kiosk"}});
        REQUIRE(pair.status == 201);
        pairing = pair.json().at("pairing_id").get<std::string>();
        webhook = fresh_webhook();
    }

    std::string fresh_webhook() {
        auto made_hook = staff.admin.post("/api/v1/webhooks", {{"name", next_name("hook-")},
                                                               {"url", "http://127.0.0.1:9/hook"},
                                                               {"format", "plain"},
                                                               {"events", {"screen_offline"}}});
        REQUIRE(made_hook.status == 201);
        return made_hook.json().at("id").get<std::string>();
    }

    std::string next_name(const std::string& prefix) { return prefix + std::to_string(++made); }

    // An unused medium of its own.
    std::string fresh_media() {
        const std::string png = make_png(8, 8, 100 + ++made);
        REQUIRE(staff.editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
        return signage::sha256_hex(png);
    }

    // A slide by the editor in `state`: draft, pending or published.
    std::string fresh_slide(const std::string& state) {
        auto created = staff.editor.post("/api/v1/slides", text_slide(next_name("幻灯片")));
        REQUIRE(created.status == 201);
        const std::string id = created.json().at("id").get<std::string>();
        if (state == "draft") return id;
        REQUIRE(staff.editor.post("/api/v1/slides/" + id + "/submit").status == 200);
        if (state == "pending") return id;
        REQUIRE(approve_as_seen(staff.reviewer, "/api/v1/slides/" + id).status == 200);
        staff.publish();
        return id;
    }

    // A quiz question by the editor in `state`: draft or pending.
    std::string fresh_question(const std::string& state) {
        auto created = staff.editor.post("/api/v1/quiz/questions",
                                         {{"type", "judge"},
                                          {"question", next_name("垃圾要分类投放吗？第")},
                                          {"answers", {0}},
                                          {"category", "垃圾分类"}});
        REQUIRE(created.status == 201);
        const std::string id = created.json().at("id").get<std::string>();
        if (state == "pending") {
            REQUIRE(staff.editor.post("/api/v1/quiz/questions/" + id + "/submit").status == 200);
        }
        return id;
    }

    std::string fresh_screen() {
        const std::string name = next_name("screen-");
        staff.server.add_screen(name, "hall");
        return staff.screen_id(name);
    }

    std::string fresh_group() {
        const std::string name = next_name("group-");
        REQUIRE(staff.admin.post("/api/v1/groups", {{"name", name}}).status == 201);
        return name;
    }

    // An empty unit below the top one.
    std::string fresh_unit() {
        auto made_unit =
            staff.admin.post("/api/v1/units", {{"name", next_name("街道")}, {"parent", 1}});
        REQUIRE(made_unit.status == 201);
        return std::to_string(made_unit.json().at("id").get<std::int64_t>());
    }

    std::string fresh_user() {
        const std::string name = next_name("user-");
        REQUIRE(staff.admin
                    .post("/api/v1/users",
                          {{"username", name}, {"role", "editor"}, {"password", name + "-secret"}})
                    .status == 201);
        return name;
    }

    // The pattern with each parameter replaced by a real object.
    std::string path(const std::string& method, std::string pattern) {
        const bool changes = method != "GET";
        // The action after the object ("submit", "approve", ...), if any.
        const auto param_end = pattern.find("}/");
        const std::string action =
            param_end == std::string::npos ? "" : pattern.substr(param_end + 2);
        const auto state = action == "submit"                          ? "draft"
                           : action == "approve" || action == "reject" ? "pending"
                           : action == "withdraw"                      ? "published"
                                                                       : "draft";
        auto starts = [&](const char* prefix) { return pattern.rfind(prefix, 0) == 0; };
        auto fill = [&](const std::string& param, const std::string& value) {
            pattern.replace(pattern.find(param), param.size(), value);
        };
        if (starts("/media/")) {
            fill("{sha256}", pattern.find("/poster.png") != std::string::npos ? film : media);
        } else if (starts("/api/v1/media/{sha256}")) {
            fill("{sha256}", changes ? fresh_media() : media);
        } else if (starts("/api/v1/slides/{id}")) {
            fill("{id}", changes ? fresh_slide(state) : slide);
        } else if (starts("/api/v1/quiz/questions/{id}")) {
            fill("{id}", changes ? fresh_question(state) : question);
        } else if (starts("/api/v1/screens/{id}")) {
            fill("{id}", changes ? fresh_screen() : screen);
            if (pattern.find("{request}") != std::string::npos) fill("{request}", shot);
        } else if (starts("/api/v1/webhooks/{id}")) {
            fill("{id}", changes ? fresh_webhook() : webhook);
        } else if (starts("/api/v1/groups/{name}")) {
            fill("{name}", changes ? fresh_group() : "hall");
        } else if (starts("/api/v1/units/{id}")) {
            fill("{id}", changes ? fresh_unit() : "1");
        } else if (starts("/api/v1/users/{name}")) {
            fill("{name}", changes ? fresh_user() : "editor");
        } else if (starts("/api/v1/player/pair/")) {
            fill("{pairing_id}", pairing);
        } else if (pattern == "/{*}") {
            fill("{*}", "app.js");  // a console file
        }
        return pattern;
    }

    // The caller's token for the route: a fresh session for a logout, which ends it.
    std::string token(const std::string& route, int caller) {
        const std::string tokens[kCallers] = {
            "", expired, device, staff.editor.token(), staff.reviewer.token(), staff.admin.token()};
        if (route == "POST /api/v1/auth/logout" && caller >= 3) {
            const std::string name = kCallerNames[caller];
            return staff.server.login(name, name + "-password");
        }
        return tokens[caller];
    }
};

}  // namespace

TEST_CASE("server: authorization matrix over every registered route", "[server][access]") {
    const auto routes = registered_routes();
    // The table covers exactly the router's routes.
    std::set<std::string> registered;
    for (const auto& r : routes) registered.insert(r.route);
    std::set<std::string> tabled;
    for (const auto& [route, expected] : access_matrix()) tabled.insert(route);
    CHECK(registered == tabled);
    // Each route declares the access the table expects of it.
    for (const auto& r : routes) {
        const auto it = access_matrix().find(r.route);
        if (it == access_matrix().end()) continue;
        INFO(r.route << " declares " << r.access);
        CHECK(columns_for(r.access) == it->second);
    }

    AccessWorld world;
    for (const auto& [route, access] : routes) {
        const auto space = route.find(' ');
        const std::string method = route.substr(0, space);
        const auto it = access_matrix().find(route);
        if (it == access_matrix().end()) continue;  // reported by the set comparison
        for (int c = 0; c < kCallers; ++c) {
            const std::string path = world.path(method, route.substr(space + 1));
            INFO(route << " as " << kCallerNames[c] << " at " << path);
            // A parameter this test does not know how to fill is a failure too.
            REQUIRE(path.find('{') == std::string::npos);
            auto client = world.staff.server.client(world.token(route, c));
            const std::string body = method == "GET" || method == "DELETE" ? "" : "{}";
            auto res = client.request(method, path, body, {{"Content-Type", "application/json"}});
            INFO("answered " << res.status << " " << res.body.substr(0, 300));
            CHECK(access_class(res.status) == it->second[static_cast<std::size_t>(c)]);
        }
    }
}

namespace {

// A server with two editors, erin and finn, for the sign-in throttle.
struct TwoAccounts {
    TwoAccounts() {
        server.add_user("erin", "editor", "erin-secret-1");
        server.add_user("finn", "editor", "finn-secret-1");
    }
    ServerFixture server;
};

// A sign-in from 127.0.0.N: the server sees each N as another client address.
HttpResponse sign_in_from(const ServerFixture& server, int n, const std::string& user,
                          const std::string& password) {
    HttpClient client = server.client();
    client.set_local_address("127.0.0." + std::to_string(n));
    return client.post("/api/v1/auth/login", {{"username", user}, {"password", password}});
}

// A 429 as the throttle gives it: with Retry-After within the window and the
// time to come back in the message.
void check_throttled(const HttpResponse& res) {
    INFO(res.status << " " << res.body);
    CHECK(res.status == 429);
    CHECK(error_code(res) == "too_many_requests");
    const std::string retry = res.header("retry-after");
    REQUIRE_FALSE(retry.empty());
    CHECK(std::stoi(retry) > 0);
    CHECK(std::stoi(retry) <= 15 * 60);
    const std::string message = res.json().at("error").at("message").get<std::string>();
    CHECK(message.find("try again in 15 minutes") != std::string::npos);
    CHECK(message.find("after 20") != std::string::npos);
}

}  // namespace

// The rule (auth/authenticator.hpp): 5 failed sign-ins within 15 minutes for
// one username, or 20 from one address, refuse every further attempt for that
// username, or from that address, even with the right password.
TEST_CASE("server: 5 failed sign-ins for one account from 5 addresses lock it everywhere, only it",
          "[server][access][throttle]") {
    TwoAccounts accounts;
    const ServerFixture& server = accounts.server;
    // Four failures, each from another address: not locked yet, and the
    // sign-in that follows does not clear them.
    for (int n = 11; n <= 14; ++n) {
        CHECK(sign_in_from(server, n, "erin", "wrong-one").status == 401);
    }
    CHECK(sign_in_from(server, 20, "erin", "erin-secret-1").status == 200);
    CHECK(sign_in_from(server, 15, "erin", "wrong-one").status == 401);  // the fifth

    // Locked from everywhere, addresses that never failed included.
    for (int n : {11, 15, 20, 21, 1}) {
        INFO("from 127.0.0." << n);
        check_throttled(sign_in_from(server, n, "erin", "erin-secret-1"));
    }
    // No address is locked (one failure each): another account signs in from all of them.
    for (int n = 11; n <= 15; ++n) {
        INFO("from 127.0.0." << n);
        CHECK(sign_in_from(server, n, "finn", "finn-secret-1").status == 200);
    }
}

TEST_CASE("server: 20 failed sign-ins with made-up names from one address lock it for everyone",
          "[server][access][throttle]") {
    TwoAccounts accounts;
    const ServerFixture& server = accounts.server;
    // Nineteen made-up names from one address (an office's typos): not locked yet.
    for (int i = 1; i <= 19; ++i) {
        CHECK(sign_in_from(server, 30, "ghost-" + std::to_string(i), "guess").status == 401);
    }
    CHECK(sign_in_from(server, 30, "erin", "erin-secret-1").status == 200);
    CHECK(sign_in_from(server, 30, "ghost-20", "guess").status == 401);  // the twentieth

    // That address is locked for every account, real or not.
    check_throttled(sign_in_from(server, 30, "erin", "erin-secret-1"));
    check_throttled(sign_in_from(server, 30, "finn", "finn-secret-1"));
    check_throttled(sign_in_from(server, 30, "ghost-21", "guess"));
    // Other addresses are not, and the names (one failure each) are not locked either.
    CHECK(sign_in_from(server, 31, "erin", "erin-secret-1").status == 200);
    CHECK(sign_in_from(server, 1, "finn", "finn-secret-1").status == 200);
    CHECK(sign_in_from(server, 31, "ghost-1", "guess").status == 401);
}

TEST_CASE("server: password change checks the old one and ends other sessions",
          "[server][access]") {
    ServerFixture server;
    server.add_user("erin", "editor", "erin-secret-1");
    auto first = server.client(server.login("erin", "erin-secret-1"));
    auto second = server.client(server.login("erin", "erin-secret-1"));

    auto missing = first.post("/api/v1/auth/password", {{"new_password", "long-enough-1"}});
    CHECK(missing.status == 400);
    CHECK(error_field(missing) == "old_password");
    auto short_one = first.post("/api/v1/auth/password",
                                {{"old_password", "erin-secret-1"}, {"new_password", "short"}});
    CHECK(short_one.status == 400);
    CHECK(error_field(short_one) == "new_password");
    auto wrong_old = first.post("/api/v1/auth/password", {{"old_password", "not-it-at-all"},
                                                          {"new_password", "long-enough-1"}});
    CHECK(wrong_old.status == 403);
    CHECK(error_field(wrong_old) == "old_password");
    CHECK(second.get("/api/v1/auth/me").status == 200);

    auto changed = first.post("/api/v1/auth/password", {{"old_password", "erin-secret-1"},
                                                        {"new_password", "long-enough-1"}});
    CHECK(changed.status == 200);
    CHECK(first.get("/api/v1/auth/me").status == 200);
    CHECK(second.get("/api/v1/auth/me").status == 401);
    auto anon = server.client();
    CHECK(anon.post("/api/v1/auth/login", {{"username", "erin"}, {"password", "erin-secret-1"}})
              .status == 401);
    CHECK(anon.post("/api/v1/auth/login", {{"username", "erin"}, {"password", "long-enough-1"}})
              .status == 200);
}

TEST_CASE("server: admins manage users, and the last admin stays", "[server][access]") {
    Staff staff;
    auto created = staff.admin.post(
        "/api/v1/users", {{"username", "gail"}, {"role", "editor"}, {"password", "gail-secret-1"}});
    REQUIRE(created.status == 201);
    CHECK(created.json().at("role") == "editor");
    CHECK(created.json().at("disabled") == false);
    CHECK(staff.admin
              .post("/api/v1/users",
                    {{"username", "gail"}, {"role", "editor"}, {"password", "gail-secret-1"}})
              .status == 409);
    auto short_pw = staff.admin.post(
        "/api/v1/users", {{"username", "hank"}, {"role", "editor"}, {"password", "short"}});
    CHECK(short_pw.status == 400);
    CHECK(error_field(short_pw) == "password");
    auto bad_role = staff.admin.post(
        "/api/v1/users", {{"username", "hank"}, {"role", "boss"}, {"password", "hank-secret-1"}});
    CHECK(error_field(bad_role) == "role");

    auto users = staff.admin.get("/api/v1/users");
    REQUIRE(users.status == 200);
    std::vector<std::string> names;
    const json listed = users.json();
    for (const auto& u : listed.at("users")) names.push_back(u.at("username"));
    CHECK(names == std::vector<std::string>{"admin", "editor", "gail", "reviewer"});

    // Disabling ends the user's sessions and stops sign-in.
    auto gail = staff.server.client(staff.server.login("gail", "gail-secret-1"));
    CHECK(gail.get("/api/v1/auth/me").status == 200);
    auto disabled = staff.admin.put("/api/v1/users/gail", {{"disabled", true}});
    REQUIRE(disabled.status == 200);
    CHECK(disabled.json().at("disabled") == true);
    CHECK(gail.get("/api/v1/auth/me").status == 401);
    CHECK(staff.server.client()
              .post("/api/v1/auth/login", {{"username", "gail"}, {"password", "gail-secret-1"}})
              .status == 401);
    CHECK(staff.admin.put("/api/v1/users/gail", {{"disabled", false}}).status == 200);
    CHECK(staff.server.client()
              .post("/api/v1/auth/login", {{"username", "gail"}, {"password", "gail-secret-1"}})
              .status == 200);

    CHECK(staff.admin.put("/api/v1/users/nobody", {{"role", "editor"}}).status == 404);
    // The last admin can be neither demoted nor disabled.
    auto demote = staff.admin.put("/api/v1/users/admin", {{"role", "editor"}});
    CHECK(demote.status == 409);
    CHECK(error_field(demote) == "role");
    auto disable = staff.admin.put("/api/v1/users/admin", {{"disabled", true}});
    CHECK(disable.status == 409);
    CHECK(error_field(disable) == "disabled");
    // With a second admin, the first may step down.
    CHECK(staff.admin.put("/api/v1/users/gail", {{"role", "admin"}}).status == 200);
    CHECK(staff.admin.put("/api/v1/users/admin", {{"role", "editor"}}).status == 200);

    auto trail = audit_for(staff.reviewer, "user", "gail");
    REQUIRE(trail.size() >= 4);
    CHECK(trail.at(0).at("action") == "update");
    CHECK(trail.at(0).at("before").at("role") == "editor");
    CHECK(trail.at(0).at("after").at("role") == "admin");
    CHECK(trail.back().at("action") == "create");
    CHECK(trail.back().at("before").is_null());
}

TEST_CASE("server: audit log records create, submit, approve and publish", "[server][access]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/slides", text_slide("审计"));
    REQUIRE(created.status == 201);
    const std::string id = created.json().at("id");
    REQUIRE(staff.editor.post("/api/v1/slides/" + id + "/submit").status == 200);
    REQUIRE(approve_as_seen(staff.reviewer, "/api/v1/slides/" + id).status == 200);
    staff.publish();

    auto trail = audit_for(staff.admin, "slide", id);
    REQUIRE(trail.size() == 3);
    // Newest first.
    CHECK(trail[0].at("action") == "approve");
    CHECK(trail[0].at("actor") == "reviewer");
    CHECK(trail[0].at("before").at("status") == "pending");
    CHECK(trail[0].at("after").at("status") == "approved");
    CHECK(trail[0].at("after").at("approved").at("title") == "审计");
    CHECK(trail[1].at("action") == "submit");
    CHECK(trail[1].at("actor") == "editor");
    CHECK(trail[1].at("before").at("status") == "draft");
    CHECK(trail[1].at("after").at("status") == "pending");
    CHECK(trail[2].at("action") == "create");
    CHECK(trail[2].at("before").is_null());
    CHECK(trail[2].at("after").at("content").at("title") == "审计");
    const std::string at = trail[2].at("at");
    CHECK(at.size() == 20);
    CHECK(at.back() == 'Z');

    auto publishes = staff.admin.get("/api/v1/audit?object_type=publish").json().at("entries");
    REQUIRE(publishes.size() == 1);
    CHECK(publishes[0].at("actor") == "reviewer");
    CHECK(publishes[0].at("after").at("published").at("slides") == json::array({id}));

    // Paging: newest first, next_before_id continues.
    auto page1 = staff.admin.get("/api/v1/audit?limit=2").json();
    REQUIRE(page1.at("entries").size() == 2);
    CHECK(page1.at("entries")[0].at("action") == "publish");
    const std::string next = page1.at("next_before_id");
    auto page2 = staff.admin.get("/api/v1/audit?limit=2&before_id=" + next).json();
    REQUIRE_FALSE(page2.at("entries").empty());
    CHECK(std::stoll(page2.at("entries")[0].at("id").get<std::string>()) < std::stoll(next));
    CHECK(error_field(staff.admin.get("/api/v1/audit?limit=0")) == "limit");
    CHECK(staff.editor.get("/api/v1/audit").status == 403);
}

TEST_CASE("server: forbidden words block a submit, traditional characters warn",
          "[server][access]") {
    Staff staff;
    CHECK(staff.editor.put("/api/v1/settings/forbidden-words", {{"words", {"x"}}}).status == 403);
    auto bad = staff.admin.put("/api/v1/settings/forbidden-words", {{"words", {"ok", " "}}});
    CHECK(error_field(bad) == "words[1]");
    auto stray = staff.admin.put("/api/v1/settings/forbidden-words",
                                 {{"words", {"赌博"}}, {"wrods", {"x"}}});
    CHECK(stray.status == 400);
    CHECK(error_field(stray) == "wrods");
    CHECK(stray.json()["error"]["reason"] == "unknown_field");
    CHECK(staff.admin.get("/api/v1/settings/forbidden-words").json().at("words").empty());
    auto set = staff.admin.put("/api/v1/settings/forbidden-words", {{"words", {"赌博", "Casino"}}});
    REQUIRE(set.status == 200);
    CHECK(staff.editor.get("/api/v1/settings/forbidden-words").json().at("words") ==
          json::array({"赌博", "Casino"}));

    auto slide = staff.editor.post("/api/v1/slides", text_slide("通知", "远离赌博，健康生活。"));
    const std::string id = slide.json().at("id");
    auto refused = staff.editor.post("/api/v1/slides/" + id + "/submit");
    CHECK(refused.status == 422);
    CHECK(error_field(refused) == "body");
    CHECK(refused.json().at("error").at("message").get<std::string>().find("赌博") !=
          std::string::npos);
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("status") == "draft");
    auto question =
        staff.editor.post("/api/v1/quiz/questions", {{"type", "judge"},
                                                     {"question", "The casino is a safe place."},
                                                     {"answers", {1}},
                                                     {"category", "安全"}});
    REQUIRE(question.status == 201);
    auto q_refused = staff.editor.post("/api/v1/quiz/questions/" +
                                       question.json().at("id").get<std::string>() + "/submit");
    CHECK(q_refused.status == 422);
    CHECK(error_field(q_refused) == "question");

    // Traditional characters: submitted, with a warning naming the field.
    auto trad = staff.editor.post("/api/v1/slides", text_slide("這個通知", "文明出行。"));
    auto warned =
        staff.editor.post("/api/v1/slides/" + trad.json().at("id").get<std::string>() + "/submit");
    REQUIRE(warned.status == 200);
    CHECK(warned.json().at("status") == "pending");
    REQUIRE(warned.json().at("warnings").size() == 1);
    CHECK(warned.json().at("warnings")[0].at("field") == "title");
    CHECK(warned.json().at("warnings")[0].at("message").get<std::string>().find("這") !=
          std::string::npos);
    auto clean = staff.editor.post("/api/v1/slides", text_slide("这个通知"));
    auto ok =
        staff.editor.post("/api/v1/slides/" + clean.json().at("id").get<std::string>() + "/submit");
    CHECK(ok.json().at("warnings").empty());
}

TEST_CASE("server: red/black entries without an end date are refused", "[server][access]") {
    Staff staff;
    auto no_end = staff.editor.post(
        "/api/v1/slides",
        {{"type", "red_black"}, {"title", "红黑榜"}, {"red", {{{"name", "李建华"}}}}});
    CHECK(no_end.status == 400);
    CHECK(error_field(no_end) == "red[0].valid_until");

    // One stored before the rule (or changed behind the API's back) is
    // refused at submit.
    auto slide = staff.editor.post(
        "/api/v1/slides", {{"type", "red_black"},
                           {"title", "红黑榜"},
                           {"red", {{{"name", "李建华"}, {"valid_until", "2099-12-31"}}}},
                           {"black", {{{"name", "赵立强"}, {"valid_until", "2099-12-31"}}}}});
    REQUIRE(slide.status == 201);
    const std::string id = slide.json().at("id");
    {
        const auto rows = staff.server.query("SELECT json FROM slides WHERE id = ?", {id});
        REQUIRE(rows.size() == 1);
        auto j = json::parse(rows[0][0]);
        j["black"][0].erase("valid_until");
        const auto changed = staff.server.query(
            "UPDATE slides SET json = ? WHERE id = ? RETURNING id", {j.dump(), id});
        REQUIRE(changed.size() == 1);
    }
    auto refused = staff.editor.post("/api/v1/slides/" + id + "/submit");
    CHECK(refused.status == 422);
    CHECK(error_field(refused) == "black[0].valid_until");
}
