// The command line, restarts, the demo set, the console and request hygiene,
// against the real signage-server binary.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "common/sha256.hpp"
#include "protocol/manifest.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

TEST_CASE("server: screen add prints only a token and bad command lines exit with 2",
          "[server][cli]") {
    TempDir data("signage-cli");
    const std::string dir = data.path().string();

    auto added =
        ServerFixture::run_cli({"screen", "add", "lobby", "--group", "hall", "--data", dir});
    CHECK(added.status == 0);
    CHECK(std::regex_match(added.out, std::regex("[0-9a-f]{64}\n")));
    auto twice =
        ServerFixture::run_cli({"screen", "add", "lobby", "--group", "hall", "--data", dir});
    CHECK(twice.status == 1);
    CHECK(twice.out.empty());

    write_text_file(data / "pw", "long-enough-password\n");
    write_text_file(data / "short", "short\n");
    const std::string pw = (data / "pw").string();
    CHECK(ServerFixture::run_cli(
              {"user", "add", "ann", "--role", "boss", "--password-file", pw, "--data", dir})
              .status == 2);
    CHECK(ServerFixture::run_cli({"user", "add", "ann", "--role", "admin", "--password-file",
                                  (data / "short").string(), "--data", dir})
              .status == 1);
    CHECK(ServerFixture::run_cli({"user", "add", "ann", "--role", "admin", "--password-file", pw})
              .status == 2);
    CHECK(ServerFixture::run_cli({"--listen", "127.0.0.1:0"}).status == 2);
    CHECK(ServerFixture::run_cli({"--data", dir}).status == 2);
    CHECK(ServerFixture::run_cli({"--data", dir, "--listen", "nowhere"}).status == 2);
    CHECK(
        ServerFixture::run_cli({"--data", dir, "--listen", "127.0.0.1:0", "--frobnicate"}).status ==
        2);

    // The account made on the command line signs in on the server.
    CHECK(ServerFixture::run_cli(
              {"user", "add", "ann", "--role", "admin", "--password-file", pw, "--data", dir})
              .status == 0);
    ServerOptions options;
    options.data_dir = data.path();
    ServerFixture server(options);
    CHECK_FALSE(server.login("ann", "long-enough-password").empty());
    auto screens = server.client(server.login("ann", "long-enough-password"))
                       .get("/api/v1/screens")
                       .json()
                       .at("screens");
    REQUIRE(screens.size() == 1);
    CHECK(screens[0].at("group") == "hall");
    CHECK(server.stop() == 0);  // SIGTERM: a clean exit
}

TEST_CASE("server: screen add --count registers numbered screens, each playing with its own token",
          "[server][cli]") {
    Staff staff;
    const std::string dir = staff.server.data_dir().string();
    auto added = ServerFixture::run_cli(
        {"screen", "add", "kiosk", "--group", "hall", "--count", "3", "--data", dir});
    REQUIRE(added.status == 0);
    REQUIRE(std::regex_match(added.out, std::regex("([0-9a-f]{64}\n){3}")));
    const std::vector<std::string> tokens = {added.out.substr(0, 64), added.out.substr(65, 64),
                                             added.out.substr(130, 64)};
    CHECK(tokens[0] != tokens[1]);
    CHECK(tokens[1] != tokens[2]);
    CHECK(tokens[0] != tokens[2]);
    // Each token is its own screen, in the order of the names.
    staff.approved_slide(text_slide("文明城市 人人共建"));
    const std::string version = staff.publish().at("version").get<std::string>();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        auto manifest = staff.server.client(tokens[i]).get("/api/v1/player/manifest");
        REQUIRE(manifest.status == 200);
        CHECK(unquote(manifest.header("etag")) == version);
        const std::string name = "kiosk-0000" + std::to_string(i + 1);
        const json screen = screen_named(staff.admin, name);
        CHECK(screen.at("group") == "hall");
        CHECK(screen.at("last_seen").is_string());
    }
    // A name taken: nothing registered, nothing printed.
    auto again = ServerFixture::run_cli(
        {"screen", "add", "kiosk", "--group", "hall", "--count", "4", "--data", dir});
    CHECK(again.status == 1);
    CHECK(again.out.empty());
    CHECK(staff.admin.get("/api/v1/screens").json().at("screens").size() == 3);
    CHECK(ServerFixture::run_cli(
              {"screen", "add", "kiosk", "--group", "hall", "--count", "0", "--data", dir})
              .status == 2);
}

