// The quiz state machine with a fake clock, the prize book and the outbox.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "common/random.hpp"
#include "core/outbox.hpp"
#include "core/quiz.hpp"
#include "protocol/claim.hpp"

using namespace signage;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using player::Quiz;
using player::QuizScreen;

namespace {

struct QuizTempDir {
    fs::path path = fs::temp_directory_path() / ("signage-quiz-test-" + random_hex(6));
    QuizTempDir() { fs::create_directories(path); }
    ~QuizTempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

protocol::Question make_q(std::string id, protocol::QuestionType type, std::string category,
                          std::vector<int> answers, int options = 4) {
    protocol::Question q;
    q.id = std::move(id);
    q.type = type;
    q.question = "问题 " + q.id;
    for (int i = 0; i < options; ++i) q.options.push_back(std::string("选项") += std::to_string(i));
    q.answers = std::move(answers);
    q.category = std::move(category);
    q.explanation = "解析";
    return q;
}

// 12 single-choice questions in 3 categories (answer: option 1), ids c<k>-<i>.
std::vector<protocol::Question> bank12() {
    std::vector<protocol::Question> bank;
    for (int c = 0; c < 3; ++c) {
        for (int i = 0; i < 4; ++i) {
            std::string id = "c";
            id += std::to_string(c);
            id += '-';
            id += std::to_string(i);
            bank.push_back(make_q(id, protocol::QuestionType::single,
                                  std::string("类别") += std::to_string(c), {1}));
        }
    }
    return bank;
}

// 2026-11-23 12:00 UTC, UTC+8.
struct FakeWall {
    protocol::Timestamp t = *protocol::parse_iso8601("2026-11-23T12:00:00Z");
    player::QuizWallClock clock() {
        return {[this] { return t; },
                [](protocol::Timestamp) { return std::chrono::seconds{8 * 3600}; }};
    }
};

protocol::QuizSettings settings(int per_round = 10) {
    protocol::QuizSettings s;
    s.questions_per_round = per_round;
    return s;
}

// Answers every question of a round: right ones while `right` > 0.
void play_round(Quiz& quiz, Quiz::Time& now, int right) {
    REQUIRE(quiz.start(now));
    for (int i = 0; i < quiz.total(); ++i) {
        REQUIRE(quiz.screen() == QuizScreen::question);
        now += 2s;
        REQUIRE(quiz.choose(i < right ? 1 : 0, now));
        REQUIRE(quiz.screen() == QuizScreen::feedback);
        now += 2s;
        REQUIRE(quiz.next(now));
    }
    REQUIRE(quiz.screen() == QuizScreen::result);
}

}  // namespace

TEST_CASE("quiz: a round draws without repeats, round-robin over categories", "[quiz]") {
    FakeWall wall;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        Quiz quiz(bank12(), settings(9), seed, wall.clock(), nullptr);
        const auto drawn = quiz.draw(9);
        REQUIRE(drawn.size() == 9);
        std::set<std::string> ids;
        for (const auto* q : drawn) ids.insert(q->id);
        CHECK(ids.size() == 9);
        // Each run of three takes one question of each category.
        for (int k = 0; k < 3; ++k) {
            std::set<std::string> cats;
            for (int i = 0; i < 3; ++i)
                cats.insert(drawn[static_cast<std::size_t>(k * 3 + i)]->category);
            CHECK(cats.size() == 3);
        }
    }
    // Different seeds give different rounds; the same seed the same one.
    Quiz a(bank12(), settings(9), 1, wall.clock(), nullptr);
    Quiz b(bank12(), settings(9), 1, wall.clock(), nullptr);
    Quiz c(bank12(), settings(9), 2, wall.clock(), nullptr);
    const auto ra = a.draw(9), rb = b.draw(9), rc = c.draw(9);
    std::vector<std::string> ia, ib, ic;
    for (std::size_t i = 0; i < 9; ++i) {
        ia.push_back(ra[i]->id);
        ib.push_back(rb[i]->id);
        ic.push_back(rc[i]->id);
    }
    CHECK(ia == ib);
    CHECK(ia != ic);
}

