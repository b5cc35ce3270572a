#pragma once
// The one place where errors become HTTP: an Error's code picks the status
// and the body is {"error": {"code", "message", "field"}}, with "reason" and
// "params" when the error has a reason (common/error_code.hpp). Plus JSON in
// and out.

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "http/message.hpp"

namespace signage::server::http {

// The status of the error's code, from the table in common/error_code.hpp
// (a 500's message stays in the log).
int status_for(const Error& error);
Response error_response(const Error& error);
// The "error" object of an answer, with this message.
nlohmann::json error_json(const Error& error, const std::string& message);

// A JSON body (UTF-8, no-store caching).
Response json_response(int status, const nlohmann::json& body);

// The request body as a JSON object; "invalid" with field "body" otherwise.
Result<nlohmann::json> parse_json_object(const Request& request);

// The query parameter `name` as a whole number from `min` to `max`;
// `fallback` when it is absent; "invalid" naming it otherwise.
Result<std::int64_t> query_number(const Request& request, const std::string& name, std::int64_t min,
                                  std::int64_t max, std::int64_t fallback);

// A positive decimal id from a path segment; "not_found" ("no WHAT TEXT")
// for anything else, since no such resource can exist.
Result<std::int64_t> parse_path_id(const std::string& text, const std::string& what);

}  // namespace signage::server::http
