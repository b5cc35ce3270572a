// The schedule engine, driven by a fake clock: validity, dayparts, weekdays,
// priorities, power-off windows, emergencies, time zones and the
// public-service share of every loop.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "core/schedule.hpp"

using namespace signage::player;
using signage::TimeZone;
using namespace signage::protocol;
using namespace std::chrono;

namespace {

const TimeZone kChina = TimeZone::fixed(hours{8});

// 2026-11-23 is a Monday. Local (UTC+8) wall time → UTC timestamp.
Timestamp local(int month, int day, int h, int m = 0, int s = 0) {
    return sys_days{year{2026} / month / day} + hours{h} + minutes{m} + seconds{s} - hours{8};
}

Slide item(const std::string& id, int duration, bool ps, SlideType type = SlideType::text) {
    Slide s;
    s.id = id;
    s.type = type;
    s.title = id;
    s.duration_s = duration;
    s.public_service = ps;
    return s;
}

Manifest manifest(std::vector<Slide> items, double share = 0.3) {
    Manifest m;
    m.version = "v";
    m.items = std::move(items);
    m.settings.min_public_share = share;
    return m;
}

struct Play {
    std::string id;
    Timestamp start, until;
    std::uint64_t loop;
    bool ps;
    Mode mode;
};

// Runs the engine from `from` to `to` as the player would.
std::vector<Play> simulate(const Manifest* m, Timestamp from, Timestamp to,
                           const TimeZone& tz = kChina) {
    std::vector<Play> plays;
    LoopState h;
    for (Timestamp now = from; now < to;) {
        const Decision d = decide(m, now, tz, h);
        REQUIRE(d.until > now);  // time always moves on
        record(h, d);
        plays.push_back({d.slide ? d.slide->id : "", d.start, d.until, d.loop,
                         d.slide && d.slide->public_service, d.mode});
        now = d.until;
    }
    return plays;
}

std::vector<std::string> ids(const std::vector<Play>& plays, std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n && i < plays.size(); ++i) out.push_back(plays[i].id);
    return out;
}

// Public-service share of each complete loop.
std::map<std::uint64_t, double> loop_shares(const std::vector<Play>& plays) {
    std::map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> totals;
    for (const auto& p : plays) {
        if (p.mode != Mode::item) continue;
        auto& [ps, all] = totals[p.loop];
        const auto len = (p.until - p.start).count();
        all += len;
        if (p.ps) ps += len;
    }
    if (!totals.empty()) totals.erase(std::prev(totals.end()));  // the last may be cut short
    std::map<std::uint64_t, double> out;
    for (const auto& [loop, t] : totals) {
        out[loop] = static_cast<double>(t.first) / static_cast<double>(t.second);
    }
    return out;
}

}  // namespace

TEST_CASE("schedule: with nothing synced the built-in core values play", "[player][schedule]") {
    const Decision d = decide(nullptr, local(11, 23, 12), kChina, {});
    REQUIRE(d.slide != nullptr);
    CHECK(d.mode == Mode::item);
    CHECK(d.slide->type == SlideType::core_values);
    CHECK(d.slide->public_service);
    CHECK(d.starts_loop);
    CHECK(d.airtime_s() == 30);

    const auto empty = manifest({});
    CHECK(decide(&empty, local(11, 23, 12), kChina, {}).slide == &default_slide());
}

TEST_CASE("schedule: every loop plays the items in manifest order, core values included",
          "[player][schedule]") {
    // The server arranges the group's rotation order (core values first by
    // default, or as staff ordered it); the screen follows it as it is.
    const auto m = manifest({item("a", 10, true), item("b", 10, false),
                             item("cv", 15, true, SlideType::core_values), item("c", 10, false)},
                            0.3);
    const auto plays = simulate(&m, local(11, 23, 9), local(11, 23, 9, 2));
    CHECK(ids(plays, 8) == std::vector<std::string>{"a", "b", "cv", "c", "a", "b", "cv", "c"});
    CHECK(plays[0].loop == 1);
    CHECK(plays[4].loop == 2);
    CHECK(plays[2].start == local(11, 23, 9, 0, 20));
    CHECK(plays[3].start == local(11, 23, 9, 0, 35));

    // Another order of the same items plays in that order.
    const auto reordered =
        manifest({item("a", 10, true), item("c", 10, false),
                  item("cv", 15, true, SlideType::core_values), item("b", 10, false)},
                 0.3);
    const auto again = simulate(&reordered, local(11, 23, 9), local(11, 23, 9, 2));
    CHECK(ids(again, 8) == std::vector<std::string>{"a", "c", "cv", "b", "a", "c", "cv", "b"});
}