TEST_CASE("quiz: the round is capped by the bank, uneven categories still all drawn", "[quiz]") {
    FakeWall wall;
    std::vector<protocol::Question> bank = {
        make_q("a1", protocol::QuestionType::single, "A", {0}),
        make_q("a2", protocol::QuestionType::single, "A", {0}),
        make_q("a3", protocol::QuestionType::single, "A", {0}),
        make_q("b1", protocol::QuestionType::judge, "B", {1}, 2),
    };
    Quiz quiz(bank, settings(10), 7, wall.clock(), nullptr);
    CHECK(quiz.round_size() == 4);
    auto now = Quiz::Time{} + 1000s;
    REQUIRE(quiz.start(now));
    CHECK(quiz.total() == 4);
    std::set<std::string> ids;
    const auto drawn = quiz.draw(4);
    for (const auto* q : drawn) ids.insert(q->id);
    CHECK(ids.size() == 4);

    Quiz empty({}, settings(), 1, wall.clock(), nullptr);
    CHECK_FALSE(empty.available());
    CHECK_FALSE(empty.start(now));
    auto off = settings();
    off.enabled = false;
    Quiz disabled(bank, off, 1, wall.clock(), nullptr);
    CHECK_FALSE(disabled.available());
}

TEST_CASE("quiz: scoring, pass mark and the recorded round", "[quiz]") {
    FakeWall wall;
    auto s = settings(10);
    s.pass_mark = 0.8;
    s.prizes = false;
    Quiz quiz(bank12(), s, 3, wall.clock(), nullptr);
    auto now = Quiz::Time{} + 1000s;

    play_round(quiz, now, 8);
    CHECK(quiz.outcome().score == 8);
    CHECK(quiz.outcome().total == 10);
    CHECK(quiz.outcome().passed);
    CHECK_FALSE(quiz.outcome().claim_code);
    REQUIRE(quiz.next(now));
    CHECK(quiz.screen() == QuizScreen::idle);

    play_round(quiz, now, 7);
    CHECK(quiz.outcome().score == 7);
    CHECK_FALSE(quiz.outcome().passed);

    const auto results = quiz.take_results();
    REQUIRE(results.size() == 2);
    CHECK(quiz.take_results().empty());
    CHECK(results[0].score == 8);
    CHECK(results[0].passed);
    CHECK(results[0].answers.size() == 10);
    CHECK(results[0].finished_at == "2026-11-23T12:00:00Z");
    CHECK(results[0].id != results[1].id);
    CHECK(protocol::parse_round_result(protocol::to_json(results[0])).ok());
    CHECK(results[1].answers[7].correct == false);
    CHECK(results[1].answers[6].correct == true);
}

TEST_CASE("quiz: multiple choice toggles and is right only for exactly the right set", "[quiz]") {
    FakeWall wall;
    std::vector<protocol::Question> bank = {
        make_q("m", protocol::QuestionType::multiple, "A", {0, 1, 2})};
    Quiz quiz(bank, settings(1), 1, wall.clock(), nullptr);
    auto now = Quiz::Time{} + 1000s;

    auto answer_with = [&](std::vector<int> taps) {
        REQUIRE(quiz.start(now));
        CHECK_FALSE(quiz.confirm(now));  // nothing chosen yet
        for (int t : taps) REQUIRE(quiz.choose(t, now));
        CHECK(quiz.screen() == QuizScreen::question);  // choosing does not answer
        REQUIRE(quiz.confirm(now));
        REQUIRE(quiz.screen() == QuizScreen::feedback);
        const bool right = quiz.last_correct();
        quiz.next(now);
        quiz.next(now);  // result -> idle
        return right;
    };
    CHECK(answer_with({0, 1, 2}));
    CHECK(answer_with({2, 0, 1}));
    CHECK_FALSE(answer_with({0, 1}));
    CHECK_FALSE(answer_with({0, 1, 2, 3}));
    CHECK(answer_with({0, 3, 1, 2, 3}));  // 3 toggled on then off
    CHECK_FALSE(quiz.choose(0, now));     // idle: nothing to choose
}