TEST_CASE("server: data survives a clean restart and a kill", "[server][cli]") {
    Staff staff;
    const std::string device = staff.server.add_screen("gate", "town");
    const std::string png = make_png(12, 12, 3);
    REQUIRE(staff.editor.put_bytes("/api/v1/media", png).status == 201);
    const std::string sha = signage::sha256_hex(png);
    staff.approved_slide({{"type", "image"}, {"title", "图片"}, {"media", sha}});
    const std::string version = staff.publish().at("version").get<std::string>();

    for (int round = 0; round < 2; ++round) {
        INFO((round == 0 ? "after SIGTERM" : "after SIGKILL"));
        if (round == 0) {
            CHECK(staff.server.stop() == 0);
        } else {
            staff.server.kill9();
        }
        staff.server.start();
        // Sessions, slides, media and the published manifest are all still there.
        auto slides = staff.editor.get("/api/v1/slides");
        REQUIRE(slides.status == 200);
        CHECK(slides.json().at("slides").size() == 1);
        CHECK(staff.server.client().get("/media/" + sha).body == png);
        auto m = staff.server.client(device).get("/api/v1/player/manifest");
        REQUIRE(m.status == 200);
        CHECK(m.header("etag") == "\"" + version + "\"");
        auto manifest = signage::protocol::parse_manifest_text(m.body);
        REQUIRE(manifest.ok());
        REQUIRE(manifest->media.size() == 1);
        CHECK(manifest->media[0].sha256 == sha);
        CHECK(manifest->media[0].size == static_cast<std::int64_t>(png.size()));
    }
}

