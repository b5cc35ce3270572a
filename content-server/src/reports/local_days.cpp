#include "reports/local_days.hpp"

#include <algorithm>
#include <cstdio>

#include "common/json_input.hpp"
#include "protocol/manifest.hpp"
#include "units/unit_tree.hpp"

namespace signage::server::reports {

namespace {

using std::chrono::days;

constexpr std::int64_t kHourMs = 60LL * 60 * 1000;

std::int64_t offset_ms_at(const TimeZone& tz, std::int64_t utc_ms) {
    const auto t = protocol::Timestamp{std::chrono::seconds{utc_ms / 1000}};
    return std::chrono::duration_cast<std::chrono::milliseconds>(tz.offset_at(t)).count();
}

// The local hour starting at or before `utc_ms`.
HourGrid::Hour local_hour(const TimeZone& tz, std::int64_t utc_ms) {
    const std::int64_t off = offset_ms_at(tz, utc_ms);
    const std::int64_t local = utc_ms + off;
    const std::int64_t local_hour_start = local - ((local % kHourMs) + kHourMs) % kHourMs;
    const auto day = std::chrono::floor<days>(
        std::chrono::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{local}});
    HourGrid::Hour h;
    h.start_ms = local_hour_start - off;
    h.date = day_text(day);
    h.hour = static_cast<int>(
        (local -
         std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count()) /
        kHourMs);
    return h;
}

}  // namespace

std::optional<sys_days> parse_day(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 4 || i == 7) continue;
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    const int y = std::stoi(text.substr(0, 4));
    const int m = std::stoi(text.substr(5, 2));
    const int d = std::stoi(text.substr(8, 2));
    const std::chrono::year_month_day ymd{std::chrono::year{y},
                                          std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd};
}

Result<Days> parse_days(const std::string& from_text, const std::string& to_text, int max_days) {
    const auto from = parse_day(from_text);
    if (!from) return make_error(ErrorCode::invalid, "must be a date (YYYY-MM-DD)", "from");
    const auto to = parse_day(to_text.empty() ? from_text : to_text);
    if (!to) return make_error(ErrorCode::invalid, "must be a date (YYYY-MM-DD)", "to");
    if (*to < *from) return make_error(ErrorCode::invalid, "is before from", "to");
    if ((*to - *from).count() >= max_days) {
        return make_error(
            ErrorCode::invalid,
            std::string{"is more than "} + std::to_string(max_days) + " days after from", "to");
    }
    return Days{*from, *to};
}

std::string day_text(sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::int64_t local_midnight_ms(const TimeZone& tz, sys_days day) {
    const std::int64_t wall =
        std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count();
    // The offset at the guess, then at the corrected time (daylight saving).
    std::int64_t utc = wall - offset_ms_at(tz, wall);
    utc = wall - offset_ms_at(tz, utc);
    return utc;
}

std::string local_text(const TimeZone& tz, std::int64_t utc_ms) {
    const std::int64_t local = utc_ms + offset_ms_at(tz, utc_ms);
    std::string iso = protocol::format_iso8601_ms(local);  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
    iso = iso.substr(0, 19);
    iso[10] = ' ';
    return iso;
}

double share_of(std::int64_t part, std::int64_t whole) {
    return whole <= 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

GroupTerms group_terms(const Group& group, const UnitTree& units) {
    protocol::GroupSettings settings;
    const auto j = signage::read_json(group.settings_json);
    if (auto parsed =
            protocol::parse_group_settings(j.is_discarded() ? nlohmann::json::object() : j)) {
        settings = *parsed;
    }
    GroupTerms terms;
    terms.timezone = settings.timezone;
    if (auto zone = TimeZone::named(settings.timezone)) terms.tz = *zone;
    terms.minimum =
        std::max(settings.min_public_share, units.share_floor(group.unit_id).value_or(0.0));
    return terms;
}

HourGrid::HourGrid(const TimeZone& tz, std::int64_t from_ms, std::int64_t to_ms) : to_ms_(to_ms) {
    for (std::int64_t t = from_ms; t < to_ms;) {
        Hour h = local_hour(tz, t);
        if (h.start_ms < t) h.start_ms = t;  // a zone whose offset is not whole hours
        const Hour next = local_hour(tz, h.start_ms + kHourMs);
        t = std::max(next.start_ms, h.start_ms + 1);
        hours_.push_back(std::move(h));
    }
}

std::size_t HourGrid::hour_of(std::int64_t start_ms) const {
    auto it = std::upper_bound(hours_.begin(), hours_.end(), start_ms,
                               [](std::int64_t t, const Hour& h) { return t < h.start_ms; });
    if (it == hours_.begin()) return 0;  // before the first: counts in it
    return static_cast<std::size_t>(std::prev(it) - hours_.begin());
}

}  // namespace signage::server::reports
