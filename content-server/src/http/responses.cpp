#include "http/responses.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"

namespace signage::server::http {

int status_for(const Error& error) {
    return error_code_status(error.code);
}

Response json_response(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json; charset=utf-8");
    r.headers.set("Cache-Control", "no-store");
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

nlohmann::json error_json(const Error& error, const std::string& message) {
    nlohmann::json j = {
        {"code", error_code_name(error.code)}, {"message", message}, {"field", error.field}};
    if (error.reason != ErrorReason::none) {
        j["reason"] = error_reason_name(error.reason);
        nlohmann::json params = nlohmann::json::object();
        for (const auto& p : error.params) {
            if (p.number) {
                params[p.name] = std::stoll(p.value);
            } else {
                params[p.name] = p.value;
            }
        }
        j["params"] = std::move(params);
    }
    return j;
}

Response error_response(const Error& error) {
    const int status = status_for(error);
    // Internal details stay in the log; the client learns only that it failed.
    // 503 and 504 messages are written for people (busy, too slow).
    const std::string message =
        status == 500 ? std::string("internal error: see the server log") : error.message;
    Response r = json_response(status, {{"error", error_json(error, message)}});
    if (status == 401) r.headers.set("WWW-Authenticate", "Bearer");
    return r;
}

Result<nlohmann::json> parse_json_object(const Request& request) {
    auto parsed = parse_json_input(request.body, "body");
    if (!parsed) return parsed.error();
    nlohmann::json j = std::move(*parsed);
    if (!j.is_object())
        return make_error(ErrorCode::invalid, "the body must be a JSON object", "body");
    return j;
}

Result<std::int64_t> query_number(const Request& request, const std::string& name, std::int64_t min,
                                  std::int64_t max, std::int64_t fallback) {
    const auto text = request.query_param(name);
    if (!text) return fallback;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || p != text->data() + text->size() || v < min || v > max) {
        return make_error(ErrorCode::invalid,
                          "must be a whole number from " + std::to_string(min) + " to " +
                              std::to_string(max),
                          name)
            .because(ErrorReason::wrong_type, {{"expected", "integer"}});
    }
    return v;
}

Result<std::int64_t> parse_path_id(const std::string& text, const std::string& what) {
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || p != text.data() + text.size() || id <= 0) {
        return make_error(ErrorCode::not_found, "no " + what + " " + text);
    }
    return id;
}

}  // namespace signage::server::http
