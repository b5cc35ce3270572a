// The touch quiz on the server: the question bank and its review, import and
// export, quiz settings in manifests, prize claims and round results. Over
// real HTTP against the real server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <barrier>
#include <thread>

#include "common/csv.hpp"
#include "protocol/claim.hpp"
#include "protocol/quiz.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

json quiz_question(const std::string& text, const std::string& category = "垃圾分类") {
    return {{"type", "single"},
            {"question", text},
            {"options", {"红色", "蓝色", "绿色", "黑色"}},
            {"answers", {0}},
            {"explanation", "有害垃圾用红色的桶。"},
            {"category", category}};
}

std::size_t question_count(HttpClient& client) {
    return client.get("/api/v1/quiz/questions").json().at("questions").size();
}

// Created by the editor, submitted, approved by the reviewer: its id.
std::string approved_question(Staff& staff, const json& q) {
    auto created = staff.editor.post("/api/v1/quiz/questions", q);
    REQUIRE(created.status == 201);
    const std::string id = created.json().at("id");
    REQUIRE(staff.editor.post("/api/v1/quiz/questions/" + id + "/submit").status == 200);
    REQUIRE(approve_as_seen(staff.reviewer, "/api/v1/quiz/questions/" + id).status == 200);
    return id;
}

HttpResponse import_body(HttpClient& client, const std::string& body,
                         const std::string& content_type) {
    return client.request("POST", "/api/v1/quiz/import", body, {{"Content-Type", content_type}});
}

int today_day() {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count() /
                            24);
}

std::string claim_for(const std::string& device_token, int day, int serial) {
    const auto keys = signage::protocol::derive_claim_keys(device_token);
    return signage::protocol::make_claim_code(
        {signage::protocol::claim_key_id(keys.public_key), day, serial}, keys.secret_key);
}

json quiz_round(const std::string& id, std::vector<std::pair<std::string, bool>> answers,
                bool passed, const std::string& at = "2026-11-20T09:30:00Z") {
    json list = json::array();
    int score = 0;
    for (const auto& [q, right] : answers) {
        list.push_back({{"question", q}, {"correct", right}});
        score += right ? 1 : 0;
    }
    return {{"id", id},         {"finished_at", at}, {"score", score}, {"total", answers.size()},
            {"passed", passed}, {"answers", list}};
}

}  // namespace

TEST_CASE("quiz: questions are created, read, edited and deleted, errors name the field",
          "[server][quiz]") {
    Staff staff;
    auto created =
        staff.editor.post("/api/v1/quiz/questions", quiz_question("有害垃圾投放到哪里？"));
    REQUIRE(created.status == 201);
    const json j = created.json();
    CHECK(j.at("status") == "draft");
    CHECK(j.at("author") == "editor");
    CHECK(j.at("options").size() == 4);
    const std::string id = j.at("id");

    CHECK(staff.reviewer.get("/api/v1/quiz/questions/" + id).json().at("question") ==
          "有害垃圾投放到哪里？");
    CHECK(question_count(staff.reviewer) == 1);

    // A question sent back as it was read is accepted.
    json edited = j;
    edited["question"] = "有害垃圾应投放到哪种颜色的垃圾桶？";
    auto put = staff.editor.put("/api/v1/quiz/questions/" + id, edited);
    REQUIRE(put.status == 200);
    CHECK(put.json().at("question") == "有害垃圾应投放到哪种颜色的垃圾桶？");

    struct Case {
        json body;
        std::string field;
    };
    json two_answers = quiz_question("q");
    two_answers["answers"] = {0, 1};
    json bad_option = quiz_question("q");
    bad_option["options"][1] = 7;
    json no_type = quiz_question("q");
    no_type.erase("type");
    json unknown = quiz_question("q");
    unknown["points"] = 5;
    for (const Case& c : std::vector<Case>{{two_answers, "answers"},
                                           {bad_option, "options[1]"},
                                           {no_type, "type"},
                                           {unknown, "points"},
                                           {quiz_question(""), "question"}}) {
        auto res = staff.editor.post("/api/v1/quiz/questions", c.body);
        INFO(res.body);
        CHECK(res.status == 400);
        CHECK(error_field(res) == c.field);
    }
    CHECK(question_count(staff.editor) == 1);

    CHECK(staff.reviewer.post("/api/v1/quiz/questions", quiz_question("q")).status == 403);
    CHECK(staff.server.client().get("/api/v1/quiz/questions").status == 401);
    CHECK(staff.editor.del("/api/v1/quiz/questions/" + id).status == 204);
    CHECK(staff.editor.get("/api/v1/quiz/questions/" + id).status == 404);
}

