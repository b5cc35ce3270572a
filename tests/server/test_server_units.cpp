// Units: a city, its districts and communities on one server, over real HTTP
// against the real server. Who reaches what across the tree, how content
// flows down and what a unit below may not undo.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "common/sha256.hpp"
#include "protocol/play.hpp"
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
    CHECK(full.json().at("error").at("params").at("users") == 3);
    CHECK(full.json().at("error").at("params").at("groups") == 1);
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
    // So are reports of another subtree's group, screen or unit.
    for (const std::string& query : {std::string{"plays?group=g-west-1&from=2026-12-01"},
                                     "plays?screen=" + screen_id + "&from=2026-12-01",
                                     "units?unit=" + unit_id + "&from=2026-12-01"}) {
        INFO(query);
        CHECK(city.as("east/reviewer").get("/api/v1/reports/" + query).status == 404);
        CHECK(city.as("west/reviewer").get("/api/v1/reports/" + query).status == 200);
    }
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
    // A floor moved takes effect at once, without a publish: raised, then lowered.
    const std::string west_version = fetch_manifest(device).version;
    REQUIRE(city.staff.admin.put("/api/v1/units/1", {{"settings", {{"min_public_share", 0.45}}}})
                .status == 200);
    CHECK(fetch_manifest(device).settings.min_public_share == Approx(0.45));
    CHECK(fetch_manifest(device).version != west_version);
    CHECK(fetch_manifest(east).settings.min_public_share == Approx(0.5));
    REQUIRE(city.staff.admin.put("/api/v1/units/1", {{"settings", {{"min_public_share", 0.1}}}})
                .status == 200);
    CHECK(fetch_manifest(device).settings.min_public_share == Approx(0.3));  // its own again
    REQUIRE(city.staff.admin.put("/api/v1/units/1", {{"settings", {{"min_public_share", 0.4}}}})
                .status == 200);
    // A new group that names no share starts at the floor, above the default.
    auto made = city.as("west-2/admin").post("/api/v1/groups", {{"name", "g-west-2-new"}});
    REQUIRE(made.status == 201);
    CHECK(made.json().at("settings").at("min_public_share") == Approx(0.4));
    auto named = city.as("west-2/admin")
                     .post("/api/v1/groups",
                           {{"name", "g-west-2-low"}, {"settings", {{"min_public_share", 0.35}}}});
    CHECK(named.status == 400);
    CHECK(error_field(named) == "settings.min_public_share");
}

namespace {

// One screen's simulated local day (Asia/Shanghai) of loops, and what a
// report of it must say, worked out here from the plays themselves.
struct SimulatedDay {
    json plays = json::array();
    std::int64_t count = 0, airtime = 0, pub = 0;
    std::int64_t loops_complete = 0, loops_short = 0, hours = 0, hours_short = 0;
    std::set<std::string> shown;
};

// 2026-12-01 00:00 in Asia/Shanghai, in UTC milliseconds.
constexpr std::int64_t kDayStartMs = 1796054400000LL;
constexpr std::int64_t kHour = 3600000;

std::string iso_ms(std::int64_t ms) {
    return signage::protocol::format_iso8601_ms(ms);
}

// Loops of `items` (slide id, public service) from 00:00 to about 22:00,
// durations 15-60 s from a fixed seed; every fifth loop leaves out the first
// item (a public-service one: those loops may fall short), every seventh is
// cut off (no loop end: not judged); `skip` never plays that slide. A play
// the day before is outside the report.
SimulatedDay simulate_day(const std::string& boot,
                          const std::vector<std::pair<std::string, bool>>& items, double minimum,
                          unsigned seed, const std::string& skip = {}) {
    SimulatedDay day;
    std::uint32_t rng = seed;
    const auto next = [&rng] { return rng = rng * 1664525u + 1013904223u; };
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> hours;  // hour -> airtime, pub
    std::int64_t t = 0;
    int n = 0;
    const auto add = [&](const std::string& loop, const std::string& slide, bool ps,
                         std::int64_t start, std::int64_t duration, bool end) {
        day.plays.push_back({{"id", boot + "-" + std::to_string(day.plays.size())},
                             {"kind", "item"},
                             {"loop_id", loop},
                             {"loop_end", end},
                             {"slide_id", slide},
                             {"title", "节目" + slide},
                             {"start", iso_ms(kDayStartMs + start)},
                             {"duration_ms", duration},
                             {"public_service", ps},
                             {"manifest_version", "v1"}});
    };
    add(boot + "-L0", items.front().first, items.front().second, -30000, 20000, true);
    while (t < 22 * kHour) {
        ++n;
        const std::string loop = boot + "-L" + std::to_string(n);
        std::vector<std::pair<std::string, bool>> in_loop;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].first == skip || (i == 0 && n % 5 == 0)) continue;
            in_loop.push_back(items[i]);
        }
        const bool cut = n % 7 == 0;
        std::int64_t loop_air = 0, loop_pub = 0;
        for (std::size_t i = 0; i < in_loop.size(); ++i) {
            const std::int64_t d = 15000 + static_cast<std::int64_t>(next() % 46) * 1000;
            const auto& [slide, ps] = in_loop[i];
            add(loop, slide, ps, t, d, !cut && i + 1 == in_loop.size());
            ++day.count;
            day.airtime += d;
            loop_air += d;
            if (ps) {
                day.pub += d;
                loop_pub += d;
            }
            day.shown.insert(slide);
            // Into the local hours it overlaps.
            for (std::int64_t a = t; a < t + d;) {
                const std::int64_t h = a / kHour, b = std::min(t + d, (h + 1) * kHour);
                hours[h].first += b - a;
                if (ps) hours[h].second += b - a;
                a = b;
            }
            t += d;
        }
        if (!cut) {
            ++day.loops_complete;
            if (static_cast<double>(loop_pub) / static_cast<double>(loop_air) + 1e-9 < minimum) {
                ++day.loops_short;
            }
        }
    }
    for (const auto& [h, sums] : hours) {
        ++day.hours;
        if (static_cast<double>(sums.second) / static_cast<double>(sums.first) + 1e-9 < minimum) {
            ++day.hours_short;
        }
    }
    return day;
}

