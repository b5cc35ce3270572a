// Proof of play on the screen: the play log turns what the real schedule
// engine puts on screen into plays with the fields the server counts, and
// the plays outbox keeps them across a restart.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "common/random.hpp"
#include "core/outbox.hpp"
#include "core/play_log.hpp"
#include "core/schedule.hpp"
#include "protocol/play.hpp"

using namespace signage;
using namespace signage::player;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const TimeZone kPlayZone = TimeZone::fixed(hours{8});

protocol::Timestamp play_local(int day, int h, int m = 0) {
    return sys_days{year{2026} / 11 / day} + hours{h} + minutes{m} - hours{8};
}

std::int64_t ms_of(protocol::Timestamp t) {
    return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

protocol::Slide play_slide(const std::string& id, int duration, bool ps,
                           protocol::SlideType type = protocol::SlideType::text) {
    protocol::Slide s;
    s.id = id;
    s.type = type;
    s.title = std::string{"标题"} + id;
    s.duration_s = duration;
    s.public_service = ps;
    return s;
}

// Runs the engine from `from` to `to` as the play loop does, logging plays.
std::vector<protocol::Play> play_through(const protocol::Manifest& m, protocol::Timestamp from,
                                         protocol::Timestamp to) {
    std::vector<protocol::Play> out;
    PlayLog log("b00t0000cafe", [&out](const protocol::Play& p) { out.push_back(p); });
    LoopState h;
    for (auto now = from; now < to;) {
        const Decision d = decide(&m, now, kPlayZone, h);
        record(h, d);
        log.show(d, ms_of(now), m.version);
        now = d.until;
    }
    log.stop(ms_of(to));
    return out;
}

struct PlayTempDir {
    fs::path path = fs::temp_directory_path() / (std::string{"signage-plays-"} + random_hex(6));
    ~PlayTempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("play log: every item is logged with its loop, slide, times and public-service flag",
          "[player][plays]") {
    protocol::Manifest m;
    m.version = "v7";
    m.settings.min_public_share = 0.5;
    m.items = {play_slide("10", 10, true), play_slide("11", 30, false)};
    // An emergency notice from 09:00 to 09:01.
    auto storm = play_slide("12", 10, true, protocol::SlideType::emergency);
    storm.valid_from = "2026-11-23T09:00:00+08:00";
    storm.valid_until = "2026-11-23T09:01:00+08:00";
    m.items.push_back(storm);

    // Loops of a minute (10, 11, then 10 twice to reach half) from 08:58:20,
    // so the emergency cuts the second loop.
    const auto plays = play_through(m, play_local(23, 8, 58) + seconds{20}, play_local(23, 9, 3));
    REQUIRE(plays.size() > 6);

    std::set<std::string> ids;
    std::int64_t next_start = ms_of(play_local(23, 8, 58) + seconds{20});
    for (const auto& p : plays) {
        INFO(protocol::to_json(p).dump());
        ids.insert(p.id);
        CHECK(p.id.rfind("b00t0000cafe-", 0) == 0);
        CHECK(p.manifest_version == "v7");
        CHECK(p.start_ms == next_start);  // back to back, nothing lost
        next_start = p.start_ms + p.duration_ms;
        // What the server accepts, and the same after a JSON round trip.
        auto back = protocol::parse_play(protocol::to_json(p), "plays[0]");
        REQUIRE(back.ok());
        CHECK(*back == p);
    }
    CHECK(ids.size() == plays.size());
    CHECK(next_start == ms_of(play_local(23, 9, 3)));

    const protocol::Play& first = plays.front();
    CHECK(first.kind == protocol::PlayKind::item);
    CHECK(first.slide_id == "10");
    CHECK(first.title == "标题10");
    CHECK(first.public_service);
    CHECK(first.duration_ms == 10000);
    CHECK(first.loop_id == "b00t0000cafe-L1");

    // The emergency, cut from the loop, public service, no loop.
    auto e = std::find_if(plays.begin(), plays.end(),
                          [](const auto& p) { return p.kind == protocol::PlayKind::emergency; });
    REQUIRE(e != plays.end());
    CHECK(e->slide_id == "12");
    CHECK(e->public_service);
    CHECK(e->loop_id.empty());
    CHECK(e->start_ms == ms_of(play_local(23, 9)));
    CHECK(e->duration_ms == 60000);
    // The item the emergency cut short did not close its loop.
    CHECK_FALSE(std::prev(e)->loop_end);

    // Every loop that closed met the minimum, as the schedule guarantees.
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> loops;
    std::set<std::string> closed;
    for (const auto& p : plays) {
        if (p.kind != protocol::PlayKind::item) continue;
        auto& [ps, all] = loops[p.loop_id];
        all += p.duration_ms;
        if (p.public_service) ps += p.duration_ms;
        if (p.loop_end) closed.insert(p.loop_id);
    }
    REQUIRE(closed.size() >= 2);
    for (const auto& id : closed) {
        const auto [ps, all] = loops[id];
        CHECK(static_cast<double>(ps) / static_cast<double>(all) >= 0.5);
    }
}

TEST_CASE("play log: a new manifest breaks the loop, and quit ends the item on screen",
          "[player][plays]") {
    protocol::Manifest m;
    m.version = "v1";
    m.items = {play_slide("1", 10, true)};
    std::vector<protocol::Play> out;
    PlayLog log("b00t", [&out](const protocol::Play& p) { out.push_back(p); });
    LoopState h;
    auto now = play_local(23, 10);
    Decision d = decide(&m, now, kPlayZone, h);
    record(h, d);
    log.show(d, ms_of(now), "v1");
    // Half way through, a publish: the loop starts again.
    log.break_loop();
    h = LoopState{};
    now += seconds{5};
    d = decide(&m, now, kPlayZone, h);
    REQUIRE(d.starts_loop);
    record(h, d);
    log.show(d, ms_of(now), "v2");
    log.stop(ms_of(now) + 1234);
    REQUIRE(out.size() == 2);
    CHECK(out[0].duration_ms == 5000);
    CHECK_FALSE(out[0].loop_end);  // interrupted, not closed
    CHECK(out[0].manifest_version == "v1");
    CHECK(out[1].loop_id != out[0].loop_id);
    CHECK(out[1].duration_ms == 1234);
    CHECK(out[1].manifest_version == "v2");
}

TEST_CASE("play log: plays in the outbox survive a restart and the queue is bounded",
          "[player][plays][outbox]") {
    PlayTempDir dir;
    protocol::Manifest m;
    m.version = "v3";
    m.items = {play_slide("1", 10, true), play_slide("2", 10, false)};
    const auto plays = play_through(m, play_local(23, 10), play_local(23, 10, 2));
    REQUIRE(plays.size() == 12);
    {
        auto box = Outbox::open(dir.path / "plays");
        REQUIRE(box.ok());
        for (const auto& p : plays) REQUIRE((*box)->add(protocol::to_json(p)).ok());
    }
    // "Restart": a new outbox on the same folder has every play, oldest first.
    {
        auto box = Outbox::open(dir.path / "plays");
        REQUIRE(box.ok());
        auto pending = (*box)->pending(100);
        REQUIRE(pending.size() == plays.size());
        for (std::size_t i = 0; i < plays.size(); ++i) {
            auto p = protocol::parse_play(pending[i].body);
            REQUIRE(p.ok());
            CHECK(*p == plays[i]);
        }
    }
    // At most 10: the 11th drops the oldest (a tenth of the limit).
    auto box = Outbox::open(dir.path / "plays", 10);
    REQUIRE(box.ok());
    REQUIRE((*box)->add(protocol::to_json(plays[0])).ok());
    CHECK((*box)->size() == 9);
    CHECK((*box)->dropped() == 4);
    auto pending = (*box)->pending(100);
    REQUIRE(pending.size() == 9);
    CHECK(pending[0].body.at("id") == plays[4].id);  // the four oldest went
}