TEST_CASE("quiz: questions are reviewed like slides, one by one and in bulk", "[server][quiz]") {
    Staff staff;
    // The author may not approve their own question, even as admin.
    auto own = staff.admin.post("/api/v1/quiz/questions", quiz_question("管理员写的题"));
    const std::string own_id = own.json().at("id");
    REQUIRE(staff.admin.post("/api/v1/quiz/questions/" + own_id + "/submit").status == 200);
    auto self = approve_as_seen(staff.admin, "/api/v1/quiz/questions/" + own_id);
    CHECK(self.status == 403);
    CHECK(error_code(self) == "forbidden");
    // Editors do not approve.
    CHECK(approve_as_seen(staff.editor, "/api/v1/quiz/questions/" + own_id).status == 403);
    // A reason is needed to reject.
    auto no_reason =
        staff.reviewer.post("/api/v1/quiz/questions/" + own_id + "/reject", json::object());
    CHECK(error_field(no_reason) == "reason");
    auto rejected = staff.reviewer.post("/api/v1/quiz/questions/" + own_id + "/reject",
                                        {{"reason", "答案有误"}});
    REQUIRE(rejected.status == 200);
    CHECK(rejected.json().at("status") == "rejected");
    CHECK(rejected.json().at("reject_reason") == "答案有误");
    // Approving a draft is the wrong state.
    auto a = staff.editor.post("/api/v1/quiz/questions", quiz_question("第一题"));
    auto b = staff.editor.post("/api/v1/quiz/questions", quiz_question("第二题"));
    const std::string ida = a.json().at("id");
    const std::string idb = b.json().at("id");
    CHECK(approve_as_seen(staff.reviewer, "/api/v1/quiz/questions/" + ida).status == 409);

    // Bulk: all or nothing, the error names the offending id.
    auto missing = staff.editor.post("/api/v1/quiz/questions/submit", {{"ids", {ida, "99999"}}});
    CHECK(missing.status == 404);
    CHECK(error_field(missing) == "ids[1]");
    CHECK(staff.editor.get("/api/v1/quiz/questions/" + ida).json().at("status") == "draft");
    auto submitted = staff.editor.post("/api/v1/quiz/questions/submit", {{"ids", {ida, idb}}});
    REQUIRE(submitted.status == 200);
    CHECK(submitted.json().at("questions").size() == 2);
    auto mixed = staff.reviewer.post("/api/v1/quiz/questions/approve",
                                     {{"ids", approval_items(staff.reviewer, {ida, own_id})}});
    CHECK(mixed.status == 409);  // the rejected one is not pending
    CHECK(error_field(mixed) == "ids[1]");
    CHECK(staff.editor.get("/api/v1/quiz/questions/" + ida).json().at("status") == "pending");
    CHECK(staff.reviewer.post("/api/v1/quiz/questions/approve", {{"ids", json::array()}}).status ==
          400);
    // A batch of one still names its id.
    CHECK(error_field(staff.reviewer.post("/api/v1/quiz/questions/approve",
                                          {{"ids", approval_items(staff.reviewer, {own_id})}})) ==
          "ids[0]");
    auto approved = staff.reviewer.post("/api/v1/quiz/questions/approve",
                                        {{"ids", approval_items(staff.reviewer, {ida, idb})}});
    REQUIRE(approved.status == 200);
    const auto approved_body = approved.json();
    for (const auto& q : approved_body.at("questions")) CHECK(q.at("status") == "approved");

    // Editing approved content sends it back to review, as with slides.
    auto edited = staff.editor.put("/api/v1/quiz/questions/" + ida, quiz_question("第一题（改）"));
    REQUIRE(edited.status == 200);
    CHECK(edited.json().at("status") == "pending");
    CHECK(edited.json().at("has_approved_version") == true);
}

TEST_CASE("quiz: an approval names the revision looked at, one by one and in bulk",
          "[server][quiz][review]") {
    Staff staff;
    std::vector<std::string> ids;
    for (const char* text : {"第一题", "第二题"}) {
        auto created = staff.editor.post("/api/v1/quiz/questions", quiz_question(text));
        ids.push_back(created.json().at("id"));
    }
    REQUIRE(staff.editor.post("/api/v1/quiz/questions/submit", {{"ids", ids}}).status == 200);
    const std::string one = "/api/v1/quiz/questions/" + ids[0];
    const json seen = approval_items(staff.reviewer, {ids[0], ids[1]});

    // Missing: 400 naming the revision, one by one and per item in bulk.
    auto missing = staff.reviewer.post(one + "/approve");
    CHECK(missing.status == 400);
    CHECK(error_field(missing) == "revision");
    auto bulk_missing = staff.reviewer.post("/api/v1/quiz/questions/approve",
                                            {{"ids", {seen[0], {{"id", ids[1]}}}}});
    CHECK(bulk_missing.status == 400);
    CHECK(error_field(bulk_missing) == "ids[1].revision");
    // Bare ids, as before, are refused too.
    CHECK(error_field(staff.reviewer.post("/api/v1/quiz/questions/approve", {{"ids", ids}})) ==
          "ids[0].id");

    // The editor changes the second question after the reviewer looked: its
    // approval, alone or in bulk, is stale and nothing is approved.
    REQUIRE(staff.editor.put("/api/v1/quiz/questions/" + ids[1], quiz_question("第二题（改）"))
                .status == 200);
    auto stale = staff.reviewer.post("/api/v1/quiz/questions/approve", {{"ids", seen}});
    CHECK(stale.status == 409);
    CHECK(error_field(stale) == "ids[1].revision");
    CHECK(stale.json().at("error").at("reason") == "stale");
    auto stale_one = staff.reviewer.post("/api/v1/quiz/questions/" + ids[1] + "/approve",
                                         {{"revision", seen[1].at("revision")}});
    CHECK(stale_one.status == 409);
    CHECK(error_field(stale_one) == "revision");
    for (const auto& id : ids) {
        CHECK(staff.reviewer.get("/api/v1/quiz/questions/" + id).json().at("status") == "pending");
    }
    // Looked at again: approved.
    auto fresh = staff.reviewer.post("/api/v1/quiz/questions/approve",
                                     {{"ids", approval_items(staff.reviewer, {ids[0], ids[1]})}});
    CHECK(fresh.status == 200);
}

