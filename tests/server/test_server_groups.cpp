// Screen groups: their settings, who may change them, moving screens between
// groups, and upgrading a database written before groups had settings. Over
// real HTTP against the real server.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const json community_settings = {{"unit_name", "幸福里社区"},
                                 {"slogan", "创建全国文明城市 共建美好家园"},
                                 {"min_public_share", 0.4},
                                 {"power_off", {{{"from", "23:00"}, {"to", "06:30"}}}},
                                 {"timezone", "Asia/Shanghai"},
                                 {"quiz",
                                  {{"enabled", true},
                                   {"questions_per_round", 5},
                                   {"pass_mark", 1.0},
                                   {"question_time_limit_s", 30},
                                   {"idle_timeout_s", 45},
                                   {"prizes", false},
                                   {"daily_prize_limit", 20}}},
                                 {"volume", 35},
                                 {"quiet_hours", {{{"from", "21:30"}, {"to", "07:30"}}}},
                                 {"video_profile",
                                  {{"max_width", 1280},
                                   {"max_height", 720},
                                   {"codecs", {"h264", "hevc"}},
                                   {"max_bitrate", 4000000}}}};

json find_group(const json& list, const std::string& name) {
    for (const auto& g : list.at("groups")) {
        if (g.at("name") == name) return g;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("server: groups are created with settings, listed with their screens, and replaced",
          "[server][groups]") {
    Staff staff;
    staff.server.add_screen("gate", "town");

    auto created = staff.admin.post("/api/v1/groups",
                                    {{"name", "幸福里-东门"}, {"settings", community_settings}});
    REQUIRE(created.status == 201);
    const json group = created.json();
    CHECK(group.at("name") == "幸福里-东门");
    CHECK(group.at("screens") == 0);
    CHECK(group.at("settings") == community_settings);
    CHECK_FALSE(group.at("version").get<std::string>().empty());

    // Without settings: the defaults (30% public service, Asia/Shanghai).
    auto plain = staff.admin.post("/api/v1/groups", {{"name", "plaza"}});
    REQUIRE(plain.status == 201);
    CHECK(plain.json().at("settings").at("min_public_share") == 0.3);
    CHECK(plain.json().at("settings").at("timezone") == "Asia/Shanghai");
    CHECK(plain.json().at("settings").at("power_off").empty());
    CHECK(plain.json().at("settings").at("volume") == 60);
    CHECK(plain.json().at("settings").at("quiet_hours").empty());
    CHECK(plain.json().at("settings").at("video_profile") == json{{"max_width", 1920},
                                                                  {"max_height", 1080},
                                                                  {"codecs", {"h264"}},
                                                                  {"max_bitrate", 8000000}});

    // Every staff role may read, with screen counts.
    auto list = staff.editor.get("/api/v1/groups");
    REQUIRE(list.status == 200);
    CHECK(list.json().at("groups").size() == 3);
    CHECK(find_group(list.json(), "town").at("screens") == 1);
    CHECK(find_group(list.json(), "town").at("settings").at("unit_name") == "");
    CHECK(find_group(list.json(), "幸福里-东门").at("settings") == community_settings);
    // The name is one path segment, percent-encoded.
    auto one = staff.reviewer.get("/api/v1/groups/%E5%B9%B8%E7%A6%8F%E9%87%8C-%E4%B8%9C%E9%97%A8");
    REQUIRE(one.status == 200);
    CHECK(one.json().at("settings").at("slogan") == "创建全国文明城市 共建美好家园");
    CHECK(staff.editor.get("/api/v1/groups/nowhere").status == 404);

    // PUT replaces the settings as a whole: what is left out takes its default.
    auto replaced =
        staff.admin.put("/api/v1/groups/plaza", {{"settings", {{"unit_name", "文化广场"}}}});
    REQUIRE(replaced.status == 200);
    CHECK(replaced.json().at("settings").at("unit_name") == "文化广场");
    auto again =
        staff.admin.put("/api/v1/groups/plaza", {{"settings", {{"slogan", "讲文明 树新风"}}}});
    REQUIRE(again.status == 200);
    CHECK(again.json().at("settings").at("unit_name") == "");
    CHECK(again.json().at("settings").at("slogan") == "讲文明 树新风");
    // A group read back may be sent back as it is.
    json read_back = staff.admin.get("/api/v1/groups/plaza").json();
    read_back["settings"]["min_public_share"] = 0.5;
    auto sent_back = staff.admin.put("/api/v1/groups/plaza", read_back);
    REQUIRE(sent_back.status == 200);
    CHECK(sent_back.json().at("settings").at("min_public_share") == 0.5);
    CHECK(staff.admin.put("/api/v1/groups/nowhere", {{"settings", json::object()}}).status == 404);

    // Names are unique.
    auto twice = staff.admin.post("/api/v1/groups", {{"name", "plaza"}});
    CHECK(twice.status == 409);
    CHECK(error_field(twice) == "name");
}

TEST_CASE("server: bad group input is refused naming the field, and nothing changes",
          "[server][groups]") {
    Staff staff;
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "town"}, {"settings", community_settings}})
                .status == 201);

    struct Case {
        json body;
        std::string field;
    };
    const std::vector<Case> bad_creates = {
        {json::object(), "name"},
        {{{"name", ""}}, "name"},
        {{{"name", 42}}, "name"},
        {{{"name", std::string(65, 'g')}}, "name"},
        {{{"name", "two words"}}, "name"},
        {{{"name", "幸福里\u3000东门"}}, "name"},  // an ideographic space
        {{{"name", "a/b"}}, "name"},
        {{{"name", "../etc"}}, "name"},
        {{{"name", "tab\there"}}, "name"},
        {{{"name", "ok"}, {"colour", "red"}}, "colour"},
        {{{"name", "ok"}, {"settings", "loud"}}, "settings"},
        {{{"name", "ok"}, {"settings", {{"min_public_share", 1.5}}}}, "settings.min_public_share"},
        {{{"name", "ok"}, {"settings", {{"min_public_share", -0.1}}}}, "settings.min_public_share"},
        {{{"name", "ok"}, {"settings", {{"min_public_share", "30%"}}}},
         "settings.min_public_share"},
        {{{"name", "ok"}, {"settings", {{"unit_name", std::string(61, 'u')}}}},
         "settings.unit_name"},
        {{{"name", "ok"}, {"settings", {{"slogan", "一行\n两行"}}}}, "settings.slogan"},
        {{{"name", "ok"}, {"settings", {{"timezone", "Mars/Olympus"}}}}, "settings.timezone"},
        {{{"name", "ok"}, {"settings", {{"timezone", "../../etc/passwd"}}}}, "settings.timezone"},
        {{{"name", "ok"}, {"settings", {{"power_off", {{{"from", "25:00"}, {"to", "06:00"}}}}}}},
         "settings.power_off[0].from"},
        {{{"name", "ok"}, {"settings", {{"power_off", {{{"from", "23:00"}}}}}}},
         "settings.power_off[0].to"},
        {{{"name", "ok"},
          {"settings", {{"power_off", {{{"from", "23:00"}, {"to", "06:00"}, {"dim", true}}}}}}},
         "settings.power_off[0].dim"},
        {{{"name", "ok"}, {"settings", {{"volume", 300}}}}, "settings.volume"},
        {{{"name", "ok"}, {"settings", {{"quiet_hours", {{{"from", "21:00"}, {"to", "8:61"}}}}}}},
         "settings.quiet_hours[0].to"},
        {{{"name", "ok"},
          {"settings", {{"quiet_hours", {{{"from", "21:00"}, {"to", "08:00"}, {"loud", 1}}}}}}},
         "settings.quiet_hours[0].loud"},
        {{{"name", "ok"}, {"settings", {{"video_profile", {{"codecs", {"h264", "prores"}}}}}}},
         "settings.video_profile.codecs[1]"},
        {{{"name", "ok"}, {"settings", {{"video_profile", {{"max_height", 20000}}}}}},
         "settings.video_profile.max_height"},
        {{{"name", "ok"}, {"settings", {{"video_profile", {{"fps", 60}}}}}},
         "settings.video_profile.fps"},
    };
    for (const Case& c : bad_creates) {
        INFO(c.body.dump());
        auto res = staff.admin.post("/api/v1/groups", c.body);
        CHECK(res.status == 400);
        CHECK(error_code(res) == "invalid");
        CHECK(error_field(res) == c.field);
    }
    auto groups = staff.admin.get("/api/v1/groups").json().at("groups");
    REQUIRE(groups.size() == 1);  // none of them was created

    const std::vector<Case> bad_puts = {
        {json::object(), "settings"},
        {{{"settings", {{"min_public_share", 2}}}}, "settings.min_public_share"},
        {{{"settings", {{"timezone", ""}}}}, "settings.timezone"},
        {{{"name", "renamed"}, {"settings", json::object()}}, "name"},
        {{{"settings", json::object()}, {"extra", 1}}, "extra"},
    };
    for (const Case& c : bad_puts) {
        INFO(c.body.dump());
        auto res = staff.admin.put("/api/v1/groups/town", c.body);
        CHECK(res.status == 400);
        CHECK(error_field(res) == c.field);
    }
    CHECK(staff.admin.get("/api/v1/groups/town").json().at("settings") == community_settings);
}

