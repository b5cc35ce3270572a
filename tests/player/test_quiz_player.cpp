// The quiz on a real headless signage-player, offline, from a cached
// manifest with a bank: a round driven through --input-fifo, followed by the
// log lines a technician would read, the snapshot (the prize QR decoded with
// zbarimg and verified), the results outbox and the idle timeout.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/input_fifo.hpp"
#include "common/fs.hpp"
#include "core/cache.hpp"
#include "protocol/claim.hpp"
#include "protocol/manifest.hpp"
#include "support/process.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

using namespace signage;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kToken = "quiz-player-test-device-token";

protocol::Question bank_question(std::string id, protocol::QuestionType type, std::string text,
                                 std::vector<std::string> options, std::vector<int> answers,
                                 std::string category) {
    protocol::Question q;
    q.id = std::move(id);
    q.type = type;
    q.question = std::move(text);
    q.options = std::move(options);
    q.answers = std::move(answers);
    q.category = std::move(category);
    q.explanation = "请牢记。";
    return q;
}

protocol::Manifest quiz_manifest() {
    protocol::Manifest m;
    m.version = "quiz-v1";
    m.group = "default";
    protocol::Slide s;
    s.id = "welcome";
    s.type = protocol::SlideType::text;
    s.title = "欢迎";
    s.body = "文明城市，你我共建。";
    s.duration_s = 30;
    m.items.push_back(s);
    m.settings.quiz.questions_per_round = 3;
    m.settings.quiz.pass_mark = 0.6;
    m.settings.quiz.idle_timeout_s = 5;
    m.settings.quiz.daily_prize_limit = 5;
    using T = protocol::QuestionType;
    m.quiz = {
        bank_question("11", T::single, "学雷锋纪念日是每年的哪一天？",
                      {"3月1日", "3月5日", "3月10日", "3月15日"}, {1}, "文明风尚"),
        bank_question("12", T::judge, "驾车经过学校门口人行横道，没有行人时可以加速通过。",
                      {"对", "错"}, {1}, "文明交通"),
        bank_question("13", T::multiple, "下列哪些属于社会公德的内容？",
                      {"文明礼貌", "助人为乐", "爱护公物", "爱岗敬业"}, {0, 1, 2}, "公民道德"),
    };
    return m;
}

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
    std::string center() const {
        return std::to_string(x + w / 2) + " " + std::to_string(y + h / 2);
    }
};

Rect parse_rect(const std::string& s) {
    Rect r;
    REQUIRE(std::sscanf(s.c_str(), "%d,%d,%d,%d", &r.x, &r.y, &r.w, &r.h) == 4);
    return r;
}

