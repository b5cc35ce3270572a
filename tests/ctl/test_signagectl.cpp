// signagectl, the staff command line, run as a program against the real
// signage-server: exit statuses, messages, the saved session.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct CtlRun {
    int status = -1;
    std::string out;
    std::string err;
};

// A place for signagectl's session (XDG_CONFIG_HOME) and its standard error.
class CtlHome {
  public:
    CtlHome() : dir_("signagectl-test") {}

    fs::path session_file() const { return dir_ / "config" / "civic-signage" / "session.json"; }
    fs::path file(const std::string& name, const std::string& text) const {
        write_text_file(dir_ / name, text);
        return dir_ / name;
    }

    CtlRun run(const std::vector<std::string>& args,
               std::vector<std::pair<std::string, std::string>> env = {}) {
        ProcessOptions options;
        options.env = std::move(env);
        options.env.emplace_back("XDG_CONFIG_HOME", (dir_ / "config").string());
        for (const char* name : {"SIGNAGE_SERVER", "SIGNAGE_TOKEN", "SIGNAGE_PASSWORD"}) {
            bool given = false;
            for (const auto& kv : options.env) given = given || kv.first == name;
            if (!given) options.unset_env.emplace_back(name);
        }
        options.stderr_file = dir_ / ("stderr-" + std::to_string(++runs_));
        CtlRun result;
        {
            Process p(SIGNAGECTL_BINARY, args, options);
            const auto status = p.wait(std::chrono::seconds(30));
            REQUIRE(status.has_value());
            p.wait_for_output_end(std::chrono::seconds(5));
            result.status = *status;
            result.out = p.output();
        }
        result.err = read_text_file(options.stderr_file);
        return result;
    }

  private:
    TempDir dir_;
    int runs_ = 0;
};

