// The screens' reports as the server reads them: heartbeats and batches of
// plays, with every refusal naming its field.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/heartbeat.hpp"
#include "protocol/play.hpp"
#include "protocol/render_report.hpp"

using namespace signage::protocol;
using nlohmann::json;

namespace {

json heartbeat_body() {
    return {{"software_version", "0.1.0"},
            {"manifest_version", "v7"},
            {"item_id", "12"},
            {"item_title", "光盘行动"},
            {"uptime_s", 3600},
            {"rss_bytes", 73'000'000},
            {"cache_bytes", 5'000'000},
            {"free_disk_bytes", 9'000'000'000},
            {"last_sync_error", nullptr},
            {"clock_offset_ms", -12},
            {"interval_s", 60},
            {"sent_at", "2026-12-04T08:30:00Z"},
            {"unknown_field", "dropped"}};
}

json play_body(int i) {
    return {{"id", "boot0001-" + std::to_string(i)},
            {"loop_id", "boot0001-1"},
            {"loop_end", false},
            {"kind", "item"},
            {"slide_id", "7"},
            {"title", "社会主义核心价值观"},
            {"start", "2026-12-04T08:30:00.250Z"},
            {"duration_ms", 15000},
            {"public_service", true},
            {"manifest_version", "v7"}};
}

}  // namespace

TEST_CASE("a heartbeat is read with its fields and kept without unknown ones",
          "[protocol][heartbeat]") {
    auto hb = parse_heartbeat(heartbeat_body());
    REQUIRE(hb);
    CHECK(hb->software_version == "0.1.0");
    CHECK(hb->manifest_version == "v7");
    CHECK(hb->item_title == "光盘行动");
    CHECK_FALSE(hb->last_sync_error.has_value());
    CHECK(hb->clock_offset_ms == -12);
    CHECK(hb->free_disk_bytes == 9'000'000'000);
    const json kept = to_json(*hb);
    CHECK_FALSE(kept.contains("unknown_field"));
    CHECK(kept.at("last_sync_error").is_null());
    auto again = parse_heartbeat(kept);
    REQUIRE(again);
    CHECK(*again == *hb);
}

TEST_CASE("a bad heartbeat is refused naming the field", "[protocol][heartbeat]") {
    struct Case {
        const char* field;
        json value;
        const char* message;
    };
    const Case cases[] = {
        {"software_version", "", "software_version: must not be empty"},
        {"software_version", nullptr, "software_version: is a string"},
        {"item_title", std::string(513, 'x'), "item_title: has at most 512 bytes"},
        {"interval_s", 4, "interval_s: is from 5 to 3600"},
        {"interval_s", 60.5, "interval_s: is a whole number"},
        {"rss_bytes", -1, "rss_bytes: is from 0 to 1125899906842624"},
        {"free_disk_bytes", 18446744073709551615ULL,
         "free_disk_bytes: is from 0 to 1125899906842624"},
        {"uptime_s", nullptr, "uptime_s: is required"},
        {"sent_at", "yesterday", "sent_at: is not an ISO 8601 time"},
    };
    for (const Case& c : cases) {
        json body = heartbeat_body();
        body[c.field] = c.value;
        auto hb = parse_heartbeat(body);
        INFO(c.field << " = " << c.value.dump());
        REQUIRE_FALSE(hb);
        CHECK(hb.error().code == signage::ErrorCode::unprocessable);
        CHECK(hb.error().field == c.field);
        CHECK(hb.error().message == c.message);
    }
    json missing = heartbeat_body();
    missing.erase("sent_at");
    auto hb = parse_heartbeat(missing);
    REQUIRE_FALSE(hb);
    CHECK(hb.error().field == "sent_at");
    CHECK_FALSE(parse_heartbeat(json::array()));
}

TEST_CASE("a batch of plays is read in order and refused naming the entry", "[protocol][plays]") {
    json body = {{"plays", {play_body(1), play_body(2)}}};
    auto plays = parse_play_batch(body);
    REQUIRE(plays);
    REQUIRE(plays->size() == 2);
    CHECK(plays->at(1).id == "boot0001-2");
    CHECK(plays->at(0).start_ms % 1000 == 250);

    body["plays"][1]["duration_ms"] = 86'400'001;
    plays = parse_play_batch(body);
    REQUIRE_FALSE(plays);
    CHECK(plays.error().code == signage::ErrorCode::unprocessable);
    CHECK(plays.error().field == "plays[1].duration_ms");

    CHECK(parse_play_batch(json{{"plays", json::object()}}).error().field == "plays");
    CHECK(parse_play_batch(json::array()).error().field == "plays");
    json many = {{"plays", json::array()}};
    for (std::size_t i = 0; i <= kMaxPlaysPerRequest; ++i) many["plays"].push_back(play_body(1));
    auto too_many = parse_play_batch(many);
    REQUIRE_FALSE(too_many);
    CHECK(too_many.error().field == "plays");
    CHECK(too_many.error().message.find("several requests") != std::string::npos);
}

TEST_CASE("the renderer's --lines report is read back with its pages, missing glyphs and cuts",
          "[protocol][render_report]") {
    RenderReport report;
    report.blocks = json::array({{{"role", "title"}, {"font_px", 72}, {"lines", {"光盘行动"}}}});
    report.pages = 3;
    report.missing_glyphs = {{"title", "😀"}, {"entries[1].deed", "𠀀"}};
    report.shortened = {"entries[0].deed", "entries[3].deed"};
    auto back = parse_render_report(to_json(report).dump());
    REQUIRE(back);
    CHECK(back->pages == 3);
    CHECK(back->missing_glyphs == report.missing_glyphs);
    CHECK(back->shortened == report.shortened);
    CHECK(back->blocks == report.blocks);

    CHECK(parse_render_report("not json").error().field == "report");
    CHECK(parse_render_report(R"({"pages":0})").error().field == "pages");
    CHECK(parse_render_report(R"({"missing_glyphs":[{"field":"title"}]})").error().field ==
          "missing_glyphs[0]");
    CHECK(parse_render_report(R"({"shortened":"title"})").error().field == "shortened");
    CHECK(parse_render_report(R"({"shortened":["title",""]})").error().field == "shortened[1]");
    auto plain = parse_render_report(R"({"blocks":[]})");
    REQUIRE(plain);
    CHECK(plain->pages == 1);
    CHECK(plain->missing_glyphs.empty());
    CHECK(plain->shortened.empty());
}
