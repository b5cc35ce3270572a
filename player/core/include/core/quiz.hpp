#pragma once
// The touch quiz on the screen (文明知识有奖问答), as a pure state machine: no
// SDL, no threads. The caller passes the steady time of every event and of
// tick(); wall time and the local date (for results and claim codes) come
// from a caller-supplied clock, so tests drive whole rounds with a fake one.
//
//   idle --start--> question --answer--> feedback --next--> question ...
//                                                  --next (last)--> result
//   result --next--> idle
// Any screen but idle goes back to idle after settings.idle_timeout_s
// without a touch; a half-finished round is dropped (no result recorded).
// A result with a prize code stays longer, while the resident finds staff:
// until next() (完成) or kPrizeHold after it appeared (the idle timeout
// only when it is later still).
//
// Questions are drawn at random (a seeded generator) without repeats,
// spread over categories: the categories are shuffled, then each turn takes
// the next unused question of the next category (round-robin). A round has
// questions_per_round questions, or the whole bank when it is smaller.
// Single and judge questions are answered by choosing an option; multiple
// choice toggles options and answers on confirm(), right only when exactly
// the right set is chosen. With a per-question time limit, a question left
// unanswered when it runs out counts as wrong.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/claim.hpp"
#include "protocol/quiz.hpp"
#include "protocol/time.hpp"

namespace signage::player {

// Claim codes of one screen: keys from its device token, serials counted per
// local day and persisted (atomic write + fsync) so a restart never reuses
// one. Not thread-safe.
class PrizeBook {
  public:
    // `file`: where the day and its last serial are kept (in the cache dir).
    PrizeBook(std::filesystem::path file, std::string_view device_token);

    // A short code (protocol/claim.hpp, 12 symbols, not grouped) for the next
    // prize of `day` (days since 1970-01-01, local), or nullopt when
    // `daily_limit` prizes (at most protocol::kMaxClaimSerial) were already
    // given that day. The
    // serial is on disk before the code is returned; an error when it cannot
    // be written (no code is shown then).
    Result<std::optional<std::string>> issue(int day, int daily_limit);
    // Prizes given on `day` so far.
    int issued_on(int day) const;
    const protocol::ClaimPublicKey& public_key() const { return keys_.public_key; }

  private:
    std::filesystem::path file_;
    protocol::ClaimKeys keys_;
};

enum class QuizScreen { idle, question, feedback, result };

struct QuizWallClock {
    // The wall time now, and the screen's offset from UTC at a wall time.
    std::function<protocol::Timestamp()> now;
    std::function<std::chrono::seconds(protocol::Timestamp)> local_offset;
};

// The outcome of a finished round, while its result screen shows.
struct QuizOutcome {
    int score = 0;
    int total = 0;
    bool passed = false;
    std::optional<std::string> claim_code;  // a passing round with prizes on, under the limit
    bool prize_limit_reached = false;       // passed, prizes on, but none left today
    std::string prize_error;                // the claim could not be recorded
};

class Quiz {
  public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;
    // How long a result with a prize code stays without a touch.
    static constexpr std::chrono::seconds kPrizeHold{180};

    // `prizes` may be null (no claim codes: passing rounds show no code).
    Quiz(std::vector<protocol::Question> bank, protocol::QuizSettings settings, std::uint64_t seed,
         QuizWallClock wall, PrizeBook* prizes);

    // The invitation belongs in the rotation: enabled, and a non-empty bank.
    bool available() const { return settings_.enabled && !bank_.empty(); }
    const protocol::QuizSettings& settings() const { return settings_; }
    std::size_t bank_size() const { return bank_.size(); }
    // Questions in a round: questions_per_round capped by the bank.
    int round_size() const;

    QuizScreen screen() const { return screen_; }
    bool active() const { return screen_ != QuizScreen::idle; }

    // Starts a round (from idle, when available); false otherwise.
    bool start(Time now);
    // A touch anywhere: the idle timeout starts again.
    void touch(Time now);
    // On the question screen: answers a single or judge question, toggles an
    // option of a multiple-choice one. False when it changed nothing.
    bool choose(int option, Time now);
    // Answers a multiple-choice question with the options chosen (at least
    // one). False when it changed nothing.
    bool confirm(Time now);
    // From feedback: the next question or the result; from the result: idle.
    bool next(Time now);
    // Applies the time limit and the idle timeout; true when the screen
    // changed (the idle timeout leaves the quiz: screen() is idle).
    bool tick(Time now);
    // The earliest time tick() may change something; nullopt when idle.
    std::optional<Time> next_deadline() const;
    // Whole seconds left on the question (rounded up); nullopt without a limit.
    std::optional<int> seconds_left(Time now) const;
    // Leaves the quiz at once (an emergency, a new bank): the round is dropped.
    void abort();

    // The question on screen (question and feedback screens).
    const protocol::Question& question() const { return *round_[index_]; }
    int index() const { return index_; }  // 0-based
    int total() const { return static_cast<int>(round_.size()); }
    const std::vector<int>& chosen() const { return chosen_; }
    bool last_correct() const { return last_correct_; }
    bool timed_out() const { return timed_out_; }
    const QuizOutcome& outcome() const { return outcome_; }

    // Rounds finished since the last call (each once), for the outbox.
    std::vector<protocol::RoundResult> take_results();

    // Draws a round's questions (exposed for tests).
    std::vector<const protocol::Question*> draw(int n);

  private:
    void answer(bool correct, Time now);
    void finish(Time now);
    // When the screen leaves by itself without a touch (not the time limit).
    Time idle_deadline() const;

    std::vector<protocol::Question> bank_;
    protocol::QuizSettings settings_;
    std::mt19937_64 rng_;
    QuizWallClock wall_;
    PrizeBook* prizes_;

    QuizScreen screen_ = QuizScreen::idle;
    std::vector<const protocol::Question*> round_;
    int index_ = 0;
    std::vector<int> chosen_;
    bool last_correct_ = false;
    bool timed_out_ = false;
    std::vector<protocol::AnswerOutcome> answers_;
    Time last_touch_{};
    Time question_start_{};
    Time result_start_{};
    QuizOutcome outcome_;
    std::vector<protocol::RoundResult> finished_;
};

// The local date of wall time `t` at `offset`: days since 1970-01-01.
int local_day(protocol::Timestamp t, std::chrono::seconds offset);

}  // namespace signage::player