TEST_CASE("schedule: repeats public-service items when a loop falls short", "[player][schedule]") {
    // 10 s of public service against 60 s of notices: the loop needs more.
    const auto m = manifest(
        {item("ps", 10, true), item("n1", 20, false), item("n2", 20, false), item("n3", 20, false)},
        0.3);
    const auto plays = simulate(&m, local(11, 23, 10), local(11, 23, 11));
    const auto shares = loop_shares(plays);
    REQUIRE(shares.size() > 10);
    for (const auto& [loop, share] : shares) {
        INFO("loop " << loop);
        CHECK(share >= 0.3);
    }
    // Interleaved, not bunched at the end of the loop.
    CHECK(ids(plays, 6) == std::vector<std::string>{"ps", "n1", "ps", "n2", "ps", "n3"});
}

TEST_CASE("schedule: with no public-service content the built-in slide keeps the share",
          "[player][schedule]") {
    const auto m = manifest({item("n1", 20, false), item("n2", 20, false)}, 0.5);
    const auto plays = simulate(&m, local(11, 23, 10), local(11, 23, 10, 30));
    for (const auto& [loop, share] : loop_shares(plays)) CHECK(share >= 0.5);
    CHECK(std::any_of(plays.begin(), plays.end(),
                      [](const Play& p) { return p.id == default_slide().id; }));
}

TEST_CASE("schedule: validity dates, weekdays and dayparts", "[player][schedule]") {
    auto expiring = item("sale", 30, false);
    expiring.valid_until = "2026-11-23T12:00:10+08:00";
    auto later = item("winter", 10, true);
    later.valid_from = "2026-12-01";  // offset-less: local midnight
    auto morning = item("rush", 10, true);
    morning.schedule.dayparts = {{7 * 60, 9 * 60}};
    morning.schedule.weekdays = {1, 2, 3, 4, 5};
    auto always = item("always", 10, true);
    const auto m = manifest({expiring, later, morning, always}, 0.0);

    SECTION("an item expiring mid-play leaves the screen at its expiry") {
        LoopState h;
        h.loop = 1;
        const Decision d = decide(&m, local(11, 23, 12), kChina, h);
        REQUIRE(d.slide->id == "sale");
        CHECK(d.until == local(11, 23, 12, 0, 10));
        record(h, d);
        const Decision next = decide(&m, d.until, kChina, h);
        CHECK(next.slide->id == "always");
        const auto after = simulate(&m, local(11, 23, 12, 1), local(11, 23, 12, 5));
        CHECK(
            std::none_of(after.begin(), after.end(), [](const Play& p) { return p.id == "sale"; }));
    }
    SECTION("not before valid_from, read in local time") {
        auto plays = simulate(&m, local(11, 30, 23, 59), local(12, 1, 0, 1));
        CHECK(std::none_of(plays.begin(), plays.end(), [&](const Play& p) {
            return p.id == "winter" && p.start < local(12, 1, 0);
        }));
        plays = simulate(&m, local(12, 1, 0), local(12, 1, 0, 1));
        CHECK(std::any_of(plays.begin(), plays.end(),
                          [](const Play& p) { return p.id == "winter"; }));
    }
    SECTION("dayparts and weekdays") {
        auto has_rush = [&](Timestamp from, Timestamp to) {
            const auto plays = simulate(&m, from, to);
            return std::any_of(plays.begin(), plays.end(),
                               [](const Play& p) { return p.id == "rush"; });
        };
        CHECK(has_rush(local(11, 23, 7, 30), local(11, 23, 7, 31)));        // Monday morning
        CHECK_FALSE(has_rush(local(11, 23, 9), local(11, 23, 9, 5)));       // after 09:00
        CHECK_FALSE(has_rush(local(11, 28, 7, 30), local(11, 28, 7, 31)));  // Saturday
        // Cut at the end of its daypart.
        LoopState h;
        h.loop = 1;
        h.played = {"sale", "always"};
        const Decision d = decide(&m, local(11, 23, 8, 59, 55), kChina, h);
        REQUIRE(d.slide->id == "rush");
        CHECK(d.until == local(11, 23, 9));
    }
}

