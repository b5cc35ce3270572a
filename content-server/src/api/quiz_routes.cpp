#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "checks/content_checks.hpp"
#include "common/json_input.hpp"
#include "http/responses.hpp"
#include "quiz/quiz_service.hpp"
#include "slides/slide_service.hpp"
#include "slides/workflow.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

// A bank of QuizLimits::max_questions questions fits well within this.
constexpr std::uint64_t quiz_import_limit = 4 * 1024 * 1024;
// 100 rounds of up to 50 answers each.
constexpr std::uint64_t quiz_results_limit = 1024 * 1024;

Result<Response> question_response(const Result<QuestionRecord>& q, int status = 200) {
    if (!q) return q.error();
    return http::json_response(status, slide_view(*q));
}

Result<Response> questions_response(const Result<std::vector<QuestionRecord>>& list) {
    if (!list) return list.error();
    nlohmann::json out = nlohmann::json::array();
    for (const auto& q : *list) out.push_back(slide_view(q));
    return http::json_response(200, {{"questions", std::move(out)}});
}

// {"ids": [1, "2", …]}: ids as numbers or as the strings the API shows.
// With `revisions`, each entry is {"id": I, "revision": R} instead.
Result<std::vector<ApprovalItem>> parse_id_list(const nlohmann::json& body, bool revisions) {
    auto ids = body.find("ids");
    if (ids == body.end() || !ids->is_array() || ids->empty()) {
        return make_error(ErrorCode::invalid, "is required (a list of question ids)", "ids")
            .because(ErrorReason::required);
    }
    std::vector<ApprovalItem> out;
    for (std::size_t i = 0; i < ids->size(); ++i) {
        const std::string field = "ids[" + std::to_string(i) + "]";
        const nlohmann::json& item = (*ids)[i];
        const nlohmann::json* v = &item;
        ApprovalItem entry;
        if (revisions) {
            if (!item.is_object() || !item.contains("id")) {
                return make_error(ErrorCode::invalid,
                                  "is {\"id\": ..., \"revision\": ...}: the question and the "
                                  "revision that was looked at",
                                  field + ".id")
                    .because(ErrorReason::required);
            }
            v = &item["id"];
            auto revision = approval_revision(item, field + ".revision");
            if (!revision) return revision.error();
            entry.revision = std::move(*revision);
        }
        if (v->is_number_integer()) {
            entry.id = v->get<std::int64_t>();
        } else if (v->is_string()) {
            auto parsed = http::parse_path_id(v->get<std::string>(), "question");
            if (parsed) entry.id = *parsed;
        }
        if (entry.id <= 0) return make_error(ErrorCode::invalid, "is not a question id", field);
        const bool twice = std::any_of(out.begin(), out.end(),
                                       [&](const ApprovalItem& o) { return o.id == entry.id; });
        if (twice) {
            return make_error(ErrorCode::invalid,
                              "names question " + std::to_string(entry.id) + " twice", field);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Result<std::vector<std::int64_t>> parse_ids(const nlohmann::json& body) {
    auto items = parse_id_list(body, false);
    if (!items) return items.error();
    std::vector<std::int64_t> out;
    for (const auto& item : *items) out.push_back(item.id);
    return out;
}

Result<std::vector<ApprovalItem>> parse_approval_items(const nlohmann::json& body) {
    return parse_id_list(body, true);
}

bool media_type_is(std::string_view header, std::string_view type) {
    const auto end = header.find(';');
    std::string_view base = header.substr(0, end);
    while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
    return http::iequals(base, type);
}

Response import_problems(const std::vector<protocol::CsvProblem>& problems) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& p : problems) {
        Error as_error = make_error(ErrorCode::invalid, p.message, p.column);
        as_error.reason = p.reason;
        as_error.params = p.params;
        nlohmann::json row = http::error_json(as_error, p.message);
        row.erase("code");
        row.erase("field");
        row["row"] = p.row;
        row["column"] = p.column;
        rows.push_back(std::move(row));
    }
    const std::string message = std::to_string(problems.size()) +
                                (problems.size() == 1 ? " problem" : " problems") +
                                " found; nothing was imported";
    return http::json_response(422, {{"error",
                                      {{"code", error_code_name(ErrorCode::invalid)},
                                       {"message", message},
                                       {"field", "body"},
                                       {"rows", std::move(rows)}}}});
}

nlohmann::json claim_json(const ClaimInfo& c) {
    nlohmann::json j = {{"screen", c.screen}, {"date", c.date}, {"serial", c.serial}};
    if (c.redemption) {
        j["redeemed_at"] = c.redemption->redeemed_at;
        j["redeemed_by"] = c.redemption->redeemed_by;
    }
    return j;
}

Result<std::string> claim_code(const nlohmann::json& body) {
    auto code = body.find("code");
    if (code == body.end() || !code->is_string()) {
        return make_error(ErrorCode::invalid, "is required (the claim code)", "code")
            .because(ErrorReason::required);
    }
    std::string text = code->get<std::string>();
    // People paste codes with spaces or line breaks around them.
    const auto b = text.find_first_not_of(" \t\r\n");
    const auto e = text.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : text.substr(b, e - b + 1);
}

// Who tries a code, for the limit on wrong ones.
ClaimCaller claim_caller(Call& c, std::int64_t& retry_after) {
    return ClaimCaller{c.user().username, c.req.client, &retry_after};
}

// A refused code; a limited one with Retry-After.
Result<Response> claim_error(const Error& error, std::int64_t retry_after) {
    if (error.code != ErrorCode::too_many_requests) return error;
    Response res = http::error_response(error);
    res.headers.set("Retry-After", std::to_string(retry_after));
    return res;
}

}  // namespace