TEST_CASE("server: only admins change groups and move screens, every role reads them",
          "[server][groups][auth]") {
    Staff staff;
    staff.server.add_screen("gate", "town");
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "plaza"}}).status == 201);
    const std::string id = staff.screen_id("gate");
    for (HttpClient* who : {&staff.editor, &staff.reviewer}) {
        const bool editor = who == &staff.editor;
        INFO((editor ? "editor" : "reviewer"));
        CHECK(who->post("/api/v1/groups", {{"name", "mine"}}).status == 403);
        CHECK(who->put("/api/v1/groups/town", {{"settings", community_settings}}).status == 403);
        CHECK(who->put("/api/v1/screens/" + id, {{"group", "plaza"}}).status == 403);
        CHECK(who->get("/api/v1/groups").status == 200);
        CHECK(who->get("/api/v1/groups/town").status == 200);
        CHECK(who->get("/api/v1/screens").status == 200);
    }
    CHECK(staff.server.client().get("/api/v1/groups").status == 401);
    CHECK(staff.server.client(staff.server.add_screen("kiosk", "town"))
              .get("/api/v1/groups")
              .status == 403);
    CHECK(staff.admin.get("/api/v1/groups/town").json().at("settings").at("min_public_share") ==
          0.3);
    CHECK(staff.admin.get("/api/v1/groups").json().at("groups").size() == 2);
    auto screens = staff.admin.get("/api/v1/screens").json().at("screens");
    for (const auto& s : screens) CHECK(s.at("group") == "town");
}