TEST_CASE("quiz: the time limit answers as wrong, the idle timeout drops the round", "[quiz]") {
    FakeWall wall;
    auto s = settings(3);
    s.question_time_limit_s = 20;
    s.idle_timeout_s = 30;
    Quiz quiz(bank12(), s, 5, wall.clock(), nullptr);
    auto now = Quiz::Time{} + 1000s;
    REQUIRE(quiz.start(now));
    CHECK(quiz.seconds_left(now) == 20);
    CHECK(quiz.seconds_left(now + 500ms) == 20);
    CHECK(quiz.seconds_left(now + 19500ms) == 1);
    CHECK(*quiz.next_deadline() == now + 20s);
    CHECK_FALSE(quiz.tick(now + 19s));
    CHECK(quiz.tick(now + 20s));
    CHECK(quiz.screen() == QuizScreen::feedback);
    CHECK_FALSE(quiz.last_correct());
    CHECK(quiz.timed_out());
    // The idle timeout counts from the last touch, not from the timeout.
    CHECK(*quiz.next_deadline() == now + 30s);
    now += 25s;
    REQUIRE(quiz.next(now));  // a touch
    CHECK(quiz.screen() == QuizScreen::question);
    now += 5s;
    REQUIRE(quiz.choose(1, now));
    CHECK(quiz.last_correct());
    // Nobody touches the screen any more: back to idle, no result.
    CHECK_FALSE(quiz.tick(now + 29s));
    CHECK(quiz.tick(now + 30s));
    CHECK(quiz.screen() == QuizScreen::idle);
    CHECK_FALSE(quiz.next_deadline());
    CHECK(quiz.take_results().empty());

    // Touches keep it alive (no time limit here).
    auto untimed = settings(1);
    Quiz q2(bank12(), untimed, 1, wall.clock(), nullptr);
    REQUIRE(q2.start(now));
    for (int i = 0; i < 5; ++i) {
        now += 20s;
        q2.touch(now);
        CHECK_FALSE(q2.tick(now));
    }
    CHECK(q2.screen() == QuizScreen::question);
    q2.abort();
    // The result screen times out to idle too, the round stays recorded.
    play_round(q2, now, 1);
    CHECK(q2.tick(now + 30s));
    CHECK(q2.screen() == QuizScreen::idle);
    CHECK(q2.take_results().size() == 1);
}

