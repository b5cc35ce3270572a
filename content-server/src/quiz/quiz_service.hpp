#pragma once
// The touch quiz as staff and screens see it:
// - the question bank: questions validated by protocol::parse_question and
//   reviewed like slides (slides/workflow.hpp), single or in bulk;
// - import (JSON list or CSV, all or nothing) and export (JSON or CSV);
// - prize claim codes (protocol/claim.hpp), short or long: checked against
//   the claim key of the screen that made them and redeemed once per
//   (screen, day, serial); wrong codes are limited per staff account and
//   per client address (kMaxWrongCodes in kWrongCodeWindow, then 429
//   "too_many_requests" naming "account" or "address");
// - round results from screens, counted once per round id, and the figures
//   staff read from them.
//
// Errors name the offending field: "invalid" (400), "not_found",
// "conflict" (wrong review state), "forbidden" (approving one's own
// question; a code dated in the future, too old, over the prize limit or
// from a revoked screen), "forged" (403: no screen signed it),
// "already_redeemed" (409).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "auth/throttle.hpp"
#include "common/result.hpp"
#include "protocol/quiz.hpp"
#include "slides/review_records.hpp"
#include "slides/workflow.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;
struct CheckWarning;

// An import: the new questions' ids, or every problem found (nothing imported).
struct QuizImport {
    std::vector<std::int64_t> ids;
    std::vector<protocol::CsvProblem> problems;
};

// A claim code that verified: whose and when, and its redemption if any.
struct ClaimInfo {
    std::int64_t screen_id = 0;
    int day = 0;  // days since 1970-01-01
    std::string screen;
    std::string date;  // the screen's local date, YYYY-MM-DD
    int serial = 0;
    std::optional<Redemption> redemption;
};

// Who tries a code: a staff account and the client's address.
struct ClaimCaller {
    std::string username;
    std::string client;
    std::int64_t* retry_after = nullptr;  // set (seconds) when the tries are used up
};

struct ResultsAccepted {
    int accepted = 0;
    int duplicates = 0;
};

class QuizService {
  public:
    static constexpr std::size_t max_rounds_per_request = 100;
    // Wrong codes (well formed, not genuine) an account or an address may
    // try in a window; then every try waits, as for sign-in.
    static constexpr int kMaxWrongCodes = 10;
    static constexpr std::chrono::seconds kWrongCodeWindow{15 * 60};
    // Short codes name their day modulo 8: they can be told apart from six
    // days before today (UTC) to tomorrow, so codes last at most that long.
    static constexpr int kMaxCodeDays = 6;
    static constexpr int kDefaultCodeDays = 3;

    // Codes are honoured from `code_days` (1..kMaxCodeDays) days before
    // today (UTC) to tomorrow.
    explicit QuizService(Store& store, int code_days = kDefaultCodeDays);

    Result<QuestionRecord> create(const nlohmann::json& body, const User& by);
    Result<QuestionRecord> update(std::int64_t id, const nlohmann::json& body, const User& by);
    Status remove(std::int64_t id, const User& by);
    Result<QuestionRecord> get(std::int64_t id, const User& by);
    // What `by` sees of `unit` (their own when 0): slides/review_records.hpp.
    Result<std::vector<QuestionRecord>> list(const User& by, std::int64_t unit = 0);
    // Review, of one question or a batch: all or nothing; in a batch the
    // error names the offending "ids[i]".
    // Runs the submit checks (checks/content_checks.hpp) on each question;
    // their warnings go to `warnings` when given.
    Result<std::vector<QuestionRecord>> submit(const std::vector<std::int64_t>& ids, const User& by,
                                               bool batch,
                                               std::vector<CheckWarning>* warnings = nullptr);
    // Each item names the revision the reviewer saw (slides/workflow.hpp).
    Result<std::vector<QuestionRecord>> approve(const std::vector<ApprovalItem>& items,
                                                const User& by, bool batch);
    Result<QuestionRecord> reject(std::int64_t id, const User& by, const std::string& reason);

    // Imports as drafts by `by`: a JSON array of questions (or {"questions":
    // [...]}), or CSV text. Problems come back in QuizImport::problems.
    Result<QuizImport> import_json(const nlohmann::json& body, const User& by);
    Result<QuizImport> import_csv(std::string_view text, const User& by);
    // Every question's working copy, in id order, with its id.
    Result<std::vector<protocol::Question>> bank(const User& by);

    // Reads and verifies a claim code ("invalid", "forged", "forbidden",
    // "too_many_requests"); a forged one counts against `caller`. A genuine
    // code is still refused ("forbidden", field "code") when its screen's
    // token was revoked since (reason "revoked"), when it is older than the
    // code days (reason "expired") or dated after tomorrow, and when its
    // serial is over the screen's group's daily prize limit (reason
    // "over_limit").
    Result<ClaimInfo> check_claim(std::string_view code, const ClaimCaller& caller);
    // Verifies and redeems; "already_redeemed" with `info.redemption` set
    // when it was redeemed before.
    Result<ClaimInfo> redeem_claim(std::string_view code, const User& by, const ClaimCaller& caller,
                                   std::optional<ClaimInfo>& already);

    // Stores a screen's {"rounds": [...]}.
    Result<ResultsAccepted> add_results(const Screen& screen, const nlohmann::json& body);
    // {"questions": [...], "rounds": [...]} for rounds finished from..to
    // (YYYY-MM-DD, UTC, either may be empty).
    Result<nlohmann::json> stats(const std::string& from, const std::string& to);

    // Validates a question body and returns its normalised JSON text.
    Result<std::string> validate(const nlohmann::json& body);

  private:
    Result<std::vector<std::int64_t>> store_import(const std::vector<protocol::Question>& questions,
                                                   const User& by);
    // The screen that made a code, and its claim (without the throttle).
    Result<ClaimInfo> verify_claim(std::string_view code);
    Result<ClaimInfo> verify_short_claim(std::string_view code);
    // The checks after the key: revoked, dates, the group's prize limit.
    Result<ClaimInfo> accept_claim(const ClaimKeyOwner& owner, int day, int serial);
    Error expired_code(int day) const;
    Store& store_;
    int code_days_;
    ReviewRecords records_;
    FailureThrottle wrong_codes_{kWrongCodeWindow, &store_, "prize/"};
};

// YYYY-MM-DD for a day number (days since 1970-01-01).
std::string day_to_date(int day);

}  // namespace signage::server
