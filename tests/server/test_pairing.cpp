// Screen pairing: codes for screens without a token, claimed by an admin,
// collected once; revoking a device token.

#include <cstdio>
#include <set>

#include <catch2/catch.hpp>

#include "protocol/time.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

json request_pairing(HttpClient& anonymous) {
    auto res = anonymous.post("/api/v1/player/pair", {{"name_hint", "lobby"}});
    REQUIRE(res.status == 201);
    return res.json();
}

}  // namespace

TEST_CASE("pairing: a screen gets a unique code, an admin claims it, the screen collects once",
          "[server][pairing]") {
    Staff staff;
    auto anonymous = staff.server.client();
    std::set<std::string> codes;
    json first;
    for (int i = 0; i < 8; ++i) {
        json p = request_pairing(anonymous);
        const std::string code = p.at("code");
        CHECK(code.size() == 6);
        CHECK(code.find_first_not_of("0123456789") == std::string::npos);
        CHECK(p.at("pairing_id").get<std::string>().size() >= 32);
        CHECK(!p.at("expires_at").get<std::string>().empty());
        CHECK(codes.insert(code).second);  // unique among live requests
        if (i == 0) first = p;
    }
    const std::string id = first.at("pairing_id");
    auto waiting = anonymous.get("/api/v1/player/pair/" + id);
    REQUIRE(waiting.status == 200);
    CHECK(waiting.json() == json{{"status", "waiting"}});

    // Only admins claim codes.
    const json claim{{"code", first.at("code")}, {"name", "lobby-1"}, {"group", "town"}};
    CHECK(staff.editor.post("/api/v1/screens/pair", claim).status == 403);
    CHECK(anonymous.post("/api/v1/screens/pair", claim).status == 401);
    auto claimed = staff.admin.post("/api/v1/screens/pair", claim);
    REQUIRE(claimed.status == 201);
    CHECK(claimed.json().at("name") == "lobby-1");
    CHECK(claimed.json().at("group") == "town");
    CHECK(claimed.json().at("revoked") == false);
    // The same code again: it is used up.
    auto again = staff.admin.post("/api/v1/screens/pair",
                                  {{"code", first.at("code")}, {"name", "x"}, {"group", "town"}});
    CHECK(again.status == 404);
    CHECK(error_field(again) == "code");

    auto paired = anonymous.get("/api/v1/player/pair/" + id);
    REQUIRE(paired.status == 200);
    const json body = paired.json();
    CHECK(body.at("status") == "paired");
    CHECK(body.at("screen") == "lobby-1");
    CHECK(body.at("group") == "town");
    const std::string token = body.at("token");
    CHECK(token.size() == 64);
    // Exactly once.
    CHECK(anonymous.get("/api/v1/player/pair/" + id).status == 404);

    // The token works as a device token, not as a staff one.
    auto screen = staff.server.client(token);
    staff.approved_slide(text_slide("配对成功"));
    staff.publish();
    CHECK(fetch_manifest(screen).group == "town");
    CHECK(screen.get("/api/v1/groups").status == 403);
}

TEST_CASE("pairing: wrong, malformed and expired codes are refused naming the code",
          "[server][pairing]") {
    ServerOptions options;
    options.args = {"--pairing-code-seconds", "5"};
    Staff staff(options);
    auto anonymous = staff.server.client();
    json p = request_pairing(anonymous);
    const json in_time = request_pairing(anonymous);  // claimed before it expires
    std::string wrong = p.at("code");
    wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
    auto res =
        staff.admin.post("/api/v1/screens/pair", {{"code", wrong}, {"name", "a"}, {"group", "g"}});
    CHECK(res.status == 404);
    CHECK(error_field(res) == "code");
    res = staff.admin.post("/api/v1/screens/pair",
                           {{"code", "12ab56"}, {"name", "a"}, {"group", "g"}});
    CHECK(res.status == 400);
    CHECK(error_field(res) == "code");
    res = staff.admin.post("/api/v1/screens/pair", {{"name", "a"}, {"group", "g"}});
    CHECK(res.status == 400);
    CHECK(error_field(res) == "code");
    res = staff.admin.post("/api/v1/screens/pair",
                           {{"code", p.at("code")}, {"name", "a"}, {"group", "bad group"}});
    CHECK(res.status == 400);
    CHECK(error_field(res) == "group");
    CHECK(anonymous.get("/api/v1/player/pair/not-a-pairing").status == 404);

    // A code works within its 5 seconds...
    res = staff.admin.post("/api/v1/screens/pair",
                           {{"code", in_time.at("code")}, {"name", "b"}, {"group", "g"}});
    CHECK(res.status == 201);
    // ...and is refused once they are over: waited for (the pairing is gone),
    // then checked against the expiry the screen was told.
    const std::string pairing = "/api/v1/player/pair/" + p.at("pairing_id").get<std::string>();
    CHECK(anonymous.get(pairing).status == 200);  // still waiting
    REQUIRE(
        wait_until([&] { return anonymous.get(pairing).status == 404; }, std::chrono::seconds(15)));
    const auto expires_at = signage::protocol::parse_iso8601(p.at("expires_at").get<std::string>());
    REQUIRE(expires_at.ok());
    CHECK(std::chrono::system_clock::now() >= *expires_at);
    res = staff.admin.post("/api/v1/screens/pair",
                           {{"code", p.at("code")}, {"name", "a"}, {"group", "g"}});
    CHECK(res.status == 404);
    CHECK(error_field(res) == "code");
    const json screens = staff.admin.get("/api/v1/screens").json().at("screens");
    REQUIRE(screens.size() == 1);
    CHECK(screens[0].at("name") == "b");
}

