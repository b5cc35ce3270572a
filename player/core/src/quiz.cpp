#include "core/quiz.hpp"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/json_input.hpp"
#include "common/random.hpp"

namespace signage::player {

namespace {

struct PrizeCount {
    int day = 0;
    int serial = 0;
};

PrizeCount read_prize_count(const std::filesystem::path& file) {
    auto text = read_file(file);
    if (!text) return {};
    try {
        const auto j = signage::read_json(*text);
        return PrizeCount{j.at("day").get<int>(), j.at("serial").get<int>()};
    } catch (const nlohmann::json::exception& e) {
        spdlog::warn("quiz: {} unreadable ({}); counting prizes from the file's absence",
                     file.string(), e.what());
        return {};
    }
}

}  // namespace

int local_day(protocol::Timestamp t, std::chrono::seconds offset) {
    const auto local = t + offset;
    return static_cast<int>(
        std::chrono::floor<std::chrono::days>(local).time_since_epoch().count());
}

PrizeBook::PrizeBook(std::filesystem::path file, std::string_view device_token)
    : file_(std::move(file)), keys_(protocol::derive_claim_keys(device_token)) {}

int PrizeBook::issued_on(int day) const {
    const PrizeCount c = read_prize_count(file_);
    return c.day == day ? c.serial : 0;
}

Result<std::optional<std::string>> PrizeBook::issue(int day, int daily_limit) {
    PrizeCount c = read_prize_count(file_);
    // Serials count per day: another day starts again at 1.
    const int used = c.day == day ? c.serial : 0;
    if (used >= daily_limit || used >= protocol::kMaxClaimSerial)
        return std::optional<std::string>{};
    const PrizeCount next{day, used + 1};
    const nlohmann::json j{{"day", next.day}, {"serial", next.serial}};
    if (auto st = write_file_atomic(file_, j.dump()); !st) return st.error();
    return std::optional<std::string>{
        protocol::make_short_claim_code(next.day, next.serial, keys_.public_key)};
}

Quiz::Quiz(std::vector<protocol::Question> bank, protocol::QuizSettings settings,
           std::uint64_t seed, QuizWallClock wall, PrizeBook* prizes)
    : bank_(std::move(bank)),
      settings_(settings),
      rng_(seed),
      wall_(std::move(wall)),
      prizes_(prizes) {}

int Quiz::round_size() const {
    return std::min(std::max(settings_.questions_per_round, 1), static_cast<int>(bank_.size()));
}

std::vector<const protocol::Question*> Quiz::draw(int n) {
    // Shuffled questions per category, categories in shuffled order, then
    // one from each category in turn.
    std::map<std::string, std::vector<const protocol::Question*>> by_category;
    for (const auto& q : bank_) by_category[q.category].push_back(&q);
    std::vector<std::vector<const protocol::Question*>> piles;
    for (auto& [name, qs] : by_category) {
        std::shuffle(qs.begin(), qs.end(), rng_);
        piles.push_back(std::move(qs));
    }
    std::shuffle(piles.begin(), piles.end(), rng_);
    std::vector<const protocol::Question*> out;
    for (std::size_t depth = 0; static_cast<int>(out.size()) < n; ++depth) {
        bool any = false;
        for (const auto& pile : piles) {
            if (depth >= pile.size()) continue;
            any = true;
            out.push_back(pile[depth]);
            if (static_cast<int>(out.size()) == n) break;
        }
        if (!any) break;
    }
    return out;
}

bool Quiz::start(Time now) {
    if (screen_ != QuizScreen::idle || !available()) return false;
    round_ = draw(round_size());
    index_ = 0;
    chosen_.clear();
    answers_.clear();
    outcome_ = {};
    timed_out_ = false;
    screen_ = QuizScreen::question;
    last_touch_ = now;
    question_start_ = now;
    return true;
}

void Quiz::touch(Time now) {
    if (screen_ != QuizScreen::idle) last_touch_ = now;
}

bool Quiz::choose(int option, Time now) {
    if (screen_ != QuizScreen::question) return false;
    const auto& q = question();
    if (option < 0 || option >= static_cast<int>(q.options.size())) return false;
    last_touch_ = now;
    if (q.type != protocol::QuestionType::multiple) {
        chosen_ = {option};
        answer(q.is_right(chosen_), now);
        return true;
    }
    auto it = std::find(chosen_.begin(), chosen_.end(), option);
    if (it == chosen_.end()) {
        chosen_.push_back(option);
        std::sort(chosen_.begin(), chosen_.end());
    } else {
        chosen_.erase(it);
    }
    return true;
}

bool Quiz::confirm(Time now) {
    if (screen_ != QuizScreen::question || question().type != protocol::QuestionType::multiple ||
        chosen_.empty()) {
        return false;
    }
    last_touch_ = now;
    answer(question().is_right(chosen_), now);
    return true;
}

void Quiz::answer(bool correct, Time now) {
    last_correct_ = correct;
    answers_.push_back(protocol::AnswerOutcome{question().id, correct});
    screen_ = QuizScreen::feedback;
    last_touch_ = std::max(last_touch_, now);
}

bool Quiz::next(Time now) {
    if (screen_ == QuizScreen::feedback) {
        last_touch_ = now;
        if (index_ + 1 < total()) {
            ++index_;
            chosen_.clear();
            timed_out_ = false;
            screen_ = QuizScreen::question;
            question_start_ = now;
        } else {
            finish(now);
        }
        return true;
    }
    if (screen_ == QuizScreen::result) {
        abort();
        return true;
    }
    return false;
}

void Quiz::finish(Time now) {
    result_start_ = now;
    QuizOutcome o;
    o.total = total();
    o.score = static_cast<int>(
        std::count_if(answers_.begin(), answers_.end(), [](const auto& a) { return a.correct; }));
    o.passed = o.total > 0 && static_cast<double>(o.score) / o.total >= settings_.pass_mark - 1e-9;
    const protocol::Timestamp wall = wall_.now ? wall_.now() : protocol::Timestamp{};
    if (o.passed && settings_.prizes && prizes_ != nullptr) {
        const auto offset = wall_.local_offset ? wall_.local_offset(wall) : std::chrono::seconds{0};
        auto code = prizes_->issue(local_day(wall, offset), settings_.daily_prize_limit);
        if (!code) {
            o.prize_error = code.error().message;
            spdlog::error("quiz: cannot record a prize: {}", code.error().message);
        } else if (*code) {
            o.claim_code = **code;
        } else {
            o.prize_limit_reached = true;
        }
    }
    outcome_ = o;
    protocol::RoundResult r;
    r.id = random_hex(12);
    r.finished_at = protocol::format_iso8601(wall);
    r.score = o.score;
    r.total = o.total;
    r.passed = o.passed;
    r.answers = answers_;
    finished_.push_back(std::move(r));
    screen_ = QuizScreen::result;
}

Quiz::Time Quiz::idle_deadline() const {
    const Time idle = last_touch_ + std::chrono::seconds{settings_.idle_timeout_s};
    if (screen_ == QuizScreen::result && outcome_.claim_code) {
        return std::max(idle, result_start_ + kPrizeHold);
    }
    return idle;
}

std::optional<Quiz::Time> Quiz::next_deadline() const {
    if (screen_ == QuizScreen::idle) return std::nullopt;
    Time due = idle_deadline();
    if (screen_ == QuizScreen::question && settings_.question_time_limit_s > 0) {
        due =
            std::min(due, question_start_ + std::chrono::seconds{settings_.question_time_limit_s});
    }
    return due;
}

std::optional<int> Quiz::seconds_left(Time now) const {
    if (screen_ != QuizScreen::question || settings_.question_time_limit_s <= 0)
        return std::nullopt;
    const auto end = question_start_ + std::chrono::seconds{settings_.question_time_limit_s};
    if (now >= end) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(end - now).count());
}

bool Quiz::tick(Time now) {
    if (screen_ == QuizScreen::idle) return false;
    if (now >= idle_deadline()) {
        abort();
        return true;
    }
    if (screen_ == QuizScreen::question && settings_.question_time_limit_s > 0 &&
        now >= question_start_ + std::chrono::seconds{settings_.question_time_limit_s}) {
        timed_out_ = true;
        const Time touched = last_touch_;
        answer(false, now);
        last_touch_ = touched;  // running out is not a touch
        return true;
    }
    return false;
}

void Quiz::abort() {
    screen_ = QuizScreen::idle;
    round_.clear();
    answers_.clear();
    chosen_.clear();
    index_ = 0;
}

std::vector<protocol::RoundResult> Quiz::take_results() {
    std::vector<protocol::RoundResult> out;
    out.swap(finished_);
    return out;
}

}  // namespace signage::player