// Writes one line into the player's input FIFO.
void send(const fs::path& fifo, const std::string& line) {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    REQUIRE(fd >= 0);
    const std::string l = line + "\n";
    REQUIRE(::write(fd, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
    ::close(fd);
}

std::string zbar(const fs::path& png) {
    const fs::path out = png.string() + ".zbar";
    const std::string cmd = std::string("zbarimg --raw -q ") +=
        png.string() + " > " + out.string() + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return {};
    std::string s = test::read_text_file(out);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

std::string file_bytes(const fs::path& p) {
    auto t = read_file(p);
    return t ? *t : std::string{};
}

}  // namespace

TEST_CASE("quiz player: a round through --input-fifo, offline, with a prize code that verifies",
          "[player][quiz][e2e]") {
    test::TempDir dir{"signage-quiz-player"};
    const fs::path cache_dir = dir / "cache";
    {
        auto cache = player::Cache::open(cache_dir);
        REQUIRE(cache.ok());
        REQUIRE((*cache)->commit_manifest(quiz_manifest()).ok());
    }
    const fs::path snapshot = dir / "screen.png";
    const fs::path fifo = dir / "input";
    // stderr (the log) joins stdout, which Process reads line by line.
    test::ProcessOptions opt;
    opt.env = {{"SDL_VIDEODRIVER", "offscreen"}};
    test::Process player(
        "/bin/sh",
        {"-c", "exec \"$0\" \"$@\" 2>&1", SIGNAGE_PLAYER_EXE, "--server", "http://127.0.0.1:1",
         "--token", kToken, "--cache", cache_dir.string(), "--headless", "--size", "1920x1080",
         "--snapshot", snapshot.string(), "--input-fifo", fifo.string(), "--public-url",
         "https://signage.example.org/town/"},
        opt);
    test::ShowOnFailure shown_log("player log", [&] { return player.output(); });
    REQUIRE(player.wait_for_line(std::regex("starting from cached manifest quiz-v1"), 15s));
    REQUIRE(player.wait_for_line(std::regex("input: reading taps"), 15s));

    // A tap anywhere on the rotation starts a round.
    send(fifo, "tap 960 540");
    const auto bank = quiz_manifest().quiz;
    std::map<std::string, protocol::Question> by_id;
    for (const auto& q : bank) by_id[q.id] = q;
    std::set<std::string> asked;
    const std::regex question_re(
        R"(quiz: question (\d+)/(\d+) id=(\S+) type=(single|multiple|judge) targets((?: [A-F]=\d+,\d+,\d+,\d+)+)( confirm=(\d+,\d+,\d+,\d+))?$)");
    for (int n = 1; n <= 3; ++n) {
        INFO("question " << n);
        auto line = player.wait_for_line(std::regex("quiz: question "), 15s);
        REQUIRE(line);
        std::smatch m;
        REQUIRE(std::regex_search(*line, m, question_re));
        CHECK(std::stoi(m[1]) == n);
        CHECK(std::stoi(m[2]) == 3);
        const std::string id = m[3];
        REQUIRE(by_id.count(id) == 1);
        CHECK(asked.insert(id).second);  // no repeats
        const auto& q = by_id[id];
        CHECK(m[4] == std::string(protocol::to_string(q.type)));
        // The targets: one per option, at least 120 px tall.
        std::map<char, Rect> targets;
        const std::string list = m[5];
        const std::regex target_re(R"(([A-F])=(\d+,\d+,\d+,\d+))");
        for (std::sregex_iterator it(list.begin(), list.end(), target_re), end; it != end; ++it) {
            targets[(*it)[1].str()[0]] = parse_rect((*it)[2]);
        }
        REQUIRE(targets.size() == q.options.size());
        for (const auto& [letter, r] : targets) CHECK(r.h >= 120);
        // Answer right; multiple choice with the confirm button.
        for (int a : q.answers) {
            send(fifo, "tap " + targets[static_cast<char>('A' + a)].center());
        }
        // The player takes the lines in order: the confirm after the choices.
        if (q.type == protocol::QuestionType::multiple) {
            REQUIRE(m[7].matched);
            send(fifo, "click " + parse_rect(m[7]).center());  // the mouse works too
        } else {
            CHECK_FALSE(m[7].matched);
        }
        auto fb = player.wait_for_line(std::regex("quiz: feedback "), 15s);
        REQUIRE(fb);
        std::smatch fm;
        REQUIRE(std::regex_search(
            *fb, fm, std::regex(R"(quiz: feedback (correct|wrong) next=(\d+,\d+,\d+,\d+)$)")));
        CHECK(fm[1] == "correct");
        send(fifo, "tap " + parse_rect(fm[2]).center());
    }
    auto result = player.wait_for_line(std::regex("quiz: result "), 15s);
    REQUIRE(result);
    std::smatch rm;
    REQUIRE(std::regex_search(
        *result, rm,
        std::regex(
            R"(quiz: result 3/3 passed claim=([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}) done=(\d+,\d+,\d+,\d+)$)")));
    const std::string code = rm[1];
    const std::string done = rm[2];
    const auto keys = protocol::derive_claim_keys(kToken);
    auto claim = protocol::parse_short_claim_code(code);
    REQUIRE(claim.ok());
    CHECK(claim->serial == 1);
    const int today = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count() /
                                       24);
    const int claim_day = protocol::resolve_claim_day(claim->day_mod, today);
    CHECK(protocol::verify_short_claim(*claim, claim_day, keys.public_key));

    // The snapshot shows the prize: its QR code links to the console's
    // redemption page (--public-url) with that code.
    std::string link = "https://signage.example.org/town/#prizes?code=";
    for (const char c : code) {
        if (c != '-') link += c;
    }
    std::string decoded;
    for (int i = 0; i < 50 && decoded != link; ++i) {
        std::this_thread::sleep_for(200ms);
        const std::string bytes = file_bytes(snapshot);
        if (bytes.empty()) continue;
        write_file_atomic(dir / "copy.png", bytes).ok();
        decoded = zbar(dir / "copy.png");
    }
    CHECK(decoded == link);

    // The round waits in the outbox (the server is unreachable).
    std::vector<fs::path> queued;
    for (const auto& e : fs::directory_iterator(cache_dir / "outbox" / "quiz-results")) {
        if (e.path().extension() == ".json") queued.push_back(e.path());
    }
    REQUIRE(queued.size() == 1);
    auto round = protocol::parse_round_result(nlohmann::json::parse(file_bytes(queued[0])));
    REQUIRE(round.ok());
    CHECK(round->score == 3);
    CHECK(round->total == 3);
    CHECK(round->passed);
    CHECK(round->answers.size() == 3);

    // The prize stays past the bank's idle timeout (5 s) until 完成.
    CHECK_FALSE(player.wait_for_line(std::regex("back to rotation"), 7s));
    send(fifo, "tap " + parse_rect(done).center());
    REQUIRE(player.wait_for_line(std::regex("quiz: done, back to rotation"), 15s));
    REQUIRE(player.wait_for_line(std::regex("showing welcome from manifest quiz-v1"), 5s));

    // A round dropped half-way records nothing, and the prize serial is kept
    // on disk for the next start. The round ends the bank's idle timeout
    // (5 s) after the last touch, not before (the clock starts before the
    // click is sent, so it never reads less than the player's own wait).
    const auto clicked = std::chrono::steady_clock::now();
    send(fifo, "click 100 900");
    REQUIRE(player.wait_for_line(std::regex("quiz: question 1/3 "), 15s));
    REQUIRE(player.wait_for_line(std::regex("quiz: idle timeout, back to rotation"), 15s));
    const auto idle = std::chrono::steady_clock::now() - clicked;
    INFO("back to the rotation "
         << std::chrono::duration_cast<std::chrono::milliseconds>(idle).count()
         << " ms after the last touch");
    CHECK(idle >= 5s);
    CHECK(idle < 8s);
    CHECK(player.terminate() == 0);
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(cache_dir / "outbox" / "quiz-results")) {
        files += e.path().extension() == ".json" ? 1 : 0;
    }
    CHECK(files == 1);
    const auto book = nlohmann::json::parse(file_bytes(cache_dir / "quiz-prizes.json"));
    CHECK(book["serial"] == 1);
    CHECK(book["day"] == claim_day);
}

