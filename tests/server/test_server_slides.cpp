// Slides and their review, over real HTTP against the real server.
#include <catch2/catch.hpp>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

TEST_CASE("server: a valid slide is created as a draft of its author", "[server][slides]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/slides", text_slide("垃圾分类 从我做起"));
    REQUIRE(created.status == 201);
    const json j = created.json();
    CHECK(j.at("status") == "draft");
    CHECK(j.at("author") == "editor");
    CHECK(j.at("title") == "垃圾分类 从我做起");
    CHECK(j.at("duration_s") == 8);
    const std::string id = j.at("id").get<std::string>();
    REQUIRE_FALSE(id.empty());

    auto one = staff.reviewer.get("/api/v1/slides/" + id);
    REQUIRE(one.status == 200);
    CHECK(one.json().at("body") == "文明出行，礼让斑马线。");
    auto list = staff.reviewer.get("/api/v1/slides").json().at("slides");
    REQUIRE(list.size() == 1);
    CHECK(list[0].at("id") == id);
    CHECK(staff.editor.get("/api/v1/slides/99999").status == 404);

    // An image slide may use uploaded media, as image and as background.
    const std::string png = make_png(16, 9);
    REQUIRE(staff.editor.put_bytes("/api/v1/media", png).status == 201);
    const std::string sha = signage::sha256_hex(png);
    auto image = staff.editor.post("/api/v1/slides", {{"type", "image"},
                                                      {"title", "节约粮食"},
                                                      {"media", sha},
                                                      {"background", {{"media", sha}}}});
    CHECK(image.status == 201);
}

TEST_CASE("server: invalid slides are refused naming the field, and nothing is stored",
          "[server][slides]") {
    Staff staff;
    const std::string unknown_sha(64, 'a');
    struct Case {
        json slide;
        long status;
        std::string field;
    };
    const std::vector<Case> cases = {
        {{{"type", "text"}, {"title", std::string(121, 'x')}, {"body", "b"}}, 400, "title"},
        {{{"type", "text"}, {"title", "t"}, {"duration_s", 0}}, 400, "duration_s"},
        {{{"type", "text"}, {"title", "t"}, {"duration_s", "ten"}}, 400, "duration_s"},
        {{{"type", "audio"}, {"title", "t"}}, 400, "type"},
        {{{"type", "video"}, {"title", "t"}}, 400, "media"},
        {{{"type", "video"}, {"title", "t"}, {"media", unknown_sha}}, 422, "media"},
        {{{"title", "no type"}}, 400, "type"},
        {{{"type", "text"}, {"title", "t"}, {"colour", "red"}}, 400, "colour"},
        {{{"type", "image"}, {"title", "t"}, {"media", unknown_sha}}, 422, "media"},
        {{{"type", "text"}, {"title", "t"}, {"background", {{"media", unknown_sha}}}},
         422,
         "background.media"},
    };
    for (const Case& c : cases) {
        INFO(c.slide.dump());
        auto res = staff.editor.post("/api/v1/slides", c.slide);
        CHECK(res.status == c.status);
        CHECK(error_field(res) == c.field);
    }
    auto broken = staff.editor.request("POST", "/api/v1/slides", "{\"type\": \"text\", ",
                                       {{"Content-Type", "application/json"}});
    CHECK(broken.status == 400);
    CHECK(error_field(broken) == "body");
    auto not_object = staff.editor.request("POST", "/api/v1/slides", "[1, 2]",
                                           {{"Content-Type", "application/json"}});
    CHECK(not_object.status == 400);
    CHECK(error_field(not_object) == "body");

    CHECK(staff.editor.get("/api/v1/slides").json().at("slides").empty());

    // A bad edit leaves the slide as it was.
    auto created = staff.editor.post("/api/v1/slides", text_slide("原标题"));
    const std::string id = created.json().at("id").get<std::string>();
    auto bad_edit =
        staff.editor.put("/api/v1/slides/" + id, {{"type", "text"}, {"duration_s", -1}});
    CHECK(bad_edit.status == 400);
    CHECK(error_field(bad_edit) == "duration_s");
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("title") == "原标题");
}

