#include "protocol/time.hpp"

#include <cstdio>

namespace signage::protocol {

namespace {

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

Error not_a_date(std::string_view text) {
    return make_error(ErrorCode::invalid,
                      "not an ISO 8601 date or date-time: \"" + std::string(text) +
                          "\" (expected e.g. 2026-12-31 or 2026-12-31T18:00:00+08:00)");
}

}  // namespace

Result<Timestamp> parse_iso8601(std::string_view s, std::chrono::seconds default_offset,
                                bool end_of_day) {
    using namespace std::chrono;
    int y = 0, mo = 0, d = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d)) {
        return not_a_date(s);
    }
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return make_error(ErrorCode::invalid, "no such day: \"" + std::string(s) + "\"");
    sys_seconds t = sys_days{ymd};
    std::size_t pos = 10;
    if (pos == s.size()) {
        if (end_of_day) t += days{1};
        return t - default_offset;
    }
    if (s[pos] != 'T' && s[pos] != ' ') return not_a_date(s);
    int hh = 0, mm = 0, ss = 0;
    if (!digits(s, pos + 1, 2, hh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, mm)) {
        return not_a_date(s);
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
        if (!digits(s, pos + 1, 2, ss)) return not_a_date(s);
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {  // fractional seconds: ignored
            ++pos;
            const std::size_t start = pos;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
            if (pos == start) return not_a_date(s);
        }
    }
    if (hh > 23 || mm > 59 || ss > 60) {
        return make_error(ErrorCode::invalid,
                          "time of day out of range: \"" + std::string(s) + "\"");
    }
    t += hours{hh} + minutes{mm} + seconds{ss};
    seconds offset = default_offset;
    if (pos < s.size()) {
        if (s[pos] == 'Z' && pos + 1 == s.size()) {
            offset = seconds{0};
        } else if (s[pos] == '+' || s[pos] == '-') {
            int oh = 0, om = 0;
            const std::size_t rest = s.size() - pos - 1;
            bool good = false;
            if (rest == 5 && s[pos + 3] == ':') {
                good = digits(s, pos + 1, 2, oh) && digits(s, pos + 4, 2, om);
            } else if (rest == 4) {
                good = digits(s, pos + 1, 2, oh) && digits(s, pos + 3, 2, om);
            } else if (rest == 2) {
                good = digits(s, pos + 1, 2, oh);
            }
            if (!good || oh > 14 || om > 59) return not_a_date(s);
            offset = hours{oh} + minutes{om};
            if (s[pos] == '-') offset = -offset;
        } else {
            return not_a_date(s);
        }
    }
    return t - offset;
}

std::string format_iso8601(Timestamp t) {
    using namespace std::chrono;
    const auto dp = floor<days>(t);
    const year_month_day ymd{dp};
    const hh_mm_ss hms{t - dp};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                  static_cast<long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return buf;
}

}  // namespace signage::protocol