TEST_CASE("quiz: prizes up to the daily limit, serials survive a restart, codes verify",
          "[quiz][prize]") {
    QuizTempDir dir;
    FakeWall wall;
    const std::string token = "device-token-for-tests-0123456789";
    auto s = settings(3);
    s.daily_prize_limit = 2;
    const fs::path book_file = dir.path / "quiz-prizes.json";
    const auto keys = protocol::derive_claim_keys(token);
    std::vector<std::string> codes;
    {
        player::PrizeBook book(book_file, token);
        Quiz quiz(bank12(), s, 9, wall.clock(), &book);
        auto now = Quiz::Time{} + 1000s;
        play_round(quiz, now, 3);
        REQUIRE(quiz.outcome().claim_code);
        codes.push_back(*quiz.outcome().claim_code);
        quiz.next(now);
        play_round(quiz, now, 1);  // failed: no prize
        CHECK_FALSE(quiz.outcome().claim_code);
        CHECK_FALSE(quiz.outcome().prize_limit_reached);
        quiz.next(now);
    }
    {
        // A restart: the serial continues.
        player::PrizeBook book(book_file, token);
        CHECK(book.issued_on(player::local_day(wall.t, 8h)) == 1);
        Quiz quiz(bank12(), s, 10, wall.clock(), &book);
        auto now = Quiz::Time{} + 1000s;
        play_round(quiz, now, 3);
        REQUIRE(quiz.outcome().claim_code);
        codes.push_back(*quiz.outcome().claim_code);
        quiz.next(now);
        play_round(quiz, now, 3);
        CHECK_FALSE(quiz.outcome().claim_code);
        CHECK(quiz.outcome().prize_limit_reached);
        quiz.next(now);
        // The next local day (UTC 16:00 is midnight at UTC+8) starts at 1 again.
        wall.t += 4h;
        play_round(quiz, now, 3);
        REQUIRE(quiz.outcome().claim_code);
        codes.push_back(*quiz.outcome().claim_code);
    }
    const int day = player::local_day(*protocol::parse_iso8601("2026-11-23T12:00:00Z"), 8h);
    CHECK(day == 20780);  // 2026-11-23
    const int expected_days[] = {day, day, day + 1};
    const int expected_serials[] = {1, 2, 1};
    for (std::size_t i = 0; i < codes.size(); ++i) {
        INFO(codes[i]);
        REQUIRE(codes[i].size() == 12);
        auto claim = protocol::parse_short_claim_code(codes[i]);
        REQUIRE(claim.ok());
        CHECK(claim->serial == expected_serials[i]);
        CHECK(claim->tag == protocol::claim_tag(keys.public_key));
        CHECK(protocol::resolve_claim_day(claim->day_mod, day + 1) == expected_days[i]);
        CHECK(protocol::verify_short_claim(*claim, expected_days[i], keys.public_key));
        // Another screen's key does not verify them.
        CHECK_FALSE(protocol::verify_short_claim(*claim, expected_days[i],
                                                 protocol::derive_claim_keys("other").public_key));
    }
}

TEST_CASE("quiz: a prize code stays until 完成 or three minutes, past the idle timeout",
          "[quiz][prize]") {
    QuizTempDir dir;
    FakeWall wall;
    auto s = settings(3);
    s.idle_timeout_s = 30;
    player::PrizeBook book(dir.path / "quiz-prizes.json", "device-token-for-tests-0123456789");
    Quiz quiz(bank12(), s, 9, wall.clock(), &book);
    auto now = Quiz::Time{} + 1000s;
    play_round(quiz, now, 3);
    REQUIRE(quiz.outcome().claim_code);
    const auto shown = now;
    CHECK(*quiz.next_deadline() == shown + Quiz::kPrizeHold);
    CHECK(Quiz::kPrizeHold == 180s);
    // The idle timeout passes, and again: the code stays.
    CHECK_FALSE(quiz.tick(shown + 30s));
    CHECK_FALSE(quiz.tick(shown + 179s));
    CHECK(quiz.screen() == QuizScreen::result);
    // Three minutes: back to the rotation.
    CHECK(quiz.tick(shown + 180s));
    CHECK(quiz.screen() == QuizScreen::idle);

    // 完成 leaves at once.
    play_round(quiz, now, 3);
    REQUIRE(quiz.outcome().claim_code);
    CHECK(quiz.next(now + 5s));
    CHECK(quiz.screen() == QuizScreen::idle);

    // A longer idle timeout is not cut short either.
    auto patient = settings(3);
    patient.idle_timeout_s = 300;
    Quiz q2(bank12(), patient, 3, wall.clock(), &book);
    play_round(q2, now, 3);
    REQUIRE(q2.outcome().claim_code);
    CHECK_FALSE(q2.tick(now + 299s));
    CHECK(q2.tick(now + 300s));

    // Without a prize code the result keeps the idle timeout.
    play_round(quiz, now, 0);
    REQUIRE_FALSE(quiz.outcome().claim_code);
    CHECK(quiz.tick(now + 30s));
}

