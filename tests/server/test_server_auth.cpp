// Sign-in, sessions and roles, over real HTTP against the real server.
#include <catch2/catch.hpp>

#include <regex>

#include "server_test_helpers.hpp"

using namespace signage::test;

TEST_CASE("server: login gives a working token for good credentials only", "[server][auth]") {
    ServerFixture server;
    server.add_user("erin", "editor", "erin-secret-1");
    auto anon = server.client();

    auto good =
        anon.post("/api/v1/auth/login", {{"username", "erin"}, {"password", "erin-secret-1"}});
    REQUIRE(good.status == 200);
    const std::string token = good.json().at("token").get<std::string>();
    CHECK(std::regex_match(token, std::regex("[0-9a-f]{64}")));
    CHECK(good.json().at("role") == "editor");

    auto wrong = anon.post("/api/v1/auth/login", {{"username", "erin"}, {"password", "nope-nope"}});
    CHECK(wrong.status == 401);
    CHECK(error_code(wrong) == "unauthenticated");
    CHECK_FALSE(wrong.json().contains("token"));
    auto unknown =
        anon.post("/api/v1/auth/login", {{"username", "mallory"}, {"password", "erin-secret-1"}});
    CHECK(unknown.status == 401);

    auto no_name = anon.post("/api/v1/auth/login", {{"password", "erin-secret-1"}});
    CHECK(no_name.status == 400);
    CHECK(error_field(no_name) == "username");
    auto broken = anon.request("POST", "/api/v1/auth/login", "{\"username\": \"erin\",",
                               {{"Content-Type", "application/json"}});
    CHECK(broken.status == 400);
    CHECK(error_field(broken) == "body");

    // The token opens the staff API; no token or a made-up one does not.
    auto me = server.client(token).get("/api/v1/auth/me");
    REQUIRE(me.status == 200);
    CHECK(me.json().at("username") == "erin");
    CHECK(server.client(token).get("/api/v1/slides").status == 200);
    auto none = anon.get("/api/v1/slides");
    CHECK(none.status == 401);
    CHECK(none.header("www-authenticate") == "Bearer");
    CHECK(server.client(std::string(64, 'a')).get("/api/v1/slides").status == 401);

    // After logout the token is dead.
    CHECK(server.client(token).post("/api/v1/auth/logout").status == 200);
    CHECK(server.client(token).get("/api/v1/slides").status == 401);
}

TEST_CASE("server: each role may do its own work only", "[server][auth]") {
    Staff staff;
    const std::string device = staff.server.add_screen("lobby", "hall");

    // Reviewers do not write or upload; editors do not approve, publish or create groups.
    CHECK(staff.reviewer.post("/api/v1/slides", text_slide("审核员不写稿")).status == 403);
    CHECK(staff.reviewer.put_bytes("/api/v1/media", make_png(4, 4)).status == 403);
    CHECK(staff.editor.post("/api/v1/publish").status == 403);
    auto group_by_editor = staff.editor.post("/api/v1/groups", {{"name", "street"}});
    CHECK(group_by_editor.status == 403);
    CHECK(error_code(group_by_editor) == "forbidden");

    // Admins do everything, including creating groups (once).
    auto group = staff.admin.post("/api/v1/groups", {{"name", "street"}});
    CHECK(group.status == 201);
    CHECK(staff.admin.post("/api/v1/groups", {{"name", "street"}}).status == 409);
    auto bad_name = staff.admin.post("/api/v1/groups", {{"name", ""}});
    CHECK(bad_name.status == 400);
    CHECK(error_field(bad_name) == "name");
    auto groups = staff.editor.get("/api/v1/groups").json().at("groups");
    std::vector<std::string> names;
    for (const auto& g : groups) names.push_back(g.at("name").get<std::string>());
    CHECK(names == std::vector<std::string>{"hall", "street"});

    // A screen's token opens no staff route, and a staff token no screen route.
    auto device_on_staff = staff.server.client(device).get("/api/v1/slides");
    CHECK(device_on_staff.status == 403);
    CHECK(staff.server.client(device).post("/api/v1/publish").status == 403);
    CHECK(staff.admin.get("/api/v1/player/manifest").status == 403);
}

TEST_CASE("server: a disabled account's sign-in is answered exactly as a wrong password",
          "[server][auth][disabled]") {
    Staff staff;
    REQUIRE(staff.admin
                .post("/api/v1/users",
                      {{"username", "gail"}, {"role", "editor"}, {"password", "gail-secret-1"}})
                .status == 201);
    REQUIRE(staff.admin.put("/api/v1/users/gail", {{"disabled", true}}).status == 200);
    auto anonymous = staff.server.client();
    auto right =
        anonymous.post("/api/v1/auth/login", {{"username", "gail"}, {"password", "gail-secret-1"}});
    auto wrong = anonymous.post("/api/v1/auth/login",
                                {{"username", "gail"}, {"password", "not-her-password"}});
    INFO(right.body);
    CHECK(right.status == 401);
    CHECK(right.status == wrong.status);
    CHECK(right.body == wrong.body);
    CHECK(right.body.find("disabled") == std::string::npos);
    // Enabled again, the right password signs in.
    REQUIRE(staff.admin.put("/api/v1/users/gail", {{"disabled", false}}).status == 200);
    CHECK(
        anonymous.post("/api/v1/auth/login", {{"username", "gail"}, {"password", "gail-secret-1"}})
            .status == 200);
}