TEST_CASE("quiz player: --input-fifo lines become touch and mouse events, bad lines none",
          "[player][quiz]") {
    const render::Size size{1920, 1080};
    auto tap = app::parse_input_line("tap 960 270", size);
    REQUIRE(tap);
    REQUIRE(tap->size() == 2);
    CHECK((*tap)[0].type == SDL_FINGERDOWN);
    CHECK((*tap)[1].type == SDL_FINGERUP);
    CHECK((*tap)[1].tfinger.fingerId == (*tap)[0].tfinger.fingerId);
    // Normalized like SDL's touches: the pixel's centre.
    CHECK(static_cast<int>((*tap)[1].tfinger.x * 1920.0F) == 960);
    CHECK(static_cast<int>((*tap)[1].tfinger.y * 1080.0F) == 270);
    auto click = app::parse_input_line("click 5 7", size);
    REQUIRE(click);
    REQUIRE(click->size() == 2);
    CHECK((*click)[0].type == SDL_MOUSEBUTTONDOWN);
    CHECK((*click)[1].type == SDL_MOUSEBUTTONUP);
    CHECK((*click)[1].button.x == 5);
    CHECK((*click)[1].button.y == 7);
    CHECK((*click)[1].button.which != SDL_TOUCH_MOUSEID);
    for (const char* bad :
         {"tap", "tap 1", "tap 1920 5", "tap -1 5", "swipe 1 2", "tap 1 2 3", "tap x y"}) {
        INFO(bad);
        CHECK_FALSE(app::parse_input_line(bad, size));
    }
}
