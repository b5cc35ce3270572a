#include <catch2/catch.hpp>

#include "core/playlist.hpp"

using namespace signage::player;
using namespace signage::protocol;
using namespace std::chrono;

namespace {

Slide text(const std::string& id, const std::string& from = {}, const std::string& until = {}) {
    Slide s;
    s.id = id;
    s.title = "slide " + id;
    s.valid_from = from;
    s.valid_until = until;
    return s;
}

Manifest manifest(std::vector<Slide> items, const std::string& version = "v") {
    Manifest m;
    m.version = version;
    m.items = std::move(items);
    return m;
}

const Timestamp kNoon = sys_days{year{2026} / 6 / 15} + hours{4};  // 12:00 in UTC+8

}  // namespace

TEST_CASE("with nothing synced the screen shows the core values", "[player][playlist]") {
    Playlist p;
    const auto& s = p.next(kNoon);
    CHECK(s.type == SlideType::core_values);
    CHECK(s.public_service);
    CHECK(p.current().id == s.id);
}

TEST_CASE("items rotate in order and wrap around", "[player][playlist]") {
    Playlist p;
    p.set_manifest(manifest({text("1"), text("2"), text("3")}));
    CHECK(p.next(kNoon).id == "1");
    CHECK(p.next(kNoon).id == "2");
    CHECK(p.next(kNoon).id == "3");
    CHECK(p.next(kNoon).id == "1");
}

TEST_CASE("expired and future items are skipped", "[player][playlist]") {
    Playlist p;
    p.set_manifest(
        manifest({text("old", "", "2026-06-14"), text("now"), text("later", "2026-06-16"),
                  text("today", "2026-06-15", "2026-06-15")}));
    CHECK(p.next(kNoon).id == "now");
    CHECK(p.next(kNoon).id == "today");
    CHECK(p.next(kNoon).id == "now");
    // After midnight local time "today" has expired even with no server.
    const Timestamp tomorrow = sys_days{year{2026} / 6 / 15} + hours{16};
    CHECK(p.next(tomorrow).id == "later");
    CHECK(p.next(tomorrow).id == "now");
}

TEST_CASE("when nothing is valid the built-in slide shows", "[player][playlist]") {
    Playlist p;
    p.set_manifest(manifest({text("old", "", "2026-01-01")}));
    CHECK(p.next(kNoon).type == SlideType::core_values);
}

TEST_CASE("a new manifest continues after the item playing now", "[player][playlist]") {
    Playlist p;
    p.set_manifest(manifest({text("1"), text("2"), text("3")}));
    CHECK(p.next(kNoon).id == "1");
    CHECK(p.next(kNoon).id == "2");
    p.set_manifest(manifest({text("1"), text("2"), text("4"), text("3")}, "v2"));
    CHECK(p.next(kNoon).id == "4");
    p.set_manifest(manifest({text("9"), text("8")}, "v3"));
    CHECK(p.next(kNoon).id == "9");
}