TEST_CASE("server: new settings reach the group's screens at once, content unchanged",
          "[server][groups][longpoll]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "town");
    const std::string other = staff.server.add_screen("square", "plaza");
    auto screen = staff.server.client(device);
    staff.approved_slide(text_slide("文明城市 人人共建"));
    staff.publish();
    const auto before = fetch_manifest(screen);
    CHECK(before.settings == signage::protocol::GroupSettings{});
    const std::string plaza_version =
        unquote(staff.server.client(other).get("/api/v1/player/manifest").header("etag"));

    auto town_poll = start_poll(staff.server.url(), device, before.version, 30);
    auto plaza_poll = start_poll(staff.server.url(), other, plaza_version, 2);
    // Both screens are held by the server, and neither is answered yet.
    REQUIRE(wait_for_waiting(staff.admin, "gate"));
    REQUIRE(wait_for_waiting(staff.admin, "square"));
    REQUIRE(town_poll.wait_for(0s) == std::future_status::timeout);

    auto put = staff.admin.put("/api/v1/groups/town", {{"settings", community_settings}});
    REQUIRE(put.status == 200);
    REQUIRE(town_poll.wait_for(5s) == std::future_status::ready);
    const Poll woken = town_poll.get();
    REQUIRE(woken.res.status == 200);
    auto after = signage::protocol::parse_manifest_text(woken.res.body);
    REQUIRE(after.ok());
    CHECK(after->version != before.version);
    CHECK(put.json().at("version") == after->version);
    CHECK(after->settings.unit_name == "幸福里社区");
    CHECK(after->settings.slogan == "创建全国文明城市 共建美好家园");
    CHECK(after->settings.min_public_share == Approx(0.4));
    REQUIRE(after->settings.power_off.size() == 1);
    CHECK(after->settings.power_off[0].from_min == 23 * 60);
    CHECK(after->settings.power_off[0].to_min == 6 * 60 + 30);
    // The same content as published.
    REQUIRE(after->items.size() == 1);
    CHECK(after->items[0].title == "文明城市 人人共建");

    // The other group's screen was not woken: it waited to the end.
    const Poll held = plaza_poll.get();
    CHECK(held.res.status == 304);

    // The same settings again change nothing; a publish keeps them.
    auto same = staff.admin.put("/api/v1/groups/town", {{"settings", community_settings}});
    CHECK(same.json().at("version") == after->version);
    const json published = staff.publish();
    for (const auto& g : published.at("groups")) CHECK(g.at("changed") == false);
    CHECK(fetch_manifest(screen).settings == after->settings);

    // Settings survive a restart.
    staff.server.restart();
    CHECK(fetch_manifest(screen).settings == after->settings);
}

