// Units: a city, its districts and communities on one server, over real HTTP
// against the real server. Who reaches what across the tree, how content
// flows down and what a unit below may not undo.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

// The tree of the tests: 市 (the top unit, 1) → two districts → two
// communities each, with an editor, a reviewer and an admin in every unit
// below the top, a group and a screen in every community.
struct City {
    Staff staff;
    std::map<std::string, std::int64_t> unit;   // "city", "east", "east-1", ...
    std::map<std::string, HttpClient> people;   // "east-1/editor", ...
    std::map<std::string, std::string> screen;  // community -> device token

    City() {
        unit["city"] = 1;
        REQUIRE(staff.admin.put("/api/v1/units/1", {{"name", "文明市"}}).status == 200);
        for (const std::string district : {"east", "west"}) {
            auto d = staff.admin.post("/api/v1/units", {{"name", district + "区"}, {"parent", 1}});
            REQUIRE(d.status == 201);
            unit[district] = d.json().at("id").get<std::int64_t>();
            for (const std::string n : {"1", "2"}) {
                const std::string c = district + "-" + n;
                auto made = staff.admin.post("/api/v1/units",
                                             {{"name", c + "社区"}, {"parent", unit[district]}});
                REQUIRE(made.status == 201);
                unit[c] = made.json().at("id").get<std::int64_t>();
            }
        }
        for (const auto& [name, id] : std::map<std::string, std::int64_t>(unit)) {
            if (name == "city") continue;
            for (const std::string role : {"editor", "reviewer", "admin"}) {
                const std::string user = name + "-" + role;
                auto added = staff.admin.post("/api/v1/users", {{"username", user},
                                                                {"role", role},
                                                                {"password", user + "-secret"},
                                                                {"unit", id}});
                REQUIRE(added.status == 201);
                CHECK(added.json().at("unit") == id);
                people.emplace(name + "/" + role,
                               staff.server.client(staff.server.login(user, user + "-secret")));
            }
            if (name.find('-') == std::string::npos) continue;  // a district
            REQUIRE(
                staff.admin.post("/api/v1/groups", {{"name", "g-" + name}, {"unit", id}}).status ==
                201);
            screen[name] = staff.server.add_screen("s-" + name, "g-" + name);
        }
    }

    // The client of "UNIT/ROLE"; the top unit's are the Staff's own.
    HttpClient& as(const std::string& who) {
        if (who == "city/editor") return staff.editor;
        if (who == "city/reviewer") return staff.reviewer;
        if (who == "city/admin") return staff.admin;
        return people.at(who);
    }

    // A slide of `unit` made by its editor, approved by its reviewer and
    // published by its reviewer: its id.
    std::string published(const std::string& unit_name, json slide) {
        HttpClient& editor = as(unit_name + "/editor");
        auto made = editor.post("/api/v1/slides", slide);
        REQUIRE(made.status == 201);
        const std::string id = made.json().at("id").get<std::string>();
        REQUIRE(editor.post("/api/v1/slides/" + id + "/submit").status == 200);
        REQUIRE(approve_as_seen(as(unit_name + "/reviewer"), "/api/v1/slides/" + id).status == 200);
        REQUIRE(as(unit_name + "/reviewer").post("/api/v1/publish").status == 200);
        return id;
    }

    // The titles a community's screen plays now.
    std::set<std::string> on_screen(const std::string& community) {
        auto device = staff.server.client(screen.at(community));
        std::set<std::string> titles;
        for (const auto& item : fetch_manifest(device).items) titles.insert(item.title);
        return titles;
    }
};

json titled(const std::string& title, json extra = json::object()) {
    json slide = text_slide(title);
    for (auto& [k, v] : extra.items()) slide[k] = v;
    return slide;
}

}  // namespace

