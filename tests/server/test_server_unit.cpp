// The server's parts in-process, without a socket: the manifest hub's order
// under concurrent writers, the store on a temporary SQLite file (publish,
// transactions that roll back whole, repositories' round trips), the router
// and the access every route declares.
#include <catch2/catch.hpp>

#include <barrier>
#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "app/server.hpp"
#include "auth/account_service.hpp"
#include "auth/authenticator.hpp"
#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"
#include "media/converter.hpp"
#include "publish/manifest_hub.hpp"
#include "publish/publisher.hpp"
#include "screens/screen_service.hpp"
#include "slides/slide_service.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace signage::server;
using signage::test::wait_until;

namespace {

// A hub whose I/O context runs on a thread of its own.
struct RunningHub {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        io.get_executor()};
    ManifestHub hub{io, [](const std::string& group) -> signage::Result<ManifestSnapshot> {
                        return ManifestSnapshot{group, "empty", "{}", 0};
                    }};
    std::thread runner{[this] { io.run(); }};

    ~RunningHub() {
        work.reset();
        io.stop();
        runner.join();
        hub.shutdown();
    }
};

SnapshotPtr snapshot(const std::string& group, const std::string& version, std::int64_t sequence) {
    return std::make_shared<const ManifestSnapshot>(
        ManifestSnapshot{group, version, "{\"version\":\"" + version + "\"}", sequence});
}

// Waits on the hub and returns what answered it (nullptr: the wait ran out).
SnapshotPtr wait_answer(ManifestHub& hub, const std::string& group, const std::string& known,
                        std::chrono::milliseconds wait) {
    std::promise<SnapshotPtr> answer;
    auto future = answer.get_future();
    hub.wait_for_change(group, 1, known, wait,
                        [&answer](SnapshotPtr snap) { answer.set_value(std::move(snap)); });
    return future.get();
}

// A store on a SQLite file in `dir`, or, when the test runs on PostgreSQL,
// on the database made for `dir`.
std::unique_ptr<Store> open_store(const signage::test::TempDir& dir) {
    auto opened = signage::test::ServerFixture::on_postgres()
                      ? open_postgres_store(signage::test::database_for(dir.path()))
                      : open_sqlite_store(dir / "signage.db");
    REQUIRE(opened);
    return std::move(*opened);
}

// A store on a temporary SQLite file.
struct StoreFile {
    signage::test::TempDir dir{"store-unit"};
    std::unique_ptr<Store> opened = open_store(dir);
    Store& store = *opened;
};

User add_admin(Store& store) {
    auto admin = AccountService(store).add_user("admin", "hash", Role::admin);
    REQUIRE(admin);
    return *admin;
}

signage::Result<Group> add_group(Store& store, const std::string& name) {
    return store.write([&](Tx& tx) { return tx.groups().add(name, "{}"); });
}

// A group's latest manifest; nullopt when the group was never published.
signage::Result<std::optional<StoredManifest>> latest_of(Store& store, const std::string& group) {
    return store.read([&](Tx& tx) -> signage::Result<std::optional<StoredManifest>> {
        auto g = tx.groups().find(group);
        if (!g) return std::optional<StoredManifest>{};
        return tx.manifests().latest(g->id);
    });
}

}  // namespace

TEST_CASE("hub: a manifest handed in after a later one is ignored, and no waiter gets it",
          "[server][unit][hub]") {
    RunningHub h;
    REQUIRE(h.hub.current("plaza"));
    h.hub.update(snapshot("plaza", "v7", 7));
    h.hub.update(snapshot("plaza", "v6", 6));  // a slower writer's older manifest
    REQUIRE(h.hub.loaded("plaza"));
    CHECK(h.hub.loaded("plaza")->version == "v7");

    // A screen that has v7 keeps waiting: the older one does not wake it.
    auto waiting = std::async(std::launch::async, [&] {
        return wait_answer(h.hub, "plaza", "v7", std::chrono::milliseconds(400));
    });
    REQUIRE(wait_until([&] { return h.hub.waiting() == 1; }));
    h.hub.update(snapshot("plaza", "v5", 5));
    CHECK(waiting.get() == nullptr);

    // The same sequence again changes nothing; a later one wakes it.
    h.hub.update(snapshot("plaza", "v7-again", 7));
    CHECK(h.hub.loaded("plaza")->version == "v7");
    auto woken = std::async(std::launch::async, [&] {
        return wait_answer(h.hub, "plaza", "v7", std::chrono::seconds(5));
    });
    REQUIRE(wait_until([&] { return h.hub.waiting() == 1; }));
    h.hub.update(snapshot("plaza", "v8", 8));
    auto got = woken.get();
    REQUIRE(got);
    CHECK(got->version == "v8");
}