TEST_CASE("server: a moved screen gets its new group's manifest, at once when it is waiting",
          "[server][groups][longpoll]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "town");
    staff.server.add_screen("square", "plaza");
    REQUIRE(staff.admin.put("/api/v1/groups/plaza", {{"settings", community_settings}}).status ==
            200);
    staff.approved_slide({{"type", "text"},
                          {"title", "只在广场"},
                          {"body", "广场舞请控制音量。"},
                          {"groups", {"plaza"}}});
    staff.approved_slide(
        {{"type", "text"}, {"title", "只在镇上"}, {"body", "文明出行。"}, {"groups", {"town"}}});
    staff.publish();
    auto screen = staff.server.client(device);
    const auto town = fetch_manifest(screen);
    REQUIRE(town.items.size() == 1);
    CHECK(town.items[0].title == "只在镇上");

    const std::string id = staff.screen_id("gate");
    auto poll = start_poll(staff.server.url(), device, town.version, 30);
    REQUIRE(wait_for_waiting(staff.admin, "gate"));
    REQUIRE(poll.wait_for(0s) == std::future_status::timeout);
    auto moved = staff.admin.put("/api/v1/screens/" + id, {{"group", "plaza"}});
    const auto moved_at = Clock::now();
    REQUIRE(moved.status == 200);
    CHECK(moved.json().at("group") == "plaza");
    CHECK(moved.json().at("name") == "gate");
    CHECK(moved.json().at("id") == id);

    REQUIRE(poll.wait_for(5s) == std::future_status::ready);
    const Poll woken = poll.get();
    INFO("answered "
         << std::chrono::duration_cast<std::chrono::milliseconds>(woken.done - moved_at).count()
         << " ms after the move returned");
    CHECK(woken.done - moved_at < 1s);
    REQUIRE(woken.res.status == 200);
    auto plaza = signage::protocol::parse_manifest_text(woken.res.body);
    REQUIRE(plaza.ok());
    CHECK(plaza->group == "plaza");
    CHECK(plaza->settings.unit_name == "幸福里社区");
    REQUIRE(plaza->items.size() == 1);
    CHECK(plaza->items[0].title == "只在广场");
    CHECK(unquote(woken.res.header("etag")) == plaza->version);

    // Its next polls are plaza's; the listings follow.
    CHECK(fetch_manifest(screen).version == plaza->version);
    CHECK(screen.get("/api/v1/player/manifest", {{"If-None-Match", "\"" + plaza->version + "\""}})
              .status == 304);
    auto groups = staff.editor.get("/api/v1/groups").json();
    CHECK(find_group(groups, "plaza").at("screens") == 2);
    CHECK(find_group(groups, "town").at("screens") == 0);

    // Bad moves change nothing.
    auto nowhere = staff.admin.put("/api/v1/screens/" + id, {{"group", "nowhere"}});
    CHECK(nowhere.status == 422);
    CHECK(error_field(nowhere) == "group");
    auto no_group = staff.admin.put("/api/v1/screens/" + id, json::object());
    CHECK(no_group.status == 400);
    CHECK(error_field(no_group) == "group");
    auto bad_name = staff.admin.put("/api/v1/screens/" + id, {{"group", "a b"}});
    CHECK(bad_name.status == 400);
    CHECK(error_field(bad_name) == "group");
    auto extra = staff.admin.put("/api/v1/screens/" + id, {{"group", "town"}, {"volume", 3}});
    CHECK(extra.status == 400);
    CHECK(error_field(extra) == "volume");
    CHECK(staff.admin.put("/api/v1/screens/9999", {{"group", "town"}}).status == 404);
    CHECK(staff.admin.put("/api/v1/screens/gate", {{"group", "town"}}).status == 404);
    CHECK(fetch_manifest(screen).group == "plaza");

    // And back: town's manifest again.
    REQUIRE(staff.admin.put("/api/v1/screens/" + id, {{"group", "town"}}).status == 200);
    CHECK(fetch_manifest(screen).version == town.version);
}

