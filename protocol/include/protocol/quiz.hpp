#pragma once
// The civility quiz (文明知识有奖问答): questions, per-group quiz settings,
// the CSV form staff edit banks in, and round results that screens report.
//
// A question:
//   {"id": "17", "type": "single"|"multiple"|"judge", "question": "…",
//    "options": ["…", …], "answers": [indexes into options],
//    "explanation": "…", "category": "…"}
// A judge (true/false, 判断) question has the options ["对", "错"] when none
// are given. Single and judge questions have exactly one answer; multiple
// choice is right only when exactly the right options are chosen.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"

namespace signage::protocol {

enum class QuestionType { single, multiple, judge };

std::string_view to_string(QuestionType t);

struct QuizLimits {
    static constexpr std::size_t question_chars = 200;
    static constexpr std::size_t option_chars = 60;
    static constexpr std::size_t explanation_chars = 300;
    static constexpr std::size_t category_chars = 20;
    static constexpr std::size_t min_options = 2;
    static constexpr std::size_t max_options = 6;
    static constexpr std::size_t max_questions = 2000;  // in one bank or one import
};

struct Question {
    std::string id;  // assigned by the server; empty in new questions and imports
    QuestionType type = QuestionType::single;
    std::string question;
    std::vector<std::string> options;
    std::vector<int> answers;  // ascending indexes into options
    std::string explanation;
    std::string category;
    bool operator==(const Question&) const = default;

    // True when `chosen` (indexes, any order, no repeats) is exactly the answer.
    bool is_right(std::vector<int> chosen) const;
};

struct QuestionParseOptions {
    // Staff input rejects unknown fields; manifests are read leniently.
    // Server-managed fields (id, status, author, ...) are ignored on input.
    bool reject_unknown_fields = true;
};

// Validates a question. Errors name the field, prefixed by `path`
// ("questions[3]" gives "questions[3].answers").
Result<Question> parse_question(const nlohmann::json& j, const QuestionParseOptions& options = {},
                                const std::string& path = {});
// The question's JSON; includes "id" when set.
nlohmann::json to_json(const Question& q);

// Quiz settings of a screen group ("settings": {"quiz": {…}} in the manifest).
struct QuizSettings {
    bool enabled = true;            // the invitation joins the rotation when there are questions
    int questions_per_round = 10;   // 1..50
    double pass_mark = 0.8;         // share of right answers to pass, 0..1
    int question_time_limit_s = 0;  // 0: no limit; else 5..600
    int idle_timeout_s = 30;        // back to the rotation after this long untouched, 5..600
    bool prizes = true;             // a passing round shows a claim code
    int daily_prize_limit = 50;     // claim codes per screen per local day, 0..10000
    bool operator==(const QuizSettings&) const = default;
};

// Reads quiz settings; absent fields keep their defaults. Errors name the
// field under `path`.
Result<QuizSettings> parse_quiz_settings(const nlohmann::json& j,
                                         const std::string& path = "settings.quiz");
nlohmann::json to_json(const QuizSettings& s);

// --- CSV ------------------------------------------------------------------
// Header row (names in any order; Chinese names accepted too):
//   type,question,option_a,option_b,option_c,option_d,option_e,option_f,
//   answer,explanation,category
// type: single|multiple|judge (or 单选|多选|判断); answer: letters ("B",
// "ACD"), or for judge also 对/错. A UTF-8 byte order mark is skipped.
// A cell that to_csv wrote with a leading apostrophe against formulas
// (common/csv.hpp) reads back without it.

struct CsvProblem {
    int row = 0;         // 1-based line of the record in the file (the header is row 1)
    std::string column;  // the column's header name, empty for a whole-row problem
    std::string message;
    ErrorReason reason = ErrorReason::none;  // the rule broken, for clients to word
    std::vector<ErrorParam> params;          // its parameters (common/error_code.hpp)
};

struct CsvImport {
    std::vector<Question> questions;   // only meaningful when problems is empty
    std::vector<CsvProblem> problems;  // every problem found, in file order
};

// Reads a whole CSV bank. Never throws; collects every problem instead of
// stopping at the first, so staff can fix the file in one go.
CsvImport parse_questions_csv(std::string_view text);
// Writes questions in the same CSV form (with a header, CRLF line ends),
// each cell through csv::text_cell: text a spreadsheet would run as a
// formula gets a leading apostrophe.
std::string to_csv(const std::vector<Question>& questions);

// --- Results that screens report ------------------------------------------
// {"rounds": [{"id": "…", "finished_at": "…Z", "score": 8, "total": 10,
//   "passed": true, "answers": [{"question": "17", "correct": true}, …]}]}
// A round's id is made by the screen; the server counts each id once, so a
// retried upload never counts twice.
struct AnswerOutcome {
    std::string question;  // question id
    bool correct = false;
    bool operator==(const AnswerOutcome&) const = default;
};

struct RoundResult {
    std::string id;           // 8..64 characters of [A-Za-z0-9_-]
    std::string finished_at;  // ISO 8601 UTC
    int score = 0;
    int total = 0;
    bool passed = false;
    std::vector<AnswerOutcome> answers;
    bool operator==(const RoundResult&) const = default;
};

Result<RoundResult> parse_round_result(const nlohmann::json& j, const std::string& path = {});
nlohmann::json to_json(const RoundResult& r);

}  // namespace signage::protocol
