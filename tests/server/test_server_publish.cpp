// Publishing and the screens' manifest long-poll, over real HTTP against the
// real server.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "protocol/manifest.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("server: publish gives each screen group a manifest with a stable version",
          "[server][publish]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "community");
    auto screen = staff.server.client(device);

    // Never published: an empty manifest whose version does not change.
    auto empty = screen.get("/api/v1/player/manifest");
    REQUIRE(empty.status == 200);
    CHECK(empty.json().at("items").empty());
    const std::string empty_etag = empty.header("etag");
    CHECK_FALSE(empty_etag.empty());
    CHECK(screen.get("/api/v1/player/manifest").header("etag") == empty_etag);

    const std::string id = staff.approved_slide(text_slide("爱护公物"));
    staff.editor.post("/api/v1/slides", text_slide("草稿不上屏"));  // a draft: not published
    const json published = staff.publish();
    REQUIRE(published.at("groups").size() == 1);
    const json group = published.at("groups")[0];
    CHECK(group.at("group") == "community");
    CHECK(group.at("changed") == true);
    const std::string version = group.at("version").get<std::string>();
    CHECK(published.at("version") == version);

    auto fetched = screen.get("/api/v1/player/manifest", {{"If-None-Match", empty_etag}});
    REQUIRE(fetched.status == 200);
    CHECK(unquote(fetched.header("etag")) == version);
    auto manifest = signage::protocol::parse_manifest_text(fetched.body);
    REQUIRE(manifest.ok());
    CHECK(manifest->version == version);
    CHECK(manifest->group == "community");
    REQUIRE(manifest->items.size() == 1);
    CHECK(manifest->items[0].id == id);
    CHECK(manifest->items[0].title == "爱护公物");
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("status") == "published");

    // Asking with the current version: 304 at once.
    auto same = screen.get("/api/v1/player/manifest", {{"If-None-Match", "\"" + version + "\""}});
    CHECK(same.status == 304);
    CHECK(same.body.empty());

    // Publishing again with nothing new keeps the version.
    const json again = staff.publish();
    CHECK(again.at("groups")[0].at("version") == version);
    CHECK(again.at("groups")[0].at("changed") == false);

    // The screen was seen.
    auto screens = staff.admin.get("/api/v1/screens").json().at("screens");
    REQUIRE(screens.size() == 1);
    CHECK(screens[0].at("name") == "gate");
    CHECK(screens[0].at("last_seen").is_string());
}

TEST_CASE("server: a waiting screen is answered within a second of a publish",
          "[server][publish][longpoll]") {
    Staff staff;
    const std::string device = staff.server.add_screen("square", "town");
    const std::string before =
        unquote(staff.server.client(device).get("/api/v1/player/manifest").header("etag"));
    staff.approved_slide(text_slide("文明城市 人人共建"));

    auto poll = start_poll(staff.server.url(), device, before, 30);
    // The screen is waiting, not answered.
    REQUIRE(wait_for_waiting(staff.admin, "square"));
    REQUIRE(poll.wait_for(0s) == std::future_status::timeout);

    // Measured from the publish's answer (what the staff member sees), so a
    // slow disk on a loaded machine does not count against the long-poll.
    const json published = staff.publish();
    const auto published_at = Clock::now();
    REQUIRE(poll.wait_for(5s) == std::future_status::ready);
    const Poll result = poll.get();
    const auto delay =
        std::chrono::duration_cast<std::chrono::milliseconds>(result.done - published_at);
    INFO("answered " << delay.count() << " ms after the publish returned");
    CHECK(delay < 1000ms);
    REQUIRE(result.res.status == 200);
    CHECK(unquote(result.res.header("etag")) == published.at("version").get<std::string>());
    CHECK(result.res.json().at("items").size() == 1);
}

TEST_CASE("server: a wait that runs out answers 304 and an unchanged publish wakes nobody",
          "[server][publish][longpoll]") {
    Staff staff;
    const std::string device = staff.server.add_screen("park", "town");
    staff.approved_slide(text_slide("绿色出行"));
    const std::string version = staff.publish().at("version").get<std::string>();

    const auto started = Clock::now();
    auto short_wait = start_poll(staff.server.url(), device, version, 1);
    const Poll ran_out = short_wait.get();
    CHECK(ran_out.res.status == 304);
    CHECK(ran_out.done - started >= 900ms);
    CHECK(ran_out.done - started < 5s);

    const auto poll_started = Clock::now();
    auto poll = start_poll(staff.server.url(), device, version, 2);
    REQUIRE(wait_for_waiting(staff.admin, "park"));
    CHECK(staff.publish().at("groups")[0].at("changed") == false);
    const auto republished = Clock::now();
    const Poll result = poll.get();
    // The unchanged publish finished while the screen was still waiting, and
    // the screen was held to the end of its wait all the same.
    REQUIRE(republished < result.done);
    CHECK(result.res.status == 304);
    CHECK(result.done - poll_started >= 1900ms);
}

