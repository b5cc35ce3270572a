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
#include <span>
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
    X(request_timeout, 408, "the request did not arrive whole before its deadline")   \
    X(too_large, 413, "the body is over the route's limit")                           \
    X(unsupported_media_type, 415, "an upload not a PNG, JPEG or accepted film")      \
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
    X(cache_full, 500, "a manifest's media do not fit under the cache's size limit")  \
    X(bad_manifest, 500, "a manifest fails its checks")                               \
    X(too_small, 500, "the display is too small for the content")                     \
    X(sdl, 500, "SDL failed (window, renderer, texture)")

// Why an input was refused, finer than its code: the rule it broke. A
// client words the reason and its parameters in its user's language (the
// console's i18n has `reason.NAME` for every name here) and never shows the
// server's English message. Parameters (params) named after the rule:
// X(reason, its params, what it means)
#define SIGNAGE_ERROR_REASONS(X)                                                                \
    X(required, "", "the field is missing or blank")                                            \
    X(wrong_type, "expected", "a value of another kind (expected: string, integer, …)")         \
    X(range, "min max unit", "a number outside [min, max] (unit: seconds, percent, …)")         \
    X(too_long, "max unit", "text longer than max (unit: chars or bytes)")                      \
    X(too_short, "min unit", "text shorter than min (unit: chars)")                             \
    X(too_many, "max", "a list with more than max entries")                                     \
    X(too_few, "min", "a list with fewer than min entries")                                     \
    X(format, "format", "text not in its form (format: date, time, colour, media, …)")          \
    X(not_after, "other", "a time that must come after the field `other`")                      \
    X(duplicate, "", "a value listed twice")                                                    \
    X(unknown_field, "", "a field this object does not have")                                   \
    X(one_of, "allowed", "not one of the allowed values (allowed: a list)")                     \
    X(control_char, "", "text with a control character or a line break")                        \
    X(not_utf8, "", "text that is not valid UTF-8")                                             \
    X(too_deep, "max", "JSON nested deeper than max levels")                                    \
    X(json, "offset", "a body that is not JSON (offset: the byte where it stops)")              \
    X(unknown_group, "name", "no screen group of that name")                                    \
    X(unknown_zone, "name", "no IANA time zone of that name")                                   \
    X(unknown_slide, "id", "no slide with that id (or not for this group)")                     \
    X(file_too_large, "size_bytes limit_bytes", "an upload over the byte limit")                \
    X(not_image, "", "an upload not a PNG, JPEG or film by its bytes")                          \
    X(image_too_big, "width height max_pixels", "a picture over the pixel limit")               \
    X(image_undecodable, "", "a picture whose data is cut short or damaged")                    \
    X(no_video, "", "a film's container with no pictures (sound only)")                         \
    X(video_too_big, "width height max_side max_pixels", "film frames over the limit")          \
    X(video_empty, "", "a film with no length")                                                 \
    X(video_too_long, "seconds max_seconds", "a film longer than the limit")                    \
    X(video_codec, "codec supported", "a video codec not accepted (there)")                     \
    X(audio_codec, "codec supported", "a sound codec not accepted (there)")                     \
    X(video_undecodable, "", "a film cut short or damaged (no first frame)")                    \
    X(video_converting, "group progress", "a film still converting for a group's screens")      \
    X(video_conversion_failed, "group error", "a film that could not be converted for a group") \
    X(nothing_failed, "", "a retry asked of a film none of whose conversions failed")           \
    X(wrong_status, "status", "the item's status does not allow it")                            \
    X(own_work, "", "a reviewer may not approve their own work")                                \
    X(stale, "revision", "changed since it was looked at (revision: the current one)")          \
    X(forbidden_word, "word", "text with a word on the forbidden list")                         \
    X(in_use, "count", "still used by count slides")                                            \
    X(taken, "", "the name is used already")                                                    \
    X(wrong_password, "", "the current password is wrong")                                      \
    X(weak_password, "min", "a new password shorter than min characters")                       \
    X(no_answer, "", "a question with no right answer")                                         \
    X(unknown_code, "", "no screen shows this pairing code (or it expired)")                    \
    X(expired, "days", "a code past its time (days: how long codes last)")                      \
    X(quota, "limit per", "a screen sent more than limit in one per (hour)")                    \
    X(revoked, "screen", "a prize code made with a revoked screen's retired key")               \
    X(over_limit, "limit", "a prize code beyond the group's daily prize limit")                 \
    X(unknown_unit, "id", "no unit with that id among the caller's units")                      \
    X(required_above, "unit", "an item a unit above requires: it cannot be removed below")      \
    X(below_floor, "min unit", "a share under the floor a unit above sets (unit: its name)")    \
    X(not_empty, "what", "a unit that still holds units, staff, groups or content")

enum class ErrorReason : std::uint8_t {
    none,
#define SIGNAGE_REASON_ENUM(reason, params, meaning) reason,
    SIGNAGE_ERROR_REASONS(SIGNAGE_REASON_ENUM)
#undef SIGNAGE_REASON_ENUM
};

// "too_long" for ErrorReason::too_long; "" for none.
std::string_view error_reason_name(ErrorReason reason);
// Every reason's name, in the table's order (none left out).
std::span<const std::string_view> error_reason_names();

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