TEST_CASE("hub: waits end at their own deadlines, earliest first, whatever order they came in",
          "[server][unit][hub]") {
    RunningHub h;
    REQUIRE(h.hub.current("plaza"));
    using std::chrono::milliseconds;
    using Clock = std::chrono::steady_clock;
    // A long wait first, then two short ones: the hub's one timer must move
    // to the earlier deadline when a later wait brings one.
    auto long_wait = std::async(std::launch::async, [&] {
        return wait_answer(h.hub, "plaza", "empty", milliseconds(30'000));
    });
    REQUIRE(wait_until([&] { return h.hub.waiting() == 1; }));
    const auto start = Clock::now();
    auto short_wait = std::async(std::launch::async, [&] {
        auto got = wait_answer(h.hub, "plaza", "empty", milliseconds(300));
        return std::make_pair(got, Clock::now() - start);
    });
    auto middle_wait = std::async(std::launch::async, [&] {
        auto got = wait_answer(h.hub, "plaza", "empty", milliseconds(600));
        return std::make_pair(got, Clock::now() - start);
    });
    const auto [short_got, short_took] = short_wait.get();
    const auto [middle_got, middle_took] = middle_wait.get();
    CHECK(short_got == nullptr);
    CHECK(middle_got == nullptr);
    CHECK(short_took >= milliseconds(300));
    CHECK(short_took < milliseconds(3000));
    CHECK(middle_took >= milliseconds(600));
    CHECK(middle_took > short_took);
    // The long wait is still there, and a publish answers it.
    CHECK(h.hub.waiting() == 1);
    h.hub.update(snapshot("plaza", "v2", 2));
    auto woken = long_wait.get();
    REQUIRE(woken);
    CHECK(woken->version == "v2");
    CHECK(h.hub.waiting() == 0);
}

TEST_CASE("hub: two writers released together always leave the later manifest",
          "[server][unit][hub]") {
    RunningHub h;
    REQUIRE(h.hub.current("demo"));
    constexpr int rounds = 300;
    // Three parties: the two writers and this thread, which judges each round
    // between the writers' updates and the next round.
    std::barrier step(3);
    auto writer = [&](bool later) {
        for (int r = 0; r < rounds; ++r) {
            const std::int64_t seq = 2 * r + (later ? 2 : 1);
            auto snap = snapshot("demo", std::string("v").append(std::to_string(seq)), seq);
            step.arrive_and_wait();  // released together
            h.hub.update(std::move(snap));
            step.arrive_and_wait();  // both updates are in
            step.arrive_and_wait();  // the round has been judged
        }
    };
    std::thread older(writer, false);
    std::thread later(writer, true);
    int left_on_older = 0;
    for (int r = 0; r < rounds; ++r) {
        step.arrive_and_wait();
        step.arrive_and_wait();
        if (h.hub.loaded("demo")->sequence != 2 * r + 2) ++left_on_older;
        step.arrive_and_wait();
    }
    older.join();
    later.join();
    CHECK(left_on_older == 0);
}

TEST_CASE("store: a publish stores a group's manifest once per version, in order, or nothing",
          "[server][unit][store]") {
    StoreFile file;
    Store& store = file.store;
    const User admin = add_admin(store);
    REQUIRE(add_group(store, "plaza"));
    REQUIRE(add_group(store, "lobby"));
    auto latest_manifest = [&](const std::string& group) { return latest_of(store, group); };

    // The compile step gives every group the version it is told to.
    std::string version = "a";
    auto compile = [&](const PublishInput& in) -> signage::Result<std::vector<CompiledManifest>> {
        std::vector<CompiledManifest> out;
        for (const Group& g : in.groups) {
            out.push_back({g.id, g.name, version + "-" + g.name, "{\"v\":\"" + version + "\"}"});
        }
        return out;
    };
    auto first = publish_manifests(store, compile, admin);
    REQUIRE(first);
    REQUIRE(first->size() == 2);
    for (const PublishedGroup& g : *first) {
        CHECK(g.changed);
        CHECK(g.sequence > 0);
    }

    // The same versions again: nothing stored, the same sequence.
    auto same = publish_manifests(store, compile, admin);
    REQUIRE(same);
    for (std::size_t i = 0; i < same->size(); ++i) {
        CHECK_FALSE((*same)[i].changed);
        CHECK((*same)[i].sequence == (*first)[i].sequence);
    }

    // New versions: a later sequence for every group, and the latest is it.
    version = "b";
    auto second = publish_manifests(store, compile, admin);
    REQUIRE(second);
    for (std::size_t i = 0; i < second->size(); ++i) {
        CHECK((*second)[i].changed);
        CHECK((*second)[i].sequence > (*first)[i].sequence);
        auto latest = latest_manifest((*second)[i].group);
        REQUIRE(latest);
        REQUIRE(latest->has_value());
        CHECK((*latest)->version == (*second)[i].version);
        CHECK((*latest)->sequence == (*second)[i].sequence);
    }

    // A compile step that fails leaves every group on what it had.
    version = "c";
    auto failed = publish_manifests(
        store,
        [&](const PublishInput& in) -> signage::Result<std::vector<CompiledManifest>> {
            auto out = compile(in);
            if (!out) return out;
            return signage::make_error(signage::ErrorCode::invalid, "a slide no longer validates",
                                       "slides[0]");
        },
        admin);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().field == "slides[0]");
    for (const PublishedGroup& g : *second) {
        auto latest = latest_manifest(g.group);
        REQUIRE(latest);
        CHECK((*latest)->version == g.version);
    }
}

TEST_CASE("store: a transaction that fails half way leaves nothing behind",
          "[server][unit][store]") {
    StoreFile file;
    Store& store = file.store;
    const User admin = add_admin(store);
    const DeviceCredentials device{std::string(64, 'a'), std::string(64, 'b'), "0123456789abcdef"};

    // Every repository written to, then an error result: all of it rolls back.
    std::int64_t slide_id = 0;
    signage::Status failed = store.write([&](Tx& tx) -> signage::Status {
        REQUIRE(tx.users().add("editor", "hash", Role::editor));
        REQUIRE(tx.groups().add("plaza", "{}"));
        REQUIRE(tx.screens().add("lobby-1", "plaza", device));
        slide_id = tx.slides().create("{\"type\":\"notice\"}", admin.id, now_iso8601()).id;
        tx.media().add(MediaInfo{std::string(64, 'c'), 10, "image/png", 1, 1, "c.png"}, admin.id);
        tx.settings().put("forbidden_words", "[\"x\"]");
        tx.audit().record(admin.id, "create", "group", "plaza", "", "{}");
        return signage::make_error(signage::ErrorCode::invalid, "the last step refused", "name");
    });
    REQUIRE_FALSE(failed);
    CHECK(failed.error().field == "name");

    // A throw half way (as a database failure would) rolls back too, and
    // comes back as "internal".
    signage::Result<Group> thrown = store.write([&](Tx& tx) -> signage::Result<Group> {
        auto g = tx.groups().add("lobby", "{}");
        REQUIRE(g);
        throw std::runtime_error("disk gone");
    });
    REQUIRE_FALSE(thrown);
    CHECK(thrown.error().code == signage::ErrorCode::internal);

    auto left = store.read([&](Tx& tx) -> signage::Result<bool> {
        CHECK(tx.users().count() == 1);
        CHECK_FALSE(tx.users().find("editor"));
        CHECK(tx.groups().list().empty());
        CHECK(tx.screens().list().empty());
        CHECK_FALSE(tx.screens().find_by_token(device.token_hash));
        CHECK_FALSE(tx.slides().find(slide_id));
        CHECK(tx.slides().list().empty());
        CHECK_FALSE(tx.media().find(std::string(64, 'c')));
        CHECK_FALSE(tx.settings().get("forbidden_words"));
        auto audit = tx.audit().list(AuditQuery{});
        REQUIRE(audit.size() == 1);  // the admin's creation only
        CHECK(audit.front().object_type == "user");
        return true;
    });
    REQUIRE(left);

    // The store still works after both.
    REQUIRE(add_group(store, "plaza"));
}

TEST_CASE("store: users, sessions and screens round trip through their repositories",
          "[server][unit][store]") {
    signage::test::TempDir dir("store-unit");
    const DeviceCredentials device{std::string(64, 'a'), std::string(64, 'b'), "0123456789abcdef"};
    std::int64_t screen_id = 0;
    {
        auto opened = open_store(dir);
        Store& store = *opened;
        auto done = store.write([&](Tx& tx) -> signage::Status {
            auto user = tx.users().add("rev", "hash-1", Role::reviewer);
            REQUIRE(user);
            CHECK(tx.users().add("rev", "hash-2", Role::editor).error().code ==
                  signage::ErrorCode::conflict);
            auto creds = tx.users().find_credentials("rev");
            REQUIRE(creds);
            CHECK(creds->first.role == Role::reviewer);
            CHECK(creds->second == "hash-1");
            tx.users().add_session("s1", user->id, now_unix() + 60);
            tx.users().add_session("s2", user->id, now_unix() + 60);
            tx.users().add_session("old", user->id, now_unix() - 1);
            CHECK(tx.users().session_user("s1", now_unix())->username == "rev");
            CHECK_FALSE(tx.users().session_user("old", now_unix()));
            CHECK(tx.users().end_sessions(user->id, "s1") == 2);
            CHECK_FALSE(tx.users().session_user("s2", now_unix()));
            User disabled = *tx.users().find("rev");
            disabled.disabled = true;
            tx.users().update(disabled);
            CHECK_FALSE(tx.users().session_user("s1", now_unix()));

            tx.groups().add_if_missing("plaza");
            tx.groups().add_if_missing("plaza");
            auto screen = tx.screens().add("lobby-1", "plaza", device);
            REQUIRE(screen);
            screen_id = screen->id;
            CHECK(screen->group == "plaza");
            CHECK(tx.groups().find("plaza")->screens == 1);
            CHECK(tx.screens().add("lobby-1", "plaza", device).error().code ==
                  signage::ErrorCode::conflict);
            return {};
        });
        REQUIRE(done);
    }
    // Opened again: the schema is current and the rows are there.
    auto opened = open_store(dir);
    Store& store = *opened;
    auto checked = store.write([&](Tx& tx) -> signage::Status {
        auto by_token = tx.screens().find_by_token(device.token_hash);
        REQUIRE(by_token);
        CHECK(by_token->id == screen_id);
        CHECK(by_token->claim_key_id == device.claim_key_id);
        CHECK(tx.screens().find_by_claim_key(device.claim_key_id).front().public_key ==
              device.claim_public_key);
        CHECK_FALSE(tx.screens().reissue(screen_id, "plaza", device));  // not revoked
        CHECK(tx.screens().revoke(screen_id));
        CHECK_FALSE(tx.screens().find_by_token(device.token_hash));
        CHECK(tx.screens().find(screen_id)->revoked);
        DeviceCredentials fresh{std::string(64, 'd'), std::string(64, 'e'), "fedcba9876543210"};
        tx.groups().add_if_missing("hall");
        CHECK(tx.screens().reissue(screen_id, "hall", fresh));
        auto again = tx.screens().find_by_token(fresh.token_hash);
        REQUIRE(again);
        CHECK(again->group == "hall");
        CHECK_FALSE(again->revoked);
        return {};
    });
    REQUIRE(checked);
}

TEST_CASE("store: review records, manifests and the screen cache", "[server][unit][store]") {
    StoreFile file;
    Store& store = file.store;
    const User admin = add_admin(store);
    auto done = store.write([&](Tx& tx) -> signage::Status {
        SlideRecord s = tx.questions().create("{\"q\":1}", admin.id, "2026-12-01T00:00:00Z");
        CHECK(s.status == SlideStatus::draft);
        CHECK(s.author == "admin");
        s.status = SlideStatus::approved;
        s.approved_json = s.json;
        s.reviewer_id = admin.id;
        tx.questions().save(s);
        auto read = tx.questions().find(s.id);
        REQUIRE(read);
        CHECK(read->reviewer == "admin");
        CHECK(tx.questions().approved_ids() == std::vector<std::int64_t>{s.id});
        CHECK(tx.questions().published_versions().empty());  // approved, not yet published
        CHECK(tx.slides().list().empty());                   // questions and slides are apart
        tx.questions().mark_approved_published();
        CHECK(tx.questions().find(s.id)->status == SlideStatus::published);
        REQUIRE(tx.questions().published_versions().size() == 1);
        CHECK(tx.questions().published_versions().front().json == "{\"q\":1}");
        CHECK(tx.questions().approved_ids().empty());

        auto g = tx.groups().add("plaza", "{}");
        REQUIRE(g);
        CHECK_FALSE(tx.manifests().latest(g->id));
        const auto first = tx.manifests().add(g->id, "v1", "{}", "2026-12-01T00:00:00Z", admin.id);
        const auto second = tx.manifests().add(g->id, "v2", "{}", "2026-12-01T00:00:01Z", admin.id);
        CHECK(second > first);
        CHECK(tx.manifests().latest(g->id)->version == "v2");
        CHECK(tx.manifests().latest(g->id)->sequence == second);
        return {};
    });
    REQUIRE(done);

    // A lookup that started before a screen changed cannot cache its answer.
    ScreenCache& cache = store.screen_cache();
    const auto before = cache.generation();
    auto changed = store.write([&](Tx& tx) -> signage::Status {
        tx.groups().add_if_missing("plaza");
        auto screen =
            tx.screens().add("lobby-1", "plaza", {std::string(64, 'a'), std::string(64, 'b'), "k"});
        return screen ? signage::Status{} : screen.error();
    });
    REQUIRE(changed);
    cache.put("hash", Screen{}, before);
    CHECK_FALSE(cache.find("hash"));
    cache.put("hash", Screen{}, cache.generation());
    CHECK(cache.find("hash"));
}

TEST_CASE("router: paths, methods, parameters and body limits in-process",
          "[server][unit][router]") {
    using namespace signage::server::http;
    Router router([](std::function<void()> task) { task(); });
    std::vector<std::string> seen;
    router.add(Method::get, "/api/v1/slides/{id}", [&](Request& req) -> signage::Result<Response> {
        seen = req.params;
        return Response{};
    });
    router.add(
        Method::put, "/api/v1/media",
        [](Request&) -> signage::Result<Response> { return Response{}; }, RouteOptions{4096});
    router.add(Method::get, "/{*}", [&](Request& req) -> signage::Result<Response> {
        seen = req.params;
        Response r;
        r.status = 203;
        return r;
    });
    auto call = [&](Method method, const std::string& target) {
        Request req;
        req.method = method;
        req.method_text = std::string(to_string(method));
        req.target = target;
        split_target(target, req.path, req.query);
        Response answer;
        int answers = 0;
        router.dispatch(std::move(req), Responder{[&](Response r) {
                            answer = std::move(r);
                            ++answers;
                        }});
        CHECK(answers == 1);
        return answer;
    };
    // A parameter is percent-decoded; HEAD is served by the GET route.
    CHECK(call(Method::get, "/api/v1/slides/%E5%85%AC?x=1").status == 200);
    CHECK(seen == std::vector<std::string>{"公"});
    CHECK(call(Method::head, "/api/v1/slides/7").status == 200);
    // Another method on a known path: 405 naming what is allowed.
    auto wrong = call(Method::del, "/api/v1/slides/7");
    CHECK(wrong.status == 405);
    CHECK(wrong.headers.get("Allow") == "GET, HEAD");
    // The fallback answers what nothing else matches, and never causes a 405.
    CHECK(call(Method::get, "/console/pages/editor.js").status == 203);
    CHECK(seen == std::vector<std::string>{"console/pages/editor.js"});
    CHECK(call(Method::post, "/console/app.js").status == 404);
    // An empty parameter does not match its route; a broken escape matches nothing.
    CHECK(call(Method::get, "/api/v1/slides/").status == 203);
    CHECK(seen == std::vector<std::string>{"api/v1/slides/"});
    CHECK(call(Method::get, "/api/v1/slides/%zz").status == 404);
    // Without a fallback, a path no route has is a 404 that names the path.
    Router bare([](std::function<void()> task) { task(); });
    Response missing;
    bare.dispatch(
        [] {
            Request req;
            req.method = Method::get;
            req.method_text = "GET";
            req.target = req.path = "/api/v1/not-yet";
            return req;
        }(),
        Responder{[&](Response r) { missing = std::move(r); }});
    CHECK(missing.status == 404);
    CHECK(nlohmann::json::parse(missing.body)["error"]["field"] == "path");
    // Body limits are the route's, or the default where no route matches.
    CHECK(router.body_limit(Method::put, "/api/v1/media") == 4096);
    CHECK(router.body_limit(Method::post, "/nowhere") == RouteOptions{}.body_limit);

    // A path without parameters is found by its pattern at once, and still
    // as the scan would: an earlier route whose parameter matches it comes
    // first, and a later route on the same path with another method makes a
    // 405 list both.
    auto answers_with = [](int status) {
        return [status](Request&) -> signage::Result<Response> {
            Response r;
            r.status = status;
            return r;
        };
    };
    router.add(Method::get, "/api/v1/slides/latest", answers_with(210));  // after {id}
    router.add(Method::get, "/api/v1/units/tree", answers_with(211));
    router.add(Method::get, "/api/v1/units/{id}", answers_with(212));  // after "tree"
    router.add(Method::post, "/api/v1/units/tree", answers_with(213));
    CHECK(call(Method::get, "/api/v1/slides/latest").status == 200);  // the {id} route's
    CHECK(seen == std::vector<std::string>{"latest"});
    CHECK(call(Method::get, "/api/v1/units/tree").status == 211);
    CHECK(call(Method::head, "/api/v1/units/tree").status == 211);
    CHECK(call(Method::post, "/api/v1/units/tree").status == 213);
    CHECK(call(Method::get, "/api/v1/units/9").status == 212);
    auto not_here = call(Method::del, "/api/v1/units/tree");
    CHECK(not_here.status == 405);
    CHECK(not_here.headers.get("Allow") == "GET, HEAD, POST");  // each method once
    // Written otherwise (no leading slash), it is the same route.
    CHECK(call(Method::get, "api/v1/units/tree").status == 211);
}

namespace {

// A server opened on a temporary data directory (bound, not serving), with an
// editor and an admin signed in and a screen registered.
struct AccessFixture {
    signage::test::TempDir dir;
    std::unique_ptr<Server> server;
    std::string editor, admin, device;

    AccessFixture() {
        ServerConfig config;
        config.data_dir = dir.path();
        config.port = 0;
        auto created = Server::create(config);
        REQUIRE(created);
        server = std::move(*created);
        Services& s = server->services();
        for (const auto& [name, role] : {std::pair{"ed", Role::editor}, {"ad", Role::admin}}) {
            auto hash = hash_password(std::string(name) + "-secret-1");
            REQUIRE(hash);
            REQUIRE(s.accounts.add_user(name, *hash, role));
        }
        editor = s.auth.login("ed", "ed-secret-1")->token;
        admin = s.auth.login("ad", "ad-secret-1")->token;
        device = new_token();
        REQUIRE(s.screens.add("lobby", "hall", device_credentials(device)));
    }
};

}  // namespace

TEST_CASE("routes: every route of the server declares its access", "[server][unit][access]") {
    AccessFixture f;
    const std::set<std::string> known = {"anyone",   "device", "staff",          "editor",
                                         "reviewer", "admin",  "editor|reviewer"};
    const auto table = f.server->route_table();
    REQUIRE(table.size() == f.server->routes().size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        INFO(table[i].method << " " << table[i].pattern << ": " << table[i].access);
        CHECK(table[i].method + " " + table[i].pattern == f.server->routes()[i]);
        CHECK(known.count(table[i].access) == 1);
    }
}

TEST_CASE("routes: the caller, then the path id, then the body, before the handler",
          "[server][unit][access]") {
    using namespace signage::server::http;
    AccessFixture f;
    Router router([](std::function<void()> task) { task(); });
    ApiRoutes api(router, f.server->services());
    std::vector<std::string> ran;
    api.add(Method::put, "/things/{id}",
            {.access = Access::admin(), .path_id = "thing", .body = RouteSpec::Body::object},
            [&](Call& c) -> signage::Result<Response> {
                ran.push_back(c.user().username + " " + std::to_string(c.id) + " " + c.body.dump());
                return Response{};
            });
    api.add(Method::post, "/edits", {.access = Access::roles({Role::editor})},
            [&](Call& c) -> signage::Result<Response> {
                ran.push_back(c.user().username);
                return Response{};
            });
    api.add(Method::post, "/beats",
            {.access = Access::device(), .body = RouteSpec::Body::optional_object},
            [&](Call& c) -> signage::Result<Response> {
                ran.push_back(c.screen().name + " " + c.body.dump());
                return Response{};
            });
    api.add(Method::get, "/open", {.access = Access::anyone()},
            [&](Call&) -> signage::Result<Response> {
                ran.push_back("open");
                return Response{};
            });
    auto call = [&](Method method, const std::string& target, const std::string& token,
                    const std::string& body) {
        Request req;
        req.method = method;
        req.method_text = std::string(to_string(method));
        req.target = target;
        split_target(target, req.path, req.query);
        if (!token.empty()) req.headers.set("authorization", "Bearer " + token);
        req.body = body;
        Response answer;
        router.dispatch(std::move(req), Responder{[&](Response r) { answer = std::move(r); }});
        return answer;
    };
    auto code = [](const Response& r) {
        return nlohmann::json::parse(r.body).at("error").at("code").get<std::string>();
    };
    auto field = [](const Response& r) {
        return nlohmann::json::parse(r.body).at("error").at("field");
    };

    // The caller first: no token is 401 (with its challenge) whatever the id and body.
    auto none = call(Method::put, "/things/x", "", "not json");
    CHECK(none.status == 401);
    CHECK(none.headers.get("WWW-Authenticate") == "Bearer");
    CHECK(field(none) == "Authorization");
    CHECK(call(Method::put, "/things/x", "made-up", "not json").status == 401);
    // A screen's token on a staff route, and the wrong role: 403.
    CHECK(call(Method::put, "/things/x", f.device, "not json").status == 403);
    auto editor = call(Method::put, "/things/x", f.editor, "not json");
    CHECK(editor.status == 403);
    CHECK(code(editor) == "forbidden");
    // Then the path id: 404 naming the noun, before the body.
    auto bad_id = call(Method::put, "/things/x", f.admin, "not json");
    CHECK(bad_id.status == 404);
    CHECK(nlohmann::json::parse(bad_id.body).at("error").at("message") == "no thing x");
    // Then the body.
    auto bad_body = call(Method::put, "/things/7", f.admin, "[1]");
    CHECK(bad_body.status == 400);
    CHECK(field(bad_body) == "body");
    CHECK(ran.empty());
    CHECK(call(Method::put, "/things/7", f.admin, "{\"a\":1}").status == 200);
    CHECK(ran == std::vector<std::string>{"ad 7 {\"a\":1}"});

    // A role set lets admins through too.
    CHECK(call(Method::post, "/edits", f.editor, "").status == 200);
    CHECK(call(Method::post, "/edits", f.admin, "").status == 200);
    // Device routes refuse staff tokens; an optional body may be empty.
    CHECK(call(Method::post, "/beats", f.editor, "").status == 403);
    CHECK(call(Method::post, "/beats", "", "").status == 401);
    CHECK(call(Method::post, "/beats", f.device, "").status == 200);
    CHECK(call(Method::post, "/beats", f.device, "x").status == 400);
    // Anyone: the token is not looked at.
    CHECK(call(Method::get, "/open", "made-up", "").status == 200);
    CHECK(ran == std::vector<std::string>{"ad 7 {\"a\":1}", "ed", "ad", "lobby {}", "open"});

    // The route list carries each route's access.
    std::vector<std::string> listed;
    for (const auto& r : router.routes())
        listed.push_back(r.method + " " + r.pattern + " " + r.access);
    CHECK(listed == std::vector<std::string>{"PUT /things/{id} admin", "POST /edits editor",
                                             "POST /beats device", "GET /open anyone"});
}

TEST_CASE("workflow: a slide goes from draft to a screen's manifest only through review",
          "[server][unit][workflow]") {
    using signage::ErrorCode;
    AccessFixture f;
    Services& s = f.server->services();
    const User editor = *s.auth.staff(f.editor);
    const User admin = *s.auth.staff(f.admin);
    auto before = s.hub.current("hall");
    REQUIRE(before);
    const std::string empty_version = (*before)->version;

    auto slide = s.slides.create(
        {{"type", "text"}, {"title", "文明出行"}, {"body", "礼让行人"}, {"groups", {"hall"}}},
        editor);
    REQUIRE(slide);
    const std::int64_t id = slide->id;
    CHECK(slide->status == SlideStatus::draft);
    // Nothing is approved before it is submitted, nor by its own author.
    CHECK(s.slides.approve(id, admin, revision_of(*slide)).error().code == ErrorCode::conflict);
    REQUIRE(s.slides.submit(id, editor));
    CHECK(s.slides.approve(id, editor, revision_of(*slide)).error().code == ErrorCode::forbidden);
    const auto no_reason = s.slides.reject(id, admin, "  ");
    CHECK(no_reason.error().code == ErrorCode::invalid);
    CHECK(s.slides.get(id, admin)->status == SlideStatus::pending);

    // A publish before the approval leaves the screens' manifest as it was.
    REQUIRE(s.publisher.publish(admin));
    CHECK((*s.hub.current("hall"))->version == empty_version);

    auto approved = s.slides.approve(id, admin, revision_of(*slide));
    REQUIRE(approved);
    CHECK(approved->status == SlideStatus::approved);
    auto published = s.publisher.publish(admin);
    REQUIRE(published);
    const auto now = *s.hub.current("hall");
    CHECK(now->version != empty_version);
    CHECK(now->json.find("文明出行") != std::string::npos);
    CHECK(s.slides.get(id, admin)->status == SlideStatus::published);

    // Withdrawn, it leaves the screens at the next publish.
    REQUIRE(s.slides.withdraw(id, admin, "内容过期"));
    REQUIRE(s.publisher.publish(admin));
    CHECK((*s.hub.current("hall"))->json.find("文明出行") == std::string::npos);
}

TEST_CASE("errors: every code has one name that reads back, and answers with its table's status",
          "[server][unit][errors]") {
    using signage::ErrorCode;
    std::set<std::string> names;
    for (int i = 0; i < signage::kErrorCodeCount; ++i) {
        const auto code = static_cast<ErrorCode>(i);
        const std::string name(signage::error_code_name(code));
        CHECK(names.insert(name).second);
        CHECK(signage::error_code_from_name(name) == code);
        const auto answer = signage::server::http::error_response(signage::make_error(code, "m"));
        CHECK(answer.status == signage::error_code_status(code));
        CHECK(nlohmann::json::parse(answer.body)["error"]["code"] == name);
    }
    CHECK_FALSE(signage::error_code_from_name("Invalid"));
    CHECK(signage::error_code_status(ErrorCode::invalid) == 400);
    CHECK(signage::error_code_status(ErrorCode::not_found) == 404);
    CHECK(signage::error_code_status(ErrorCode::too_many_requests) == 429);
    CHECK(signage::error_code_status(ErrorCode::io) == 500);
}

TEST_CASE("store: a schema 6 database opens, keeps its slides and can hold withdrawn ones",
          "[server][unit][store][sqlite]") {
    signage::test::TempDir dir("store-v6");
    std::int64_t id = 0;
    {
        auto opened = open_store(dir);
        auto done = opened->write([&](Tx& tx) -> signage::Status {
            auto user = tx.users().add("ed", "hash", Role::editor);
            REQUIRE(user);
            SlideRecord r = tx.slides().create(R"({"type":"text","title":"旧内容"})", user->id,
                                               "2026-11-01T08:00:00Z");
            r.status = SlideStatus::published;
            r.approved_json = r.json;
            tx.slides().save(r);
            id = r.id;
            return {};
        });
        REQUIRE(done);
    }
    // The file as a schema 6 server left it: the slides table's old CHECK,
    // which does not know "withdrawn", no alert tables (schema 8), no
    // group orders (schema 10), no editors or retired claim keys (11), no
    // film facts (12), no renditions (13), no shared throttles or
    // pairings (14), no screenshot requests (15) and no units (16).
    {
        SQLite::Database db((dir / "signage.db").string(), SQLite::OPEN_READWRITE);
        db.exec(R"sql(
DROP INDEX users_by_unit;
ALTER TABLE users DROP COLUMN unit_id;
DROP INDEX groups_by_unit;
ALTER TABLE groups DROP COLUMN unit_id;
DROP INDEX quiz_questions_by_unit;
ALTER TABLE quiz_questions DROP COLUMN unit_id;
ALTER TABLE quiz_questions DROP COLUMN published_json;
DROP INDEX audit_by_unit;
ALTER TABLE audit_log DROP COLUMN unit_id;
DROP TABLE media_units;
DROP TABLE units;
CREATE TABLE slides_v6(
    id INTEGER PRIMARY KEY, json TEXT NOT NULL, approved_json TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'published')),
    author_id INTEGER NOT NULL REFERENCES users(id), updated_by INTEGER NOT NULL REFERENCES users(id),
    reviewer_id INTEGER REFERENCES users(id), reject_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, reviewed_at TEXT NOT NULL DEFAULT '');
INSERT INTO slides_v6 SELECT id, json, approved_json, status, author_id, updated_by,
    reviewer_id, reject_reason, created_at, updated_at, reviewed_at FROM slides;
DROP TABLE slides;
ALTER TABLE slides_v6 RENAME TO slides;
DROP TABLE media_rendition;
ALTER TABLE media DROP COLUMN rendition_of;
DROP TABLE media_video;
DROP TABLE retired_claim_keys;
ALTER TABLE quiz_questions DROP COLUMN editors;
DROP TABLE group_orders;
DROP TABLE alert_marks;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
ALTER TABLE media DROP COLUMN name;
DROP TABLE throttle_events;
DROP TABLE pairing_requests;
DROP TABLE screenshot_requests;
UPDATE schema_version SET version = 6;
)sql");
        CHECK_THROWS(db.exec("UPDATE slides SET status = 'withdrawn'"));
    }
    auto opened = open_store(dir);
    auto checked = opened->write([&](Tx& tx) -> signage::Status {
        auto r = tx.slides().find(id);
        REQUIRE(r);
        CHECK(r->status == SlideStatus::published);
        CHECK(r->json.find("旧内容") != std::string::npos);
        r->status = SlideStatus::withdrawn;
        tx.slides().save(*r);
        CHECK(tx.slides().find(id)->status == SlideStatus::withdrawn);
        return {};
    });
    CHECK(checked);
}