TEST_CASE("server: editing live content keeps the approved version on screens until approved",
          "[server][publish]") {
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("hall", "community"));
    const std::string id = staff.approved_slide(text_slide("旧标题"));
    const std::string first = staff.publish().at("version").get<std::string>();

    auto edited = staff.editor.put("/api/v1/slides/" + id, text_slide("新标题"));
    REQUIRE(edited.status == 200);
    CHECK(edited.json().at("status") == "pending");
    const json unchanged = staff.publish();
    CHECK(unchanged.at("version") == first);
    auto live = signage::protocol::parse_manifest_text(screen.get("/api/v1/player/manifest").body);
    REQUIRE(live.ok());
    REQUIRE(live->items.size() == 1);
    CHECK(live->items[0].title == "旧标题");

    REQUIRE(approve_as_seen(staff.reviewer, "/api/v1/slides/" + id).status == 200);
    const json second = staff.publish();
    CHECK(second.at("version") != first);
    auto now_live =
        signage::protocol::parse_manifest_text(screen.get("/api/v1/player/manifest").body);
    REQUIRE(now_live.ok());
    CHECK(now_live->items.at(0).title == "新标题");

    // A deleted slide leaves the screens at the next publish.
    REQUIRE(staff.editor.del("/api/v1/slides/" + id).status == 204);
    staff.publish();
    auto gone = signage::protocol::parse_manifest_text(screen.get("/api/v1/player/manifest").body);
    REQUIRE(gone.ok());
    CHECK(gone->items.empty());
}

TEST_CASE("server: the manifest is for screens only and checks its wait", "[server][publish]") {
    Staff staff;
    const std::string device = staff.server.add_screen("kiosk", "hall");
    CHECK(staff.server.client().get("/api/v1/player/manifest").status == 401);
    CHECK(staff.server.client(std::string(64, 'f')).get("/api/v1/player/manifest").status == 401);
    CHECK(staff.reviewer.get("/api/v1/player/manifest").status == 403);
    auto screen = staff.server.client(device);
    for (const std::string bad : {"abc", "61", "-1", "1.5"}) {
        auto res = screen.get("/api/v1/player/manifest?wait=" + bad);
        INFO("wait=" << bad);
        CHECK(res.status == 400);
        CHECK(error_field(res) == "wait");
    }
    CHECK(screen.get("/api/v1/player/manifest?wait=0").status == 200);
}

TEST_CASE(
    "server: an emergency notice reaches a waiting screen within a second and a withdraw "
    "takes it off as fast",
    "[server][publish][longpoll][emergency]") {
    Staff staff;
    const std::string device = staff.server.add_screen("station", "town");
    staff.approved_slide(text_slide("文明出行"));
    const std::string calm = staff.publish().at("version").get<std::string>();

    const json notice = {{"type", "emergency"},
                         {"title", "紧急通知"},
                         {"body", "燃气管道抢修，请勿靠近幸福路一带。"},
                         {"valid_until", "2099-01-01T00:00:00+08:00"}};
    const std::string id = staff.approved_slide(notice);
    auto poll = start_poll(staff.server.url(), device, calm, 30);
    REQUIRE(wait_for_waiting(staff.admin, "station"));
    REQUIRE(poll.wait_for(0s) == std::future_status::timeout);
    const std::string alarm = staff.publish().at("version").get<std::string>();
    const auto published_at = Clock::now();
    REQUIRE(poll.wait_for(5s) == std::future_status::ready);
    Poll got = poll.get();
    INFO("emergency answered "
         << std::chrono::duration_cast<std::chrono::milliseconds>(got.done - published_at).count()
         << " ms after the publish returned");
    CHECK(got.done - published_at < 1000ms);
    REQUIRE(got.res.status == 200);
    auto with = signage::protocol::parse_manifest_text(got.res.body);
    REQUIRE(with.ok());
    REQUIRE(with->items.size() == 2);
    CHECK(with->items[1].id == id);

    // A withdraw may say why (a reason that is not text is refused), and
    // only what is live can be withdrawn.
    const std::string path = "/api/v1/slides/" + id + "/withdraw";
    auto bad_reason = staff.reviewer.post(path, json{{"reason", 42}});
    CHECK(bad_reason.status == 400);
    CHECK(error_field(bad_reason) == "reason");
    const std::string draft =
        staff.editor.post("/api/v1/slides", text_slide("草稿")).json().at("id").get<std::string>();
    auto not_live =
        staff.reviewer.post("/api/v1/slides/" + draft + "/withdraw", json{{"reason", "撤下"}});
    CHECK(not_live.status == 409);

    // Withdrawn: the waiting screen gets the manifest without it at once.
    auto second = start_poll(staff.server.url(), device, alarm, 30);
    REQUIRE(wait_for_waiting(staff.admin, "station"));
    REQUIRE(second.wait_for(0s) == std::future_status::timeout);
    auto withdrawn = staff.reviewer.post(path, json{{"reason", "抢修完毕"}});
    const auto withdrawn_at = Clock::now();
    REQUIRE(withdrawn.status == 200);
    // Withdrawn, not rejected: nobody judged it wrong.
    CHECK(withdrawn.json().at("slide").at("status") == "withdrawn");
    CHECK(withdrawn.json().at("slide").at("reject_reason") == "抢修完毕");
    CHECK(withdrawn.json().at("publish").at("version") == calm);
    REQUIRE(second.wait_for(5s) == std::future_status::ready);
    got = second.get();
    CHECK(got.done - withdrawn_at < 1000ms);
    REQUIRE(got.res.status == 200);
    CHECK(unquote(got.res.header("etag")) == calm);
    auto without = signage::protocol::parse_manifest_text(got.res.body);
    REQUIRE(without.ok());
    REQUIRE(without->items.size() == 1);
    CHECK(without->items[0].title == "文明出行");

    // The audit log shows who withdrew it and why.
    auto audit = staff.admin.get("/api/v1/audit?object_type=slide&object_id=" + id).json();
    const json entries = audit.at("entries");
    REQUIRE_FALSE(entries.empty());
    CHECK(entries[0].at("action") == "withdraw");
    CHECK(entries[0].at("actor") == "reviewer");

    // Another one sent and withdrawn in one click, with no reason at all.
    const std::string again = staff.approved_slide(notice);
    staff.publish();
    auto one_click = staff.reviewer.post("/api/v1/slides/" + again + "/withdraw", json::object());
    REQUIRE(one_click.status == 200);
    CHECK(one_click.json().at("slide").at("status") == "withdrawn");
    CHECK(one_click.json().at("slide").at("reject_reason") == "");
}

