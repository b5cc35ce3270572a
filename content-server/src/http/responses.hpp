#pragma once
// The one place where errors become HTTP: an Error's code picks the status
// and the body is {"error": {"code", "message", "field"}}. Plus JSON in and out.

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "http/message.hpp"

namespace signage::server::http {

// invalid 400, unauthenticated 401, forbidden and forged 403, not_found 404,
// method_not_allowed 405, conflict and already_redeemed 409, too_large 413,
// unsupported_media_type 415, range_not_satisfiable 416, unprocessable 422,
// header_too_large 431, unavailable 503, timeout 504, anything else 500
// (whose message stays in the log).
int status_for(const Error& error);
Response error_response(const Error& error);

// A JSON body (UTF-8, no-store caching).
Response json_response(int status, const nlohmann::json& body);

// The request body as a JSON object; "invalid" with field "body" otherwise.
Result<nlohmann::json> parse_json_object(const Request& request);

// A positive decimal id from a path segment; "not_found" ("no WHAT TEXT")
// for anything else, since no such resource can exist.
Result<std::int64_t> parse_path_id(const std::string& text, const std::string& what);

}  // namespace signage::server::http