TEST_CASE("pairing: requests are rate-limited per client address", "[server][pairing]") {
    Staff staff;
    auto anonymous = staff.server.client();
    for (int i = 0; i < 10; ++i) {
        CHECK(anonymous.post("/api/v1/player/pair", json::object()).status == 201);
    }
    auto res = anonymous.post("/api/v1/player/pair", json::object());
    CHECK(res.status == 429);
    CHECK(error_code(res) == "rate_limited");
}

TEST_CASE("pairing: a revoked token is refused at once, the screen can be paired again",
          "[server][pairing][revoke]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "town");
    auto screen = staff.server.client(device);
    staff.approved_slide(text_slide("文明城市 人人共建"));
    staff.publish();
    const auto manifest = fetch_manifest(screen);
    const std::string id = staff.screen_id("gate");

    // A screen holding the long-poll is answered at once.
    auto poll = start_poll(staff.server.url(), device, manifest.version, 30);
    REQUIRE(wait_for_waiting(staff.admin, "gate"));
    CHECK(staff.editor.post("/api/v1/screens/" + id + "/revoke").status == 403);
    const auto revoked_at = Clock::now();
    auto revoked = staff.admin.post("/api/v1/screens/" + id + "/revoke");
    REQUIRE(revoked.status == 200);
    CHECK(revoked.json().at("revoked") == true);
    const Poll answered = poll.get();
    CHECK(answered.res.status == 304);
    CHECK(answered.done - revoked_at < std::chrono::seconds(2));
    CHECK(screen.get("/api/v1/player/manifest").status == 401);
    CHECK(staff.admin.post("/api/v1/screens/999/revoke").status == 404);
    // The revocation is in the audit log, with who did it.
    auto audit = staff.admin.get("/api/v1/audit?object_type=screen&object_id=" + id);
    REQUIRE(audit.status == 200);
    const auto entries = audit.json().at("entries");
    REQUIRE(!entries.empty());
    CHECK(entries.at(0).at("action") == "revoke");
    CHECK(entries.at(0).at("actor") == "admin");

    // Pairing an active screen's name is a conflict; the revoked one pairs again.
    auto anonymous = staff.server.client();
    const std::string other = staff.server.add_screen("kiosk", "town");
    json p = request_pairing(anonymous);
    auto res = staff.admin.post("/api/v1/screens/pair",
                                {{"code", p.at("code")}, {"name", "kiosk"}, {"group", "town"}});
    CHECK(res.status == 409);
    CHECK(error_field(res) == "name");
    res = staff.admin.post("/api/v1/screens/pair",
                           {{"code", p.at("code")}, {"name", "gate"}, {"group", "plaza"}});
    REQUIRE(res.status == 201);
    CHECK(res.json().at("id") == id);
    CHECK(res.json().at("group") == "plaza");
    CHECK(res.json().at("revoked") == false);
    auto paired = anonymous.get("/api/v1/player/pair/" + p.at("pairing_id").get<std::string>());
    REQUIRE(paired.status == 200);
    auto again = staff.server.client(paired.json().at("token").get<std::string>());
    CHECK(again.get("/api/v1/player/manifest").status == 200);
    CHECK(screen.get("/api/v1/player/manifest").status == 401);  // the old token stays dead
    CHECK(staff.server.client(other).get("/api/v1/player/manifest").status == 200);
}

TEST_CASE("pairing: codes no screen shows are audited, and 10 of them stop an admin's claims",
          "[server][pairing]") {
    Staff staff;
    auto anonymous = staff.server.client();
    const json live = request_pairing(anonymous);
    const std::string code = live.at("code");
    // Ten codes that are not the live one: each a 404 naming the code.
    int tried = 0;
    for (int n = 0; tried < 10; ++n) {
        char guess[8];
        std::snprintf(guess, sizeof guess, "%06d", n * 7919 % 1000000);
        if (code == guess) continue;
        auto res = staff.admin.post("/api/v1/screens/pair",
                                    {{"code", guess}, {"name", "x"}, {"group", "g"}});
        CHECK(res.status == 404);
        ++tried;
    }
    // Now even the live code waits: the million codes cannot be walked.
    auto res =
        staff.admin.post("/api/v1/screens/pair", {{"code", code}, {"name", "x"}, {"group", "g"}});
    CHECK(res.status == 429);
    CHECK(error_field(res) == "code");
    CHECK(std::stoi(res.header("Retry-After")) > 0);
    CHECK(staff.admin.get("/api/v1/screens").json().at("screens").empty());

    // Each refusal is in the audit log, with who, and the code only partly.
    const auto entries =
        staff.admin.get("/api/v1/audit?object_type=screen&limit=50").json().at("entries");
    int refused = 0;
    for (const auto& e : entries) {
        if (e.at("action") != "pair_refused") continue;
        ++refused;
        CHECK(e.at("actor") == "admin");
        const std::string after = e.at("after").dump();
        CHECK(after.find("****") != std::string::npos);
    }
    CHECK(refused == 10);
}