TEST_CASE("server: staff read a group's live manifest exactly as its screens get it",
          "[server][publish][manifest]") {
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("gate", "community"));
    const std::string path = "/api/v1/groups/community/manifest";

    // The same answer as the screen's, byte for byte, with the same version.
    auto same_as_screen = [&](HttpClient& client) {
        auto seen = client.get(path);
        auto got = screen.get("/api/v1/player/manifest");
        REQUIRE(seen.status == 200);
        REQUIRE(got.status == 200);
        CHECK(seen.body == got.body);
        CHECK(seen.header("etag") == got.header("etag"));
        CHECK(seen.header("content-type").rfind("application/json", 0) == 0);
        return seen.json();
    };

    // Never published: the empty manifest with the group's settings.
    const json empty = same_as_screen(staff.editor);
    CHECK(empty.at("items").empty());
    CHECK(empty.at("group") == "community");
    CHECK(empty.at("settings").at("timezone") == "Asia/Shanghai");

    // Published content and settings changed after it, for every staff role.
    json scheduled = text_slide("早高峰 文明出行");
    scheduled["schedule"] = {{"weekdays", {1, 2, 3, 4, 5}},
                             {"dayparts", {{{"from", "07:00"}, {"to", "09:00"}}}}};
    const std::string id = staff.approved_slide(scheduled);
    staff.publish();
    REQUIRE(staff.admin
                .put("/api/v1/groups/community",
                     {{"settings", {{"power_off", {{{"from", "23:00"}, {"to", "06:00"}}}}}}})
                .status == 200);
    for (HttpClient* client : {&staff.editor, &staff.reviewer, &staff.admin}) {
        const json live = same_as_screen(*client);
        REQUIRE(live.at("items").size() == 1);
        CHECK(live.at("items")[0].at("id") == id);
        CHECK(live.at("items")[0].at("schedule").at("weekdays") == json({1, 2, 3, 4, 5}));
        CHECK(live.at("settings").at("power_off")[0].at("from") == "23:00");
    }

    // An unknown group is not found; a caller without a token is refused,
    // and so is a screen (it has its own manifest).
    auto unknown = staff.editor.get("/api/v1/groups/nowhere/manifest");
    CHECK(unknown.status == 404);
    CHECK(error_code(unknown) == "not_found");
    CHECK(staff.server.client().get(path).status == 401);
    CHECK(screen.get(path).status == 403);
}

TEST_CASE("server: the author withdraws their own live slide, another editor may not",
          "[server][publish][withdraw]") {
    Staff staff;
    const std::string id = staff.approved_slide(text_slide("停水通知", "明日 9:00–12:00 停水。"));
    staff.publish();
    const std::string path = "/api/v1/slides/" + id + "/withdraw";
    auto other = staff.server.client(staff.server.add_staff("erin", "editor"));
    auto refused = other.post(path, json{{"reason", "不是我的"}});
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "forbidden");
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("status") == "published");

    auto own = staff.editor.post(path, json{{"reason", "通知取消"}});
    INFO(own.body);
    REQUIRE(own.status == 200);
    CHECK(own.json().at("slide").at("status") == "withdrawn");
    CHECK(own.json().at("slide").at("reject_reason") == "通知取消");
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("has_approved_version") == false);
}
