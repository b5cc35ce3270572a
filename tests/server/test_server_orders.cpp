// The rotation order of screen groups: editors propose it, reviewers approve
// or reject it, and like content it reaches screens at the next publish. Over
// real HTTP against the real server.
#include <catch2/catch.hpp>

#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

// The ids of the manifest's items, in order.
std::vector<std::string> manifest_order(HttpClient& screen) {
    std::vector<std::string> out;
    for (const auto& item : fetch_manifest(screen).items) out.push_back(item.id);
    return out;
}

// The ids of GET /api/v1/groups/{group}/order's slides, in order.
std::vector<std::string> listed_order(HttpClient& staff, const std::string& group) {
    auto res = staff.get("/api/v1/groups/" + group + "/order");
    REQUIRE(res.status == 200);
    const json order = res.json();
    std::vector<std::string> out;
    for (const auto& s : order.at("slides")) out.push_back(s.at("id").get<std::string>());
    return out;
}

const json core_values_slide = {
    {"type", "core_values"}, {"title", "社会主义核心价值观"}, {"public_service", true}};

}  // namespace

TEST_CASE("order: a proposed order is approved and reaches screens at the next publish",
          "[server][orders]") {
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("gate", "community"));
    const std::string a = staff.approved_slide(text_slide("垃圾分类"));
    const std::string b = staff.approved_slide(text_slide("文明出行"));
    const std::string cv = staff.approved_slide(core_values_slide);
    const std::string c = staff.approved_slide(text_slide("爱护公物"));
    staff.publish();
    // The default order: core values first, then by slide id.
    const std::vector<std::string> by_default{cv, a, b, c};
    CHECK(manifest_order(screen) == by_default);
    CHECK(listed_order(staff.reviewer, "community") == by_default);
    auto none = staff.editor.get("/api/v1/groups/community/order").json();
    CHECK(none.at("group") == "community");
    CHECK(none.at("proposed").is_null());
    CHECK(none.at("approved").is_null());
    CHECK(none.at("slides")[0].at("title") == "社会主义核心价值观");
    CHECK(none.at("slides")[0].at("type") == "core_values");
    CHECK(none.at("slides")[1].at("status") == "published");

    // The editor proposes c, a, cv; b is left out and follows.
    auto proposed = staff.editor.put("/api/v1/groups/community/order", {{"slides", {c, a, cv}}});
    REQUIRE(proposed.status == 200);
    const json pending = proposed.json().at("proposed");
    CHECK(pending.at("status") == "pending");
    CHECK(pending.at("by") == "editor");
    CHECK(pending.at("slides") == json{c, a, cv});
    CHECK_FALSE(pending.at("at").get<std::string>().empty());
    // Pending: nothing changes yet.
    CHECK(listed_order(staff.editor, "community") == by_default);
    staff.publish();
    CHECK(manifest_order(screen) == by_default);

    // The proposer may not approve their own order, even as an admin.
    auto own = staff.admin.put("/api/v1/groups/community/order", {{"slides", {b, c}}});
    REQUIRE(own.status == 200);
    auto refused = staff.admin.post("/api/v1/groups/community/order/approve");
    CHECK(refused.status == 403);
    CHECK(staff.editor.get("/api/v1/groups/community/order").json().at("approved").is_null());
    // The editor proposes again; a reviewer who looked at an older revision is told.
    const std::string stale =
        staff.editor.get("/api/v1/groups/community/order").json()["proposed"]["revision"];
    REQUIRE(staff.editor.put("/api/v1/groups/community/order", {{"slides", {c, a, cv}}}).status ==
            200);
    auto conflict =
        staff.reviewer.post("/api/v1/groups/community/order/approve", {{"revision", stale}});
    CHECK(conflict.status == 409);
    CHECK(error_field(conflict) == "revision");

    const std::string revision =
        staff.editor.get("/api/v1/groups/community/order").json()["proposed"]["revision"];
    auto approved =
        staff.reviewer.post("/api/v1/groups/community/order/approve", {{"revision", revision}});
    REQUIRE(approved.status == 200);
    CHECK(approved.json().at("proposed").is_null());
    CHECK(approved.json().at("approved").at("slides") == json{c, a, cv});
    CHECK(approved.json().at("approved").at("by") == "reviewer");
    const std::vector<std::string> ordered{c, a, cv, b};
    CHECK(listed_order(staff.editor, "community") == ordered);
    // Approved but not published: the screens still have the old order.
    CHECK(manifest_order(screen) == by_default);
    CHECK(staff.reviewer.post("/api/v1/groups/community/order/approve").status == 409);

    const json published = staff.publish();
    CHECK(published.at("groups")[0].at("changed") == true);
    CHECK(manifest_order(screen) == ordered);
    // A slide approved later follows the order, in the default order.
    const std::string d = staff.approved_slide(text_slide("节约用水"));
    staff.publish();
    CHECK(manifest_order(screen) == std::vector<std::string>{c, a, cv, b, d});

    // The audit log has the proposals and the approval.
    auto audit = staff.admin.get("/api/v1/audit?object_type=group_order&object_id=community");
    REQUIRE(audit.status == 200);
    const json entries = audit.json().at("entries");
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].at("action") == "approve");
    CHECK(entries[0].at("actor") == "reviewer");
    CHECK(entries[0].at("after").at("approved") == json{c, a, cv});
    CHECK(entries[3].at("action") == "propose");
    CHECK(entries[3].at("actor") == "editor");
}

