#pragma once
// Every error code of the product, in one table: its name (as it goes over
// the wire in {"error": {"code": …}} and into logs) and the HTTP status the
// server answers it with. Client-side codes (network, io, a cache entry that
// fails its check, …) never leave the process; they answer 500 if a server
// ever returned one.
//
// Code compares ErrorCode values, never names: a client that reads a code
// from a server's answer turns it into an ErrorCode with error_code_from_name.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace signage {

// X(code, HTTP status, what it means)
#define SIGNAGE_ERROR_CODES(X)                                                        \
    /* bad input: a field or the body is wrong */                                     \
    X(invalid, 400, "the input is malformed or breaks a rule")                        \
    X(unauthenticated, 401, "no valid session or device token")                       \
    X(forbidden, 403, "the caller may not do this")                                   \
    X(forged, 403, "a signed value (prize code) does not verify")                     \
    X(not_found, 404, "no such thing (or nothing at the path)")                       \
    X(method_not_allowed, 405, "the path exists, not with this method")               \
    X(conflict, 409, "the state does not allow it (already done, stale version)")     \
    X(already_redeemed, 409, "a prize code was redeemed before")                      \
    X(too_large, 413, "the body is over the route's limit")                           \
    X(unsupported_media_type, 415, "an upload is not a PNG or JPEG by its bytes")     \
    X(range_not_satisfiable, 416, "a Range outside the file")                         \
    X(unprocessable, 422, "well-formed JSON whose values are wrong (device reports)") \
    X(rate_limited, 429, "too many pairing requests from one screen")                 \
    X(too_many_requests, 429, "too many failed sign-ins for an account or address")   \
    X(header_too_large, 431, "the request head is over the limit")                    \
    X(internal, 500, "a fault inside the server (details in its log only)")           \
    X(unavailable, 503, "busy or not ready: try again")                               \
    X(timeout, 504, "the work took too long")                                         \
    /* client side (the player, signagectl): never sent by the server */              \
    X(io, 500, "a file could not be read or written")                                 \
    X(network, 500, "the server could not be reached or answered badly")              \
    X(http, 500, "the server answered with an unexpected status")                     \
    X(auth, 500, "the server refused this screen's token (re-pair)")                  \
    X(expired, 500, "a pairing code ran out")                                         \
    X(stopped, 500, "the work was stopped (shutdown)")                                \
    X(corrupt, 500, "a cached file fails its checksum")                               \
    X(missing_media, 500, "a manifest names a file the cache lacks")                  \
    X(bad_manifest, 500, "a manifest fails its checks")                               \
    X(too_small, 500, "the display is too small for the content")                     \
    X(sdl, 500, "SDL failed (window, renderer, texture)")

enum class ErrorCode : std::uint8_t {
#define SIGNAGE_ERROR_ENUM(code, status, meaning) code,
    SIGNAGE_ERROR_CODES(SIGNAGE_ERROR_ENUM)
#undef SIGNAGE_ERROR_ENUM
};

// How many codes there are (ErrorCode values run from 0 to this, exclusive).
inline constexpr int kErrorCodeCount = 0
#define SIGNAGE_ERROR_COUNT(code, status, meaning) +1
    SIGNAGE_ERROR_CODES(SIGNAGE_ERROR_COUNT)
#undef SIGNAGE_ERROR_COUNT
    ;

// "not_found" for ErrorCode::not_found.
std::string_view error_code_name(ErrorCode code);
// The HTTP status the server answers with.
int error_code_status(ErrorCode code);
// The code of a name; nullopt for a name not in the table.
std::optional<ErrorCode> error_code_from_name(std::string_view name);

std::ostream& operator<<(std::ostream& out, ErrorCode code);

}  // namespace signage
