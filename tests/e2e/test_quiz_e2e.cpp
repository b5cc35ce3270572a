// End to end: a resident plays the civility quiz on a headless screen.
// The real server holds a reviewed bank; the real player gets taps through
// --input-fifo (pushed as SDL finger events, the path real touches take),
// follows the quiz by its log lines, passes a round, and the prize QR code
// in the player's snapshot decodes (zbarimg) to the console's redemption
// link with the code the server redeems once and refuses the second time. The round's results reach
// the server's statistics.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "e2e_kit.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kPlayerBin = SIGNAGE_PLAYER_BINARY;

// Follows a growing log file: each wait looks only after the last match.
class LogFollower {
  public:
    explicit LogFollower(fs::path path) : path_(std::move(path)) {}

    std::optional<std::smatch> wait(const std::regex& pattern, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const std::string text = read_or_empty(path_);
            if (text.size() > offset_) {
                text_ = text;
                std::smatch m;
                const auto begin = text_.cbegin() + static_cast<std::ptrdiff_t>(offset_);
                if (std::regex_search(begin, text_.cend(), m, pattern)) {
                    offset_ = static_cast<std::size_t>(m[0].second - text_.cbegin());
                    return m;
                }
            }
            if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
            std::this_thread::sleep_for(30ms);
        }
    }

  private:
    fs::path path_;
    std::string text_;
    std::size_t offset_ = 0;
};

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

Rect parse_rect(const std::string& s) {
    Rect r;
    REQUIRE(std::sscanf(s.c_str(), "%d,%d,%d,%d", &r.x, &r.y, &r.w, &r.h) == 4);
    return r;
}

// "A=1,2,3,4 B=…" → {'A': rect, …}
std::map<char, Rect> parse_targets(const std::string& list) {
    std::map<char, Rect> out;
    static const std::regex one(R"(([A-F])=(\d+,\d+,\d+,\d+))");
    for (std::sregex_iterator it(list.begin(), list.end(), one), end; it != end; ++it) {
        out[(*it)[1].str()[0]] = parse_rect((*it)[2].str());
    }
    return out;
}

void tap(std::ofstream& fifo, const Rect& r) {
    fifo << "tap " << r.x + r.w / 2 << ' ' << r.y + r.h / 2 << '\n' << std::flush;
}

std::string run_capture(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        ::pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

json bank() {
    // Ten questions whose right answers sit at different letters.
    json q = json::array();
    const char* const categories[] = {"核心价值观", "垃圾分类", "交通文明", "志愿服务"};
    for (int i = 0; i < 10; ++i) {
        const int answer = i % 4;
        json options = json::array();
        for (int k = 0; k < 4; ++k)
            options.push_back("选项" + std::to_string(i) + "-" + std::to_string(k));
        q.push_back({{"type", "single"},
                     {"question", "第" + std::to_string(i + 1) + "道测试题：请选择正确的一项。"},
                     {"options", options},
                     {"answers", {answer}},
                     {"explanation", "正确答案是第" + std::to_string(answer + 1) + "项。"},
                     {"category", categories[i % 4]}});
    }
    return q;
}

}  // namespace