TEST_CASE("quiz: nobody who changed a question since it was last approved may approve it",
          "[server][quiz][review]") {
    Staff staff;
    auto created = staff.editor.post("/api/v1/quiz/questions", quiz_question("原题"));
    const std::string path = "/api/v1/quiz/questions/" + created.json().at("id").get<std::string>();
    REQUIRE(staff.admin.put(path, quiz_question("管理员改写的题")).status == 200);
    REQUIRE(staff.editor.put(path, quiz_question("管理员改写的题。")).status == 200);
    REQUIRE(staff.editor.post(path + "/submit").status == 200);
    auto own = approve_as_seen(staff.admin, path);
    CHECK(own.status == 403);
    CHECK(own.json().at("error").at("reason") == "own_work");
    auto bulk = staff.admin.post(
        "/api/v1/quiz/questions/approve",
        {{"ids", approval_items(staff.admin, {created.json().at("id").get<std::string>()})}});
    CHECK(bulk.status == 403);
    CHECK(error_field(bulk) == "ids[0]");
    CHECK(staff.admin.get(path).json().at("status") == "pending");
    CHECK(approve_as_seen(staff.reviewer, path).status == 200);
}

TEST_CASE("quiz: CSV import takes a whole good file or nothing", "[server][quiz]") {
    Staff staff;
    const std::string good =
        "\xEF\xBB\xBF题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类\r\n"
        "单选,学雷锋纪念日是每年的哪一天？,3月1日,3月5日,3月10日,3月15日,B,,志愿服务\r\n"
        "多选,\"下列哪些属于社会公德的内容？\r\n（可多选）\",文明礼貌,助人为乐,爱护公物,爱岗敬业,"
        "ABC,"
        "\"文明礼貌, 助人为乐, 爱护公物\",公民道德\r\n"
        "判断,驾车经过学校门口人行横道，没有行人时可以加速通过。,,,,,错,,交通文明\r\n";
    auto res = import_body(staff.editor, good, "text/csv; charset=utf-8");
    INFO(res.body);
    REQUIRE(res.status == 201);
    CHECK(res.json().at("imported") == 3);
    CHECK(res.json().at("ids").size() == 3);
    auto list = staff.editor.get("/api/v1/quiz/questions").json().at("questions");
    REQUIRE(list.size() == 3);
    CHECK(list[0].at("status") == "draft");
    CHECK(list[0].at("author") == "editor");
    CHECK(list[0].at("answers") == json{1});
    CHECK(list[1].at("question") == "下列哪些属于社会公德的内容？\n（可多选）");
    CHECK(list[1].at("explanation") == "文明礼貌, 助人为乐, 爱护公物");
    CHECK(list[2].at("type") == "judge");
    CHECK(list[2].at("answers") == json{1});

    const std::string bad =
        "type,question,option_a,option_b,option_c,option_d,answer,explanation,category\n"
        "single,好题,甲,乙,,,A,,\n"
        "essay,类型不对,甲,乙,,,A,,\n"
        "single,答案不是选项,甲,乙,,,E,,\n"
        "multiple,多选只有一个答案,甲,乙,丙,,A,,\n";
    auto refused = import_body(staff.editor, bad, "text/csv");
    INFO(refused.body);
    REQUIRE(refused.status == 422);
    const json err = refused.json().at("error");
    CHECK(err.at("code") == "invalid");
    const json rows = err.at("rows");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == json{{"row", 3},
                          {"column", "type"},
                          {"message", rows[0].at("message")},
                          {"reason", "one_of"},
                          {"params", {{"allowed", "single, multiple, judge"}}}});
    CHECK(rows[1].at("row") == 4);
    CHECK(rows[1].at("column") == "answer");
    CHECK(rows[2].at("row") == 5);
    CHECK(rows[2].at("column") == "answer");
    CHECK(question_count(staff.editor) == 3);  // nothing of the bad file

    CHECK(import_body(staff.editor, good, "text/plain").status == 415);
    CHECK(import_body(staff.reviewer, good, "text/csv").status == 403);
}

TEST_CASE("quiz: JSON import, and export then import round-trips", "[server][quiz]") {
    Staff staff;
    const json bank = json::array({quiz_question("第一题"),
                                   {{"type", "judge"},
                                    {"question", "过期药品属于有害垃圾。"},
                                    {"answers", {0}},
                                    {"category", "垃圾分类"}},
                                   {{"type", "multiple"},
                                    {"question", "下列哪些属于交通违法行为？"},
                                    {"options", {"闯红灯", "酒后驾驶", "礼让行人"}},
                                    {"answers", {0, 1}},
                                    {"explanation", "含\"引号\"和,逗号\n和换行"},
                                    {"category", "交通文明"}}});
    auto res = import_body(staff.editor, bank.dump(), "application/json");
    REQUIRE(res.status == 201);
    CHECK(res.json().at("imported") == 3);

    json bad = bank;
    bad[0]["answers"] = {9};
    bad[2]["type"] = "essay";
    auto refused = import_body(staff.editor, bad.dump(), "application/json");
    REQUIRE(refused.status == 422);
    const json rows = refused.json().at("error").at("rows");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].at("row") == 1);
    CHECK(rows[0].at("column") == "answers[0]");
    CHECK(rows[1].at("row") == 3);
    CHECK(rows[1].at("column") == "type");
    CHECK(question_count(staff.editor) == 3);
    CHECK(import_body(staff.editor, "{not json", "application/json").status == 400);

    // JSON export, imported again: the same questions.
    auto exported = staff.editor.get("/api/v1/quiz/export?format=json");
    REQUIRE(exported.status == 200);
    const json first = exported.json();
    REQUIRE(first.size() == 3);
    REQUIRE(import_body(staff.editor, exported.body, "application/json").status == 201);

    // CSV export: UTF-8 with a byte order mark, imported again.
    auto csv = staff.editor.get("/api/v1/quiz/export?format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
    auto again = import_body(staff.editor, csv.body, "text/csv");
    INFO(again.body);
    REQUIRE(again.status == 201);
    CHECK(again.json().at("imported") == 6);

    auto all = staff.editor.get("/api/v1/quiz/export?format=json").json();
    REQUIRE(all.size() == 12);
    for (std::size_t i = 0; i < 3; ++i) {
        for (std::size_t copy : {3u, 6u, 9u}) {
            json a = all[i];
            json b = all[copy + i % 3];
            a.erase("id");
            b.erase("id");
            CHECK(a == b);
        }
    }
    CHECK(staff.editor.get("/api/v1/quiz/export?format=xml").status == 400);
}

