// What each group's manifest holds: targeted slides, their media only, the
// group's settings, every slide type; and which screens a publish wakes.
// Over real HTTP against the real server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace protocol = signage::protocol;

namespace {

std::vector<std::string> titles(const protocol::Manifest& m) {
    std::vector<std::string> out;
    for (const auto& item : m.items) out.push_back(item.title);
    return out;
}

std::set<std::string> media_of(const protocol::Manifest& m) {
    std::set<std::string> out;
    for (const auto& ref : m.media) out.insert(ref.sha256);
    return out;
}

// Uploads a generated PNG as the editor: its sha256.
std::string upload(Staff& staff, int seed) {
    const std::string png = make_png(24, 24, seed);
    auto res = staff.editor.put_bytes("/api/v1/media", png);
    REQUIRE((res.status == 201 || res.status == 200));
    return signage::sha256_hex(png);
}

// The slide without the server's fields, as protocol JSON (for comparing
// what was written with what a screen gets).
json slide_content(const json& slide) {
    protocol::SlideParseOptions lenient;
    lenient.reject_unknown_fields = false;
    auto parsed = protocol::parse_slide(slide, lenient);
    REQUIRE(parsed.ok());
    parsed->id.clear();
    return protocol::to_json(*parsed);
}

}  // namespace

TEST_CASE("server: each group's manifest has the slides for it and only their media",
          "[server][publish][groups]") {
    Staff staff;
    auto east = staff.server.client(staff.server.add_screen("east-gate", "east"));
    auto west = staff.server.client(staff.server.add_screen("west-gate", "west"));
    REQUIRE(
        staff.admin
            .put("/api/v1/groups/east",
                 {{"settings",
                   {{"unit_name", "东区社区"}, {"slogan", "文明东区"}, {"min_public_share", 0.5}}}})
            .status == 200);

    const std::string everywhere_image = upload(staff, 1);
    const std::string east_image = upload(staff, 2);
    const std::string east_background = upload(staff, 3);
    const std::string west_photo = upload(staff, 4);

    staff.approved_slide({{"type", "image"}, {"title", "全部"}, {"media", everywhere_image}});
    staff.approved_slide(
        {{"type", "image"}, {"title", "东区图片"}, {"media", east_image}, {"groups", {"east"}}});
    staff.approved_slide({{"type", "text"},
                          {"title", "东区文字"},
                          {"body", "东区通知。"},
                          {"background", {{"media", east_background}}},
                          {"groups", {"east"}}});
    staff.approved_slide({{"type", "honor_roll"},
                          {"title", "西区好人榜"},
                          {"entries", {{{"name", "王秀兰"}, {"photo", west_photo}}}},
                          {"groups", {"west"}}});
    staff.approved_slide({{"type", "notice"},
                          {"title", "两区通知"},
                          {"body", "本周六上午社区义诊。"},
                          {"groups", {"west", "east"}}});
    staff.editor.post("/api/v1/slides", text_slide("未审核"));  // never approved
    const json published = staff.publish();
    REQUIRE(published.at("groups").size() == 2);

    const auto e = fetch_manifest(east);
    CHECK(e.group == "east");
    CHECK(titles(e) == std::vector<std::string>{"全部", "东区图片", "东区文字", "两区通知"});
    CHECK(media_of(e) == std::set<std::string>{everywhere_image, east_image, east_background});
    CHECK(e.settings.unit_name == "东区社区");
    CHECK(e.settings.min_public_share == Approx(0.5));

    const auto w = fetch_manifest(west);
    CHECK(w.group == "west");
    CHECK(titles(w) == std::vector<std::string>{"全部", "西区好人榜", "两区通知"});
    CHECK(media_of(w) == std::set<std::string>{everywhere_image, west_photo});
    CHECK(w.settings == protocol::GroupSettings{});
    CHECK(e.version != w.version);
}

TEST_CASE("server: a publish that changes only one group wakes only that group's screens",
          "[server][publish][groups][longpoll]") {
    Staff staff;
    const std::string east_device = staff.server.add_screen("east-gate", "east");
    const std::string west_device = staff.server.add_screen("west-gate", "west");
    staff.approved_slide(text_slide("文明出行"));
    staff.publish();
    const std::string east_version =
        unquote(staff.server.client(east_device).get("/api/v1/player/manifest").header("etag"));
    const std::string west_version =
        unquote(staff.server.client(west_device).get("/api/v1/player/manifest").header("etag"));

    staff.approved_slide({{"type", "text"},
                          {"title", "东区停水通知"},
                          {"body", "11月26日9:00至16:00停水。"},
                          {"groups", {"east"}}});
    auto east_poll = start_poll(staff.server.url(), east_device, east_version, 30);
    auto west_poll = start_poll(staff.server.url(), west_device, west_version, 3);
    // Both screens are held by the server, and neither is answered yet.
    REQUIRE(wait_for_waiting(staff.admin, "east-gate"));
    REQUIRE(wait_for_waiting(staff.admin, "west-gate"));
    REQUIRE(east_poll.wait_for(0s) == std::future_status::timeout);

    const json published = staff.publish();
    const auto published_at = Clock::now();
    for (const auto& g : published.at("groups")) {
        INFO(g.dump());
        CHECK(g.at("changed") == (g.at("group") == "east"));
    }

    REQUIRE(east_poll.wait_for(5s) == std::future_status::ready);
    const Poll east = east_poll.get();
    CHECK(east.done - published_at < 1s);
    REQUIRE(east.res.status == 200);
    CHECK(east.res.json().at("items").size() == 2);

    // West's screen was held to the end of its wait, after the publish.
    const Poll west = west_poll.get();
    CHECK(published_at < west.done);
    CHECK(west.res.status == 304);
    CHECK(unquote(west.res.header("etag")) == west_version);
}