TEST_CASE("units: a unit's tree, as each of its staff sees it", "[server][units]") {
    City city;
    auto all = city.staff.admin.get("/api/v1/units");
    REQUIRE(all.status == 200);
    CHECK(all.json().at("units").size() == 7);
    CHECK(all.json().at("home") == 1);

    // A community editor sees the units above (to know where content comes
    // from) and its own, no sibling's.
    auto mine = city.as("east-1/editor").get("/api/v1/units");
    REQUIRE(mine.status == 200);
    const json seen = mine.json();
    std::map<std::int64_t, std::string> scope;
    for (const auto& u : seen.at("units")) {
        scope[u.at("id").get<std::int64_t>()] = u.at("scope").get<std::string>();
    }
    CHECK(scope == std::map<std::int64_t, std::string>{
                       {1, "above"}, {city.unit["east"], "above"}, {city.unit["east-1"], "own"}});
    CHECK(city.as("east-1/editor")
              .get("/api/v1/units/" + std::to_string(city.unit["east-2"]))
              .status == 404);

    // A district admin makes a unit below theirs, not beside or above it.
    auto street = city.as("east/admin")
                      .post("/api/v1/units", {{"name", "新街道"}, {"parent", city.unit["east"]}});
    REQUIRE(street.status == 201);
    CHECK(street.json().at("depth") == 2);
    auto beside = city.as("east/admin")
                      .post("/api/v1/units", {{"name", "越界"}, {"parent", city.unit["west"]}});
    CHECK(beside.status == 422);
    CHECK(error_field(beside) == "parent");
    CHECK(beside.json().at("error").at("reason") == "unknown_unit");
    CHECK(city.as("east/admin").put("/api/v1/units/1", {{"name", "改名"}}).status == 403);
    // Bad names name the field; a sibling of the same name is a conflict.
    for (const json& bad :
         {json(""), json(" 前后空格 "), json("换\n行"), json(42), json(std::string(41 * 3, 'a'))}) {
        auto res = city.as("east/admin")
                       .post("/api/v1/units", {{"name", bad}, {"parent", city.unit["east"]}});
        CHECK(res.status == 400);
        CHECK(error_field(res) == "name");
    }
    CHECK(city.as("east/admin")
              .post("/api/v1/units", {{"name", "新街道"}, {"parent", city.unit["east"]}})
              .status == 409);

    // A unit that holds anything is not deleted; an empty one is.
    const std::string east1 = std::to_string(city.unit["east-1"]);
    auto full = city.as("east/admin").del("/api/v1/units/" + east1);
    CHECK(full.status == 409);
    CHECK(full.json().at("error").at("reason") == "not_empty");
    const std::string made = std::to_string(street.json().at("id").get<std::int64_t>());
    CHECK(city.as("east/admin").del("/api/v1/units/" + made).status == 204);
    CHECK(city.staff.admin.get("/api/v1/units/" + made).status == 404);
    // Nobody deletes their own unit.
    CHECK(city.as("east-1/admin").del("/api/v1/units/" + east1).status == 403);
}

