#pragma once
// A group's local time zone (ICU's time zone data), so the screen's dayparts,
// weekdays, power-off windows and offset-less validity dates, and the
// server's play reports, follow local time, with daylight saving where a zone
// has it.

#include <chrono>
#include <memory>
#include <string>

#include "common/result.hpp"

namespace signage {

struct LocalTime {
    int weekday = 1;        // ISO: 1 = Monday … 7 = Sunday
    int minute_of_day = 0;  // 0..1439
    std::chrono::seconds offset{0};
};

class TimeZone {
  public:
    // An IANA zone ("Asia/Shanghai"); "not_found" for a name ICU does not know.
    static Result<TimeZone> named(const std::string& iana);
    // A fixed offset from UTC (tests, and the fallback for an unknown name).
    static TimeZone fixed(std::chrono::seconds offset);

    std::chrono::seconds offset_at(std::chrono::sys_seconds t) const;
    LocalTime local(std::chrono::sys_seconds t) const;
    const std::string& name() const { return name_; }

  private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;  // null: fixed offset
    std::chrono::seconds fixed_{0};
    std::string name_;
};

}  // namespace signage
