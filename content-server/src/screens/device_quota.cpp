#include "screens/device_quota.hpp"

#include <string>

namespace signage::server {
namespace {

constexpr std::int64_t kHour = 3600;

const char* noun(DeviceSend what) {
    switch (what) {
        case DeviceSend::plays:
            return "play records";
        case DeviceSend::heartbeats:
            return "heartbeats";
        case DeviceSend::screenshots:
            return "screenshots";
    }
    return "requests";
}

}  // namespace

void DeviceQuota::set_limits(DeviceQuotaLimits limits) {
    std::lock_guard lock(mu_);
    limits_ = limits;
}

DeviceQuotaLimits DeviceQuota::limits() const {
    std::lock_guard lock(mu_);
    return limits_;
}

Status DeviceQuota::take(std::int64_t screen_id, DeviceSend what, std::uint64_t count,
                         std::int64_t now, std::int64_t* retry_after) {
    std::lock_guard lock(mu_);
    std::uint64_t limit = 0;
    switch (what) {
        case DeviceSend::plays:
            limit = limits_.plays_per_hour;
            break;
        case DeviceSend::heartbeats:
            limit = limits_.heartbeats_per_hour;
            break;
        case DeviceSend::screenshots:
            limit = limits_.screenshots_per_hour;
            break;
    }
    const std::int64_t start = now - (now % kHour);
    if (windows_.size() > 100000) {  // screens long gone: keep the table small
        for (auto it = windows_.begin(); it != windows_.end();) {
            it = it->second.start < start ? windows_.erase(it) : std::next(it);
        }
    }
    Window& w = windows_[{screen_id, what}];
    if (w.start != start) w = Window{start, 0};
    if (w.used + count > limit) {
        if (retry_after) *retry_after = start + kHour - now;
        return make_error(ErrorCode::too_many_requests,
                          std::string("this screen has sent its ")
                              .append(std::to_string(limit))
                              .append(" ")
                              .append(noun(what))
                              .append(" for this hour: try again after the hour"))
            .because(ErrorReason::quota, {{"limit", limit}, {"per", "hour"}});
    }
    w.used += count;
    return {};
}

}  // namespace signage::server