TEST_CASE("server: slides naming a group that does not exist are refused",
          "[server][slides][groups]") {
    Staff staff;
    staff.server.add_screen("gate", "east");
    auto missing = staff.editor.post(
        "/api/v1/slides",
        {{"type", "text"}, {"title", "通知"}, {"body", "b"}, {"groups", {"east", "nowhere"}}});
    CHECK(missing.status == 422);
    CHECK(error_field(missing) == "groups[1]");
    auto twice = staff.editor.post(
        "/api/v1/slides",
        {{"type", "text"}, {"title", "通知"}, {"body", "b"}, {"groups", {"east", "east"}}});
    CHECK(twice.status == 400);
    CHECK(error_field(twice) == "groups[1]");
    auto empty_name = staff.editor.post(
        "/api/v1/slides", {{"type", "text"}, {"title", "通知"}, {"body", "b"}, {"groups", {""}}});
    CHECK(empty_name.status == 400);
    CHECK(error_field(empty_name) == "groups[0]");
    CHECK(staff.editor.get("/api/v1/slides").json().at("slides").empty());

    // Nor may an edit point a slide at one.
    auto created = staff.editor.post(
        "/api/v1/slides",
        {{"type", "text"}, {"title", "通知"}, {"body", "b"}, {"groups", {"east"}}});
    REQUIRE(created.status == 201);
    const std::string path = "/api/v1/slides/" + created.json().at("id").get<std::string>();
    auto edit = staff.editor.put(
        path, {{"type", "text"}, {"title", "通知"}, {"body", "b"}, {"groups", {"west"}}});
    CHECK(edit.status == 422);
    CHECK(error_field(edit) == "groups[0]");
    CHECK(staff.editor.get(path).json().at("groups") == json{"east"});
}

TEST_CASE("server: ended slides and ended red/black entries leave the manifest",
          "[server][publish]") {
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("gate", "town"));
    staff.approved_slide({{"type", "text"},
                          {"title", "已过期"},
                          {"body", "b"},
                          {"valid_from", "2020-01-01"},
                          {"valid_until", "2020-02-01"}});
    staff.approved_slide({{"type", "text"},
                          {"title", "将来开始"},
                          {"body", "b"},
                          {"valid_from", "2099-01-01"},
                          {"valid_until", "2099-12-31"}});
    staff.approved_slide({{"type", "red_black"},
                          {"title", "红黑榜"},
                          {"red", {{{"name", "李建华"}, {"valid_until", "2099-12-31"}}}},
                          {"black",
                           {{{"name", "赵立强"}, {"valid_until", "2020-06-30"}},
                            {{"name", "钱振华"}, {"valid_until", "2099-12-31"}}}}});
    staff.approved_slide({{"type", "red_black"},
                          {"title", "全部到期"},
                          {"black", {{{"name", "孙某某"}, {"valid_until", "2021-01-31"}}}}});
    staff.publish();
    const auto m = fetch_manifest(screen);
    // Future content stays, so screens start it on time even offline.
    CHECK(titles(m) == std::vector<std::string>{"将来开始", "红黑榜"});
    const auto& list = m.items.at(1);
    REQUIRE(list.red.size() == 1);
    REQUIRE(list.black.size() == 1);
    CHECK(list.black[0].name == "钱振华");
}

