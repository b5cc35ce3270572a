// GET /api/v1/slide-types: the slide type descriptors the console builds its
// editors from, over real HTTP against the real server.
#include <catch2/catch.hpp>

#include "protocol/slide.hpp"
#include "protocol/slide_types.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;
using signage::protocol::SlideLimits;

namespace {

json named(const json& list, const std::string& name) {
    for (const auto& x : list) {
        if (x.at("name") == name) return x;
    }
    FAIL("no entry named " << name);
    return nullptr;
}

}  // namespace

TEST_CASE("server: the slide types are served with their fields, kinds, limits and labels",
          "[server][slides]") {
    Staff staff;
    auto res = staff.editor.get("/api/v1/slide-types");
    REQUIRE(res.status == 200);
    const json body = res.json();
    CHECK(body == signage::protocol::slide_types_json());

    // Every type of the protocol, in its order, with labels in both languages.
    const json& types = body.at("types");
    std::vector<std::string> names;
    for (const auto& t : types) names.push_back(t.at("name"));
    CHECK(names == std::vector<std::string>{"text", "image", "video", "core_values", "honor_roll",
                                            "red_black", "notice", "emergency"});
    const json text = named(types, "text");
    CHECK(text.at("label") == json{{"zh-CN", "文字"}, {"en", "Text"}});
    const json text_body = named(text.at("fields"), "body");
    CHECK(text_body.at("kind") == "multiline_text");
    CHECK(text_body.at("max_chars") == SlideLimits::body_chars);
    CHECK(text_body.at("required") == false);

    // The common fields: a text slide's title limit is the protocol's.
    const json title = named(body.at("common_fields"), "title");
    CHECK(title.at("max_chars") == SlideLimits::title_chars);
    CHECK(title.at("label").at("zh-CN") == "标题");
    const json duration = named(body.at("common_fields"), "duration_s");
    CHECK(duration.at("min") == SlideLimits::min_duration_s);
    CHECK(duration.at("max") == SlideLimits::max_duration_s);

    const json notice = named(types, "notice");
    CHECK(notice.at("in_rotation") == false);
    const json notice_body = named(notice.at("fields"), "body");
    CHECK(notice_body.at("kind") == "text");
    CHECK(notice_body.at("required") == true);
    CHECK(notice_body.at("max_chars") == SlideLimits::notice_chars);

    const json entries = named(named(types, "honor_roll").at("fields"), "entries");
    CHECK(entries.at("kind") == "entries");
    CHECK(entries.at("min_entries") == 1);
    CHECK(entries.at("max_entries") == SlideLimits::max_entries);
    CHECK(named(entries.at("entry_fields"), "photo").at("kind") == "media");
    CHECK(named(entries.at("entry_fields"), "deed").at("max_chars") == SlideLimits::deed_chars);
    CHECK(named(entries.at("entry_fields"), "name").at("label") ==
          json{{"zh-CN", "姓名"}, {"en", "Name"}});

    const json fit = named(named(types, "image").at("fields"), "fit");
    CHECK(fit.at("kind") == "choice");
    CHECK(fit.at("default") == "contain");
    CHECK(fit.at("choices").size() == 2);

    // Every staff role reads them; nobody else.
    CHECK(staff.reviewer.get("/api/v1/slide-types").status == 200);
    CHECK(staff.admin.get("/api/v1/slide-types").status == 200);
    HttpClient anonymous(staff.editor.base_url());
    auto refused = anonymous.get("/api/v1/slide-types");
    CHECK(refused.status == 401);
    CHECK(refused.json().at("error").at("code") == "unauthenticated");
}