TEST_CASE("order: a rejected order says why and changes nothing", "[server][orders]") {
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("gate", "community"));
    const std::string a = staff.approved_slide(text_slide("垃圾分类"));
    const std::string b = staff.approved_slide(text_slide("文明出行"));
    staff.publish();
    REQUIRE(staff.editor.put("/api/v1/groups/community/order", {{"slides", {b, a}}}).status == 200);

    auto no_reason = staff.reviewer.post("/api/v1/groups/community/order/reject", json::object());
    CHECK(no_reason.status == 400);
    CHECK(error_field(no_reason) == "reason");
    auto blank = staff.reviewer.post("/api/v1/groups/community/order/reject", {{"reason", "  "}});
    CHECK(blank.status == 400);

    auto rejected = staff.reviewer.post("/api/v1/groups/community/order/reject",
                                        {{"reason", "防疫内容应在前"}});
    REQUIRE(rejected.status == 200);
    const json proposed = rejected.json().at("proposed");
    CHECK(proposed.at("status") == "rejected");
    CHECK(proposed.at("reason") == "防疫内容应在前");
    CHECK(proposed.at("slides") == json{b, a});
    CHECK(rejected.json().at("approved").is_null());
    // A rejected order cannot be approved; a new proposal waits again.
    CHECK(staff.reviewer.post("/api/v1/groups/community/order/approve").status == 409);
    staff.publish();
    CHECK(manifest_order(screen) == std::vector<std::string>{a, b});
    auto again = staff.editor.put("/api/v1/groups/community/order", {{"slides", {b}}});
    REQUIRE(again.status == 200);
    CHECK(again.json().at("proposed").at("status") == "pending");
    CHECK(again.json().at("proposed").at("reason") == "");

    auto audit = staff.admin.get("/api/v1/audit?object_type=group_order&object_id=community");
    REQUIRE(audit.status == 200);
    CHECK(audit.json().at("entries")[1].at("action") == "reject");
}

TEST_CASE("order: bad input is refused naming the field, and nothing changes", "[server][orders]") {
    Staff staff;
    staff.server.add_screen("gate", "community");
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "plaza"}}).status == 201);
    const std::string a = staff.approved_slide(text_slide("垃圾分类"));
    const std::string b = staff.approved_slide(text_slide("文明出行"));
    json only_plaza = text_slide("广场专属");
    only_plaza["groups"] = {"plaza"};
    const std::string elsewhere = staff.approved_slide(only_plaza);
    auto draft = staff.editor.post("/api/v1/slides", text_slide("草稿"));
    REQUIRE(draft.status == 201);
    const std::string unapproved = draft.json().at("id");
    auto notice =
        staff.approved_slide({{"type", "notice"}, {"title", "停水通知"}, {"body", "明日停水"}});
    REQUIRE(staff.editor.put("/api/v1/groups/community/order", {{"slides", {b, a}}}).status == 200);
    const json before = staff.editor.get("/api/v1/groups/community/order").json();

    struct Case {
        json body;
        std::string field;
    };
    const std::vector<Case> cases = {
        {json::object(), "slides"},
        {{{"slides", "1,2"}}, "slides"},
        {{{"slides", {a, b}}, {"extra", 1}}, "extra"},
        {{{"slides", {a, "x"}}}, "slides[1]"},
        {{{"slides", {a, b, a}}}, "slides[2]"},
        {{{"slides", {a, "99999"}}}, "slides[1]"},
        {{{"slides", {b, a, elsewhere}}}, "slides[2]"},
        {{{"slides", {unapproved}}}, "slides[0]"},
        {{{"slides", {a, notice}}}, "slides[1]"},
        {{{"slides", {-3}}}, "slides[0]"},
        {{{"slides", json::array({json::object()})}}, "slides[0]"},
        {{{"slides", json(std::vector<std::string>(501, a))}}, "slides"},
    };
    for (const auto& c : cases) {
        INFO(c.body.dump().substr(0, 200));
        auto res = staff.editor.put("/api/v1/groups/community/order", c.body);
        CHECK(res.status == 400);
        CHECK(error_field(res) == c.field);
    }
    CHECK(staff.editor.get("/api/v1/groups/community/order").json() == before);
    // The slide aimed at plaza is in plaza's order.
    CHECK(staff.editor.put("/api/v1/groups/plaza/order", {{"slides", {elsewhere, a}}}).status ==
          200);

    // Unknown groups, and who may do what.
    CHECK(staff.editor.get("/api/v1/groups/nowhere/order").status == 404);
    CHECK(staff.editor.put("/api/v1/groups/nowhere/order", {{"slides", {a}}}).status == 404);
    CHECK(staff.reviewer.post("/api/v1/groups/nowhere/order/approve").status == 404);
    CHECK(staff.reviewer.post("/api/v1/groups/nowhere/order/reject", json::object()).status == 404);
    CHECK(staff.reviewer.put("/api/v1/groups/community/order", {{"slides", {a}}}).status == 403);
    CHECK(staff.editor.post("/api/v1/groups/community/order/approve").status == 403);
    CHECK(staff.editor.get("/api/v1/groups/community/order").json() == before);
}