TEST_CASE("server: every slide type goes through create, review and publish unchanged",
          "[server][slides][publish]") {
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("gate", "town"));
    const std::string photo = upload(staff, 7);
    const std::string poster = upload(staff, 8);

    const std::vector<json> slides = {
        {{"type", "core_values"},
         {"title", "社会主义核心价值观"},
         {"public_service", true},
         {"priority", 10}},
        {{"type", "text"},
         {"title", "市民意见征集"},
         {"body", "扫码提出您对文明城市创建的意见建议。"},
         {"qr", {{"text", "https://wenming.example.com/survey"}, {"label", "扫码提建议"}}},
         {"schedule",
          {{"weekdays", {1, 2, 3, 4, 5}}, {"dayparts", {{{"from", "07:00"}, {"to", "21:00"}}}}}},
         {"valid_from", "2026-11-01"},
         {"valid_until", "2099-12-31"}},
        {{"type", "image"},
         {"title", "全民阅读"},
         {"media", poster},
         {"fit", "cover"},
         {"caption", "书香社区"},
         {"category", "全民阅读"},
         {"public_service", true}},
        {{"type", "honor_roll"},
         {"title", "身边好人榜"},
         {"duration_s", 12},
         {"category", "崇德向善"},
         {"public_service", true},
         {"entries",
          {{{"name", "王秀兰"},
            {"photo", photo},
            {"category", "孝老爱亲"},
            {"level", "区级"},
            {"unit", "幸福里社区"},
            {"period", "2026年第三季度"},
            {"deed", "照顾瘫痪婆婆十二年如一日。"}},
           {{"name", "李建国"}, {"category", "见义勇为"}, {"deed", "跳入河中救起落水儿童。"}}}}},
        {{"type", "red_black"},
         {"title", "红黑榜"},
         {"mask_names", true},
         {"red",
          {{{"name", "李建华家庭"},
            {"kind", "household"},
            {"reason", "市级文明家庭"},
            {"decided_by", "区文明办"},
            {"valid_until", "2099-05-31"}},
           {{"name", "幸福里惠民超市"}, {"kind", "firm"}, {"valid_until", "2099-05-31"}}}},
         {"black",
          {{{"name", "钱振华"},
            {"kind", "person"},
            {"plate", "苏E·6Q3K8"},
            {"reason", "机动车不礼让斑马线"},
            {"decided_by", "市公安局交通警察支队"},
            {"valid_from", "2026-11-01"},
            {"valid_until", "2099-02-28"}}}}},
        {{"type", "notice"}, {"body", "11月26日9:00至16:00停水，请提前储水。"}, {"priority", 5}},
        {{"type", "emergency"},
         {"title", "寒潮蓝色预警"},
         {"body", "请减少外出，注意防寒保暖。"},
         {"priority", 100},
         {"valid_from", "2099-01-01T08:00:00+08:00"},
         {"valid_until", "2099-01-02T08:00:00+08:00"}},
    };

    std::vector<std::string> ids;
    for (const json& slide : slides) {
        INFO(slide.dump());
        auto created = staff.editor.post("/api/v1/slides", slide);
        REQUIRE(created.status == 201);
        CHECK(slide_content(created.json()) == slide_content(slide));
        const std::string id = created.json().at("id").get<std::string>();
        REQUIRE(staff.editor.post("/api/v1/slides/" + id + "/submit").status == 200);
        REQUIRE(approve_as_seen(staff.reviewer, "/api/v1/slides/" + id).status == 200);
        ids.push_back(id);
    }
    staff.publish();

    const auto m = fetch_manifest(screen);
    REQUIRE(m.items.size() == slides.size());
    for (std::size_t i = 0; i < slides.size(); ++i) {
        INFO(slides[i].dump());
        CHECK(m.items[i].id == ids[i]);
        CHECK(slide_content(protocol::to_json(m.items[i])) == slide_content(slides[i]));
        auto read = staff.reviewer.get("/api/v1/slides/" + ids[i]);
        CHECK(read.json().at("status") == "published");
        CHECK(slide_content(read.json()) == slide_content(slides[i]));
    }
    CHECK(media_of(m) == std::set<std::string>{photo, poster});
    CHECK(m.items[1].qr->text == "https://wenming.example.com/survey");
    CHECK(m.items[3].entries.at(0).photo == photo);
    CHECK(m.items[4].black.at(0).plate == "苏E·6Q3K8");
    CHECK(m.items[5].type == protocol::SlideType::notice);
    CHECK(m.items[6].type == protocol::SlideType::emergency);

    // A photo nobody uploaded is refused, naming the entry.
    auto no_photo = staff.editor.post(
        "/api/v1/slides",
        {{"type", "honor_roll"},
         {"entries", {{{"name", "甲"}}, {{"name", "乙"}, {"photo", std::string(64, 'b')}}}}});
    CHECK(no_photo.status == 422);
    CHECK(error_field(no_photo) == "entries[1].photo");
    // The protocol's own checks name the field too.
    auto no_until = staff.editor.post("/api/v1/slides", {{"type", "emergency"}, {"body", "紧急"}});
    CHECK(no_until.status == 400);
    CHECK(error_field(no_until) == "valid_until");
    auto bad_kind = staff.editor.post(
        "/api/v1/slides",
        {{"type", "red_black"},
         {"black", {{{"name", "某"}, {"kind", "robot"}, {"valid_until", "2099-01-01"}}}}});
    CHECK(bad_kind.status == 400);
    CHECK(error_field(bad_kind) == "black[0].kind");
}