TEST_CASE("server: --demo seeds accounts, a screen and published content once",
          "[server][cli][demo]") {
    TempDir assets("signage-assets");
    const std::string png = make_png(32, 18, 9);
    write_text_file(assets / "demo/images/banner.png", png);
    const json content = {
        {"slides",
         {{{"type", "core_values"}, {"title", "社会主义核心价值观"}},
          {{"type", "text"}, {"title", "讲文明 树新风"}, {"body", "文明是最美的风景。"}},
          {{"type", "image"}, {"title", "横幅"}, {"media", "images/banner.png"}}}}};
    write_text_file(assets / "demo/content.json", content.dump());

    ServerOptions options;
    options.demo = true;
    options.assets = assets.path();
    ServerFixture server(options);

    const auto token_file = server.data_dir() / "demo-screen.token";
    struct stat st {};
    REQUIRE(::stat(token_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::string device = read_text_file(token_file);
    while (!device.empty() && device.back() == '\n') device.pop_back();

    auto m = server.client(device).get("/api/v1/player/manifest");
    REQUIRE(m.status == 200);
    auto manifest = signage::protocol::parse_manifest_text(m.body);
    REQUIRE(manifest.ok());
    CHECK(manifest->group == "demo");
    REQUIRE(manifest->items.size() == 3);
    CHECK(manifest->items[1].title == "讲文明 树新风");
    CHECK(manifest->items[2].media == signage::sha256_hex(png));
    CHECK(server.client().get("/media/" + signage::sha256_hex(png)).body == png);

    const std::string admin = server.login("admin", "demo-admin");
    CHECK_FALSE(server.login("editor", "demo-editor").empty());
    CHECK_FALSE(server.login("reviewer", "demo-reviewer").empty());
    auto slides = server.client(admin).get("/api/v1/slides").json().at("slides");
    REQUIRE(slides.size() == 3);
    for (const auto& s : slides) CHECK(s.at("status") == "published");

    // Started again with --demo: nothing is seeded twice.
    server.restart();
    CHECK(server.client(server.login("admin", "demo-admin"))
              .get("/api/v1/slides")
              .json()
              .at("slides")
              .size() == 3);
}

TEST_CASE("server: the console is served, unknown routes get JSON errors", "[server][http]") {
    ServerFixture server;
    auto anon = server.client();

    auto index = anon.get("/");
    REQUIRE(index.status == 200);
    CHECK(index.header("content-type") == "text/html; charset=utf-8");
    CHECK(index.body.find("<html") != std::string::npos);
    auto script = anon.get("/app.js");
    CHECK(script.status == 200);
    CHECK(script.header("content-type") == "text/javascript; charset=utf-8");
    CHECK(anon.get("/%2e%2e/%2e%2e/%2e%2e/etc/passwd").status == 404);
    CHECK(anon.get("/..%2f..%2f..%2fetc/passwd").status == 404);

    auto unknown = anon.get("/api/v1/nothing-here");
    CHECK(unknown.status == 404);
    CHECK(error_code(unknown) == "not_found");
    auto wrong_method = anon.request("DELETE", "/api/v1/publish");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("allow") == "POST");
    CHECK(error_code(wrong_method) == "method_not_allowed");

    // Oversized headers are refused; the server keeps serving.
    auto huge = anon.get("/", {{"X-Padding", std::string(20000, 'x')}});
    CHECK(huge.status == 431);
    CHECK(anon.get("/api/v1/auth/me").status == 401);
}

TEST_CASE("server: user add takes the API's password rule: 9 characters are refused, 10 pass",
          "[server][cli][password]") {
    TempDir data;
    const std::string dir = data.path().string();
    write_text_file(data / "nine", "123456789\n");
    write_text_file(data / "ten", "1234567890\n");
    CHECK(ServerFixture::run_cli({"user", "add", "ann", "--role", "admin", "--password-file",
                                  (data / "nine").string(), "--data", dir})
              .status == 1);
    CHECK(ServerFixture::run_cli({"user", "add", "ann", "--role", "admin", "--password-file",
                                  (data / "ten").string(), "--data", dir})
              .status == 0);
    // The API says the same of the same password.
    ServerOptions options;
    options.data_dir = data.path();
    ServerFixture server(options);
    auto ann = server.client(server.login("ann", "1234567890"));
    auto nine = ann.post("/api/v1/users",
                         {{"username", "bo"}, {"role", "editor"}, {"password", "123456789"}});
    CHECK(nine.status == 400);
    CHECK(error_field(nine) == "password");
    CHECK(nine.json().at("error").at("params").at("min") == 10);
    CHECK(ann.post("/api/v1/users",
                   {{"username", "bo"}, {"role", "editor"}, {"password", "1234567890"}})
              .status == 201);
}

TEST_CASE("server: the data directory is 0700 and the database files 0600 after a real start",
          "[server][cli][permissions][sqlite]") {
    TempDir parent;
    ServerOptions options;
    options.data_dir = parent / "data";  // made by the server
    ServerFixture server(options);
    const std::string token = server.add_staff("erin", "editor");
    // A write, so the write-ahead log exists.
    REQUIRE(server.client(token).post("/api/v1/slides", text_slide("权限")).status == 201);
    auto mode_of = [](const std::filesystem::path& p) {
        struct stat st {};
        REQUIRE(::stat(p.c_str(), &st) == 0);
        return st.st_mode & 07777;
    };
    CHECK(mode_of(options.data_dir) == 0700);
    for (const char* name : {"signage.db", "signage.db-wal", "signage.db-shm"}) {
        INFO(name);
        CHECK(mode_of(options.data_dir / name) == 0600);
    }

    // A database an older server left readable is made private on start.
    server.stop();
    REQUIRE(::chmod((options.data_dir / "signage.db").c_str(), 0644) == 0);
    server.start();
    CHECK(mode_of(options.data_dir / "signage.db") == 0600);
}

TEST_CASE("server: check says what would stop an instance, and migrate brings the schema up",
          "[server][cli]") {
    TempDir data("signage-check");
    const std::string dir = data.path().string();

    // A new installation: nothing in the database yet.
    auto fresh = ServerFixture::run_cli({"check", "--data", dir});
    INFO(fresh.out);
    CHECK(fresh.status == 1);
    CHECK(std::regex_search(fresh.out, std::regex("^ok +database ", std::regex::multiline)));
    CHECK(std::regex_search(fresh.out, std::regex("^FAIL +schema +none yet, this server writes "
                                                  "[0-9]+: run signage-server migrate",
                                                  std::regex::multiline)));
    CHECK(std::regex_search(fresh.out,
                            std::regex("^ok +media +.*/media writable", std::regex::multiline)));

    auto migrated = ServerFixture::run_cli({"migrate", "--data", dir});
    INFO(migrated.out);
    CHECK(migrated.status == 0);
    CHECK(std::regex_search(migrated.out, std::regex("schema none yet -> [0-9]+\n")));
    auto again = ServerFixture::run_cli({"migrate", "--data", dir});
    CHECK(again.status == 0);
    CHECK(again.out.find("is current, nothing to do") != std::string::npos);

    auto ready = ServerFixture::run_cli({"check", "--data", dir});
    INFO(ready.out);
    CHECK(ready.status == 0);
    CHECK(std::regex_search(
        ready.out, std::regex("^ok +schema +[0-9]+ \\(current\\)", std::regex::multiline)));

    // A media directory that cannot be written (a file stands in its way).
    write_text_file(data / "not-a-directory", "x");
    auto blocked = ServerFixture::run_cli(
        {"check", "--data", dir, "--media-dir", (data / "not-a-directory").string()});
    INFO(blocked.out);
    CHECK(blocked.status == 1);
    CHECK(std::regex_search(blocked.out, std::regex("^FAIL +media ", std::regex::multiline)));
    // --from without --to is a usage error.
    CHECK(ServerFixture::run_cli({"migrate", "--from", dir}).status == 2);
    CHECK(ServerFixture::run_cli({"migrate", "--from", dir, "--to", "mysql://x"}).status == 2);
}

namespace {

// The threads of a running process, as ps and top count them.
int thread_count(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    }
    return -1;
}

}  // namespace