TEST_CASE("server: a database written before group settings is upgraded in place",
          "[server][groups][migration][sqlite]") {
    TempDir data("signage-v1");
    const std::string token(64, 'd');
    // The schema and rows as the first release of signage-server wrote them.
    {
        SQLite::Database db((data / "signage.db").string(),
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(R"sql(
CREATE TABLE schema_version(version INTEGER NOT NULL);
INSERT INTO schema_version(version) VALUES (1);
CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer')), created_at TEXT NOT NULL);
CREATE TABLE sessions(token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE groups(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE screens(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    group_id INTEGER NOT NULL REFERENCES groups(id), token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, last_seen TEXT);
CREATE TABLE media(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, content_type TEXT NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL, uploaded_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL);
CREATE TABLE slides(id INTEGER PRIMARY KEY, json TEXT NOT NULL, approved_json TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'published')),
    author_id INTEGER NOT NULL REFERENCES users(id),
    updated_by INTEGER NOT NULL REFERENCES users(id), reviewer_id INTEGER REFERENCES users(id),
    reject_reason TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    reviewed_at TEXT NOT NULL DEFAULT '');
CREATE TABLE manifests(id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES groups(id),
    version TEXT NOT NULL, json TEXT NOT NULL, published_at TEXT NOT NULL,
    published_by INTEGER REFERENCES users(id));
CREATE INDEX manifests_by_group ON manifests(group_id, id);
INSERT INTO users VALUES (1, 'old-editor', 'x', 'editor', '2026-10-01T00:00:00Z');
INSERT INTO users VALUES (2, 'old-reviewer', 'x', 'reviewer', '2026-10-01T00:00:00Z');
INSERT INTO groups VALUES (1, 'community', '2026-10-01T00:00:00Z');
INSERT INTO media VALUES ('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    1234, 'image/jpeg', 64, 48, 1, '2026-10-01T00:00:00Z');
INSERT INTO slides VALUES (1,
    '{"type":"text","title":"旧内容","body":"文明出行。","duration_s":8,"public_service":true}',
    '{"type":"text","title":"旧内容","body":"文明出行。","duration_s":8,"public_service":true}',
    'published', 1, 1, 2, '', '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z',
    '2026-10-01T00:00:00Z');
INSERT INTO manifests VALUES (1, 1, 'v1-version',
    '{"version":"v1-version","group":"community","published_at":"2026-10-01T00:00:00Z","items":[{"id":"1","type":"text","title":"旧内容","body":"文明出行。","duration_s":8,"public_service":true}],"media":[]}',
    '2026-10-01T00:00:00Z', 2);
)sql");
        SQLite::Statement screen(db,
                                 "INSERT INTO screens VALUES (1, 'gate', 1, ?, "
                                 "'2026-10-01T00:00:00Z', NULL)");
        screen.bind(1, signage::sha256_hex(token));
        screen.exec();
    }

    ServerOptions options;
    options.data_dir = data.path();
    Staff staff(options);
    auto screen = staff.server.client(token);

    // The screen keeps its token, group and manifest (same version: not woken).
    auto m = screen.get("/api/v1/player/manifest");
    REQUIRE(m.status == 200);
    CHECK(m.header("etag") == "\"v1-version\"");
    auto old = signage::protocol::parse_manifest_text(m.body);
    REQUIRE(old.ok());
    CHECK(old->settings == signage::protocol::GroupSettings{});

    // The group has the default settings, and new ones can be set.
    auto group = staff.editor.get("/api/v1/groups/community");
    REQUIRE(group.status == 200);
    CHECK(group.json().at("screens") == 1);
    CHECK(group.json().at("settings").at("min_public_share") == 0.3);
    REQUIRE(
        staff.admin.put("/api/v1/groups/community", {{"settings", community_settings}}).status ==
        200);
    auto reissued =
        signage::protocol::parse_manifest_text(screen.get("/api/v1/player/manifest").body);
    REQUIRE(reissued.ok());
    CHECK(reissued->settings.unit_name == "幸福里社区");
    REQUIRE(reissued->items.size() == 1);
    CHECK(reissued->items[0].title == "旧内容");

    // Old slides publish as before; groups and moves work on the old rows.
    CHECK(staff.editor.get("/api/v1/slides/1").json().at("status") == "published");
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "plaza"}}).status == 201);
    REQUIRE(staff.admin.put("/api/v1/screens/1", {{"group", "plaza"}}).status == 200);
    const json published = staff.publish();
    CHECK(published.at("groups").size() == 2);
    auto plaza = signage::protocol::parse_manifest_text(screen.get("/api/v1/player/manifest").body);
    REQUIRE(plaza.ok());
    CHECK(plaza->group == "plaza");
    REQUIRE(plaza->items.size() == 1);
    CHECK(plaza->items[0].title == "旧内容");

    // Opening the upgraded database again changes nothing.
    staff.server.restart();
    CHECK(staff.editor.get("/api/v1/groups/community").json().at("settings").at("unit_name") ==
          "幸福里社区");
    SQLite::Database db((data / "signage.db").string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT version FROM schema_version").getInt() == 16);
    // Version 10: rotation orders; none after the upgrade (the default order).
    CHECK(db.execAndGet("SELECT COUNT(*) FROM group_orders").getInt() == 0);
    // Version 8: alerts, no webhooks after the upgrade.
    CHECK(db.execAndGet("SELECT COUNT(*) FROM webhooks").getInt() == 0);
    // Version 9: media uploaded before names are named after their sha256.
    auto media = staff.editor.get("/api/v1/media");
    REQUIRE(media.status == 200);
    REQUIRE(media.json().at("media").size() == 1);
    CHECK(media.json().at("media")[0].at("name") == "0123456789ab.jpg");
    CHECK(media.json().at("media")[0].at("uploader") == "old-editor");
    // Version 12: the old image is no film.
    CHECK(media.json().at("media")[0].at("video").is_null());
    CHECK(db.execAndGet("SELECT COUNT(*) FROM media_video").getInt() == 0);
    // Version 5: the plays table, empty after the upgrade.
    CHECK(db.execAndGet("SELECT COUNT(*) FROM plays").getInt() == 0);
    // Version 4: users written before it are enabled; the move above was audited.
    CHECK(db.execAndGet("SELECT COUNT(*) FROM users WHERE disabled = 0").getInt() ==
          db.execAndGet("SELECT COUNT(*) FROM users").getInt());
    CHECK(db.execAndGet("SELECT COUNT(*) FROM audit_log WHERE object_type = 'screen' AND "
                        "action = 'move'")
              .getInt() >= 1);
    // The old screen got its claim key when it asked with its token.
    CHECK_FALSE(db.execAndGet("SELECT claim_key_id FROM screens WHERE id = 1").isNull());
    // Version 16: one top unit holds every record, and everyone sees what
    // they saw before.
    const json units = staff.admin.get("/api/v1/units").json();
    REQUIRE(units.at("units").size() == 1);
    CHECK(units.at("units")[0].at("id") == 1);
    CHECK(units.at("units")[0].at("parent").is_null());
    for (const char* table : {"users", "groups", "slides", "quiz_questions", "audit_log"}) {
        INFO(table);
        CHECK(db.execAndGet(std::string("SELECT COUNT(*) FROM ") + table + " WHERE unit_id != 1")
                  .getInt() == 0);
    }
    CHECK(db.execAndGet("SELECT COUNT(*) FROM media_units WHERE unit_id = 1").getInt() == 1);
    const json slide = staff.editor.get("/api/v1/slides/1").json();
    CHECK(slide.at("unit") == 1);
    CHECK(slide.at("origin") == "own");
    CHECK(staff.editor.get("/api/v1/slides").json().at("slides").size() == 1);
    CHECK(staff.admin.get("/api/v1/users").json().at("users").size() == 5);
}

