// The quiz controller on its own, without the play loop: when the invitation
// is due, a round from the first tap to the result (queued in the outbox),
// the idle timeout, and a new bank dropping a round. Real offscreen SDL
// renderer, a fixed wall clock.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

#include "app/quiz_controller.hpp"
#include "core/outbox.hpp"
#include "protocol/manifest.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/screen_layout.hpp"
#include "support/temp_dir.hpp"

using namespace signage;
using namespace std::chrono_literals;
using app::QuizController;
using app::QuizStep;

namespace {

struct Fixture {
    test::TempDir dir{"signage-quiz-controller-test"};
    std::unique_ptr<render::Display> display;
    std::unique_ptr<render::FontCache> fonts;
    std::unique_ptr<player::Outbox> results;
    std::unique_ptr<QuizController> quiz;
    render::ScreenLayout layout = render::layout_screen({480, 270}, true, false);
    int results_added = 0;

    // `token`: prize codes signed with its keys (empty: none).
    explicit Fixture(std::string token = {}) {
        static auto rt = render::SdlRuntime::init(false);
        REQUIRE(rt.ok());
        auto d = render::make_offscreen_display({480, 270});
        REQUIRE(d.ok());
        display = std::move(*d);
        fonts = std::make_unique<render::FontCache>(render::FontSet::defaults());
        auto o = player::Outbox::open(dir / "results");
        REQUIRE(o.ok());
        results = std::move(*o);
        const auto noon = *protocol::parse_iso8601("2026-11-23T12:00:00Z");
        quiz = std::make_unique<QuizController>(
            display->renderer(), *fonts, dir / "quiz-prizes.json",
            player::QuizWallClock{
                [noon] { return noon; },
                [](protocol::Timestamp) { return std::chrono::seconds{8 * 3600}; }});
        quiz->enable(app::QuizServices{std::move(token), "https://signage.example.org/",
                                       results.get(), [this] { ++results_added; }},
                     nullptr);
    }

    // Taps a grid over the main zone until a tap changes the screen.
    QuizStep tap_anything(QuizController::Clock::time_point now) {
        for (int y = layout.main.y; y < layout.main.y + layout.main.h; y += 6) {
            for (int x = layout.main.x; x < layout.main.x + layout.main.w; x += 6) {
                QuizStep step = quiz->tap(x, y, now, layout);
                if (step.kind != QuizStep::Kind::none) return step;
            }
        }
        return {};
    }
};

protocol::Manifest with_bank(bool enabled, int questions) {
    protocol::Manifest m;
    m.settings.quiz.enabled = enabled;
    for (int i = 0; i < questions; ++i) {
        protocol::Question q;
        q.id = std::to_string(i + 1);
        q.type = protocol::QuestionType::judge;
        q.question = "过马路要走人行横道。";
        q.options = {"对", "错"};
        q.answers = {0};
        m.quiz.push_back(q);
    }
    return m;
}

}  // namespace

TEST_CASE("quiz controller: the invitation is due after kInviteEvery rotation items",
          "[player][quiz]") {
    Fixture f;
    CHECK_FALSE(f.quiz->invitation_due());  // no content yet
    const protocol::Manifest m = with_bank(true, 1);
    CHECK_FALSE(f.quiz->update(&m));
    for (int i = 0; i < QuizController::kInviteEvery; ++i) {
        CHECK_FALSE(f.quiz->invitation_due());
        f.quiz->rotation_item_shown();
    }
    REQUIRE(f.quiz->invitation_due());
    CHECK(f.quiz->invite(f.layout.main_size()) != nullptr);
    CHECK(f.quiz->invitation_on_screen());
    CHECK(f.quiz->on_screen());
    CHECK_FALSE(f.quiz->round_on_screen());
    CHECK_FALSE(f.quiz->invitation_due());
    const auto now = QuizController::Clock::now();
    CHECK(f.quiz->next_deadline(now) == now + QuizController::kInvitationRecheck);
    f.quiz->rotation_item_shown();
    CHECK_FALSE(f.quiz->on_screen());
    CHECK_FALSE(f.quiz->next_deadline(now));

    // Disabled, or an empty bank: never due.
    for (const auto& other : {with_bank(false, 1), with_bank(true, 0)}) {
        CHECK_FALSE(f.quiz->update(&other));
        for (int i = 0; i < 2 * QuizController::kInviteEvery; ++i) f.quiz->rotation_item_shown();
        CHECK_FALSE(f.quiz->invitation_due());
        CHECK_FALSE(f.quiz->start_round(now));
    }
}

