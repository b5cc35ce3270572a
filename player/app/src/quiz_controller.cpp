#include "app/quiz_controller.hpp"

#include <algorithm>
#include <random>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "protocol/claim.hpp"

namespace signage::app {
namespace {

// "x,y,w,h" of a main-zone rect, in screen pixels.
std::string quiz_rect_text(const SDL_Rect& r, const SDL_Rect& main) {
    return fmt::format("{},{},{},{}", r.x + main.x, r.y + main.y, r.w, r.h);
}

// The step that gives the screen back to the rotation.
QuizStep quiz_left() {
    QuizStep step;
    step.kind = QuizStep::Kind::leave;
    return step;
}

}  // namespace

std::string prize_url(std::string_view public_url, std::string_view code) {
    while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
    if (public_url.empty()) return std::string(code);
    return std::string(public_url).append("/#prizes?code=").append(code);
}

QuizController::QuizController(SDL_Renderer* renderer, render::FontCache& fonts,
                               std::filesystem::path prize_file, player::QuizWallClock wall)
    : renderer_(renderer, fonts), prize_file_(std::move(prize_file)), wall_(std::move(wall)) {}

bool QuizController::enable(QuizServices services, const protocol::Manifest* content) {
    services_ = std::move(services);
    if (!services_.device_token.empty()) {
        prizes_ = std::make_unique<player::PrizeBook>(prize_file_, services_.device_token);
    }
    key_.clear();
    return rebuild(content);
}

bool QuizController::update(const protocol::Manifest* content) {
    return rebuild(content);
}

bool QuizController::set_device_token(std::string token, const protocol::Manifest* content) {
    if (token == services_.device_token) return false;
    services_.device_token = std::move(token);
    quiz_.reset();  // it points at the old prize book
    prizes_ = services_.device_token.empty()
                  ? nullptr
                  : std::make_unique<player::PrizeBook>(prize_file_, services_.device_token);
    return rebuild(content);
}

bool QuizController::rebuild(const protocol::Manifest* content) {
    if (content == nullptr) return false;
    nlohmann::json key = nlohmann::json::array();
    for (const auto& q : content->quiz) key.push_back(protocol::to_json(q));
    key.push_back(protocol::to_json(content->settings.quiz));
    std::string k = key.dump();
    if (quiz_ && k == key_) return false;
    key_ = std::move(k);
    quiz_ = std::make_unique<player::Quiz>(content->quiz, content->settings.quiz,
                                           std::random_device{}(), wall_, prizes_.get());
    if (!round_on_screen_) return false;
    spdlog::info("quiz: the bank changed, back to rotation");
    round_on_screen_ = false;
    targets_.clear();
    logged_.clear();
    return true;
}

bool QuizController::invitation_due() const {
    return !invitation_on_screen_ && quiz_ && quiz_->available() &&
           items_since_invite_ >= kInviteEvery;
}

render::TexturePtr QuizController::invite(render::Size size) {
    const int questions = quiz_->round_size();
    const render::QuizInvitationView view{
        questions, render::quiz_pass_score(questions, quiz_->settings().pass_mark),
        quiz_->settings().prizes && prizes_ != nullptr};
    auto frame = renderer_.invitation(view, size);
    if (!frame) {
        spdlog::error("quiz: cannot draw the invitation: {}", frame.error().message);
        return nullptr;
    }
    items_since_invite_ = 0;
    invitation_on_screen_ = true;
    return std::move(frame->texture);
}

void QuizController::rotation_item_shown() {
    invitation_on_screen_ = false;
    ++items_since_invite_;
}

bool QuizController::start_round(Clock::time_point now) {
    if (!quiz_ || !quiz_->start(now)) return false;
    spdlog::info("quiz: round of {} questions started", quiz_->total());
    round_on_screen_ = true;
    invitation_on_screen_ = false;
    return true;
}

QuizStep QuizController::tap(int x, int y, Clock::time_point now,
                             const render::ScreenLayout& layout) {
    if (!round_on_screen_ || !quiz_) return {};
    quiz_->touch(now);
    const int mx = x - layout.main.x, my = y - layout.main.y;
    const render::QuizTarget* hit = nullptr;
    for (const auto& t : targets_) {
        if (mx >= t.rect.x && mx < t.rect.x + t.rect.w && my >= t.rect.y &&
            my < t.rect.y + t.rect.h) {
            hit = &t;
        }
    }
    if (hit == nullptr) return {};
    const player::QuizScreen before = quiz_->screen();
    bool changed = false;
    if (hit->name == "confirm") {
        changed = quiz_->confirm(now);
    } else if (hit->name == "next") {
        changed = quiz_->next(now);
    } else if (hit->name.size() == 1) {
        changed = quiz_->choose(hit->name[0] - 'A', now);
    }
    // Toggling an option redraws at once; a new screen fades in.
    if (!changed) return {};
    if (before == player::QuizScreen::result) spdlog::info("quiz: done, back to rotation");
    return draw(now, layout, quiz_->screen() != before);
}

QuizStep QuizController::handle(Clock::time_point now, const render::ScreenLayout& layout) {
    if (!round_on_screen_ || !quiz_) return {};
    // A prize screen stays until 完成 or Quiz::kPrizeHold; any other screen
    // leaves after the idle timeout.
    const bool prize =
        quiz_->screen() == player::QuizScreen::result && quiz_->outcome().claim_code.has_value();
    if (quiz_->tick(now)) {
        if (!quiz_->active()) {
            spdlog::info(prize ? "quiz: the prize screen's time is up, back to rotation"
                               : "quiz: idle timeout, back to rotation");
            leave();
            return quiz_left();
        }
        return draw(now, layout, true);
    }
    if (quiz_->seconds_left(now) != seconds_shown_) return draw(now, layout, false, false);
    return {};
}

void QuizController::interrupt() {
    spdlog::info("quiz: interrupted, back to rotation");
    quiz_->abort();
    leave();
}

std::optional<QuizController::Clock::time_point> QuizController::next_deadline(
    Clock::time_point now) const {
    std::optional<Clock::time_point> due;
    auto earliest = [&due](Clock::time_point t) { due = due ? std::min(*due, t) : t; };
    // The invitation has no schedule of its own: look again soon.
    if (invitation_on_screen_) earliest(now + kInvitationRecheck);
    if (round_on_screen_ && quiz_) {
        if (auto q = quiz_->next_deadline()) earliest(*q);
        // The countdown's next second.
        if (quiz_->seconds_left(now)) earliest(now + std::chrono::milliseconds{200});
    }
    return due;
}

void QuizController::queue_results() {
    auto results = quiz_->take_results();
    if (results.empty() || services_.results == nullptr) return;
    for (const auto& r : results) {
        if (auto st = services_.results->add(protocol::to_json(r)); !st) {
            spdlog::error("quiz: cannot queue round {}: {}", r.id, st.error().message);
        }
    }
    if (services_.results_added) services_.results_added();
}

void QuizController::leave() {
    queue_results();
    round_on_screen_ = false;
    targets_.clear();
    logged_.clear();
    seconds_shown_.reset();
    items_since_invite_ = 0;
}

QuizStep QuizController::draw(Clock::time_point now, const render::ScreenLayout& layout, bool fade,
                              bool snapshot) {
    queue_results();
    if (!quiz_->active()) {
        leave();
        return quiz_left();
    }
    const render::Size size = layout.main_size();
    const protocol::QuizSettings& settings = quiz_->settings();
    Result<render::QuizFrame> frame = make_error(ErrorCode::invalid, "no quiz screen");
    std::string log_key;
    std::string log_line;
    seconds_shown_.reset();
    switch (quiz_->screen()) {
        case player::QuizScreen::idle:
            return {};
        case player::QuizScreen::question:
        case player::QuizScreen::feedback: {
            render::QuizQuestionView v;
            v.question = &quiz_->question();
            v.index = quiz_->index();
            v.total = quiz_->total();
            v.chosen = quiz_->chosen();
            v.correct = quiz_->last_correct();
            v.timed_out = quiz_->timed_out();
            v.last = quiz_->index() + 1 >= quiz_->total();
            const bool question = quiz_->screen() == player::QuizScreen::question;
            if (question) {
                v.seconds_left = quiz_->seconds_left(now);
                seconds_shown_ = v.seconds_left;
                frame = renderer_.question(v, size);
            } else {
                frame = renderer_.feedback(v, size);
            }
            if (!frame) break;
            log_key = fmt::format("{}{}", question ? "q" : "f", v.index);
            if (question) {
                log_line =
                    fmt::format("quiz: question {}/{} id={} type={} targets", v.index + 1, v.total,
                                v.question->id, protocol::to_string(v.question->type));
                std::string confirm;
                for (const auto& t : frame->targets) {
                    const std::string r = quiz_rect_text(t.rect, layout.main);
                    if (t.name == "confirm") {
                        confirm = " confirm=" + r;
                    } else {
                        log_line += fmt::format(" {}={}", t.name, r);
                    }
                }
                log_line += confirm;
            } else {
                const auto* next = frame->target("next");
                log_line = fmt::format("quiz: feedback {} next={}", v.correct ? "correct" : "wrong",
                                       next ? quiz_rect_text(next->rect, layout.main) : "none");
            }
            break;
        }
        case player::QuizScreen::result: {
            const player::QuizOutcome& o = quiz_->outcome();
            render::QuizResultView v;
            v.score = o.score;
            v.total = o.total;
            v.passed = o.passed;
            v.pass_score = render::quiz_pass_score(o.total, settings.pass_mark);
            v.prizes = settings.prizes;
            v.claim_code = o.claim_code;
            if (o.claim_code) v.claim_url = prize_url(services_.public_url, *o.claim_code);
            v.prize_limit_reached = o.prize_limit_reached;
            frame = renderer_.result(v, size);
            log_key = "r";
            log_line = fmt::format(
                "quiz: result {}/{} {}{}", o.score, o.total, o.passed ? "passed" : "failed",
                o.claim_code ? " claim=" + protocol::group_claim_code(*o.claim_code)
                             : std::string{});
            if (frame) {
                if (const auto* done = frame->target("next")) {
                    log_line += " done=" + quiz_rect_text(done->rect, layout.main);
                }
            }
            break;
        }
    }
    if (!frame) {
        spdlog::error("quiz: cannot draw: {}", frame.error().message);
        quiz_->abort();
        leave();
        return quiz_left();
    }
    for (const auto& w : frame->layout.warnings) spdlog::warn("quiz: {}", w);
    if (log_key != logged_) {
        spdlog::info("{}", log_line);
        logged_ = log_key;
    }
    targets_ = std::move(frame->targets);
    QuizStep step;
    step.kind = QuizStep::Kind::show;
    step.texture = std::move(frame->texture);
    step.fade = fade;
    step.snapshot = snapshot;
    return step;
}

}  // namespace signage::app