TEST_CASE("quiz: group quiz settings and the approved bank in every manifest", "[server][quiz]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "town");
    auto bad =
        staff.admin.put("/api/v1/groups/town", {{"settings", {{"quiz", {{"pass_mark", 1.5}}}}}});
    CHECK(bad.status == 400);
    CHECK(error_field(bad) == "settings.quiz.pass_mark");
    auto unknown =
        staff.admin.put("/api/v1/groups/town", {{"settings", {{"quiz", {{"colour", "red"}}}}}});
    CHECK(error_field(unknown) == "settings.quiz.colour");
    auto good = staff.admin.put(
        "/api/v1/groups/town",
        {{"settings", {{"quiz", {{"questions_per_round", 5}, {"pass_mark", 1.0}}}}}});
    REQUIRE(good.status == 200);
    CHECK(good.json().at("settings").at("quiz").at("questions_per_round") == 5);
    CHECK(staff.admin.get("/api/v1/groups/town").json().at("settings").at("quiz").at("pass_mark") ==
          1.0);

    const std::string one = approved_question(staff, quiz_question("已批准一"));
    const std::string two = approved_question(staff, quiz_question("已批准二"));
    staff.editor.post("/api/v1/quiz/questions", quiz_question("草稿"));
    auto pending = staff.editor.post("/api/v1/quiz/questions", quiz_question("待审"));
    staff.editor.post("/api/v1/quiz/questions/" + pending.json().at("id").get<std::string>() +
                      "/submit");
    const std::string version = staff.publish().at("version");

    HttpClient screen = staff.server.client(device);
    const auto m = fetch_manifest(screen);
    REQUIRE(m.quiz.size() == 2);
    CHECK(m.quiz[0].id == one);
    CHECK(m.quiz[1].id == two);
    CHECK(m.quiz[0].question == "已批准一");
    CHECK(m.settings.quiz.questions_per_round == 5);
    const json raw = screen.get("/api/v1/player/manifest").json();
    CHECK(raw.at("quiz")[0].at("id").is_string());
    CHECK(staff.reviewer.get("/api/v1/quiz/questions/" + one).json().at("status") == "published");

    // Nothing changed: the same version.
    CHECK(staff.publish().at("version") == version);
}

TEST_CASE("quiz: prize claims are checked, redeemed once, and forgeries refused",
          "[server][quiz][claims]") {
    Staff staff;
    const std::string device = staff.server.add_screen("kiosk-1", "town");
    const int today = today_day();
    const std::string code = claim_for(device, today, 3);

    auto check = staff.editor.post("/api/v1/quiz/claims/check", {{"code", code}});
    INFO(check.body);
    REQUIRE(check.status == 200);
    CHECK(check.json().at("valid") == true);
    CHECK(check.json().at("screen") == "kiosk-1");
    CHECK(check.json().at("serial") == 3);
    CHECK(check.json().at("redeemed") == false);
    CHECK(check.json().at("date").get<std::string>().size() == 10);

    auto first = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", code}});
    REQUIRE(first.status == 200);
    CHECK(first.json().at("screen") == "kiosk-1");
    CHECK(first.json().at("redeemed_by") == "editor");
    CHECK(first.json().at("date") == check.json().at("date"));
    auto second = staff.reviewer.post("/api/v1/quiz/claims/redeem", {{"code", code}});
    CHECK(second.status == 409);
    CHECK(error_code(second) == "already_redeemed");
    CHECK(second.json().at("error").at("redeemed_by") == "editor");
    CHECK(second.json().at("error").at("redeemed_at") == first.json().at("redeemed_at"));
    auto after = staff.editor.post("/api/v1/quiz/claims/check", {{"code", code}});
    CHECK(after.json().at("redeemed") == true);
    CHECK(after.json().at("redeemed_by") == "editor");

    // Another serial the same day is another prize.
    CHECK(staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", claim_for(device, today, 4)}})
              .status == 200);

    // Signed with another key under this screen's key id: forged.
    const auto keys = signage::protocol::derive_claim_keys(device);
    const auto other = signage::protocol::derive_claim_keys("someone-else");
    const std::string forged = signage::protocol::make_claim_code(
        {signage::protocol::claim_key_id(keys.public_key), today, 5}, other.secret_key);
    auto f = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", forged}});
    CHECK(f.status == 403);
    CHECK(error_code(f) == "forged");
    // A key id no screen has.
    auto unknown = staff.editor.post("/api/v1/quiz/claims/check",
                                     {{"code", claim_for("never-registered", today, 1)}});
    CHECK(unknown.status == 403);
    CHECK(error_code(unknown) == "forged");
    // One character changed: malformed or forged, never accepted.
    const std::string fresh = claim_for(device, today, 6);
    for (std::size_t pos : {5u, 20u, 60u, 105u}) {
        std::string altered = fresh;
        altered[pos] = altered[pos] == 'A' ? 'B' : 'A';
        auto r = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", altered}});
        INFO("position " << pos << ": " << r.body);
        CHECK((r.status == 400 || r.status == 403));
    }
    // Malformed.
    auto malformed = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", "CS1-hello"}});
    CHECK(malformed.status == 400);
    CHECK(error_field(malformed) == "code");
    CHECK(error_field(staff.editor.post("/api/v1/quiz/claims/redeem", json::object())) == "code");
    // Dated after tomorrow (UTC): refused; tomorrow is fine (screens east of UTC).
    CHECK(
        staff.editor.post("/api/v1/quiz/claims/check", {{"code", claim_for(device, today + 2, 1)}})
            .status == 403);
    CHECK(
        staff.editor.post("/api/v1/quiz/claims/check", {{"code", claim_for(device, today + 1, 1)}})
            .status == 200);
    // Staff only.
    CHECK(
        staff.server.client(device).post("/api/v1/quiz/claims/redeem", {{"code", fresh}}).status ==
        403);
    CHECK(staff.server.client().post("/api/v1/quiz/claims/check", {{"code", fresh}}).status == 401);
}