std::string first_line(const std::string& s) {
    return s.substr(0, s.find('\n'));
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "signagectl: login saves a private session and a slide goes live through create submit approve "
    "publish",
    "[ctl]") {
    ServerFixture server;
    server.add_user("erin", "editor", "erin-password");
    const std::string reviewer = server.add_staff("rita", "reviewer");
    const std::string device = server.add_screen("lobby", "hall");
    CtlHome home;

    const auto pw = home.file("pw", "erin-password\n");
    auto login = home.run(
        {"login", "--server", server.url(), "--user", "erin", "--password-file", pw.string()});
    INFO(login.err);
    REQUIRE(login.status == 0);
    CHECK(contains(login.out, "erin"));

    struct stat st {};
    REQUIRE(::stat(home.session_file().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const json session = json::parse(read_text_file(home.session_file()));
    CHECK(session.at("server") == server.url());
    CHECK_FALSE(session.at("token").get<std::string>().empty());

    const auto slide_file =
        home.file("slide.json", R"({"type": "text", "title": "Hello ctl", "body": "Be kind."})");
    auto created = home.run({"slide", "create", slide_file.string()});
    INFO(created.err);
    REQUIRE(created.status == 0);
    const std::string id = first_line(created.out);
    REQUIRE_FALSE(id.empty());

    auto submitted = home.run({"slide", "submit", id});
    CHECK(submitted.status == 0);
    CHECK(submitted.out == id + " pending\n");

    // The author may not approve: refused by the server, status 1.
    auto own = home.run({"slide", "approve", id});
    CHECK(own.status == 1);
    CHECK_FALSE(own.err.empty());

    // A revision other than the one waiting (the slide changed since it was
    // looked at) is refused and approves nothing.
    auto stale = home.run({"slide", "approve", id, "--revision", "000000000000", "--token",
                           reviewer, "--server", server.url()});
    CHECK(stale.status == 1);
    CHECK(contains(stale.err, "revision"));
    const std::string revision =
        server.client(reviewer).get("/api/v1/slides/" + id).json().at("revision");
    // Without --revision it approves the one shown now, and says which.
    auto approved =
        home.run({"slide", "approve", id, "--token", reviewer, "--server", server.url()});
    INFO(approved.err);
    CHECK(approved.status == 0);
    CHECK(approved.out == id + " approved\n");
    CHECK(contains(approved.err, "approving revision " + revision));

    auto listed = home.run({"slide", "list", "--status", "approved"});
    CHECK(listed.status == 0);
    CHECK(contains(listed.out, "Hello ctl"));
    auto drafts = home.run({"slide", "list", "--status", "draft", "--json"});
    CHECK(drafts.status == 0);
    CHECK(json::parse(drafts.out).at("slides").empty());

    auto published =
        home.run({"publish"}, {{"SIGNAGE_SERVER", server.url()}, {"SIGNAGE_TOKEN", reviewer}});
    INFO(published.err);
    REQUIRE(published.status == 0);
    CHECK(std::regex_match(published.out, std::regex("[^\\s]+\n")));

    auto manifest = server.client(device).get("/api/v1/player/manifest");
    REQUIRE(manifest.status == 200);
    INFO(manifest.body);
    bool found = false;
    const json live = manifest.json();
    for (const auto& item : live.at("items")) {
        found = found || (item.at("id") == id && item.at("title") == "Hello ctl");
    }
    CHECK(found);

    auto screens = home.run({"screens"});
    CHECK(screens.status == 0);
    CHECK(contains(screens.out, "lobby"));
    CHECK(contains(screens.out, "hall"));
    auto groups = home.run({"groups", "--json"});
    CHECK(groups.status == 0);
    CHECK(json::parse(groups.out).at("groups").is_array());

    auto logout = home.run({"logout"});
    CHECK(logout.status == 0);
    CHECK_FALSE(fs::exists(home.session_file()));
    auto after = home.run({"screens"});
    CHECK(after.status == 2);
}

TEST_CASE("signagectl: a bad slide names the field and exits 1 and usage errors exit 2", "[ctl]") {
    ServerFixture server;
    const std::string editor = server.add_staff("erin", "editor");
    CtlHome home;
    const std::vector<std::pair<std::string, std::string>> env = {{"SIGNAGE_SERVER", server.url()},
                                                                  {"SIGNAGE_TOKEN", editor}};

    const auto bad = home.file("bad.json", R"({"type": "text", "title": "t", "duration_s": 0})");
    auto refused = home.run({"slide", "create", bad.string()}, env);
    CHECK(refused.status == 1);
    CHECK(refused.out.empty());
    CHECK(contains(refused.err, "duration_s: "));

    const auto broken = home.file("broken.json", R"({"type": "text", )");
    CHECK(home.run({"slide", "create", broken.string()}, env).status == 1);

    CHECK(home.run({}, env).status == 2);
    CHECK(home.run({"slide", "reject", "1"}, env).status == 2);
    CHECK(home.run({"slide", "list", "--status", "lost"}, env).status == 2);
    CHECK(
        home.run({"slide", "create", (fs::path("/nonexistent") / "s.json").string()}, env).status ==
        2);
    CHECK(home.run({"screens"}).status == 2);  // no session, no token
}

TEST_CASE("signagectl: a server that cannot be reached exits 3 naming the URL", "[ctl]") {
    ServerFixture server;
    const std::string editor = server.add_staff("erin", "editor");
    const std::string url = server.url();
    REQUIRE(server.stop() == 0);
    CtlHome home;
    auto down = home.run({"--server", url, "--token", editor, "screens"});
    CHECK(down.status == 3);
    CHECK(contains(down.err, url));
    const auto pw = home.file("pw", "erin-password\n");
    auto login =
        home.run({"login", "--server", url, "--user", "erin", "--password-file", pw.string()});
    CHECK(login.status == 3);
    CHECK_FALSE(fs::exists(home.session_file()));
}

TEST_CASE("signagectl: quiz import lists every row problem and imports nothing", "[ctl]") {
    ServerFixture server;
    const std::string editor = server.add_staff("erin", "editor");
    const std::string reviewer = server.add_staff("rita", "reviewer");
    CtlHome home;
    const std::vector<std::pair<std::string, std::string>> env = {{"SIGNAGE_SERVER", server.url()},
                                                                  {"SIGNAGE_TOKEN", editor}};

    const auto bad =
        home.file("bad.csv",
                  "type,question,option_a,option_b,option_c,option_d,answer,explanation,category\n"
                  "single,好题,甲,乙,,,A,,\n"
                  "essay,类型不对,甲,乙,,,A,,\n"
                  "single,答案不是选项,甲,乙,,,E,,\n");
    auto refused = home.run({"quiz", "import", bad.string()}, env);
    CHECK(refused.status == 1);
    CHECK(std::regex_search(refused.err, std::regex("(^|\n)row 3, column type: .+")));
    CHECK(std::regex_search(refused.err, std::regex("(^|\n)row 4, column answer: .+")));
    auto bank = server.client(editor).get("/api/v1/quiz/questions");
    REQUIRE(bank.status == 200);
    CHECK(bank.json().at("questions").empty());

    const auto good =
        home.file("good.csv",
                  "type,question,option_a,option_b,option_c,option_d,answer,explanation,category\n"
                  "single,好题,甲,乙,,,A,,\n");
    auto imported = home.run({"quiz", "import", good.string()}, env);
    INFO(imported.err);
    CHECK(imported.status == 0);
    CHECK(imported.out == "imported 1\n");
    bank = server.client(editor).get("/api/v1/quiz/questions");
    const std::string qid = bank.json().at("questions").at(0).at("id").get<std::string>();
    CHECK(home.run({"quiz", "submit", qid}, env).out == qid + " pending\n");
    CHECK(home.run({"quiz", "approve", qid, "--revision", "000000000000", "--token", reviewer}, env)
              .status == 1);
    const std::string qrevision =
        server.client(reviewer).get("/api/v1/quiz/questions/" + qid).json().at("revision");
    auto approved =
        home.run({"quiz", "approve", qid, "--revision", qrevision, "--token", reviewer}, env);
    INFO(approved.err);
    CHECK(approved.status == 0);
    CHECK(approved.out == qid + " approved\n");

    const fs::path out = home.file("bank.csv", "");
    auto exported = home.run({"quiz", "export", "--format", "csv", "-o", out.string()}, env);
    CHECK(exported.status == 0);
    CHECK(contains(read_text_file(out), "好题"));
    auto as_json = home.run({"quiz", "export", "--format", "json"}, env);
    CHECK(json::parse(as_json.out).size() == 1);

    CHECK(home.run({"quiz", "import", home.file("bank.txt", "x").string()}, env).status == 2);
    auto forged = home.run({"claim", "check", "CS1-nonsense"}, env);
    CHECK(forged.status == 1);
    CHECK_FALSE(forged.err.empty());
}

TEST_CASE("signagectl: report prints a group's day against the minimum and writes its CSV",
          "[ctl][plays]") {
    ServerFixture server;
    const std::string reviewer = server.add_staff("rita", "reviewer");
    const std::string device = server.add_screen("lobby", "幸福里");
    HttpClient screen = server.client(device);
    // 08:00 local (UTC+8): 10 s public service and 30 s other, one closed loop.
    const auto play = [](const std::string& id, bool ps, const std::string& start, int ms,
                         bool end) {
        return json{{"id", id},
                    {"kind", "item"},
                    {"loop_id", "boot-L1"},
                    {"loop_end", end},
                    {"slide_id", ps ? "1" : "2"},
                    {"title", ps ? "文明出行" : "社区通知"},
                    {"start", start},
                    {"duration_ms", ms},
                    {"public_service", ps},
                    {"manifest_version", "v"}};
    };
    REQUIRE(screen
                .post("/api/v1/player/plays",
                      {{"plays",
                        {play("ctl-play-1", true, "2026-11-28T00:00:00.000Z", 10000, false),
                         play("ctl-play-2", false, "2026-11-28T00:00:10.000Z", 30000, true)}}})
                .status == 200);
    CtlHome home;
    auto text = home.run({"--server", server.url(), "--token", reviewer, "report", "--group",
                          "幸福里", "--day", "2026-11-28"});
    INFO(text.err);
    REQUIRE(text.status == 0);
    CHECK(contains(text.out, "public service 25.0% (minimum 30.0%)"));
    CHECK(contains(text.out, "short 1"));
    CHECK(contains(text.out, "2026-11-28  8"));
    CHECK(contains(text.out, "SHORT"));

    const fs::path csv = home.file("report.csv", "");
    auto file =
        home.run({"--server", server.url(), "--token", reviewer, "report", "--group", "幸福里",
                  "--day", "2026-11-28", "--csv", csv.string(), "--table", "loops"});
    REQUIRE(file.status == 0);
    const std::string body = read_text_file(csv);
    CHECK(body.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(contains(body, "boot-L1"));
    CHECK(home.run({"--server", server.url(), "--token", reviewer, "report", "--day", "2026-11-28"})
              .status == 2);
    auto bad = home.run({"--server", server.url(), "--token", reviewer, "report", "--group",
                         "幸福里", "--day", "28/11/2026"});
    CHECK(bad.status == 1);
    CHECK(contains(bad.err, "from"));

    // The units rolled up: the top unit holds the one screen and its loop.
    auto units = home.run({"--server", server.url(), "--token", reviewer, "report", "--units",
                           "--day", "2026-11-28"});
    INFO(units.err);
    REQUIRE(units.status == 0);
    CHECK(contains(units.out, "UNIT"));
    CHECK(contains(units.out, "25.0%"));
    CHECK(contains(units.out, "1/1"));  // one short loop of one complete
    auto units_csv = home.run({"--server", server.url(), "--token", reviewer, "report", "--units",
                               "--day", "2026-11-28", "--csv", "-"});
    REQUIRE(units_csv.status == 0);
    CHECK(units_csv.out.rfind("\xEF\xBB\xBF单位编号 unit,", 0) == 0);
    CHECK(home.run({"--server", server.url(), "--token", reviewer, "report", "--units", "--day",
                    "2026-11-28", "--table", "hours", "--csv", "-"})
              .status == 2);
}

TEST_CASE("signagectl: --unit makes a slide a unit's own and lists that unit", "[ctl][units]") {
    ServerFixture server;
    const std::string admin = server.add_staff("ada", "admin");
    HttpClient api = server.client(admin);
    auto district = api.post("/api/v1/units", {{"name", "东城区"}, {"parent", 1}});
    REQUIRE(district.status == 201);
    const std::string id = std::to_string(district.json().at("id").get<std::int64_t>());
    CtlHome home;
    const std::vector<std::pair<std::string, std::string>> env = {{"SIGNAGE_SERVER", server.url()},
                                                                  {"SIGNAGE_TOKEN", admin}};

    auto units = home.run({"units"}, env);
    INFO(units.err);
    REQUIRE(units.status == 0);
    CHECK(contains(units.out, "东城区"));

    const auto slide_file =
        home.file("slide.json", R"({"type": "text", "title": "区里的通知", "body": "文明出行。"})");
    auto created = home.run({"--unit", id, "slide", "create", slide_file.string()}, env);
    INFO(created.err);
    REQUIRE(created.status == 0);
    const std::string slide = first_line(created.out);
    CHECK(api.get("/api/v1/slides/" + slide).json().at("unit").get<std::int64_t>() ==
          std::stoll(id));

    // The district's list holds it; the district's sibling does not exist.
    auto listed = home.run({"--unit", id, "slide", "list"}, env);
    REQUIRE(listed.status == 0);
    CHECK(contains(listed.out, "区里的通知"));
    CHECK(contains(listed.out, "东城区"));
    auto missing = home.run({"--unit", "999", "slide", "list"}, env);
    CHECK(missing.status == 1);
    CHECK(contains(missing.err, "unit"));
    CHECK(home.run({"--unit", "x", "units"}, env).status == 2);
}
