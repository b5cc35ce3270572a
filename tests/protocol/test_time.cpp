#include <catch2/catch.hpp>

#include "protocol/time.hpp"

using namespace signage::protocol;
using namespace std::chrono;

TEST_CASE("ISO 8601 dates and times are read as the instants they name", "[protocol][time]") {
    const auto day = sys_days{year{2026} / 12 / 31};
    struct Row {
        const char* text;
        sys_seconds want;
    };
    const Row rows[] = {
        {"2026-12-31", day},
        {"2026-12-31T18:00", day + hours{18}},
        {"2026-12-31T18:00:30Z", day + hours{18} + seconds{30}},
        {"2026-12-31T18:00:00+08:00", day + hours{10}},
        {"2026-12-31T18:00:00-0130", day + hours{19} + minutes{30}},
        {"2026-12-31T18:00:00.250Z", day + hours{18}},
        {"2024-02-29", sys_days{year{2024} / 2 / 29}},
    };
    for (const auto& r : rows) {
        INFO(r.text);
        auto t = parse_iso8601(r.text);
        REQUIRE(t.ok());
        CHECK(*t == r.want);
    }
}

TEST_CASE("a time without an offset is read in the screen's zone", "[protocol][time]") {
    auto t = parse_iso8601("2026-01-01T08:00", hours{8});
    REQUIRE(t.ok());
    CHECK(*t == sys_days{year{2026} / 1 / 1});
}

TEST_CASE("valid_until given as a date includes that whole day", "[protocol][time]") {
    auto t = parse_iso8601("2026-12-31", hours{8}, true);
    REQUIRE(t.ok());
    CHECK(*t == sys_days{year{2027} / 1 / 1} - hours{8});
}

TEST_CASE("malformed dates are refused with the text quoted", "[protocol][time]") {
    for (const char* bad :
         {"", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "26-01-01", "2026-01-01T25:00",
          "2026-01-01T10:61", "2026-01-01X10:00", "2026-01-01T10:00+8", "2026-01-01T10:00:00ZZ",
          "tomorrow", "2026-1-1"}) {
        INFO(bad);
        auto t = parse_iso8601(bad);
        CHECK_FALSE(t.ok());
        if (!t.ok() && *bad) CHECK_THAT(t.error().message, Catch::Contains(bad));
    }
}

TEST_CASE("timestamps format as UTC ISO 8601", "[protocol][time]") {
    CHECK(format_iso8601(sys_days{year{2026} / 11 / 22} + hours{8} + minutes{5} + seconds{9}) ==
          "2026-11-22T08:05:09Z");
}