TEST_CASE("quiz: a resident passes a round by touch and the prize code redeems exactly once",
          "[e2e][quiz]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    const auto token = server.add_screen("kiosk", "community");

    // The bank goes through review before it is published.
    const json questions = bank();
    auto imported = editor.post("/api/v1/quiz/import", questions);
    REQUIRE(imported.status == 201);
    const json ids = imported.json().at("ids");
    REQUIRE(ids.size() == 10);
    REQUIRE(editor.post("/api/v1/quiz/questions/submit", json{{"ids", ids}}).status == 200);
    REQUIRE(
        reviewer
            .post("/api/v1/quiz/questions/approve", json{{"ids", approval_items(reviewer, ids)}})
            .status == 200);
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);

    // id → right letter, from the server's own view of the bank.
    std::map<std::string, char> right;
    {
        auto list = editor.get("/api/v1/quiz/questions");
        REQUIRE(list.status == 200);
        const json body = list.json();
        const json& items = body.is_array() ? body : body.at("questions");
        for (const auto& q : items) {
            const std::string id = q.at("id").is_string()
                                       ? q.at("id").get<std::string>()
                                       : std::to_string(q.at("id").get<long long>());
            right[id] = static_cast<char>('A' + q.at("answers").at(0).get<int>());
        }
    }
    REQUIRE(right.size() == 10);

    TempDir dir("signage-quiz-e2e");
    const auto fifo_path = dir / "input";
    REQUIRE(::mkfifo(fifo_path.c_str(), 0600) == 0);
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ProcessOptions popt;
    popt.stderr_file = log;
    Process player(kPlayerBin,
                   {"--server", server.url(), "--token", token, "--cache", (dir / "cache").string(),
                    "--headless", "--size", "1280x720", "--snapshot", snapshot.string(),
                    "--input-fifo", fifo_path.string()},
                   popt);
    std::ofstream fifo(fifo_path);  // blocks until the player reads taps from its end
    REQUIRE(fifo.good());
    LogFollower follow(log);
    ShowOnFailure shown_log("player log", log);

    // Once the bank has arrived, a tap anywhere starts a round.
    REQUIRE(follow.wait(std::regex("switched to manifest"), 20s));
    fifo << "tap 640 360\n" << std::flush;
    std::optional<std::smatch> m = follow.wait(
        std::regex(R"(quiz: question (\d+)/(\d+) id=(\S+) type=(\w+) targets ([^\n]*))"), 10s);
    REQUIRE(m);

    const int total = std::stoi((*m)[2].str());
    REQUIRE(total == 10);
    std::set<std::string> seen;
    int answered = 0;
    for (;;) {
        const int n = std::stoi((*m)[1].str());
        const std::string id = (*m)[3].str();
        CHECK(n == answered + 1);
        CHECK(seen.insert(id).second);  // no question twice in a round
        REQUIRE(right.count(id));
        const auto targets = parse_targets((*m)[5].str());
        REQUIRE(targets.size() == 4);
        for (const auto& [letter, r] : targets) {
            CHECK(r.h >= 120 * 720 / 1080);  // large touch targets, scaled from 1080p
        }
        // Miss the first question on purpose: 9/10 still passes at 80%.
        const bool answer_right = answered != 0;
        const char letter =
            answer_right ? right[id] : static_cast<char>('A' + (right[id] - 'A' + 1) % 4);
        tap(fifo, targets.at(letter));
        auto fb = follow.wait(
            std::regex(R"(quiz: feedback (correct|wrong) next=(\d+,\d+,\d+,\d+))"), 10s);
        REQUIRE(fb);
        CHECK((*fb)[1].str() == (answer_right ? "correct" : "wrong"));
        ++answered;
        tap(fifo, parse_rect((*fb)[2].str()));
        if (answered == total) break;
        m = follow.wait(
            std::regex(R"(quiz: question (\d+)/(\d+) id=(\S+) type=(\w+) targets ([^\n]*))"), 10s);
        REQUIRE(m);
    }

    auto result = follow.wait(
        std::regex(R"(quiz: result (\d+)/(\d+) (passed|failed)(?: claim=(\S+))?)"), 10s);
    REQUIRE(result);
    CHECK((*result)[1].str() == "9");
    CHECK((*result)[3].str() == "passed");
    const std::string code = (*result)[4].str();
    REQUIRE(code.size() == 14);  // K7QM-3XPT-9WDF

    // The QR code on the screen links to the console's redemption page
    // (the server the player syncs from) with that code.
    std::string link = server.url() + "/#prizes?code=";
    for (const char c : code) {
        if (c != '-') link += c;
    }
    std::string decoded;
    for (int i = 0; i < 100 && decoded != link; ++i) {
        decoded = run_capture("zbarimg --raw -q '" + snapshot.string() + "' 2>/dev/null");
        if (decoded != link) std::this_thread::sleep_for(100ms);
    }
    CHECK(decoded == link);
    const std::string from_link = decoded.substr(decoded.find("code=") + 5);

    // Staff redeem it once; the second time is refused, and so is a forgery.
    auto first = reviewer.post("/api/v1/quiz/claims/redeem", json{{"code", from_link}});
    CHECK(first.status == 200);
    auto second = reviewer.post("/api/v1/quiz/claims/redeem", json{{"code", code}});
    CHECK(second.status == 409);
    std::string altered = from_link;
    altered[10] = altered[10] == 'A' ? 'B' : 'A';
    auto forged = reviewer.post("/api/v1/quiz/claims/redeem", json{{"code", altered}});
    CHECK(forged.status == 403);

    // The round's anonymous results reach the statistics, counted once.
    bool counted = false;
    std::string last_stats;
    for (int i = 0; i < 100 && !counted; ++i) {
        auto stats = reviewer.get("/api/v1/quiz/stats");
        REQUIRE(stats.status == 200);
        last_stats = stats.body;
        const json body = stats.json();
        long attempts = 0, correct = 0;
        for (const auto& q : body.at("questions")) {
            attempts += q.at("attempts").get<long>();
            correct += q.at("correct").get<long>();
        }
        long rounds = 0;
        for (const auto& r : body.at("rounds")) rounds += r.at("rounds").get<long>();
        counted = attempts == 10 && correct == 9 && rounds == 1;
        if (!counted) std::this_thread::sleep_for(100ms);
    }
    INFO("stats: " << last_stats);
    CHECK(counted);

    // The player is still up after the round (its idle timeout back to the
    // rotation is tests/player/test_quiz_player.cpp's).
    CHECK(player.running());
    CHECK(player.terminate() == 0);
}