TEST_CASE(
    "server: an approval names the revision it approves, and a changed slide is looked at again",
    "[server][slides]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/slides", text_slide("垃圾分类 从我做起"));
    const std::string path = "/api/v1/slides/" + created.json().at("id").get<std::string>();
    REQUIRE(staff.editor.post(path + "/submit").status == 200);
    const json seen = staff.reviewer.get(path).json();
    const std::string first = seen.at("revision").get<std::string>();
    CHECK(first.size() == 12);
    CHECK_FALSE(seen.contains("approved_version"));  // nothing live yet

    // The editor changes it while the reviewer looks: the approval of what
    // the reviewer saw is refused, naming the revision, and changes nothing.
    REQUIRE(staff.editor.put(path, text_slide("垃圾分类 人人有责")).status == 200);
    auto stale = staff.reviewer.post(path + "/approve", {{"revision", first}});
    CHECK(stale.status == 409);
    CHECK(error_field(stale) == "revision");
    const json now = staff.reviewer.get(path).json();
    CHECK(now.at("status") == "pending");
    CHECK(now.at("revision") != first);
    CHECK(staff.reviewer.post(path + "/approve", {{"revision", 42}}).status == 400);

    auto approved = staff.reviewer.post(path + "/approve", {{"revision", now.at("revision")}});
    REQUIRE(approved.status == 200);
    CHECK(approved.json().at("status") == "approved");
    // The audit log says which revision was approved.
    const json audit = staff.admin.get("/api/v1/audit?limit=5").json();
    bool named = false;
    for (const json& e : audit.at("entries")) {
        named =
            named || (e.at("action") == "approve" &&
                      e.dump().find(now.at("revision").get<std::string>()) != std::string::npos);
    }
    CHECK(named);

    // Changed after approval: the working copy and the approved version
    // (what screens show) are both there for the review page to compare.
    REQUIRE(staff.editor.put(path, text_slide("垃圾分类 绿色生活")).status == 200);
    const json changed = staff.reviewer.get(path).json();
    CHECK(changed.at("title") == "垃圾分类 绿色生活");
    CHECK(changed.at("approved_version").at("title") == "垃圾分类 人人有责");
    CHECK(changed.at("approved_revision") == now.at("revision"));
    // Sent back as it came, the server's own fields are ignored.
    CHECK(staff.editor.put(path, changed).status == 200);
}

TEST_CASE("server: an approval without a revision is refused naming it, and changes nothing",
          "[server][slides][review]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/slides", text_slide("节约用水"));
    const std::string path = "/api/v1/slides/" + created.json().at("id").get<std::string>();
    REQUIRE(staff.editor.post(path + "/submit").status == 200);
    for (const json& body : {json::object(), json{{"revision", nullptr}}}) {
        auto missing = staff.reviewer.post(path + "/approve", body);
        INFO(missing.body);
        CHECK(missing.status == 400);
        CHECK(error_field(missing) == "revision");
        CHECK(missing.json().at("error").at("reason") == "required");
    }
    auto empty = staff.reviewer.post(path + "/approve");
    CHECK(empty.status == 400);
    CHECK(error_field(empty) == "revision");
    CHECK(staff.reviewer.get(path).json().at("status") == "pending");
    CHECK(approve_as_seen(staff.reviewer, path).status == 200);
}

TEST_CASE("server: nobody who changed a slide since it was last approved may approve it",
          "[server][slides][review]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/slides", text_slide("文明养犬", "请牵好绳。"));
    const std::string path = "/api/v1/slides/" + created.json().at("id").get<std::string>();
    // The admin rewrites the text, the editor makes a trivial edit after:
    // the admin wrote part of what waits, so may not approve it.
    REQUIRE(staff.admin.put(path, text_slide("文明养犬", "管理员改写的全文。")).status == 200);
    REQUIRE(staff.editor.put(path, text_slide("文明养犬", "管理员改写的全文。 ")).status == 200);
    REQUIRE(staff.editor.post(path + "/submit").status == 200);
    auto own = approve_as_seen(staff.admin, path);
    INFO(own.body);
    CHECK(own.status == 403);
    CHECK(error_code(own) == "forbidden");
    CHECK(own.json().at("error").at("reason") == "own_work");
    CHECK(staff.admin.get(path).json().at("status") == "pending");
    // Someone who wrote none of it may.
    REQUIRE(approve_as_seen(staff.reviewer, path).status == 200);

    // Once approved the list starts again: after the editor alone changes
    // it, the admin (who wrote part of the approved version) may approve.
    REQUIRE(staff.editor.put(path, text_slide("文明养犬", "请牵好绳，及时清理。")).status == 200);
    REQUIRE(staff.admin.get(path).json().at("status") == "pending");
    CHECK(approve_as_seen(staff.admin, path).status == 200);
    // The restart keeps the list: it is stored.
    REQUIRE(staff.admin.put(path, text_slide("文明养犬", "管理员又改了。")).status == 200);
    staff.server.restart();
    auto again = staff.server.client(staff.server.login("admin", "admin-password"));
    CHECK(approve_as_seen(again, path).status == 403);
}