void add_quiz_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    const Access editor = Access::roles({Role::editor});
    const Access reviewer = Access::roles({Role::reviewer});

    api.add(Method::get, "/api/v1/quiz/questions", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                return questions_response(s.quiz.list(c.user(), *unit));
            });

    api.add(Method::post, "/api/v1/quiz/questions", {.access = editor, .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return question_response(s.quiz.create(c.body, c.user()), 201);
            });

    api.add(Method::get, "/api/v1/quiz/questions/{id}",
            {.access = Access::staff(), .path_id = "question"}, [&s](Call& c) -> Result<Response> {
                return question_response(s.quiz.get(c.id, c.user()));
            });

    api.add(Method::put, "/api/v1/quiz/questions/{id}",
            {.access = editor, .path_id = "question", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return question_response(s.quiz.update(c.id, c.body, c.user()));
            });

    api.add(Method::del, "/api/v1/quiz/questions/{id}", {.access = editor, .path_id = "question"},
            [&s](Call& c) -> Result<Response> {
                if (auto st = s.quiz.remove(c.id, c.user()); !st) return st.error();
                Response res;
                res.status = 204;
                return res;
            });

    api.add(Method::post, "/api/v1/quiz/questions/{id}/submit",
            {.access = editor, .path_id = "question"}, [&s](Call& c) -> Result<Response> {
                std::vector<CheckWarning> warnings;
                auto done = s.quiz.submit({c.id}, c.user(), false, &warnings);
                if (!done) return done.error();
                nlohmann::json view = slide_view(done->front());
                view["warnings"] = warnings_json(warnings);
                return http::json_response(200, view);
            });

    // {"revision": R}: the revision the reviewer looked at.
    api.add(Method::post, "/api/v1/quiz/questions/{id}/approve",
            {.access = reviewer, .path_id = "question", .body = Body::optional_object},
            [&s](Call& c) -> Result<Response> {
                auto revision = approval_revision(c.body, "revision");
                if (!revision) return revision.error();
                auto done = s.quiz.approve({{c.id, *revision}}, c.user(), false);
                if (!done) return done.error();
                return question_response(done->front());
            });

    api.add(Method::post, "/api/v1/quiz/questions/{id}/reject",
            {.access = reviewer, .path_id = "question", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto reason = c.body.find("reason");
                if (reason == c.body.end() || !reason->is_string()) {
                    return make_error(ErrorCode::invalid, "say why the question is rejected",
                                      "reason");
                }
                return question_response(s.quiz.reject(c.id, c.user(), reason->get<std::string>()));
            });

    api.add(Method::post, "/api/v1/quiz/questions/submit", {.access = editor, .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto ids = parse_ids(c.body);
                if (!ids) return ids.error();
                std::vector<CheckWarning> warnings;
                auto done = s.quiz.submit(*ids, c.user(), true, &warnings);
                if (!done) return done.error();
                nlohmann::json out = nlohmann::json::array();
                for (const auto& q : *done) out.push_back(slide_view(q));
                return http::json_response(
                    200, {{"questions", std::move(out)}, {"warnings", warnings_json(warnings)}});
            });

    // {"ids": [{"id": I, "revision": R}, …]}: each with the revision looked at.
    api.add(Method::post, "/api/v1/quiz/questions/approve",
            {.access = reviewer, .body = Body::object}, [&s](Call& c) -> Result<Response> {
                auto items = parse_approval_items(c.body);
                if (!items) return items.error();
                return questions_response(s.quiz.approve(*items, c.user(), true));
            });

    // The body is JSON (a list) or CSV: read here, by its Content-Type.
    api.add(Method::post, "/api/v1/quiz/import",
            {.access = editor, .body_limit = quiz_import_limit}, [&s](Call& c) -> Result<Response> {
                const Request& req = c.req;
                const std::string_view type = req.header("content-type");
                Result<QuizImport> imported = make_error(ErrorCode::internal, "not imported");
                if (media_type_is(type, "application/json")) {
                    auto body = parse_json_input(req.body, "body");
                    if (!body) return body.error();
                    imported = s.quiz.import_json(*body, c.user());
                } else if (media_type_is(type, "text/csv")) {
                    imported = s.quiz.import_csv(req.body, c.user());
                } else {
                    return make_error(ErrorCode::unsupported_media_type,
                                      "send application/json (a list of questions) or text/csv",
                                      "Content-Type");
                }
                if (!imported) return imported.error();
                if (!imported->problems.empty()) return import_problems(imported->problems);
                nlohmann::json ids = nlohmann::json::array();
                for (const auto id : imported->ids) ids.push_back(std::to_string(id));
                return http::json_response(
                    201, {{"imported", imported->ids.size()}, {"ids", std::move(ids)}});
            });

    api.add(Method::get, "/api/v1/quiz/export", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                const std::string format = c.req.query_param("format").value_or("json");
                if (format != "json" && format != "csv") {
                    return make_error(ErrorCode::invalid, "is json or csv", "format");
                }
                auto bank = s.quiz.bank(c.user());
                if (!bank) return bank.error();
                if (format == "json") {
                    nlohmann::json list = nlohmann::json::array();
                    for (const auto& q : *bank) list.push_back(protocol::to_json(q));
                    return http::json_response(200, list);
                }
                Response res;
                res.headers.set("Content-Type", "text/csv; charset=utf-8");
                res.headers.set("Content-Disposition",
                                "attachment; filename=\"quiz-questions.csv\"");
                res.headers.set("Cache-Control", "no-store");
                // The byte order mark tells Excel the file is UTF-8 (else Chinese is garbled).
                res.body = "\xEF\xBB\xBF" + protocol::to_csv(*bank);
                return res;
            });

    api.add(Method::get, "/api/v1/quiz/stats", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto stats = s.quiz.stats(c.req.query_param("from").value_or(""),
                                          c.req.query_param("to").value_or(""));
                if (!stats) return stats.error();
                return http::json_response(200, *stats);
            });

    api.add(Method::post, "/api/v1/quiz/claims/check",
            {.access = Access::staff(), .body = Body::object}, [&s](Call& c) -> Result<Response> {
                auto code = claim_code(c.body);
                if (!code) return code.error();
                std::int64_t retry_after = 0;
                auto info = s.quiz.check_claim(*code, claim_caller(c, retry_after));
                if (!info) return claim_error(info.error(), retry_after);
                nlohmann::json out = claim_json(*info);
                out["valid"] = true;
                out["redeemed"] = info->redemption.has_value();
                return http::json_response(200, out);
            });

    api.add(Method::post, "/api/v1/quiz/claims/redeem",
            {.access = Access::staff(), .body = Body::object}, [&s](Call& c) -> Result<Response> {
                auto code = claim_code(c.body);
                if (!code) return code.error();
                std::optional<ClaimInfo> already;
                std::int64_t retry_after = 0;
                auto info =
                    s.quiz.redeem_claim(*code, c.user(), claim_caller(c, retry_after), already);
                if (!info && already) {
                    nlohmann::json error = {{"code", "already_redeemed"},
                                            {"message", info.error().message},
                                            {"field", "code"}};
                    error.update(claim_json(*already));
                    return http::json_response(409, {{"error", std::move(error)}});
                }
                if (!info) return claim_error(info.error(), retry_after);
                return http::json_response(200, claim_json(*info));
            });

    api.add(Method::post, "/api/v1/player/quiz-results",
            {.access = Access::device(), .body = Body::object, .body_limit = quiz_results_limit},
            [&s](Call& c) -> Result<Response> {
                auto accepted = s.quiz.add_results(c.screen(), c.body);
                if (!accepted) return accepted.error();
                return http::json_response(
                    200, {{"accepted", accepted->accepted}, {"duplicates", accepted->duplicates}});
            });
}

}  // namespace signage::server