// The row of `unit` in a unit report.
const json& row_of(const json& report, std::int64_t unit) {
    for (const auto& row : report.at("units")) {
        if (row.at("id") == unit) return row;
    }
    FAIL("no row for unit " << unit << " in " << report.dump());
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE(
    "units: a district's report is the sum of its communities', checked against a day of plays",
    "[server][units][plays]") {
    City city;
    // A floor of 0.3 from the city; east-1's own group asks 0.5.
    REQUIRE(city.staff.admin.put("/api/v1/units/1", {{"settings", {{"min_public_share", 0.3}}}})
                .status == 200);
    REQUIRE(city.as("east-1/admin")
                .put("/api/v1/groups/g-east-1", {{"settings", {{"min_public_share", 0.5}}}})
                .status == 200);
    const std::string core = city.published("city", titled("市：核心价值观", {{"required", true}}));
    const std::string traffic = city.published("city", titled("市：文明交通"));
    const std::string east_only = city.published(
        "east", titled("东区：东一必播", {{"required", true}, {"units", {city.unit["east-1"]}}}));
    const std::string own = city.published("east-2", titled("东二：自己的"));
    const std::string notice = city.published("west-2", titled("西二：停水"));

    // A day on each community's screen. West-2's screen never shows the
    // city's required item.
    std::map<std::string, SimulatedDay> days;
    days["east-1"] =
        simulate_day("screen-e1", {{core, true}, {traffic, false}, {east_only, true}}, 0.5, 1);
    days["east-2"] =
        simulate_day("screen-e2", {{core, true}, {traffic, false}, {own, false}}, 0.3, 2);
    days["west-1"] = simulate_day("screen-w1", {{core, true}, {traffic, false}}, 0.3, 3);
    days["west-2"] =
        simulate_day("screen-w2", {{core, true}, {traffic, false}, {notice, true}}, 0.3, 4, core);
    for (const auto& [community, day] : days) {
        auto device = city.staff.server.client(city.screen.at(community));
        const auto& all = day.plays;
        for (std::size_t i = 0; i < all.size(); i += 500) {
            json batch = json::array();
            for (std::size_t j = i; j < std::min(all.size(), i + 500); ++j) batch.push_back(all[j]);
            REQUIRE(device.post("/api/v1/player/plays", {{"plays", batch}}).status == 200);
        }
        if (community != "west-2") (void)fetch_manifest(device);  // west-2's screen is not online
    }

    const std::string day_query = "from=2026-12-01";
    const json whole = city.staff.reviewer.get("/api/v1/reports/units?" + day_query).json();
    // Each community's row is its screen's day.
    const std::map<std::string, std::int64_t> required = {
        {"east-1", 2}, {"east-2", 1}, {"west-1", 1}, {"west-2", 1}};
    for (const auto& [community, day] : days) {
        INFO(community);
        const json& row = row_of(whole, city.unit[community]);
        CHECK(row.at("screens") == 1);
        CHECK(row.at("screens_online") == (community == "west-2" ? 0 : 1));
        CHECK(row.at("plays") == day.count);
        CHECK(row.at("airtime_ms") == day.airtime);
        CHECK(row.at("public_service_ms") == day.pub);
        CHECK(row.at("loops_complete") == day.loops_complete);
        CHECK(row.at("loops_short") == day.loops_short);
        CHECK(row.at("hours") == day.hours);
        CHECK(row.at("hours_short") == day.hours_short);
        CHECK(row.at("required") == required.at(community));
        CHECK(row.at("required_played") == (community == "west-2" ? 0 : required.at(community)));
    }
    CHECK(days["east-1"].loops_short > 0);  // the day exercises the judging
    CHECK(days["west-1"].loops_short < days["west-1"].loops_complete);
    // A unit's row is the sum of its children's; the city's of the districts'.
    const std::vector<std::string> sums = {
        "screens",           "screens_online", "plays",          "airtime_ms",
        "public_service_ms", "loops_complete", "loops_short",    "hours",
        "hours_short",       "required",       "required_played"};
    for (const auto& [parent, children] :
         std::map<std::string, std::vector<std::string>>{{"east", {"east-1", "east-2"}},
                                                         {"west", {"west-1", "west-2"}},
                                                         {"city", {"east", "west"}}}) {
        for (const auto& key : sums) {
            INFO(parent << " " << key);
            std::int64_t total = 0;
            for (const auto& c : children)
                total += row_of(whole, city.unit[c]).at(key).get<std::int64_t>();
            CHECK(row_of(whole, city.unit[parent]).at(key) == total);
        }
    }
    CHECK(row_of(whole, 1).at("screens") == 4);
    // The one required pair that never played is named.
    REQUIRE(whole.at("missing").size() == 1);
    CHECK(whole.at("missing")[0].at("screen") == "s-west-2");
    CHECK(whole.at("missing")[0].at("slide_id") == core);
    CHECK(whole.at("missing")[0].at("title") == "市：核心价值观");

    // A district's inspector sees the district and its communities, the
    // same figures; nothing of the other district.
    const json east = city.as("east/reviewer").get("/api/v1/reports/units?" + day_query).json();
    REQUIRE(east.at("units").size() == 3);
    CHECK(east.at("unit") == city.unit["east"]);
    for (const auto& key : sums) {
        CHECK(row_of(east, city.unit["east"]).at(key) == row_of(whole, city.unit["east"]).at(key));
    }
    CHECK(row_of(east, city.unit["east"]).at("depth") == 0);
    CHECK(row_of(east, city.unit["east-1"]).at("depth") == 1);
    CHECK(city.as("east/reviewer")
              .get("/api/v1/reports/units?unit=" + std::to_string(city.unit["west"]) + "&" +
                   day_query)
              .status == 404);
    CHECK(city.as("east-1/editor")
              .get("/api/v1/reports/units?unit=" + std::to_string(city.unit["east"]) + "&" +
                   day_query)
              .status == 404);
    // The day before holds only the plays outside this report.
    const json before = city.staff.reviewer.get("/api/v1/reports/units?from=2026-11-30").json();
    CHECK(row_of(before, 1).at("plays") == 4);

    // The CSV: one row per unit, parents first, the same figures.
    auto csv = city.as("east/reviewer").get("/api/v1/reports/units?" + day_query + "&format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type").rfind("text/csv", 0) == 0);
    CHECK(csv.body.rfind("\xEF\xBB\xBF单位编号 unit,单位 name,", 0) == 0);
    std::vector<std::string> lines;
    for (std::size_t at = 0, end; (end = csv.body.find("\r\n", at)) != std::string::npos;
         at = end + 2) {
        lines.push_back(csv.body.substr(at, end - at));
    }
    REQUIRE(lines.size() == 4);
    CHECK(lines[1].rfind(std::to_string(city.unit["east"]) + ",east区,1,0,2,2," +
                             std::to_string(days["east-1"].count + days["east-2"].count) + ",",
                         0) == 0);
    auto missing_csv =
        city.staff.reviewer.get("/api/v1/reports/units?" + day_query + "&format=csv&table=missing");
    REQUIRE(missing_csv.status == 200);
    CHECK(missing_csv.body.find("s-west-2") != std::string::npos);

    // Bad input names the field.
    auto bad_day = city.staff.reviewer.get("/api/v1/reports/units?from=2026-13-01");
    CHECK(bad_day.status == 400);
    CHECK(error_field(bad_day) == "from");
    auto bad_table =
        city.staff.reviewer.get("/api/v1/reports/units?" + day_query + "&format=csv&table=x");
    CHECK(bad_table.status == 400);
    CHECK(error_field(bad_table) == "table");
}