TEST_CASE("server: groups list their screens' sizes with the main zone an image fills best",
          "[server][groups][sizes]") {
    Staff staff;
    auto lobby = staff.server.client(staff.server.add_screen("lobby", "hall"));
    auto gate = staff.server.client(staff.server.add_screen("gate", "hall"));
    staff.server.add_screen("kiosk", "hall");  // has sent no screenshot
    staff.server.add_screen("tower", "plaza");
    auto sizes_of = [&](const std::string& group) {
        auto res = staff.editor.get("/api/v1/groups");
        REQUIRE(res.status == 200);
        const json groups = res.json().at("groups");
        for (const auto& g : groups) {
            if (g.at("name") == group) return g.at("screen_sizes");
        }
        FAIL("no group " << group);
        return json();
    };
    // Nothing known yet: the layout at 1920x1080 and 1080x1920 is offered instead.
    CHECK(sizes_of("hall").empty());
    const json defaults = staff.editor.get("/api/v1/groups").json().at("default_screen_sizes");
    CHECK(defaults == json::parse(R"([
        {"width": 1920, "height": 1080, "main_zone": {"width": 1920, "height": 908}},
        {"width": 1080, "height": 1920, "main_zone": {"width": 1080, "height": 1660}}])"));

    // Two screens show the same 640x360 frame: one size, two screens. The
    // header (32 px) and the ticker (25 px) leave 640x303.
    for (auto* screen : {&lobby, &gate}) {
        REQUIRE(screen->put_bytes("/api/v1/player/screenshot", make_png(640, 360), "image/png")
                    .status == 201);
    }
    CHECK(sizes_of("hall") == json::parse(R"([
        {"width": 640, "height": 360, "screens": 2, "main_zone": {"width": 640, "height": 303}}])"));
    CHECK(sizes_of("plaza").empty());
    // A newer screenshot of another size replaces the screen's old one.
    REQUIRE(gate.put_bytes("/api/v1/player/screenshot", make_png(360, 640), "image/png").status ==
            201);
    const json hall = sizes_of("hall");
    REQUIRE(hall.size() == 2);
    CHECK(hall[0].at("width") == 360);
    CHECK(hall[0].at("main_zone") == json({{"width", 360}, {"height", 640 - 53 - 33}}));
    CHECK(hall[1].at("screens") == 1);
}

