#include "quiz/quiz_service.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "auth/tokens.hpp"
#include "checks/content_checks.hpp"
#include "common/fault.hpp"
#include "common/json_input.hpp"
#include "common/sha256.hpp"
#include "protocol/claim.hpp"
#include "protocol/time.hpp"
#include "publish/publisher.hpp"
#include "slides/slide_service.hpp"
#include "slides/workflow.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"
#include "units/unit_service.hpp"

namespace signage::server {
namespace {

constexpr std::string_view question_noun = "question";

std::string quiz_dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A question's fields as stored (no id: the store's row id is the id).
std::string question_text(protocol::Question q) {
    q.id.clear();
    return quiz_dump(protocol::to_json(q));
}

int today_utc_day() {
    return static_cast<int>(now_unix() / 86400);
}

bool is_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    }
    const std::chrono::year_month_day ymd{
        std::chrono::year(std::stoi(s.substr(0, 4))),
        std::chrono::month(static_cast<unsigned>(std::stoi(s.substr(5, 2)))),
        std::chrono::day(static_cast<unsigned>(std::stoi(s.substr(8, 2))))};
    return ymd.ok();
}

}  // namespace

std::string day_to_date(int day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

QuizService::QuizService(Store& store, int code_days)
    : store_(store),
      code_days_(code_days),
      records_(
          store, [](Tx& tx) -> ReviewRepository& { return tx.questions(); }, "question") {}

Result<std::string> QuizService::validate(const nlohmann::json& body) {
    if (!body.is_object())
        return make_error(ErrorCode::invalid, "a question is a JSON object", "body");
    // A client may send a question back as it got it: the server's fields go.
    nlohmann::json input = body;
    erase_review_fields(input);
    auto q = protocol::parse_question(input);
    if (!q) return make_error(ErrorCode::invalid, q.error().message, q.error().field);
    return question_text(std::move(*q));
}

Result<QuestionRecord> QuizService::create(const nlohmann::json& body, const User& by) {
    auto unit = body_unit(store_, by, body);
    if (!unit) return unit.error();
    auto json = validate(body);
    if (!json) return json.error();
    return records_.create(*json, by, *unit);
}

Result<QuestionRecord> QuizService::update(std::int64_t id, const nlohmann::json& body,
                                           const User& by) {
    auto json = validate(body);
    if (!json) return json.error();
    auto updated = records_.update(
        {id}, [&](QuestionRecord& q) { return apply_edit(q, *json, by); }, false, by, "edit");
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Status QuizService::remove(std::int64_t id, const User& by) {
    return records_.remove(id, by);
}

Result<QuestionRecord> QuizService::get(std::int64_t id, const User& by) {
    return records_.get(id, by);
}

Result<std::vector<QuestionRecord>> QuizService::list(const User& by, std::int64_t unit) {
    return records_.list(by, unit == 0 ? by.unit_id : unit);
}

Result<std::vector<QuestionRecord>> QuizService::submit(const std::vector<std::int64_t>& ids,
                                                        const User& by, bool batch,
                                                        std::vector<CheckWarning>* warnings) {
    auto words = load_forbidden_words(store_);
    if (!words) return words.error();
    std::size_t index = 0;
    return records_.update(
        ids,
        [&](QuestionRecord& q) -> Status {
            const std::size_t i = index++;
            if (auto st = apply_submit(q, by, question_noun); !st) return st;
            auto checked = check_for_submit(q.json, *words);
            if (!checked) return checked.error();
            if (warnings) {
                for (auto& w : *checked) {
                    if (batch) {
                        std::string field("ids[");
                        field += std::to_string(i);
                        field += "].";
                        w.field = field + w.field;
                    }
                    warnings->push_back(std::move(w));
                }
            }
            return {};
        },
        batch, by, "submit");
}

Result<std::vector<QuestionRecord>> QuizService::approve(const std::vector<ApprovalItem>& items,
                                                         const User& by, bool batch) {
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item.id);
    std::size_t index = 0;
    return records_.update(
        ids,
        [&](QuestionRecord& q) {
            return apply_approve(q, by, question_noun, items[index++].revision);
        },
        batch, by, "approve");
}

Result<QuestionRecord> QuizService::reject(std::int64_t id, const User& by,
                                           const std::string& reason) {
    auto updated = records_.update(
        {id}, [&](QuestionRecord& q) { return apply_reject(q, by, reason, question_noun); }, false,
        by, "reject");
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Result<std::vector<std::int64_t>> QuizService::store_import(
    const std::vector<protocol::Question>& questions, const User& by) {
    std::vector<std::string> jsons;
    jsons.reserve(questions.size());
    for (const auto& q : questions) jsons.push_back(question_text(q));
    return records_.import(jsons, by, by.unit_id);
}

Result<QuizImport> QuizService::import_json(const nlohmann::json& body, const User& by) {
    const nlohmann::json* list = &body;
    if (body.is_object() && body.contains("questions")) list = &body["questions"];
    if (!list->is_array()) {
        return make_error(ErrorCode::invalid, "an import is a JSON array of questions", "body");
    }
    if (list->empty())
        return make_error(ErrorCode::invalid, "there are no questions to import", "body");
    if (list->size() > protocol::QuizLimits::max_questions) {
        return make_error(ErrorCode::invalid,
                          "at most " + std::to_string(protocol::QuizLimits::max_questions) +
                              " questions can be imported at once",
                          "body");
    }
    QuizImport out;
    std::vector<protocol::Question> questions;
    for (std::size_t i = 0; i < list->size(); ++i) {
        nlohmann::json item = (*list)[i];
        if (item.is_object()) erase_review_fields(item);
        auto q = protocol::parse_question(item);
        const int row = static_cast<int>(i) + 1;
        if (!q) {
            const Error& e = q.error();
            out.problems.push_back({row, e.field, e.message, e.reason, e.params});
        } else {
            questions.push_back(std::move(*q));
        }
    }
    if (!out.problems.empty()) return out;
    auto ids = store_import(questions, by);
    if (!ids) return ids.error();
    out.ids = std::move(*ids);
    return out;
}

Result<QuizImport> QuizService::import_csv(std::string_view text, const User& by) {
    protocol::CsvImport parsed = protocol::parse_questions_csv(text);
    QuizImport out;
    out.problems = std::move(parsed.problems);
    if (!out.problems.empty()) return out;
    auto ids = store_import(parsed.questions, by);
    if (!ids) return ids.error();
    out.ids = std::move(*ids);
    return out;
}

Result<std::vector<protocol::Question>> QuizService::bank(const User& by) {
    auto records = records_.list(by, by.unit_id);
    if (!records) return records.error();
    protocol::QuestionParseOptions lenient;
    lenient.reject_unknown_fields = false;
    std::vector<protocol::Question> out;
    for (const auto& r : *records) {
        auto q = protocol::parse_question(signage::read_json(r.json), lenient);
        if (!q) {
            return make_error(ErrorCode::internal,
                              "question " + std::to_string(r.id) +
                                  " no longer validates: " + q.error().to_string());
        }
        q->id = std::to_string(r.id);
        out.push_back(std::move(*q));
    }
    return out;
}

namespace {

protocol::ClaimPublicKey public_key_from_hex(const std::string& hex, bool& ok) {
    protocol::ClaimPublicKey key{};
    ok = hex.size() == key.size() * 2;
    for (std::size_t i = 0; ok && i < key.size(); ++i) {
        key[i] = static_cast<unsigned char>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
    }
    return key;
}

// Lower-case hex of the 16 bits `v`: the start of a claim key id.
std::string hex16(unsigned v) {
    const unsigned char bytes[2] = {static_cast<unsigned char>(v >> 8),
                                    static_cast<unsigned char>(v & 0xff)};
    return to_hex(bytes, 2);
}

Error forged_code() {
    return make_error(ErrorCode::forged, "no screen made this code: it is not genuine", "code");
}

}  // namespace

Result<ClaimInfo> QuizService::verify_short_claim(std::string_view code) {
    auto claim = protocol::parse_short_claim_code(code);
    if (!claim) return claim.error();
    // The keys whose id starts with the tag's 14 bits.
    constexpr int spare = 16 - protocol::kClaimTagBits;
    const unsigned first = static_cast<unsigned>(claim->tag) << spare;
    const unsigned end = static_cast<unsigned>(claim->tag + 1) << spare;
    const std::string from = hex16(first);
    const std::string to = end > 0xffff ? std::string("g") : hex16(end);
    auto owners = store_.read([&](Tx& tx) -> Result<std::vector<ClaimKeyOwner>> {
        return tx.screens().find_by_claim_key_range(from, to);
    });
    if (!owners) return owners.error();
    const int today = today_utc_day();
    const int day = protocol::resolve_claim_day(claim->day_mod, today);
    for (const ClaimKeyOwner& owner : *owners) {
        bool ok = false;
        const auto key = public_key_from_hex(owner.public_key, ok);
        if (!ok) continue;
        if (protocol::verify_short_claim(*claim, day, key)) {
            return accept_claim(owner, day, claim->serial);
        }
        // A genuine code older than the days it is taken for: say so. (This
        // redeems nothing, so it adds nothing to a forger's odds.)
        for (int older = day - 8; older >= day - 8 * 4; older -= 8) {
            if (protocol::verify_short_claim(*claim, older, key)) return expired_code(older);
        }
    }
    return forged_code();
}

Result<ClaimInfo> QuizService::verify_claim(std::string_view code) {
    if (!protocol::is_long_claim_code(code)) return verify_short_claim(code);
    auto claim = protocol::parse_claim_code(code);
    if (!claim) return make_error(ErrorCode::invalid, claim.error().message, "code");
    const std::string key_id = to_hex(claim->key_id.data(), claim->key_id.size());
    auto owners = store_.read([&](Tx& tx) -> Result<std::vector<ClaimKeyOwner>> {
        return tx.screens().find_by_claim_key(key_id);
    });
    if (!owners) return owners.error();
    for (const ClaimKeyOwner& owner : *owners) {
        bool ok = false;
        const auto key = public_key_from_hex(owner.public_key, ok);
        if (ok && protocol::verify_claim_code(code, key)) {
            return accept_claim(owner, claim->day, claim->serial);
        }
    }
    return forged_code();
}

Error QuizService::expired_code(int day) const {
    return make_error(ErrorCode::forbidden,
                      std::string("this code is from ")
                          .append(day_to_date(day))
                          .append(" and has expired: codes are redeemed within ")
                          .append(std::to_string(code_days_))
                          .append(" days"),
                      "code")
        .because(ErrorReason::expired, {{"days", code_days_}});
}

Result<ClaimInfo> QuizService::accept_claim(const ClaimKeyOwner& owner, int day, int serial) {
    const Screen& screen = owner.screen;
    if (owner.retired) {
        return make_error(ErrorCode::forbidden,
                          std::string("this code was made by screen ")
                              .append(screen.name)
                              .append(" with a device token that was revoked: its codes are "
                                      "no longer honoured"),
                          "code")
            .because(ErrorReason::revoked, {{"screen", screen.name}});
    }
    const int today = today_utc_day();
    if (day > today + 1) {
        return make_error(ErrorCode::forbidden,
                          "the code is dated " + day_to_date(day) +
                              ", after today: the screen's clock is wrong",
                          "code")
            .because(ErrorReason::format, {{"format", "prize_code"}});
    }
    if (day < today - code_days_) return expired_code(day);
    auto group = store_.read([&](Tx& tx) -> Result<Group> {
        auto g = tx.groups().find(screen.group);
        if (!g) return make_error(ErrorCode::internal, "screen " + screen.name + " has no group");
        return std::move(*g);
    });
    if (!group) return group.error();
    auto settings = group_settings(*group);
    if (!settings) return settings.error();
    const int limit = settings->quiz.daily_prize_limit;
    if (serial > limit) {
        return make_error(ErrorCode::forbidden,
                          std::string("this code is prize ")
                              .append(std::to_string(serial))
                              .append(" of its day, beyond group ")
                              .append(screen.group)
                              .append("'s limit of ")
                              .append(std::to_string(limit))
                              .append(" prizes a screen a day"),
                          "code")
            .because(ErrorReason::over_limit, {{"limit", limit}});
    }
    return ClaimInfo{screen.id, day, screen.name, day_to_date(day), serial, std::nullopt};
}

Result<ClaimInfo> QuizService::check_claim(std::string_view code, const ClaimCaller& caller) {
    const std::int64_t now = now_unix();
    const std::string account = std::string("user:") += caller.username;
    // Counted as a wrong code from here until the code verifies.
    const auto attempt = wrong_codes_.begin(
        {{account, kMaxWrongCodes}, {std::string("addr:") += caller.client, kMaxWrongCodes}}, now);
    if (attempt.wait > 0) {
        const bool by_account = attempt.refused_by == account;
        if (caller.retry_after) *caller.retry_after = attempt.wait;
        return make_error(ErrorCode::too_many_requests,
                          std::string("too many wrong prize codes ")
                              .append(by_account ? "from this account" : "from this address")
                              .append(": ")
                              .append(retry_text(attempt.wait, now)),
                          by_account ? "account" : "address");
    }
    auto info = verify_claim(code);
    // Only a forged code counts; one that is malformed or not this caller's
    // to check does not.
    if (!info && info.error().code == ErrorCode::forged) return info.error();
    wrong_codes_.succeeded(attempt);
    if (!info) return info.error();
    auto redemption = store_.read([&](Tx& tx) -> Result<std::optional<Redemption>> {
        return tx.quiz_results().find_redemption(info->screen_id, info->day, info->serial);
    });
    if (!redemption) return redemption.error();
    info->redemption = std::move(*redemption);
    return info;
}

Result<ClaimInfo> QuizService::redeem_claim(std::string_view code, const User& by,
                                            const ClaimCaller& caller,
                                            std::optional<ClaimInfo>& already) {
    auto info = check_claim(code, caller);
    if (!info) return info.error();
    if (info->redemption) {
        already = *info;
        return make_error(ErrorCode::already_redeemed,
                          "this prize was already handed out at " + info->redemption->redeemed_at +
                              " by " + info->redemption->redeemed_by,
                          "code");
    }
    // Checked, not yet stored: two desks may both be here; the store's single
    // redemption per code decides between them. A test pauses here to make
    // both arrive.
    fault::pause("quiz.redeem.after_check");
    std::optional<Redemption> existing;
    auto redeemed = store_.write([&](Tx& tx) -> Result<Redemption> {
        Redemption r{now_iso8601(), by.username};
        if (!tx.quiz_results().redeem(info->screen_id, info->day, info->serial, by.id,
                                      r.redeemed_at)) {
            // The single redemption per code decided: someone redeemed it first.
            existing = tx.quiz_results().find_redemption(info->screen_id, info->day, info->serial);
            const Redemption shown = existing.value_or(Redemption{});
            return make_error(ErrorCode::already_redeemed,
                              "this prize was already handed out at " + shown.redeemed_at + " by " +
                                  shown.redeemed_by,
                              "code");
        }
        const std::string claim = std::to_string(info->screen_id) + "/" +
                                  std::to_string(info->day) + "/" + std::to_string(info->serial);
        tx.audit().record(by.id, "redeem", "prize_claim", claim, "",
                          dump_audit({{"screen_id", info->screen_id},
                                      {"day", info->day},
                                      {"serial", info->serial},
                                      {"redeemed_at", r.redeemed_at}}));
        return r;
    });
    if (!redeemed) {
        if (existing) {
            already = *info;
            already->redemption = existing;
        }
        return redeemed.error();
    }
    info->redemption = std::move(*redeemed);
    return info;
}

Result<ResultsAccepted> QuizService::add_results(const Screen& screen, const nlohmann::json& body) {
    auto rounds = body.find("rounds");
    if (rounds == body.end() || !rounds->is_array()) {
        return make_error(ErrorCode::invalid, "is required (a list of rounds)", "rounds")
            .because(ErrorReason::required);
    }
    if (rounds->size() > max_rounds_per_request) {
        return make_error(ErrorCode::invalid,
                          "has more than " + std::to_string(max_rounds_per_request) +
                              " rounds: send them in several requests",
                          "rounds");
    }
    std::vector<QuizRoundRow> rows;
    for (std::size_t i = 0; i < rounds->size(); ++i) {
        auto r = protocol::parse_round_result((*rounds)[i], "rounds[" + std::to_string(i) + "]");
        if (!r) return make_error(ErrorCode::invalid, r.error().message, r.error().field);
        auto at = protocol::parse_iso8601(r->finished_at);
        const int day =
            static_cast<int>(std::chrono::floor<std::chrono::days>(*at).time_since_epoch().count());
        QuizRoundRow row{r->id, r->finished_at, day_to_date(day), r->score, r->total, r->passed,
                         {}};
        for (const auto& a : r->answers) row.answers.emplace_back(a.question, a.correct);
        rows.push_back(std::move(row));
    }
    auto added = store_.write(
        [&](Tx& tx) -> Result<int> { return tx.quiz_results().add_rounds(screen.id, rows); });
    if (!added) return added.error();
    return ResultsAccepted{*added, static_cast<int>(rows.size()) - *added};
}

Result<nlohmann::json> QuizService::stats(const std::string& from, const std::string& to) {
    if (!from.empty() && !is_date(from)) {
        return make_error(ErrorCode::invalid, "must be a date (YYYY-MM-DD)", "from");
    }
    if (!to.empty() && !is_date(to))
        return make_error(ErrorCode::invalid, "must be a date (YYYY-MM-DD)", "to");
    auto figures =
        store_.read([&](Tx& tx) -> Result<QuizStats> { return tx.quiz_results().stats(from, to); });
    if (!figures) return figures.error();
    nlohmann::json questions = nlohmann::json::array();
    for (const QuestionStat& q : figures->questions) {
        const auto fields = signage::read_json(q.json);
        const auto text = [&](const char* key) {
            return fields.is_object() && fields.contains(key) && fields[key].is_string()
                       ? fields[key].get<std::string>()
                       : std::string();
        };
        questions.push_back(
            {{"id", q.question_id},
             {"question", text("question")},
             {"category", text("category")},
             {"attempts", q.attempts},
             {"correct", q.correct},
             {"correct_rate",
              q.attempts == 0 ? 0.0
                              : static_cast<double>(q.correct) / static_cast<double>(q.attempts)}});
    }
    nlohmann::json rounds = nlohmann::json::array();
    for (const RoundStat& r : figures->rounds) {
        rounds.push_back(
            {{"screen", r.screen}, {"date", r.date}, {"rounds", r.rounds}, {"passed", r.passed}});
    }
    return nlohmann::json{{"questions", std::move(questions)}, {"rounds", std::move(rounds)}};
}

}  // namespace signage::server