TEST_CASE("quiz controller: a round from the first tap to the result, queued once",
          "[player][quiz]") {
    Fixture f;
    const protocol::Manifest m = with_bank(true, 1);
    f.quiz->update(&m);
    auto now = QuizController::Clock::now();
    REQUIRE(f.quiz->start_round(now));
    CHECK(f.quiz->round_on_screen());
    QuizStep question = f.quiz->draw(now, f.layout, true);
    REQUIRE(question.kind == QuizStep::Kind::show);
    CHECK(question.texture != nullptr);
    CHECK(question.fade);
    CHECK(question.snapshot);
    CHECK(f.quiz->handle(now, f.layout).kind == QuizStep::Kind::none);  // nothing due yet

    now += 1s;
    QuizStep feedback = f.tap_anything(now);  // an answer: the feedback screen
    REQUIRE(feedback.kind == QuizStep::Kind::show);
    now += 1s;
    QuizStep result = f.tap_anything(now);  // next: the result screen, the round queued
    REQUIRE(result.kind == QuizStep::Kind::show);
    CHECK(f.results->size() == 1);
    CHECK(f.results_added == 1);
    now += 1s;
    CHECK(f.tap_anything(now).kind == QuizStep::Kind::leave);  // next: back to the rotation
    CHECK_FALSE(f.quiz->round_on_screen());
    CHECK(f.results->size() == 1);
    // The invitation counts rotation items from the end of the round.
    CHECK_FALSE(f.quiz->invitation_due());
}

TEST_CASE("quiz controller: the idle timeout and a new bank end a round", "[player][quiz]") {
    Fixture f;
    protocol::Manifest m = with_bank(true, 2);
    f.quiz->update(&m);
    auto now = QuizController::Clock::now();
    REQUIRE(f.quiz->start_round(now));
    REQUIRE(f.quiz->draw(now, f.layout, true).kind == QuizStep::Kind::show);
    const auto due = f.quiz->next_deadline(now);
    REQUIRE(due);
    CHECK(*due <= now + std::chrono::seconds{m.settings.quiz.idle_timeout_s});
    const QuizStep timeout =
        f.quiz->handle(now + std::chrono::seconds{m.settings.quiz.idle_timeout_s} + 1s, f.layout);
    CHECK(timeout.kind == QuizStep::Kind::leave);
    CHECK_FALSE(f.quiz->round_on_screen());
    CHECK(f.results->size() == 0);  // a half-finished round is dropped

    REQUIRE(f.quiz->start_round(now));
    CHECK_FALSE(f.quiz->update(&m));  // the same bank: the round goes on
    CHECK(f.quiz->round_on_screen());
    m.quiz.pop_back();
    CHECK(f.quiz->update(&m));  // another bank: the round is dropped
    CHECK_FALSE(f.quiz->round_on_screen());
}

TEST_CASE("quiz controller: the prize screen stays until 完成 or three minutes",
          "[player][quiz][prize]") {
    Fixture f("device-token-for-tests-0123456789");
    protocol::Manifest m = with_bank(true, 1);
    m.settings.quiz.pass_mark = 0;  // every round wins a prize
    m.settings.quiz.idle_timeout_s = 30;
    f.quiz->update(&m);
    auto now = QuizController::Clock::now();
    // To the result with its prize code.
    auto to_result = [&] {
        REQUIRE(f.quiz->start_round(now));
        REQUIRE(f.quiz->draw(now, f.layout, true).kind == QuizStep::Kind::show);
        now += 1s;
        REQUIRE(f.tap_anything(now).kind == QuizStep::Kind::show);  // feedback
        now += 1s;
        REQUIRE(f.tap_anything(now).kind == QuizStep::Kind::show);  // the result
    };
    to_result();
    const auto shown = now;
    CHECK(f.quiz->next_deadline(now) == shown + 180s);
    // The quiz's idle timeout passes, and more: the code stays on screen.
    for (auto later : {30s, 31s, 120s, 179s}) {
        INFO(later.count() << " s");
        CHECK(f.quiz->handle(shown + later, f.layout).kind == QuizStep::Kind::none);
        CHECK(f.quiz->round_on_screen());
    }
    // Three minutes: back to the rotation.
    CHECK(f.quiz->handle(shown + 180s, f.layout).kind == QuizStep::Kind::leave);
    CHECK_FALSE(f.quiz->round_on_screen());

    // 完成 leaves at once.
    now += 200s;
    to_result();
    now += 5s;
    CHECK(f.tap_anything(now).kind == QuizStep::Kind::leave);
    CHECK_FALSE(f.quiz->round_on_screen());
}

TEST_CASE("quiz controller: the prize QR code links to the console's redemption page",
          "[player][quiz][prize]") {
    CHECK(app::prize_url("https://signage.example.org/", "K7QM3XPT9WDF") ==
          "https://signage.example.org/#prizes?code=K7QM3XPT9WDF");
    CHECK(app::prize_url("http://10.0.0.5:8080", "K7QM3XPT9WDF") ==
          "http://10.0.0.5:8080/#prizes?code=K7QM3XPT9WDF");
    CHECK(app::prize_url("", "K7QM3XPT9WDF") == "K7QM3XPT9WDF");
}