TEST_CASE(
    "server: the screen list is searched, filtered and paged by the server, and counts each state",
    "[server][groups][screens]") {
    Staff staff;
    for (int i = 1; i <= 12; ++i) {
        // Built by appending: GCC 12 warns falsely about "0" + std::string.
        std::string name = "Gate-";
        if (i < 10) name += '0';
        name += std::to_string(i);
        staff.server.add_screen(name, i % 3 == 0 ? "west" : "east");
    }
    const std::string online = staff.server.add_screen("plaza", "east");
    REQUIRE(staff.server.client(online).post("/api/v1/player/heartbeat", good_heartbeat()).status ==
            200);
    auto list = [&](const std::string& query) {
        auto res = staff.reviewer.get("/api/v1/screens" + query);
        REQUIRE(res.status == 200);
        return res.json();
    };
    auto names = [](const json& page) {
        std::vector<std::string> out;
        for (const auto& s : page.at("screens")) out.push_back(s.at("name"));
        return out;
    };

    // Without a limit: every screen, by name.
    const json all = list("");
    CHECK(all.at("total") == 13);
    CHECK(all.at("screens").size() == 13);
    CHECK(all.at("limit").is_null());
    CHECK(all.at("counts") == json{{"online", 1}, {"offline", 0}, {"never", 12}});
    // Pages of five.
    CHECK(names(list("?limit=5")) ==
          std::vector<std::string>{"Gate-01", "Gate-02", "Gate-03", "Gate-04", "Gate-05"});
    const json last = list("?limit=5&offset=10");
    CHECK(names(last) == std::vector<std::string>{"Gate-11", "Gate-12", "plaza"});
    CHECK(last.at("total") == 13);
    CHECK(list("?limit=5&offset=20").at("screens").empty());
    // Search (any case), group, state, together.
    CHECK(names(list("?q=gate-1")) == std::vector<std::string>{"Gate-10", "Gate-11", "Gate-12"});
    const json west = list("?group=west&limit=2");
    CHECK(west.at("total") == 4);
    CHECK(names(west) == std::vector<std::string>{"Gate-03", "Gate-06"});
    const json live = list("?state=online");
    CHECK(names(live) == std::vector<std::string>{"plaza"});
    CHECK(live.at("counts") == json{{"online", 1}, {"offline", 0}, {"never", 12}});
    CHECK(list("?q=GATE&state=online").at("total") == 0);

    // Bad parameters are refused, naming the one at fault.
    for (const auto& [query, field] :
         std::vector<std::pair<std::string, std::string>>{{"?state=asleep", "state"},
                                                          {"?limit=0", "limit"},
                                                          {"?limit=1001", "limit"},
                                                          {"?limit=ten", "limit"},
                                                          {"?offset=-1", "offset"},
                                                          {"?q=" + std::string(201, 'x'), "q"}}) {
        auto res = staff.reviewer.get("/api/v1/screens" + query);
        INFO(query);
        CHECK(res.status == 400);
        CHECK(error_field(res) == field);
    }
}
