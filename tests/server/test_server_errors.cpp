// Errors a client can word for its user: each refused input names its field,
// the rule it broke (reason) and the rule's numbers (params), and the
// console has words for every reason and code in both its languages.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/error_code.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

json error_of(const HttpResponse& res) {
    return json::parse(res.body)["error"];
}

// The number of times `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("errors: a refused slide names its field, the rule and the rule's limits",
          "[server][errors]") {
    Staff staff;

    json slide = text_slide("限时通知");
    slide["purpose"] = "notice";
    slide["duration_s"] = 99999;
    auto res = staff.editor.post("/api/v1/slides", slide);
    REQUIRE(res.status == 400);
    auto e = error_of(res);
    CHECK(e["field"] == "duration_s");
    CHECK(e["reason"] == "range");
    CHECK(e["params"] == json{{"min", 1}, {"max", 3600}, {"unit", "seconds"}});

    slide["duration_s"] = 10;
    slide["valid_from"] = "2026-09-02";
    slide["valid_until"] = "2026-09-01";
    e = error_of(staff.editor.post("/api/v1/slides", slide));
    CHECK(e["field"] == "valid_until");
    CHECK(e["reason"] == "not_after");
    CHECK(e["params"]["other"] == "valid_from");

    slide.erase("valid_from");
    slide.erase("valid_until");
    slide["title"] = std::string(200, 'x');
    e = error_of(staff.editor.post("/api/v1/slides", slide));
    CHECK(e["field"] == "title");
    CHECK(e["reason"] == "too_long");
    CHECK(e["params"]["unit"] == "chars");
    CHECK(e["params"]["max"].is_number_integer());

    slide["title"] = "限时通知";
    slide["schedule"] = {{"dayparts", {{{"from", "8点"}, {"to", "10:00"}}}}};
    e = error_of(staff.editor.post("/api/v1/slides", slide));
    CHECK(e["field"] == "schedule.dayparts[0].from");
    CHECK(e["reason"] == "format");
    CHECK(e["params"]["format"] == "time");

    slide.erase("schedule");
    slide["groups"] = {"不存在的分组"};
    res = staff.editor.post("/api/v1/slides", slide);
    CHECK(res.status == 422);
    e = error_of(res);
    CHECK(e["field"] == "groups[0]");
    CHECK(e["reason"] == "unknown_group");
    CHECK(e["params"]["name"] == "不存在的分组");

    // Nothing was stored by any of them.
    CHECK(json::parse(staff.editor.get("/api/v1/slides").body)["slides"].empty());
}

TEST_CASE("errors: review and account errors carry their reason", "[server][errors]") {
    Staff staff;
    json slide = text_slide("文明出行");
    slide["purpose"] = "public_service";
    const auto id =
        json::parse(staff.editor.post("/api/v1/slides", slide).body)["id"].get<std::string>();
    REQUIRE(staff.editor.post("/api/v1/slides/" + id + "/submit", json::object()).status == 200);

    auto e = error_of(staff.reviewer.post("/api/v1/slides/" + id + "/approve",
                                          json{{"revision", "000000000000"}}));
    CHECK(e["reason"] == "stale");
    CHECK(e["params"]["revision"].get<std::string>().size() == 12);

    e = error_of(staff.reviewer.post("/api/v1/slides/" + id + "/reject", json{{"reason", " "}}));
    CHECK(e["field"] == "reason");
    CHECK(e["reason"] == "required");

    e = error_of(staff.admin.post(
        "/api/v1/users",
        json{{"username", "new-editor"}, {"password", "short"}, {"role", "editor"}}));
    CHECK(e["field"] == "password");
    CHECK(e["reason"] == "weak_password");
    CHECK(e["params"]["min"] == 10);
}

TEST_CASE("errors: every row of a refused quiz import carries its reason", "[server][errors]") {
    Staff staff;
    const std::string csv =
        "type,question,option_a,option_b,answer\n"
        "single,过马路应该走哪里？,人行横道,机动车道,X\n"
        "single,,对,错,A\n";
    auto res = staff.editor.request("POST", "/api/v1/quiz/import", csv,
                                    {{"Content-Type", "text/csv; charset=utf-8"}});
    REQUIRE(res.status == 422);
    const auto rows = error_of(res)["rows"];
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["row"] == 2);
    CHECK(rows[0]["column"] == "answer");
    CHECK(rows[0]["reason"] == "format");
    CHECK(rows[0]["params"]["format"] == "answer_letters");
    CHECK(rows[1]["row"] == 3);
    CHECK(rows[1]["column"] == "question");
    CHECK(rows[1]["reason"] == "required");
}

TEST_CASE("errors: the console has words for every reason and code, in Chinese and English",
          "[server][errors]") {
    ServerFixture server;
    auto res = server.client().get("/i18n.js");
    REQUIRE(res.status == 200);
    const std::string& words = res.body;
    for (const std::string_view name : signage::error_reason_names()) {
        INFO("reason " << name);
        // reason.NAME, or its variants reason.NAME.VARIANT: each in both tables.
        const std::string key = "'reason." + std::string(name);
        CHECK(count_of(words, key + "'") + count_of(words, key + ".") >= 2);
        CHECK(count_of(words, key + "'") % 2 == 0);
    }
    for (int i = 0; i < signage::kErrorCodeCount; ++i) {
        const auto code = static_cast<signage::ErrorCode>(i);
        if (signage::error_code_status(code) >= 500 && code != signage::ErrorCode::internal &&
            code != signage::ErrorCode::unavailable && code != signage::ErrorCode::timeout) {
            continue;  // client-side codes never reach the console
        }
        INFO("code " << signage::error_code_name(code));
        CHECK(count_of(words, "'code." + std::string(signage::error_code_name(code)) + "'") == 2);
    }
}

TEST_CASE(
    "errors: JSON nested too deep is refused before anything walks it, and the server goes on",
    "[server][errors]") {
    Staff staff;
    const std::string deep(140'000, '[');
    auto quiz = staff.editor.request("POST", "/api/v1/quiz/import", deep,
                                     {{"Content-Type", "application/json"}});
    REQUIRE(quiz.status == 400);
    auto e = error_of(quiz);
    CHECK(e["field"] == "body");
    CHECK(e["reason"] == "too_deep");
    CHECK(e["params"]["max"] == 64);

    // Any JSON body: a slide nested one level past the limit inside a string
    // is fine (strings are skipped), 65 levels of arrays are not.
    const std::string nested = std::string(65, '[') + std::string(65, ']');
    auto slide = staff.editor.request("POST", "/api/v1/slides", nested,
                                      {{"Content-Type", "application/json"}});
    CHECK(slide.status == 400);
    CHECK(error_of(slide)["reason"] == "too_deep");
    json quoted = text_slide(std::string(100, '['));
    quoted["purpose"] = "notice";
    CHECK(staff.editor.post("/api/v1/slides", quoted).status == 201);

    // The server is still there.
    CHECK(staff.editor.get("/api/v1/slides").status == 200);
}