TEST_CASE("server: review follows the workflow and nobody approves their own slide",
          "[server][slides]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/slides", text_slide("诚信经营"));
    const std::string id = created.json().at("id").get<std::string>();
    const std::string path = "/api/v1/slides/" + id;

    CHECK(approve_as_seen(staff.reviewer, path).status == 409);  // still a draft
    auto submitted = staff.editor.post(path + "/submit");
    REQUIRE(submitted.status == 200);
    CHECK(submitted.json().at("status") == "pending");
    CHECK(staff.editor.post(path + "/submit").status == 409);

    // Editors cannot approve; reviewers must say why they reject.
    CHECK(approve_as_seen(staff.editor, path).status == 403);
    auto no_reason = staff.reviewer.post(path + "/reject", json::object());
    CHECK(no_reason.status == 400);
    CHECK(error_field(no_reason) == "reason");
    auto rejected = staff.reviewer.post(path + "/reject", {{"reason", "标题有错别字"}});
    REQUIRE(rejected.status == 200);
    CHECK(rejected.json().at("status") == "rejected");
    CHECK(rejected.json().at("reject_reason") == "标题有错别字");

    // Fixed and submitted again, then approved by the reviewer.
    auto edited = staff.editor.put(path, text_slide("诚信经营 童叟无欺"));
    REQUIRE(edited.status == 200);
    CHECK(edited.json().at("status") == "draft");
    REQUIRE(staff.editor.post(path + "/submit").status == 200);
    auto approved = approve_as_seen(staff.reviewer, path);
    REQUIRE(approved.status == 200);
    CHECK(approved.json().at("status") == "approved");
    CHECK(approved.json().at("reviewer") == "reviewer");

    // An admin may approve, but not a slide the admin wrote.
    auto own = staff.admin.post("/api/v1/slides", text_slide("管理员自己写的"));
    const std::string own_path = "/api/v1/slides/" + own.json().at("id").get<std::string>();
    REQUIRE(staff.admin.post(own_path + "/submit").status == 200);
    auto self_approval = approve_as_seen(staff.admin, own_path);
    CHECK(self_approval.status == 403);
    CHECK(staff.admin.get(own_path).json().at("status") == "pending");
    CHECK(approve_as_seen(staff.reviewer, own_path).status == 200);

    // Deleting is for writers; a deleted slide is gone.
    CHECK(staff.reviewer.del(own_path).status == 403);
    CHECK(staff.editor.del(own_path).status == 204);
    CHECK(staff.editor.get(own_path).status == 404);
}

TEST_CASE("server: duplicating a slide makes an independent draft of the caller's, titled a copy",
          "[server][slides][duplicate]") {
    Staff staff;
    staff.server.add_user("erin", "editor", "erin-password");
    auto erin = staff.server.client(staff.server.login("erin", "erin-password"));
    const std::string png = make_png(16, 9, 31);
    REQUIRE(staff.editor.put_bytes("/api/v1/media", png).status == 201);
    json original = {
        {"type", "image"},       {"title", "节约粮食"}, {"media", signage::sha256_hex(png)},
        {"caption", "光盘行动"}, {"duration_s", 12},    {"purpose", "public_service"}};
    const std::string id = staff.approved_slide(original);
    staff.publish();

    auto copy = erin.post("/api/v1/slides/" + id + "/duplicate");
    INFO(copy.body);
    REQUIRE(copy.status == 201);
    const json c = copy.json();
    const std::string copy_id = c.at("id").get<std::string>();
    CHECK(copy_id != id);
    CHECK(c.at("status") == "draft");
    CHECK(c.at("author") == "erin");
    CHECK(c.at("title") == "节约粮食（副本）");
    CHECK(c.at("has_approved_version") == false);
    for (const char* field :
         {"type", "media", "caption", "duration_s", "purpose", "public_service"}) {
        INFO(field);
        CHECK(c.at(field) == staff.editor.get("/api/v1/slides/" + id).json().at(field));
    }

    // Independent: editing the copy leaves the original as it was, live.
    json edited = original;
    edited["title"] = "节约粮食 新版";
    edited["caption"] = "吃多少点多少";
    REQUIRE(erin.put("/api/v1/slides/" + copy_id, edited).status == 200);
    const json after = staff.editor.get("/api/v1/slides/" + id).json();
    CHECK(after.at("title") == "节约粮食");
    CHECK(after.at("caption") == "光盘行动");
    CHECK(after.at("status") == "published");
    CHECK(staff.editor.get("/api/v1/slides").json().at("slides").size() == 2);

    // A title at the limit stays within it: the original is cut at a character.
    const std::string long_title = std::string("长") + std::string(119, 'x');
    const std::string long_id =
        staff.editor.post("/api/v1/slides", text_slide(long_title)).json().at("id");
    auto long_copy = staff.editor.post("/api/v1/slides/" + long_id + "/duplicate");
    REQUIRE(long_copy.status == 201);
    CHECK(long_copy.json().at("title") == std::string("长") + std::string(115, 'x') + "（副本）");

    CHECK(staff.editor.post("/api/v1/slides/99999/duplicate").status == 404);
    CHECK(staff.reviewer.post("/api/v1/slides/" + id + "/duplicate").status == 403);
}
