#pragma once
// Local days and hours for reports: a report covers whole local days in a
// group's time zone, and counts airtime in the local hours it overlaps.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/time_zone.hpp"
#include "store/records.hpp"

namespace signage::server {
class UnitTree;
}

namespace signage::server::reports {

using std::chrono::sys_days;

// "YYYY-MM-DD" → the day; nullopt when it is not a real date.
std::optional<sys_days> parse_day(const std::string& text);
std::string day_text(sys_days d);

// A report's days: `from` and `to` ("" is from), inclusive, at most
// `max_days`; "invalid" naming the field otherwise.
struct Days {
    sys_days from;
    sys_days to;
};
Result<Days> parse_days(const std::string& from, const std::string& to, int max_days);

// UTC milliseconds of local midnight starting `day`.
std::int64_t local_midnight_ms(const TimeZone& tz, sys_days day);

// The local time of a UTC instant, "YYYY-MM-DD HH:MM:SS".
std::string local_text(const TimeZone& tz, std::int64_t utc_ms);

double share_of(std::int64_t part, std::int64_t whole);
// A share below the minimum, with room for rounding: a share that equals the
// minimum is never short.
inline bool short_of(double share, double minimum) {
    return share + 1e-9 < minimum;
}

// What a group's report is judged by: its time zone (settings.timezone;
// UTC+8 when unknown) and its minimum public-service share, raised to the
// floor the units above set, as on its screens.
struct GroupTerms {
    std::string timezone;
    TimeZone tz = TimeZone::fixed(std::chrono::hours{8});
    double minimum = 0;
};
GroupTerms group_terms(const Group& group, const UnitTree& units);

// The local hours of [from_ms, to_ms), in order: each one's UTC start, local
// date and hour. A zone whose offset is not whole hours starts the first at
// from_ms.
class HourGrid {
  public:
    struct Hour {
        std::int64_t start_ms = 0;
        std::string date;
        int hour = 0;
    };

    HourGrid(const TimeZone& tz, std::int64_t from_ms, std::int64_t to_ms);

    const std::vector<Hour>& hours() const { return hours_; }
    // The hour a play starting at `start_ms` counts in; hours().size() when
    // it starts after the last.
    std::size_t hour_of(std::int64_t start_ms) const;
    // Calls `part(index, overlap_ms)` for each hour that [start_ms, end_ms)
    // overlaps within the grid.
    template <class Fn>
    void spread(std::int64_t start_ms, std::int64_t end_ms, Fn&& part) const {
        end_ms = std::min(end_ms, to_ms_);
        for (std::size_t i = hour_of(start_ms); i < hours_.size() && hours_[i].start_ms < end_ms;
             ++i) {
            const std::int64_t hour_end = i + 1 < hours_.size() ? hours_[i + 1].start_ms : to_ms_;
            const std::int64_t overlap =
                std::min(end_ms, hour_end) - std::max(start_ms, hours_[i].start_ms);
            if (overlap > 0) part(i, overlap);
        }
    }

  private:
    std::vector<Hour> hours_;
    std::int64_t to_ms_ = 0;
};

}  // namespace signage::server::reports
