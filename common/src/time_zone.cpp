#include "common/time_zone.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace signage {

struct TimeZone::Impl {
    std::unique_ptr<icu::TimeZone> tz;
};

Result<TimeZone> TimeZone::named(const std::string& iana) {
    std::unique_ptr<icu::TimeZone> tz(
        icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(iana)));
    if (!tz || *tz == icu::TimeZone::getUnknown()) {
        return make_error(ErrorCode::not_found, "unknown time zone \"" + iana + "\"",
                          "settings.timezone");
    }
    TimeZone out;
    auto impl = std::make_shared<Impl>();
    impl->tz = std::move(tz);
    out.impl_ = std::move(impl);
    out.name_ = iana;
    return out;
}

TimeZone TimeZone::fixed(std::chrono::seconds offset) {
    TimeZone out;
    out.fixed_ = offset;
    const auto total_min = offset.count() / 60;
    const char sign = total_min < 0 ? '-' : '+';
    const auto a = total_min < 0 ? -total_min : total_min;
    out.name_ = std::string("UTC") + sign + std::to_string(a / 60) +
                (a % 60 ? std::string{":"} + std::to_string(a % 60) : std::string{});
    return out;
}

std::chrono::seconds TimeZone::offset_at(std::chrono::sys_seconds t) const {
    if (!impl_) return fixed_;
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    const UDate ms = static_cast<UDate>(t.time_since_epoch().count()) * 1000.0;
    impl_->tz->getOffset(ms, false, raw, dst, status);
    if (U_FAILURE(status)) return fixed_;
    return std::chrono::seconds{(raw + dst) / 1000};
}

LocalTime TimeZone::local(std::chrono::sys_seconds t) const {
    using namespace std::chrono;
    LocalTime out;
    out.offset = offset_at(t);
    const auto local = t + out.offset;
    const auto day = floor<days>(local);
    out.minute_of_day = static_cast<int>(duration_cast<minutes>(local - day).count());
    out.weekday = static_cast<int>(weekday{day}.iso_encoding());
    return out;
}

}  // namespace signage