TEST_CASE("schedule: higher priority items hold the rotation, the share still holds",
          "[player][schedule]") {
    auto campaign1 = item("week1", 20, false);
    campaign1.priority = 50;
    auto campaign2 = item("week2", 20, false);
    campaign2.priority = 50;
    const auto m =
        manifest({item("ps-a", 10, true), item("n", 10, false), campaign1, campaign2}, 0.3);
    const auto plays = simulate(&m, local(11, 23, 10), local(11, 23, 11));
    CHECK(std::none_of(plays.begin(), plays.end(), [](const Play& p) { return p.id == "n"; }));
    CHECK(std::any_of(plays.begin(), plays.end(), [](const Play& p) { return p.id == "week1"; }));
    for (const auto& [loop, share] : loop_shares(plays)) CHECK(share >= 0.3);
    // The public-service fill comes from the lower tier's own content.
    CHECK(std::any_of(plays.begin(), plays.end(), [](const Play& p) { return p.id == "ps-a"; }));
}

TEST_CASE("schedule: the screen is off in its power-off window", "[player][schedule]") {
    auto m = manifest({item("a", 60, true)}, 0.3);
    m.settings.power_off = {{23 * 60, 6 * 60}};
    SECTION("an item is cut at the window's start") {
        LoopState h;
        const Decision d = decide(&m, local(11, 23, 22, 59, 30), kChina, h);
        CHECK(d.mode == Mode::item);
        CHECK(d.until == local(11, 23, 23));
    }
    SECTION("off until the window ends, across midnight") {
        const Decision d = decide(&m, local(11, 23, 23, 0), kChina, {});
        CHECK(d.mode == Mode::power_off);
        CHECK(d.slide == nullptr);
        CHECK(d.until == local(11, 24, 6));
    }
}

TEST_CASE("schedule: an emergency pre-empts everything until it expires", "[player][schedule]") {
    auto warn = item("storm", 10, false, SlideType::emergency);
    warn.valid_from = "2026-11-23T14:00:00+08:00";
    warn.valid_until = "2026-11-23T16:30:00+08:00";
    auto m = manifest({item("a", 60, true), warn}, 0.3);
    m.settings.power_off = {{15 * 60, 16 * 60}};

    const Decision before = decide(&m, local(11, 23, 13, 59, 30), kChina, {});
    CHECK(before.slide->id == "a");
    CHECK(before.until == local(11, 23, 14));  // cut at the emergency's start

    const Decision during = decide(&m, local(11, 23, 14), kChina, {});
    CHECK(during.mode == Mode::emergency);
    CHECK(during.slide->id == "storm");
    CHECK(during.until == local(11, 23, 16, 30));
    // Even inside the power-off window.
    CHECK(decide(&m, local(11, 23, 15, 30), kChina, {}).mode == Mode::emergency);

    const Decision after = decide(&m, local(11, 23, 16, 30), kChina, {});
    CHECK(after.mode == Mode::item);
    // Notices and emergencies never join the rotation.
    const auto plays = simulate(&m, local(11, 23, 17), local(11, 23, 18));
    CHECK(std::all_of(plays.begin(), plays.end(), [](const Play& p) { return p.id == "a"; }));
}

TEST_CASE("schedule: notices go to the ticker while valid", "[player][schedule]") {
    auto n1 = item("n1", 10, false, SlideType::notice);
    n1.body = "本周六停水";
    n1.valid_until = "2026-11-28";
    auto n2 = item("n2", 10, false, SlideType::notice);
    n2.body = "文明出行";
    const auto m = manifest({n1, item("a", 10, true), n2});
    CHECK(ticker_at(&m, local(11, 23, 12), kChina) ==
          std::vector<std::string>{"本周六停水", "文明出行"});
    CHECK(ticker_at(&m, local(11, 29, 12), kChina) == std::vector<std::string>{"文明出行"});
    CHECK(ticker_at(nullptr, local(11, 29, 12), kChina).empty());
}

TEST_CASE("schedule: honour rolls play a page each duration, ended lists leave",
          "[player][schedule]") {
    auto roll = item("roll", 8, true, SlideType::honor_roll);
    for (int i = 0; i < 9; ++i) {
        HonorEntry e;
        e.name = std::string("name") += std::to_string(i);
        roll.entries.push_back(e);
    }
    auto list = item("rb", 8, true, SlideType::red_black);
    ListEntry e;
    e.name = "张小明";
    e.valid_until = "2026-11-30";
    list.black = {e};
    const auto m = manifest({roll, list}, 0.3);
    const Decision d = decide(&m, local(11, 23, 12), kChina, {});
    CHECK(d.slide->id == "roll");
    CHECK(d.pages == 3);
    CHECK(d.airtime_s() == 24);
    const auto dec = simulate(&m, local(12, 1, 12), local(12, 1, 12, 5));
    CHECK(std::none_of(dec.begin(), dec.end(), [](const Play& p) { return p.id == "rb"; }));
}