// The short code a screen with this token makes for prize `serial` of `day`.
std::string short_claim_for(const std::string& device_token, int day, int serial) {
    const auto keys = signage::protocol::derive_claim_keys(device_token);
    return signage::protocol::make_short_claim_code(day, serial, keys.public_key);
}

TEST_CASE("quiz: a short prize code redeems once, typed any way, and forged ones are refused",
          "[server][quiz][claims]") {
    Staff staff;
    const std::string device = staff.server.add_screen("kiosk-s", "town");
    staff.server.add_screen("kiosk-t", "town");  // another screen, another tag
    const int today = today_day();
    const std::string code = short_claim_for(device, today, 3);
    REQUIRE(code.size() == 12);

    // As read out: grouped, in lower case, with O typed for 0.
    std::string typed = signage::protocol::group_claim_code(code);
    for (char& c : typed) {
        c = c == '0' ? 'o' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto check = staff.editor.post("/api/v1/quiz/claims/check", {{"code", typed}});
    INFO(check.body);
    REQUIRE(check.status == 200);
    CHECK(check.json().at("screen") == "kiosk-s");
    CHECK(check.json().at("serial") == 3);
    CHECK(check.json().at("redeemed") == false);

    auto first = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", code}});
    REQUIRE(first.status == 200);
    CHECK(first.json().at("screen") == "kiosk-s");
    CHECK(first.json().at("redeemed_by") == "editor");
    auto second = staff.reviewer.post("/api/v1/quiz/claims/redeem", {{"code", typed}});
    CHECK(second.status == 409);
    CHECK(error_code(second) == "already_redeemed");
    CHECK(second.json().at("error").at("message").get<std::string>().find("already handed out") !=
          std::string::npos);
    CHECK(second.json().at("error").at("redeemed_by") == "editor");

    // Yesterday's code of the same serial is another prize; codes from a
    // screen east of UTC may carry tomorrow's date.
    CHECK(staff.editor
              .post("/api/v1/quiz/claims/redeem", {{"code", short_claim_for(device, today - 1, 3)}})
              .status == 200);
    CHECK(staff.editor
              .post("/api/v1/quiz/claims/check", {{"code", short_claim_for(device, today + 1, 3)}})
              .status == 200);
    // Too old: refused, saying so.
    auto old = staff.editor.post("/api/v1/quiz/claims/check",
                                 {{"code", short_claim_for(device, today - 9, 3)}});
    CHECK(old.status == 403);
    CHECK(error_field(old) == "code");
    CHECK(old.json().at("error").at("message").get<std::string>().find("expired") !=
          std::string::npos);

    // Forged: one character changed, and a code from a screen never registered.
    const std::string fresh = short_claim_for(device, today, 4);
    std::string altered = fresh;
    altered[11] = altered[11] == 'Z' ? 'Y' : 'Z';
    for (const std::string& bad : {altered, short_claim_for("never-registered", today, 1)}) {
        auto r = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", bad}});
        INFO(bad << ": " << r.body);
        CHECK(r.status == 403);
        CHECK(error_code(r) == "forged");
        CHECK(error_field(r) == "code");
    }
    // Malformed: the length or the character is named.
    auto short_one = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", code.substr(1)}});
    CHECK(short_one.status == 400);
    CHECK(error_field(short_one) == "code");
    auto letter_u =
        staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", code.substr(0, 11) + "U"}});
    CHECK(letter_u.status == 400);
    CHECK(letter_u.json().at("error").at("message").get<std::string>().find("U") !=
          std::string::npos);
    // The genuine one still redeems after those tries.
    CHECK(staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", fresh}}).status == 200);
}

// The error's reason and its parameters ("" / null when absent).
std::string error_reason(const HttpResponse& res) {
    const json e = res.json().value("error", json::object());
    return e.value("reason", std::string());
}

TEST_CASE("quiz: a revoked screen's prize codes are refused by name, its new key's codes redeem",
          "[server][quiz][claims][revoke]") {
    Staff staff;
    const std::string device = staff.server.add_screen("kiosk-r", "town");
    const std::string id = staff.screen_id("kiosk-r");
    const int today = today_day();
    // Codes the screen made before it was revoked: genuine until then.
    const std::string short_code = short_claim_for(device, today, 1);
    const std::string long_code = claim_for(device, today, 2);
    const std::string redeemed = short_claim_for(device, today, 3);
    REQUIRE(staff.editor.post("/api/v1/quiz/claims/check", {{"code", short_code}}).status == 200);
    REQUIRE(staff.editor.post("/api/v1/quiz/claims/check", {{"code", long_code}}).status == 200);
    REQUIRE(staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", redeemed}}).status == 200);

    REQUIRE(staff.admin.post("/api/v1/screens/" + id + "/revoke").status == 200);
    for (const std::string& code : {short_code, long_code, redeemed}) {
        for (const char* route : {"/api/v1/quiz/claims/check", "/api/v1/quiz/claims/redeem"}) {
            auto r = staff.editor.post(route, {{"code", code}});
            INFO(route << " " << code << ": " << r.body);
            CHECK(r.status == 403);
            CHECK(error_code(r) == "forbidden");
            CHECK(error_field(r) == "code");
            CHECK(error_reason(r) == "revoked");
            CHECK(r.json().at("error").at("params").at("screen") == "kiosk-r");
            CHECK(r.json().at("error").at("message").get<std::string>().find("revoked") !=
                  std::string::npos);
        }
    }
    // Nothing was redeemed by those tries.
    CHECK(staff.admin.get("/api/v1/audit?object_type=prize_claim").json().at("entries").size() ==
          1);

    // Paired again: a new token, a new key; its codes redeem, the old ones stay refused.
    auto anonymous = staff.server.client();
    auto p = anonymous.post("/api/v1/player/pair", {{"name_hint", "kiosk-r"}});
    REQUIRE(p.status == 201);
    auto paired =
        staff.admin.post("/api/v1/screens/pair",
                         {{"code", p.json().at("code")}, {"name", "kiosk-r"}, {"group", "town"}});
    REQUIRE(paired.status == 201);
    auto collected =
        anonymous.get("/api/v1/player/pair/" + p.json().at("pairing_id").get<std::string>());
    REQUIRE(collected.status == 200);
    const std::string token = collected.json().at("token");
    for (const std::string& code : {short_claim_for(token, today, 1), claim_for(token, today, 2)}) {
        auto r = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", code}});
        INFO(r.body);
        CHECK(r.status == 200);
        CHECK(r.json().at("screen") == "kiosk-r");
    }
    CHECK(error_reason(staff.editor.post("/api/v1/quiz/claims/check", {{"code", short_code}})) ==
          "revoked");
    CHECK(error_reason(staff.editor.post("/api/v1/quiz/claims/check", {{"code", long_code}})) ==
          "revoked");
    // Revoked again: the second key is retired too.
    REQUIRE(staff.admin.post("/api/v1/screens/" + id + "/revoke").status == 200);
    CHECK(error_reason(staff.editor.post("/api/v1/quiz/claims/check",
                                         {{"code", short_claim_for(token, today, 4)}})) ==
          "revoked");
}

TEST_CASE(
    "quiz: a prize code over its group's daily limit, or older than the code days, is refused",
    "[server][quiz][claims]") {
    Staff staff;
    const std::string device = staff.server.add_screen("kiosk-l", "town");
    const int today = today_day();
    REQUIRE(staff.admin
                .put("/api/v1/groups/town", {{"settings", {{"quiz", {{"daily_prize_limit", 5}}}}}})
                .status == 200);
    // Serial 5 is the day's last prize; 6 and far above were never issued.
    CHECK(staff.editor
              .post("/api/v1/quiz/claims/redeem", {{"code", short_claim_for(device, today, 5)}})
              .status == 200);
    for (const std::string& code :
         {short_claim_for(device, today, 6), claim_for(device, today, 6),
          short_claim_for(device, today, signage::protocol::kMaxClaimSerial),
          claim_for(device, today, 60000)}) {
        for (const char* route : {"/api/v1/quiz/claims/check", "/api/v1/quiz/claims/redeem"}) {
            auto r = staff.editor.post(route, {{"code", code}});
            INFO(route << " " << code << ": " << r.body);
            CHECK(r.status == 403);
            CHECK(error_field(r) == "code");
            CHECK(error_reason(r) == "over_limit");
            CHECK(r.json().at("error").at("params").at("limit") == 5);
        }
    }
    // By default codes last 3 days: from three days back, not four, and a
    // long code dated a year back is refused.
    CHECK(staff.editor
              .post("/api/v1/quiz/claims/redeem", {{"code", short_claim_for(device, today - 3, 1)}})
              .status == 200);
    CHECK(
        staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", claim_for(device, today - 3, 2)}})
            .status == 200);
    for (const std::string& code :
         {short_claim_for(device, today - 4, 1), claim_for(device, today - 4, 1),
          claim_for(device, today - 365, 1)}) {
        auto r = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", code}});
        INFO(code << ": " << r.body);
        CHECK(r.status == 403);
        CHECK(error_field(r) == "code");
        CHECK(error_reason(r) == "expired");
        CHECK(r.json().at("error").at("params").at("days") == 3);
    }

    // The server setting: --prize-code-days 5 honours four days back.
    ServerOptions longer;
    longer.args = {"--prize-code-days", "5"};
    Staff five(longer);
    const std::string other = five.server.add_screen("kiosk-5", "town");
    CHECK(five.editor
              .post("/api/v1/quiz/claims/redeem", {{"code", short_claim_for(other, today - 4, 1)}})
              .status == 200);
    auto old =
        five.editor.post("/api/v1/quiz/claims/redeem", {{"code", claim_for(other, today - 6, 1)}});
    CHECK(error_reason(old) == "expired");
    CHECK(old.json().at("error").at("params").at("days") == 5);
    // Out of range: the server does not start.
    CHECK(ServerFixture::run_cli({"--data", five.server.data_dir().string(), "--listen",
                                  "127.0.0.1:0", "--prize-code-days", "7"})
              .status == 2);
}

TEST_CASE("quiz: wrong prize codes are limited per account and per address with a 429",
          "[server][quiz][claims]") {
    Staff staff;
    const std::string device = staff.server.add_screen("kiosk-l", "town");
    const int today = today_day();
    const auto forged = [&](int serial) {
        std::string c = short_claim_for(device, today, serial);
        c[11] = c[11] == 'Z' ? 'Y' : 'Z';
        return c;
    };
    constexpr int kMax = 10;  // QuizService::kMaxWrongCodes
    for (int i = 0; i < kMax; ++i) {
        auto r = staff.editor.post("/api/v1/quiz/claims/check", {{"code", forged(i + 1)}});
        REQUIRE(r.status == 403);
    }
    // The account has used its tries: even a genuine code waits.
    const std::string genuine = short_claim_for(device, today, 50);
    auto limited = staff.editor.post("/api/v1/quiz/claims/redeem", {{"code", genuine}});
    INFO(limited.body);
    CHECK(limited.status == 429);
    CHECK(error_code(limited) == "too_many_requests");
    CHECK(error_field(limited) == "account");
    CHECK(std::stoi(limited.header("Retry-After")) > 0);
    // Nothing was redeemed: another account at another address sees it unused.
    HttpClient check = staff.server.client(staff.reviewer.token());
    check.set_local_address("127.0.0.2");
    auto still = check.post("/api/v1/quiz/claims/check", {{"code", genuine}});
    CHECK(still.status == 200);
    CHECK(still.json().at("redeemed") == false);

    // From one address, whichever account: reviewer uses up 127.0.0.3's tries.
    HttpClient reviewer3 = staff.server.client(staff.reviewer.token());
    reviewer3.set_local_address("127.0.0.3");
    for (int i = 0; i < kMax; ++i) {
        CHECK(reviewer3.post("/api/v1/quiz/claims/check", {{"code", forged(100 + i)}}).status ==
              403);
    }
    HttpClient admin3 = staff.server.client(staff.admin.token());
    admin3.set_local_address("127.0.0.3");
    auto by_address = admin3.post("/api/v1/quiz/claims/redeem", {{"code", genuine}});
    CHECK(by_address.status == 429);
    CHECK(error_field(by_address) == "address");
    // The admin elsewhere redeems it.
    HttpClient admin4 = staff.server.client(staff.admin.token());
    admin4.set_local_address("127.0.0.4");
    CHECK(admin4.post("/api/v1/quiz/claims/redeem", {{"code", genuine}}).status == 200);
}

TEST_CASE("quiz: of two desks redeeming one code at once, exactly one succeeds",
          "[server][quiz][claims]") {
    // Each redeem that passed the check waits there 300 ms, so both desks are
    // past the check before either stores: the store alone must decide.
    ServerOptions options;
    options.env = {{"SIGNAGE_FAULT_PAUSE", "quiz.redeem.after_check:300"}};
    Staff staff(options);
    const std::string device = staff.server.add_screen("kiosk-2", "town");
    constexpr int kRounds = 12;
    std::vector<std::string> codes;
    for (int serial = 1; serial <= kRounds; ++serial) {
        codes.push_back(claim_for(device, today_day(), serial));
    }
    // Each desk on its own thread and keep-alive connection, opened (warmed)
    // before each round, so the two redeems leave together from the barrier
    // instead of one waiting on a connect. Catch's checks stay on this thread.
    struct Round {
        long warm = 0;
        long status = 0;
    };
    std::vector<Round> rounds[2] = {std::vector<Round>(kRounds), std::vector<Round>(kRounds)};
    std::barrier start(2);
    auto desk = [&](int who, const std::string& token) {
        HttpClient client = staff.server.client(token);
        for (int r = 0; r < kRounds; ++r) {
            rounds[who][static_cast<std::size_t>(r)].warm = client.get("/api/v1/auth/me").status;
            start.arrive_and_wait();
            rounds[who][static_cast<std::size_t>(r)].status =
                client
                    .post("/api/v1/quiz/claims/redeem",
                          {{"code", codes[static_cast<std::size_t>(r)]}})
                    .status;
        }
    };
    std::thread a(desk, 0, staff.editor.token());
    std::thread b(desk, 1, staff.reviewer.token());
    a.join();
    b.join();
    for (std::size_t r = 0; r < kRounds; ++r) {
        INFO("round " << r);
        CHECK(rounds[0][r].warm == 200);
        CHECK(rounds[1][r].warm == 200);
        std::vector<long> statuses{rounds[0][r].status, rounds[1][r].status};
        std::sort(statuses.begin(), statuses.end());
        CHECK(statuses == std::vector<long>{200, 409});
    }
    // Both desks were past the check together in every round.
    const std::string out = staff.server.process().output();
    std::size_t paused = 0;
    for (auto at = out.find("fault: paused at quiz.redeem.after_check\n"); at != std::string::npos;
         at = out.find("fault: paused at quiz.redeem.after_check\n", at + 1)) {
        ++paused;
    }
    CHECK(paused == 2 * kRounds);
}

TEST_CASE("quiz: a screen registered before claim keys gets its key when it next asks",
          "[server][quiz][claims]") {
    Staff staff;
    const std::string device = staff.server.add_screen("old-kiosk", "town");
    const std::string code = claim_for(device, today_day(), 1);
    REQUIRE(staff.server.stop() == 0);
    staff.server.query("UPDATE screens SET claim_public_key = NULL, claim_key_id = NULL");
    staff.server.start();
    staff.editor = staff.server.client(staff.editor.token());
    CHECK(staff.editor.post("/api/v1/quiz/claims/check", {{"code", code}}).status == 403);
    HttpClient screen = staff.server.client(device);
    REQUIRE(screen.get("/api/v1/player/manifest").status == 200);
    CHECK(staff.editor.post("/api/v1/quiz/claims/check", {{"code", code}}).status == 200);
}

TEST_CASE("quiz: screens report rounds once each, and staff see the figures",
          "[server][quiz][results]") {
    Staff staff;
    const std::string gate = staff.server.add_screen("gate", "town");
    const std::string hall = staff.server.add_screen("hall", "town");
    const std::string q1 = approved_question(staff, quiz_question("第一题"));
    const std::string q2 = approved_question(staff, quiz_question("第二题", "交通文明"));
    HttpClient g = staff.server.client(gate);
    HttpClient h = staff.server.client(hall);

    const json batch = {{"rounds",
                         {quiz_round("round-gate-1", {{q1, true}, {q2, false}}, false),
                          quiz_round("round-gate-2", {{q1, true}, {q2, true}}, true)}}};
    auto first = g.post("/api/v1/player/quiz-results", batch);
    INFO(first.body);
    REQUIRE(first.status == 200);
    CHECK(first.json() == json{{"accepted", 2}, {"duplicates", 0}});
    // A retry counts nothing twice.
    CHECK(g.post("/api/v1/player/quiz-results", batch).json() ==
          json{{"accepted", 0}, {"duplicates", 2}});
    // The same round id from another screen is another round.
    auto other =
        h.post("/api/v1/player/quiz-results",
               {{"rounds",
                 {quiz_round("round-gate-1", {{q2, false}}, false, "2026-11-21T01:00:00+08:00")}}});
    CHECK(other.json() == json{{"accepted", 1}, {"duplicates", 0}});

    // Errors name the round's field; too many rounds are refused.
    json bad = batch;
    bad["rounds"][1]["score"] = 0;
    auto refused = g.post("/api/v1/player/quiz-results", bad);
    CHECK(refused.status == 400);
    CHECK(error_field(refused) == "rounds[1].score");
    json many = {{"rounds", json::array()}};
    for (int i = 0; i < 101; ++i) {
        many["rounds"].push_back(quiz_round("many-round-" + std::to_string(i), {{q1, true}}, true));
    }
    CHECK(error_field(g.post("/api/v1/player/quiz-results", many)) == "rounds");
    CHECK(staff.editor.post("/api/v1/player/quiz-results", batch).status == 403);

    auto stats = staff.reviewer.get("/api/v1/quiz/stats");
    REQUIRE(stats.status == 200);
    const json s = stats.json();
    REQUIRE(s.at("questions").size() == 2);
    // q2: 1 right of 3; q1: 2 of 2. Worst first.
    CHECK(s.at("questions")[0].at("id") == q2);
    CHECK(s.at("questions")[0].at("category") == "交通文明");
    CHECK(s.at("questions")[0].at("attempts") == 3);
    CHECK(s.at("questions")[0].at("correct") == 1);
    CHECK(s.at("questions")[0].at("correct_rate").get<double>() == Approx(1.0 / 3));
    CHECK(s.at("questions")[1].at("id") == q1);
    CHECK(s.at("questions")[1].at("question") == "第一题");
    CHECK(s.at("questions")[1].at("correct_rate") == 1.0);
    // Rounds per screen and UTC date (+08:00 01:00 is the day before in UTC).
    CHECK(
        s.at("rounds") ==
        json::array({{{"screen", "gate"}, {"date", "2026-11-20"}, {"rounds", 2}, {"passed", 1}},
                     {{"screen", "hall"}, {"date", "2026-11-20"}, {"rounds", 1}, {"passed", 0}}}));

    auto none = staff.reviewer.get("/api/v1/quiz/stats?from=2026-11-21&to=2026-11-30").json();
    CHECK(none.at("questions").empty());
    CHECK(none.at("rounds").empty());
    CHECK(error_field(staff.reviewer.get("/api/v1/quiz/stats?from=yesterday")) == "from");
}

TEST_CASE("quiz: the CSV export writes formula-like text as text and imports back the same",
          "[server][quiz][csv]") {
    Staff staff;
    // Text staff (or an imported file) wrote that a spreadsheet would evaluate.
    json bank = json::array();
    bank.push_back(
        {{"type", "single"},
         {"question", "=cmd|' /C calc'!A0"},
         {"options", {"=HYPERLINK(\"http://x.example\",\"点\")", "+1", "-5", "@SUM(A1)"}},
         {"answers", {2}},
         {"explanation",
          "\xEF\xBC\x9D"
          "1+1"},  // full-width ＝
         {"category", "-分类"}});
    bank.push_back({{"type", "multiple"},
                    {"question", "'=already an apostrophe"},
                    {"options",
                     {"\xEF\xBC\x8B"
                      "甲",
                      "\xEF\xBC\x8D"
                      "乙",
                      "\xEF\xBC\xA0"
                      "丙",
                      "'丁'"}},
                    {"answers", {0, 3}},
                    {"explanation", "''-two apostrophes"},
                    {"category", "普通"}});
    auto imported = import_body(staff.editor, bank.dump(), "application/json");
    INFO(imported.body);
    REQUIRE(imported.status == 201);

    auto csv = staff.editor.get("/api/v1/quiz/export?format=csv");
    REQUIRE(csv.status == 200);
    REQUIRE(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
    const auto rows = parse_csv(csv.body.substr(3));
    REQUIRE(rows.size() == 3);
    for (const auto& row : rows) {
        for (const std::string& cell : row) {
            INFO(cell);
            CHECK_FALSE(signage::csv::starts_like_formula(cell));
        }
    }
    CHECK(rows[1][1] == "'=cmd|' /C calc'!A0");
    CHECK(rows[1][4] == "'-5");

    // Imported again: exactly the same questions (the apostrophes go again).
    const auto before = staff.editor.get("/api/v1/quiz/export?format=json").json();
    auto again = import_body(staff.editor, csv.body, "text/csv");
    INFO(again.body);
    REQUIRE(again.status == 201);
    auto all = staff.editor.get("/api/v1/quiz/export?format=json").json();
    REQUIRE(all.size() == 4);
    for (std::size_t i = 0; i < 2; ++i) {
        json a = before[i];
        json b = all[2 + i];
        a.erase("id");
        b.erase("id");
        CHECK(a == b);
    }
}
