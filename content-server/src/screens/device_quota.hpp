#pragma once
// How much one screen may send in an hour: play records, heartbeats and
// screenshots. A screen's token is a credential a thief can copy out of a
// player; these bounds keep what one token can make the server store (and
// every report read back) in proportion to what a real screen sends, with
// room for a day's backlog after an outage. Past a bound the route answers
// 429 with Retry-After and stores nothing; the player keeps what it sent and
// tries again later.
//
// Counted per screen in fixed windows of an hour, in memory (a restart
// starts afresh). Threading: any thread (one mutex).

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "common/result.hpp"

namespace signage::server {

enum class DeviceSend { plays, heartbeats, screenshots };

struct DeviceQuotaLimits {
    std::uint32_t plays_per_hour = 20000;      // play records (a day's backlog in ~2 h)
    std::uint32_t heartbeats_per_hour = 600;   // one a minute is normal
    std::uint32_t screenshots_per_hour = 120;  // periodic ones and those staff ask for
};

class DeviceQuota {
  public:
    explicit DeviceQuota(DeviceQuotaLimits limits = {}) : limits_(limits) {}
    void set_limits(DeviceQuotaLimits limits);
    DeviceQuotaLimits limits() const;

    // Takes `count` of the screen's allowance for `what` at unix time `now`,
    // or, when that would pass the bound, takes nothing and answers
    // "too_many_requests" (reason quota, params limit and per "hour";
    // `retry_after`: seconds to the next window).
    Status take(std::int64_t screen_id, DeviceSend what, std::uint64_t count, std::int64_t now,
                std::int64_t* retry_after = nullptr);

  private:
    struct Window {
        std::int64_t start = 0;  // unix seconds, a multiple of 3600
        std::uint64_t used = 0;
    };
    mutable std::mutex mu_;
    DeviceQuotaLimits limits_;
    std::map<std::pair<std::int64_t, DeviceSend>, Window> windows_;
};

}  // namespace signage::server