TEST_CASE("units: nothing of a unit reaches staff outside its subtree, every route by every role",
          "[server][units][access]") {
    City city;
    // One of each object in community west-1.
    HttpClient& owner = city.as("west-1/editor");
    auto slide = owner.post("/api/v1/slides", text_slide("西一社区的通知"));
    REQUIRE(slide.status == 201);
    const std::string slide_id = slide.json().at("id").get<std::string>();
    auto question = owner.post("/api/v1/quiz/questions", {{"type", "judge"},
                                                          {"question", "垃圾要分类投放吗？"},
                                                          {"answers", {0}},
                                                          {"category", "垃圾分类"}});
    REQUIRE(question.status == 201);
    const std::string question_id = question.json().at("id").get<std::string>();
    const std::string png = make_png(8, 8, 77);
    REQUIRE(owner.put_bytes("/api/v1/media", png, "image/png").status == 201);
    const std::string sha = signage::sha256_hex(png);
    const std::string screen_id = city.staff.screen_id("s-west-1");
    const std::string unit_id = std::to_string(city.unit["west-1"]);
    const std::map<std::string, std::string> object = {
        {"{id}/slides", slide_id},   {"{id}/quiz", question_id},
        {"{sha256}", sha},           {"{name}/groups", "g-west-1"},
        {"{id}/screens", screen_id}, {"{name}/users", "west-1-editor"},
        {"{id}/units", unit_id}};

    // Every route of the server whose path names one of these objects.
    TempDir dir;
    auto routes = ServerFixture::run_cli({"routes", "--json", "--data", dir.path().string()});
    REQUIRE(routes.status == 0);
    struct Target {
        std::string method;
        std::string path;
    };
    std::vector<Target> targets;
    for (const auto& r : json::parse(routes.out)) {
        std::string path = r.at("pattern").get<std::string>();
        const std::string method = r.at("method").get<std::string>();
        const auto fill = [&](const std::string& param, const std::string& kind) {
            const auto at = path.find(param);
            if (at == std::string::npos || path.find(kind) == std::string::npos) return false;
            path.replace(at, param.size(), object.at(param + kind));
            return true;
        };
        if (path.rfind("/api/v1/", 0) != 0) continue;  // /media/{sha} is public by its hash
        const bool named = fill("{id}", "/slides") || fill("{id}", "/quiz") ||
                           fill("{sha256}", "") || fill("{name}", "/groups") ||
                           fill("{id}", "/screens") || fill("{name}", "/users") ||
                           fill("{id}", "/units");
        if (!named) continue;
        if (path.find("{request}") != std::string::npos) {
            path.replace(path.find("{request}"), 9, "00000000000000000000000000000000");
        }
        targets.push_back({method, path});
    }
    CHECK(targets.size() >= 35);

    const auto ask = [&](HttpClient& who, const Target& t) {
        if (t.method == "GET") return who.get(t.path);
        if (t.method == "DELETE") return who.del(t.path);
        if (t.method == "PUT") return who.put(t.path, json::object());
        if (t.method == "PATCH") {
            return who.request("PATCH", t.path, "{}", {{"Content-Type", "application/json"}});
        }
        return who.post(t.path, json::object());
    };
    // Outside west-1's subtree: every role of the sibling, of the other
    // district and of its community answers 404 for every route: the
    // object does not exist for them.
    for (const std::string who : {"west-2/editor", "west-2/reviewer", "west-2/admin", "east/editor",
                                  "east/reviewer", "east/admin", "east-1/admin"}) {
        for (const Target& t : targets) {
            INFO(who << " " << t.method << " " << t.path);
            const auto res = ask(city.as(who), t);
            // Routes a role may not call at all say so first (403), as for
            // any object: that reveals nothing about this one.
            if (res.status == 403) {
                CHECK(res.json().at("error").at("message").get<std::string>().find("role") !=
                      std::string::npos);
                continue;
            }
            CHECK(res.status == 404);
        }
    }
    // Nothing changed: the owner still has each object as it was.
    auto kept = owner.get("/api/v1/slides/" + slide_id);
    REQUIRE(kept.status == 200);
    CHECK(kept.json().at("status") == "draft");
    CHECK(kept.json().at("title") == "西一社区的通知");
    CHECK(owner.get("/api/v1/quiz/questions/" + question_id).status == 200);
    CHECK(owner.get("/api/v1/media/" + sha).status == 200);
    CHECK(city.as("west-1/admin").get("/api/v1/groups/g-west-1").status == 200);
    CHECK(city.staff.admin.get("/api/v1/units/" + unit_id).status == 200);

    // Inside: the district above and the top reach it.
    for (const std::string who : {"west/editor", "west-1/reviewer"}) {
        INFO(who);
        CHECK(city.as(who).get("/api/v1/slides/" + slide_id).status == 200);
        CHECK(city.as(who).get("/api/v1/quiz/questions/" + question_id).status == 200);
        CHECK(city.as(who).get("/api/v1/media/" + sha).status == 200);
        CHECK(city.as(who).get("/api/v1/groups/g-west-1").status == 200);
        CHECK(city.as(who).get("/api/v1/screens/" + screen_id).status == 200);
    }
    CHECK(city.staff.editor.get("/api/v1/slides/" + slide_id).status == 200);
    CHECK(city.as("west/admin").get("/api/v1/users").json().at("users").size() == 9);

    // Lists: each caller sees its subtree and nothing beside it.
    const auto titles = [&](const std::string& who) {
        std::set<std::string> out;
        const json list = city.as(who).get("/api/v1/slides").json();
        for (const auto& s : list.at("slides")) {
            out.insert(s.at("title").get<std::string>());
        }
        return out;
    };
    CHECK(titles("east-1/editor").empty());
    CHECK(titles("west/editor") == std::set<std::string>{"西一社区的通知"});
    CHECK(city.as("east/editor").get("/api/v1/quiz/questions").json().at("questions").empty());
    CHECK(city.as("east/editor").get("/api/v1/media").json().at("media").empty());
    auto screens = city.as("east/editor").get("/api/v1/screens").json();
    CHECK(screens.at("total") == 2);
    for (const auto& s : screens.at("screens")) {
        CHECK(s.at("name").get<std::string>().rfind("s-east-", 0) == 0);
    }
    std::set<std::string> groups;
    const json group_list = city.as("east/editor").get("/api/v1/groups").json();
    for (const auto& g : group_list.at("groups")) {
        groups.insert(g.at("name").get<std::string>());
    }
    CHECK(groups == std::set<std::string>{"g-east-1", "g-east-2"});
    // The audit log of a district holds its subtree's entries only.
    const json audit = city.as("east/reviewer").get("/api/v1/audit?limit=500").json();
    CHECK_FALSE(audit.at("entries").empty());
    for (const auto& e : audit.at("entries")) {
        const auto u = e.at("unit").get<std::int64_t>();
        CHECK((u == city.unit["east"] || u == city.unit["east-1"] || u == city.unit["east-2"]));
    }
    // A list of another subtree is a 404, as the unit is.
    CHECK(city.as("east/editor")
              .get("/api/v1/slides?unit=" + std::to_string(city.unit["west-1"]))
              .status == 404);
    // The whole installation's settings are the top unit's.
    CHECK(city.as("east/admin").get("/api/v1/webhooks").status == 403);
    CHECK(city.as("east/admin")
              .put("/api/v1/settings/forbidden-words", {{"words", json::array()}})
              .status == 403);
    // A unit's staff are made only within it.
    auto outside = city.as("east-1/admin")
                       .post("/api/v1/users", {{"username", "intruder"},
                                               {"role", "admin"},
                                               {"password", "intruder-pw-1"},
                                               {"unit", 1}});
    CHECK(outside.status == 422);
    CHECK(error_field(outside) == "unit");
}