TEST_CASE("schedule: local time follows the group's time zone", "[player][schedule]") {
    auto shanghai = TimeZone::named("Asia/Shanghai");
    REQUIRE(shanghai.ok());
    CHECK(shanghai->offset_at(local(11, 23, 12)) == hours{8});
    CHECK(shanghai->local(local(11, 23, 7, 30)).minute_of_day == 7 * 60 + 30);
    CHECK(shanghai->local(local(11, 23, 7, 30)).weekday == 1);
    CHECK_FALSE(TimeZone::named("Mars/Olympus_Mons").ok());

    // A zone with daylight saving: 07:00 local is 05:00 UTC in summer, 06:00 in winter.
    auto berlin = TimeZone::named("Europe/Berlin");
    REQUIRE(berlin.ok());
    auto morning = item("m", 10, true);
    morning.schedule.dayparts = {{7 * 60, 8 * 60}};
    const auto m = manifest({morning, item("x", 10, false)}, 0.0);
    const Timestamp july = sys_days{year{2026} / 7 / 1} + hours{5} + minutes{1};
    const Timestamp january = sys_days{year{2026} / 1 / 7} + hours{5} + minutes{1};
    auto shows_morning = [&](Timestamp t) {
        const auto plays = simulate(&m, t, t + minutes{1}, *berlin);
        return std::any_of(plays.begin(), plays.end(), [](const Play& p) { return p.id == "m"; });
    };
    CHECK(shows_morning(july));
    CHECK_FALSE(shows_morning(january));
}

TEST_CASE("schedule: the public-service share holds over a simulated day", "[player][schedule]") {
    // A realistic mix that changes through the day: dayparted items, expiring
    // items, a higher-priority campaign in the evening and a night power-off.
    std::mt19937 rng(20261123);
    std::vector<Slide> items;
    items.push_back(item("cv", 20, true, SlideType::core_values));
    for (int i = 0; i < 14; ++i) {
        const bool ps = i % 4 == 0;  // public service is the minority
        auto s = item(std::string("i") += std::to_string(i), 5 + static_cast<int>(rng() % 40), ps);
        if (i % 5 == 1) s.schedule.dayparts = {{(6 + i) * 60, (9 + i) * 60}};
        if (i % 7 == 3) s.valid_until = "2026-11-23T15:20:00+08:00";
        if (i == 13) s.priority = 10, s.schedule.dayparts = {{18 * 60, 20 * 60}};
        items.push_back(s);
    }
    for (double minimum : {0.3, 1.0 / 3.0, 0.5}) {
        auto m = manifest(items, minimum);
        m.settings.power_off = {{23 * 60 + 30, 5 * 60 + 30}};
        const auto plays = simulate(&m, local(11, 23, 0), local(11, 24, 0));
        const auto shares = loop_shares(plays);
        INFO("minimum " << minimum);
        CHECK(shares.size() > 200);
        double lowest = 1.0;
        for (const auto& [loop, share] : shares) lowest = std::min(lowest, share);
        CHECK(lowest >= minimum - 1e-9);
        // Nothing plays in the power-off window.
        CHECK(std::none_of(plays.begin(), plays.end(), [&](const Play& p) {
            return p.mode == Mode::item && p.start >= local(11, 23, 23, 30) &&
                   p.start < local(11, 24, 0);
        }));
        // The evening campaign plays only in its daypart.
        for (const auto& p : plays) {
            if (p.id == "i13") {
                CHECK(p.start >= local(11, 23, 18));
                CHECK(p.until <= local(11, 23, 20));
            }
        }
    }
}

namespace {

// Runs the engine as the player does, handing it the manifests in `publishes`
// (by the time each arrives) as they come: the loop goes on, the history
// carries over.
std::vector<Play> simulate_publishes(
    const std::vector<std::pair<Timestamp, const Manifest*>>& publishes, Timestamp to) {
    std::vector<Play> plays;
    LoopState h;
    const Manifest* m = nullptr;
    std::size_t next = 0;
    for (Timestamp now = publishes.front().first; now < to;) {
        while (next < publishes.size() && publishes[next].first <= now) {
            carry_over(h, m, *publishes[next].second);
            m = publishes[next++].second;
        }
        const Decision d = decide(m, now, kChina, h);
        REQUIRE(d.until > now);
        record(h, d);
        plays.push_back({d.slide ? d.slide->id : "", d.start, d.until, d.loop,
                         d.slide && d.slide->public_service, d.mode});
        now = d.until;
    }
    return plays;
}

}  // namespace