TEST_CASE("store: a database URI is shown without its password", "[server][unit][store]") {
    CHECK(redacted_uri("postgresql://signage:s3cret@db.example:5432/signage") ==
          "postgresql://signage:***@db.example:5432/signage");
    CHECK(redacted_uri("postgresql://signage:p@ss:w0rd@db/x") == "postgresql://signage:***@db/x");
    CHECK(redacted_uri("postgresql://signage@db.example/signage") ==
          "postgresql://signage@db.example/signage");
    CHECK(redacted_uri("postgresql://db.example:5432/signage") ==
          "postgresql://db.example:5432/signage");
    CHECK(redacted_uri("not a uri") == "not a uri");
}

TEST_CASE("convert: retry delays are whole seconds, each longer than the one before",
          "[server][unit][convert]") {
    using std::chrono::seconds;
    auto delays = parse_retry_delays("60,600,3600", "--convert-retry-seconds");
    REQUIRE(delays.ok());
    CHECK(*delays == std::vector<seconds>{seconds(60), seconds(600), seconds(3600)});
    auto none = parse_retry_delays("none", "--convert-retry-seconds");
    REQUIRE(none.ok());
    CHECK(none->empty());
    for (const char* bad : {"", "0", "60,60", "600,60", "1,,2", "1.5", "-1", "60,", "soon"}) {
        INFO(bad);
        auto refused = parse_retry_delays(bad, "--convert-retry-seconds");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().field == "--convert-retry-seconds");
    }

    // A failed row's retry was put off by the delay of its failure: read
    // back whatever the millisecond of the second it failed in.
    RenditionRecord failed;
    failed.status = "failed";
    failed.updated_at = "2026-11-22T08:30:00Z";
    const std::int64_t at = 1'795'336'200'000;  // 2026-11-22T08:30:00Z in Unix ms
    for (const std::int64_t within : {0, 1, 999}) {
        for (int n = 1; n <= 3; ++n) {
            INFO(within << " ms into the second, failure " << n);
            failed.lease_until_ms =
                at + within +
                std::chrono::milliseconds((*delays)[static_cast<std::size_t>(n - 1)]).count();
            CHECK(failures_before_retry(failed, *delays) == n);
        }
    }
}