TEST_CASE("units: content flows down, required items stay, a unit's own reach only its screens",
          "[server][units][publish]") {
    City city;
    // The city requires the core values everywhere; its other item a unit
    // below may take off its screens.
    city.published("city", titled("市：社会主义核心价值观", {{"required", true}}));
    const std::string optional = city.published("city", titled("市：文明交通月"));
    // A district item for one of its communities; a community's own item.
    city.published("east", titled("东区：东一社区专场", {{"units", {city.unit["east-1"]}}}));
    city.published("west-2", titled("西二社区：停水通知"));

    CHECK(city.on_screen("east-1") ==
          std::set<std::string>{"市：社会主义核心价值观", "市：文明交通月", "东区：东一社区专场"});
    CHECK(city.on_screen("east-2") ==
          std::set<std::string>{"市：社会主义核心价值观", "市：文明交通月"});
    CHECK(city.on_screen("west-1") ==
          std::set<std::string>{"市：社会主义核心价值观", "市：文明交通月"});
    CHECK(city.on_screen("west-2") ==
          std::set<std::string>{"市：社会主义核心价值观", "市：文明交通月", "西二社区：停水通知"});

    // A community sees the city's items as from above, and cannot change them.
    HttpClient& editor = city.as("east-2/editor");
    std::string required_id;
    const json list = editor.get("/api/v1/slides").json();
    for (const auto& s : list.at("slides")) {
        if (s.at("title") == "市：社会主义核心价值观") required_id = s.at("id").get<std::string>();
        CHECK(s.at("origin") == "above");
        CHECK(s.at("unit_name") == "文明市");
    }
    REQUIRE_FALSE(required_id.empty());
    // The top unit's admin looking at that community sees it as the
    // community does: the city's items come from above.
    const json seen_above =
        city.staff.admin.get("/api/v1/slides?unit=" + std::to_string(city.unit["east-2"])).json();
    REQUIRE(seen_above.at("slides").size() == list.at("slides").size());
    for (const auto& s : seen_above.at("slides")) CHECK(s.at("origin") == "above");
    auto shorter = editor.put("/api/v1/slides/" + required_id,
                              titled("市：社会主义核心价值观", {{"duration_s", 1}}));
    CHECK(shorter.status == 403);
    CHECK(editor.del("/api/v1/slides/" + required_id).status == 403);

    // Its order cannot take the required item off, but can the other one.
    auto refused = editor.put("/api/v1/groups/g-east-2/order",
                              {{"slides", json::array()}, {"hidden", {required_id}}});
    CHECK(refused.status == 422);
    CHECK(error_field(refused) == "hidden[0]");
    CHECK(refused.json().at("error").at("reason") == "required_above");
    auto hidden = editor.put("/api/v1/groups/g-east-2/order",
                             {{"slides", json::array()}, {"hidden", {optional}}});
    REQUIRE(hidden.status == 200);
    REQUIRE(city.as("east-2/reviewer").post("/api/v1/groups/g-east-2/order/approve").status == 200);
    REQUIRE(city.as("east-2/reviewer").post("/api/v1/publish").status == 200);
    CHECK(city.on_screen("east-2") == std::set<std::string>{"市：社会主义核心价值观"});
    CHECK(city.on_screen("east-1").count("市：文明交通月") == 1);

    // A community's publish leaves the city's approved, unpublished edit
    // off the screens until the city publishes it.
    HttpClient& city_editor = city.staff.editor;
    auto edit = city_editor.put("/api/v1/slides/" + optional, titled("市：文明交通月（新）"));
    REQUIRE(edit.status == 200);
    CHECK(edit.json().at("status") == "pending");  // an edit of a live slide goes to review
    REQUIRE(approve_as_seen(city.staff.reviewer, "/api/v1/slides/" + optional).status == 200);
    REQUIRE(city.as("west-1/reviewer").post("/api/v1/publish").status == 200);
    CHECK(city.on_screen("west-1").count("市：文明交通月") == 1);
    city.staff.publish();
    CHECK(city.on_screen("west-1").count("市：文明交通月（新）") == 1);
    CHECK(city.on_screen("east-2").count("市：文明交通月（新）") == 0);  // still hidden there

    // A slide may target only units below its own.
    auto beside = city.as("east/editor")
                      .post("/api/v1/slides", titled("越界", {{"units", {city.unit["west-1"]}}}));
    CHECK(beside.status == 422);
    CHECK(error_field(beside) == "units[0]");
    auto other_group =
        city.as("east/editor").post("/api/v1/slides", titled("越界", {{"groups", {"g-west-1"}}}));
    CHECK(other_group.status == 422);
    CHECK(error_field(other_group) == "groups[0]");
}

TEST_CASE("units: a share minimum set above is a floor below", "[server][units][groups]") {
    City city;
    auto floor =
        city.staff.admin.put("/api/v1/units/1", {{"settings", {{"min_public_share", 0.4}}}});
    REQUIRE(floor.status == 200);
    CHECK(floor.json().at("share_floor") == 0.4);
    auto low = city.as("east-1/admin")
                   .put("/api/v1/groups/g-east-1", {{"settings", {{"min_public_share", 0.2}}}});
    CHECK(low.status == 400);
    CHECK(error_field(low) == "settings.min_public_share");
    CHECK(low.json().at("error").at("reason") == "below_floor");
    CHECK(city.as("east-1/admin")
              .put("/api/v1/groups/g-east-1", {{"settings", {{"min_public_share", 0.5}}}})
              .status == 200);
    // A group set before the floor plays by it from the next publish.
    city.published("west-1", titled("西一：通知"));
    auto device = city.staff.server.client(city.screen.at("west-1"));
    CHECK(fetch_manifest(device).settings.min_public_share == Approx(0.4));
    auto east = city.staff.server.client(city.screen.at("east-1"));
    CHECK(fetch_manifest(east).settings.min_public_share == Approx(0.5));
}