TEST_CASE("schedule: a publish does not restart the loop, what it brings plays next once",
          "[player][schedule]") {
    const auto before = manifest({item("cv", 15, true, SlideType::core_values), item("a", 10, true),
                                  item("b", 10, false), item("c", 10, false)},
                                 0.3);
    auto changed_c = item("c", 10, false);
    changed_c.title = "c, corrected";
    const auto after = manifest({item("cv", 15, true, SlideType::core_values), item("a", 10, true),
                                 item("b", 10, false), changed_c, item("n", 10, false)},
                                0.3);
    // The publish arrives while "a" is on screen (it started at 9:00:15).
    const auto plays = simulate_publishes(
        {{local(11, 23, 9), &before}, {local(11, 23, 9, 0, 20), &after}}, local(11, 23, 9, 3));
    // "a" plays out; the changed "c" and the new "n" come next, in manifest
    // order; the loop then goes on with "b" where it was, and the next loop
    // has everything in its place.
    CHECK(ids(plays, 10) ==
          std::vector<std::string>{"cv", "a", "c", "n", "b", "cv", "a", "b", "c", "n"});
    CHECK(plays[1].until == local(11, 23, 9, 0, 25));  // not cut
    CHECK(plays[2].start == plays[1].until);
    CHECK(plays[4].loop == 1);  // the same loop
    CHECK(plays[5].loop == 2);
}

TEST_CASE("schedule: items a publish brings keep every loop's public-service share",
          "[player][schedule]") {
    // Publishes of notices only, mid-loop, at a high minimum: they play next,
    // and the repeats that follow still bring each whole loop to the minimum.
    std::vector<Manifest> versions;
    std::vector<Slide> items{item("cv", 20, true, SlideType::core_values), item("ps", 10, true),
                             item("n0", 30, false)};
    for (int v = 0; v < 12; ++v) {
        items.push_back(item(std::string("new").append(std::to_string(v)), 25, false));
        items[2].title = std::string("n0 v").append(std::to_string(v));  // changed each time
        versions.push_back(manifest(items, 0.5));
    }
    std::vector<std::pair<Timestamp, const Manifest*>> publishes;
    for (std::size_t v = 0; v < versions.size(); ++v) {
        publishes.emplace_back(local(11, 23, 10) + seconds{97 * static_cast<int>(v)}, &versions[v]);
    }
    const auto plays = simulate_publishes(publishes, local(11, 23, 11, 30));
    const auto shares = loop_shares(plays);
    REQUIRE(shares.size() >= 5);
    for (const auto& [loop, share] : shares) {
        INFO("loop " << loop);
        CHECK(share >= 0.5 - 1e-9);
    }
    // Each new item played at the first switch after its publish.
    for (std::size_t v = 1; v < versions.size(); ++v) {
        const std::string id = std::string("new").append(std::to_string(v));
        auto first =
            std::find_if(plays.begin(), plays.end(), [&](const Play& p) { return p.id == id; });
        REQUIRE(first != plays.end());
        const Timestamp published = publishes[v].first;
        auto on_screen = std::find_if(plays.begin(), plays.end(), [&](const Play& p) {
            return p.start <= published && published < p.until;
        });
        REQUIRE(on_screen != plays.end());
        INFO(id);
        // Fresh items go in manifest order: the changed n0 first, then the new one.
        CHECK(std::distance(on_screen, first) <= 2);
    }
}

TEST_CASE("schedule: the first manifest after none starts a new loop", "[player][schedule]") {
    LoopState h;
    h.loop = 3;
    h.played = {"x"};
    h.fresh = {"y"};
    const auto m = manifest({item("a", 10, true)});
    CHECK_FALSE(carry_over(h, nullptr, m));
    CHECK(h.loop == 0);
    CHECK(h.played.empty());
    CHECK(h.fresh.empty());
    // An item a publish withdraws no longer waits to play.
    h.fresh = {"a", "gone"};
    CHECK(carry_over(h, &m, m));
    CHECK(h.fresh == std::vector<std::string>{"a"});
}

TEST_CASE("schedule: a new minimum share starts a new loop", "[player][schedule]") {
    const auto low = manifest({item("a", 10, true), item("b", 10, false)}, 0.3);
    const auto high = manifest({item("a", 10, true), item("b", 10, false)}, 1.0);
    LoopState h;
    h.loop = 2;
    h.played = {"a", "b"};
    h.played_s = 20;
    h.public_s = 10;
    CHECK(carry_over(h, &low, low));
    CHECK(h.played.size() == 2);
    // A loop half played for 30 % cannot be made up to 100 %: it ends.
    CHECK_FALSE(carry_over(h, &low, high));
    CHECK(h.played.empty());
    const Decision d = decide(&high, local(11, 23, 9), kChina, h);
    CHECK(d.starts_loop);
    CHECK(d.slide->id == "a");
}