namespace {

// A one-connection-at-a-time HTTP server answering `status` and keeping the
// bodies it got.
struct TinyHttp {
    int fd = -1;
    int port = 0;
    std::atomic<int> status{200};
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::string> requests;
    std::thread thread;
    TinyHttp() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        REQUIRE(::listen(fd, 8) == 0);
        thread = std::thread([this] {
            while (!stop) {
                const int c = ::accept(fd, nullptr, nullptr);
                if (c < 0) return;
                std::string req;
                char buf[4096];
                for (;;) {
                    const auto n = ::read(c, buf, sizeof buf);
                    if (n <= 0) break;
                    req.append(buf, static_cast<std::size_t>(n));
                    const auto head = req.find("\r\n\r\n");
                    if (head == std::string::npos) continue;
                    const auto cl = req.find("Content-Length: ");
                    const std::size_t want =
                        cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16));
                    if (req.size() >= head + 4 + want) break;
                }
                {
                    std::lock_guard lock(mu);
                    requests.push_back(req);
                }
                const std::string resp = std::string("HTTP/1.1 ") +=
                    std::to_string(status.load()) +
                    " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                (void)!::write(c, resp.data(), resp.size());
                ::close(c);
            }
        });
    }
    ~TinyHttp() {
        stop = true;
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
        thread.join();
    }
};

}  // namespace

TEST_CASE("outbox: items stay until a 2xx and corrupt files move aside", "[quiz][outbox]") {
    QuizTempDir dir;
    auto box = player::Outbox::open(dir.path / "outbox");
    REQUIRE(box.ok());
    auto& outbox = **box;
    for (int i = 0; i < 3; ++i) REQUIRE(outbox.add(nlohmann::json{{"n", i}}).ok());
    { std::ofstream(dir.path / "outbox" / "00000000000000000000-bad.json") << "{not json"; }
    CHECK(outbox.size() == 4);
    auto items = outbox.pending(10);
    REQUIRE(items.size() == 3);  // the corrupt one moved aside
    CHECK(items[0].body["n"] == 0);
    CHECK(items[2].body["n"] == 2);
    CHECK(fs::exists(dir.path / "outbox" / "corrupt" / "00000000000000000000-bad.json"));
    CHECK(outbox.size() == 3);

    // Unreachable: nothing is lost.
    player::UploaderOptions opt;
    opt.server_url = "http://127.0.0.1:1";
    opt.token = "tok";
    opt.path = "/api/v1/player/quiz-results";
    opt.key = "rounds";
    {
        player::OutboxUploader up(outbox, opt);
        CHECK_FALSE(up.send_pending().ok());
    }
    CHECK(outbox.size() == 3);

    TinyHttp server;
    opt.server_url = std::string("http://127.0.0.1:") += std::to_string(server.port);
    opt.batch = 2;
    server.status = 503;
    {
        player::OutboxUploader up(outbox, opt);
        CHECK_FALSE(up.send_pending().ok());
        CHECK(outbox.size() == 3);
        server.status = 204;
        REQUIRE(up.send_pending().ok());
        CHECK(outbox.size() == 0);
    }
    {
        std::lock_guard lock(server.mu);
        REQUIRE(server.requests.size() == 3);  // 503, then two batches
        const auto& last = server.requests.back();
        CHECK(last.find("POST /api/v1/player/quiz-results") == 0);
        CHECK(last.find("Authorization: Bearer tok") != std::string::npos);
        CHECK(last.find("{\"rounds\":[{\"n\":2}]}") != std::string::npos);
    }

    // The thread sends what is added, and retries after a failure.
    server.status = 500;
    REQUIRE(outbox.add(nlohmann::json{{"n", 9}}).ok());
    opt.retry_min = 50ms;
    player::OutboxUploader up(outbox, opt);
    up.start();
    std::this_thread::sleep_for(300ms);
    CHECK(outbox.size() == 1);
    server.status = 200;
    for (int i = 0; i < 100 && outbox.size() > 0; ++i) std::this_thread::sleep_for(20ms);
    CHECK(outbox.size() == 0);
    up.stop();
}