TEST_CASE(
    "server: --io-threads and --worker-threads set the server's threads, a bad count is "
    "refused by name",
    "[server][cli]") {
    ServerOptions few;
    few.args = {"--io-threads", "1", "--worker-threads", "1"};
    ServerOptions many;
    many.args = {"--worker-threads", "5"};
    many.env = {{"SIGNAGE_IO_THREADS", "3"}};
    Staff small(few);
    Staff big(many);
    // Two more I/O threads and four more workers, and nothing else apart.
    int apart = 0;
    CHECK(wait_until([&] {
        apart =
            thread_count(big.server.process().pid()) - thread_count(small.server.process().pid());
        return apart == 6;
    }));
    INFO("the server with 3 I/O threads and 5 workers has " << apart << " threads more");

    // With three I/O threads, screens are answered and woken as with one.
    // Connections are dealt to the threads in turn: seven screens, each on
    // connections of its own, reach every thread more than once.
    std::vector<std::string> devices;
    for (int i = 0; i < 7; ++i) {
        devices.push_back(big.server.add_screen("hall-" + std::to_string(i), "town"));
    }
    std::string before;
    for (const std::string& device : devices) {
        HttpClient screen = big.server.client(device);
        before = unquote(screen.get("/api/v1/player/manifest").header("etag"));
        for (int i = 0; i < 5; ++i) {
            auto res =
                screen.get("/api/v1/player/manifest", {{"If-None-Match", "\"" + before + "\""}});
            REQUIRE(res.status == 304);
        }
    }
    big.approved_slide(text_slide("文明城市 人人共建"));
    std::vector<std::future<Poll>> polls;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        polls.push_back(start_poll(big.server.url(), devices[i], before, 30));
        REQUIRE(wait_for_waiting(big.admin, "hall-" + std::to_string(i)));
    }
    const json published = big.publish();
    for (auto& poll : polls) {
        const Poll result = poll.get();
        REQUIRE(result.res.status == 200);
        CHECK(unquote(result.res.header("etag")) == published.at("version").get<std::string>());
    }

    // A count that is not a whole number from 1 to 256 stops the server at
    // once, and the message names the option.
    TempDir scratch("signage-threads");
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{"--io-threads", "0"}, ""},
        {{"--io-threads", "many"}, ""},
        {{"--worker-threads", "0"}, ""},
        {{"--worker-threads", "1000"}, ""},
        {{}, "0"},  // SIGNAGE_IO_THREADS=0
    };
    int n = 0;
    for (const auto& [flags, env_value] : bad) {
        std::vector<std::string> args = {"--data", (scratch / "data").string(), "--listen",
                                         "127.0.0.1:0"};
        args.insert(args.end(), flags.begin(), flags.end());
        ProcessOptions options;
        options.stderr_file = scratch / ("stderr-" + std::to_string(++n));
        if (!env_value.empty()) options.env = {{"SIGNAGE_IO_THREADS", env_value}};
        Process p(ServerFixture::binary(), args, options);
        const auto status = p.wait(std::chrono::seconds(30));
        const std::string said = read_text_file(options.stderr_file);
        INFO("signage-server " << (flags.empty() ? "SIGNAGE_IO_THREADS=" + env_value
                                                 : flags[0] + " " + flags[1])
                               << " said: " << said);
        REQUIRE(status.has_value());
        CHECK(*status == 2);
        CHECK(said.find(flags.empty() ? "--io-threads" : flags[0]) != std::string::npos);
        CHECK(p.output().find("listening on") == std::string::npos);
    }
}
