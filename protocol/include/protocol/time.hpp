#pragma once
// ISO 8601 dates and times as they appear in slide JSON.

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace signage::protocol {

using Timestamp = std::chrono::sys_seconds;

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" with an optional "Z" or
// "+HH:MM"/"-HH:MM" offset. A value without an offset is read in
// `default_offset` (the screen's local zone). A date without a time is the start
// of that day, or, with `end_of_day`, the start of the next day (so
// "valid_until": "2026-12-31" includes the whole of 31 December).
Result<Timestamp> parse_iso8601(std::string_view text,
                                std::chrono::seconds default_offset = std::chrono::seconds{0},
                                bool end_of_day = false);

// "2026-11-22T08:30:00Z"
std::string format_iso8601(Timestamp t);

}  // namespace signage::protocol
