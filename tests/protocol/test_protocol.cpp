#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"

using namespace signage::protocol;
using nlohmann::json;

namespace {
const std::string kSha(64, 'a');
const std::string kSha2(64, 'b');
}  // namespace

TEST_CASE("good slides are read with every field", "[protocol][slide]") {
    SECTION("text") {
        auto s = parse_slide(
            json::parse(R"({"type":"text","title":"文明出行","body":"第一段。\n\n第二段。",
            "duration_s":15,"category":"文明交通","public_service":true,
            "valid_from":"2026-01-01","valid_until":"2026-12-31T23:00:00+08:00",
            "background":"#C8102E"})"));
        REQUIRE(s.ok());
        CHECK(s->type == SlideType::text);
        CHECK(s->title == "文明出行");
        CHECK(s->body == "第一段。\n\n第二段。");
        CHECK(s->duration_s == 15);
        CHECK(s->public_service);
        CHECK(s->category == "文明交通");
        CHECK(s->background.color == Color{0xC8, 0x10, 0x2E, 255});
        CHECK(s->valid_until == "2026-12-31T23:00:00+08:00");
    }
    SECTION("image with defaults") {
        auto s = parse_slide(json{{"type", "image"}, {"media", kSha}});
        REQUIRE(s.ok());
        CHECK(s->fit == Fit::contain);
        CHECK(s->duration_s == SlideLimits::default_duration_s);
        CHECK_FALSE(s->public_service);
        CHECK(s->media_refs() == std::vector<std::string>{kSha});
    }
    SECTION("image with cover, caption and a media background") {
        auto s = parse_slide(json{{"type", "image"},
                                  {"media", kSha},
                                  {"fit", "cover"},
                                  {"caption", "垃圾分类"},
                                  {"background", {{"media", kSha2}, {"color", "#000000"}}}});
        REQUIRE(s.ok());
        CHECK(s->fit == Fit::cover);
        CHECK(s->media_refs() == std::vector<std::string>{kSha, kSha2});
    }
    SECTION("core values") {
        auto s = parse_slide(json{{"type", "core_values"}});
        REQUIRE(s.ok());
        CHECK(s->type == SlideType::core_values);
    }
    SECTION("server-managed fields are ignored on input") {
        auto s = parse_slide(json{{"type", "text"},
                                  {"title", "t"},
                                  {"id", "12"},
                                  {"status", "approved"},
                                  {"author", "x"}});
        REQUIRE(s.ok());
        CHECK(s->id == "12");
    }
    SECTION("CRLF in a body becomes LF") {
        auto s = parse_slide(json{{"type", "text"}, {"body", "a\r\nb"}});
        REQUIRE(s.ok());
        CHECK(s->body == "a\nb");
    }
}

TEST_CASE("bad slides are refused naming the field", "[protocol][slide]") {
    struct Row {
        const char* json_text;
        const char* field;
        const char* message_part;
    };
    const Row rows[] = {
        {R"([])", "slide", "object"},
        {R"({})", "type", "required"},
        {R"({"type":5})", "type", "string"},
        {R"({"type":"film"})", "type", "unknown slide type"},
        {R"({"type":"text"})", "body", "title or a body"},
        {R"({"type":"text","title":"a","duration_s":0})", "duration_s", "between"},
        {R"({"type":"text","title":"a","duration_s":3601})", "duration_s", "between"},
        {R"({"type":"text","title":"a","duration_s":2.5})", "duration_s", "whole number"},
        {R"({"type":"text","title":"a","duration_s":"10"})", "duration_s", "not a string"},
        {R"({"type":"text","title":"a","public_service":"yes"})", "public_service",
         "true or false"},
        {R"({"type":"text","title":"a","valid_from":"2026-02-30"})", "valid_from", "no such day"},
        {R"({"type":"text","title":"a","valid_until":"soon"})", "valid_until", "ISO 8601"},
        {R"({"type":"text","title":"a","valid_from":"2026-03-01","valid_until":"2026-02-01"})",
         "valid_until", "after valid_from"},
        {R"({"type":"text","title":"a","background":"#12345"})", "background", "not a colour"},
        {R"({"type":"text","title":"a","background":{"colour":"red"}})", "background.colour",
         "not a colour"},
        {R"({"type":"text","title":"a","background":{"pattern":"x"}})", "background.pattern",
         "unknown field"},
        {R"({"type":"text","title":"a\nb"})", "title", "line break"},
        {R"({"type":"text","title":"a","body":"x\u0007"})", "body", "control character"},
        {R"({"type":"text","title":"a","media":"x"})", "media", "unknown field"},
        {R"({"type":"text","title":"a","tilte":"x"})", "tilte", "unknown field"},
        {R"({"type":"image"})", "media", "required"},
        {R"({"type":"image","media":"not-a-hash"})", "media", "sha256"},
        {R"({"type":"image","media":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})",
         "media", "sha256"},
        {R"({"type":"image","media":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","fit":"stretch"})",
         "fit", "contain or cover"},
        {R"({"type":"core_values","body":"x"})", "body", "unknown field"},
    };
    for (const auto& r : rows) {
        INFO(r.json_text);
        auto s = parse_slide(json::parse(r.json_text));
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().field == r.field);
        CHECK_THAT(s.error().message, Catch::Contains(r.message_part));
        CHECK(s.error().to_string().rfind(std::string(r.field) + ": ", 0) == 0);
    }
}

TEST_CASE("JSON from outside nesting past the limit is refused before it is parsed",
          "[protocol][json]") {
    const std::string deep = std::string(140'000, '[') + std::string(140'000, ']');
    const std::string at_limit = std::string(64, '[') + std::string(64, ']');
    const std::string past_limit = std::string(65, '[') + std::string(65, ']');

    CHECK(signage::json_depth_within(at_limit));
    CHECK_FALSE(signage::json_depth_within(past_limit));
    // Brackets inside strings, escaped quotes included, do not count.
    CHECK(signage::json_depth_within(R"(["\"[[[[", ")" + std::string(100, '[') + R"("])"));

    CHECK(signage::read_json(at_limit).is_array());
    CHECK(signage::read_json(past_limit).is_discarded());
    CHECK(signage::read_json(deep).is_discarded());

    auto slide = parse_slide_text(R"({"type": "text", "title": )" + deep + "}");
    REQUIRE_FALSE(slide.ok());
    CHECK(slide.error().reason == signage::ErrorReason::too_deep);
    auto manifest = parse_manifest_text(R"({"version": 1, "items": )" + deep + "}");
    REQUIRE_FALSE(manifest.ok());
    CHECK(manifest.error().reason == signage::ErrorReason::too_deep);
    auto input = signage::parse_json_input(deep, "settings");
    REQUIRE_FALSE(input.ok());
    CHECK(input.error().field == "settings");
}

TEST_CASE("length limits count characters, not bytes", "[protocol][slide]") {
    std::string title;
    for (std::size_t i = 0; i < SlideLimits::title_chars; ++i) title += "文";
    CHECK(parse_slide(json{{"type", "text"}, {"title", title}}).ok());
    auto s = parse_slide(json{{"type", "text"}, {"title", title + "明"}});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().field == "title");
    CHECK_THAT(s.error().message, Catch::Contains("121 characters"));
}

TEST_CASE("files given to the preview renderer may name local image paths", "[protocol][slide]") {
    SlideParseOptions opt;
    opt.allow_local_paths = true;
    auto s = parse_slide(json{{"type", "image"}, {"media", "images/a.png"}}, opt);
    REQUIRE(s.ok());
    CHECK(s->media == "images/a.png");
    CHECK_FALSE(parse_slide(json{{"type", "image"}, {"media", "images/a.png"}}).ok());
}

TEST_CASE("slides survive a JSON round trip", "[protocol][slide]") {
    auto s = parse_slide(json::parse(R"({"type":"image","media":")" + kSha +
                                     R"(","fit":"cover","caption":"c","title":"t","duration_s":7,
        "valid_from":"2026-01-01","background":"#102030","id":"9"})"));
    REQUIRE(s.ok());
    auto again = parse_slide(to_json(*s));
    REQUIRE(again.ok());
    CHECK(to_json(*again) == to_json(*s));
    CHECK(again->id == "9");
}

TEST_CASE("JSON syntax errors name the byte offset", "[protocol][slide]") {
    struct Row {
        const char* what;
        std::string text;
        std::size_t offset;  // from 0, in bytes
        const char* line_column;
    };
    const std::string nested =
        "{\"type\":\"honor_roll\",\"title\":\"身边好人榜\",\"entries\":[{\"name\":\"王秀兰\"},"
        "{\"name\":\"李建国\",\"deed\":\"救人\x01\"}]}";
    const std::string multiline =
        "{\n  \"type\": \"text\",\n  \"title\": \"t\"\n  \"body\": \"b\"\n}";
    const Row rows[] = {
        // Cut short: the offset is the length, where more was expected.
        {"cut short", R"({"type":"text",)", 15, "line 1, column 16"},
        {"empty", "", 0, "line 1, column 1"},
        // A bad byte in the middle: the offset is that byte's.
        {"bad byte", R"({"type":"text", "title": @"t"})", 25, "line 1, column 26"},
        // In a nested value after multi-byte characters: bytes, not characters.
        {"nested", nested, nested.find('\x01'), nullptr},
        // A missing comma at the end of the third line: the offset is where the
        // unexpected "body" ends, and newlines count as bytes.
        {"multi-line", multiline, multiline.find("\"body\"") + 5, "line 4, column 8"},
    };
    for (const Row& r : rows) {
        INFO(r.what << ": " << r.text);
        auto s = parse_slide_text(r.text);
        REQUIRE_FALSE(s.ok());
        const std::string& message = s.error().message;
        CHECK_THAT(message, Catch::StartsWith("not valid JSON at byte offset " +
                                              std::to_string(r.offset) + " ("));
        if (r.line_column != nullptr) CHECK_THAT(message, Catch::Contains(r.line_column));
        CHECK_THAT(message, Catch::Contains("syntax error"));
        // Only what a person needs: no library prefix.
        CHECK_THAT(message, !Catch::Contains("json.exception"));
    }
}

TEST_CASE("validity dates decide when a slide plays", "[protocol][slide]") {
    using namespace std::chrono;
    auto s = parse_slide(json{{"type", "text"},
                              {"title", "t"},
                              {"valid_from", "2026-03-01"},
                              {"valid_until", "2026-03-31"}});
    REQUIRE(s.ok());
    const auto cst = hours{8};
    auto at = [&](int m, int d, int h) {
        return sys_seconds{sys_days{year{2026} / m / d}} + hours{h} - cst;
    };
    CHECK_FALSE(s->is_valid_at(at(2, 28, 23), cst));
    CHECK(s->is_valid_at(at(3, 1, 0), cst));
    CHECK(s->is_valid_at(at(3, 31, 23), cst));
    CHECK_FALSE(s->is_valid_at(at(4, 1, 0), cst));
}

namespace {
json manifest_json() {
    return json::parse(R"({"version":"v1","group":"demo","published_at":"2026-11-22T00:00:00Z",
        "items":[{"id":"1","type":"text","title":"t","body":"b","duration_s":10},
                 {"id":"2","type":"image","media":")" +
                       kSha + R"(","fit":"cover"}],
        "media":[{"sha256":")" +
                       kSha + R"(","size":1234,"content_type":"image/png"}]})");
}
}  // namespace

TEST_CASE("a manifest is read with its items and media", "[protocol][manifest]") {
    auto m = parse_manifest(manifest_json());
    REQUIRE(m.ok());
    CHECK(m->version == "v1");
    CHECK(m->items.size() == 2);
    REQUIRE(m->find_media(kSha) != nullptr);
    CHECK(m->find_media(kSha)->size == 1234);
    auto again = parse_manifest(to_json(*m));
    REQUIRE(again.ok());
    CHECK(to_json(*again) == to_json(*m));
}

TEST_CASE("a manifest's film carries its length, size and codec, an image none",
          "[protocol][manifest]") {
    const std::string film(64, 'f');
    auto j = manifest_json();
    j["media"].push_back({{"sha256", film},
                          {"size", 88175},
                          {"content_type", "video/mp4"},
                          {"video",
                           {{"duration_ms", 2000},
                            {"width", 320},
                            {"height", 240},
                            {"codec", "h264"},
                            {"fps", 25}}}});
    auto m = parse_manifest(j);
    REQUIRE(m.ok());
    CHECK_FALSE(m->find_media(kSha)->video.has_value());
    const auto* ref = m->find_media(film);
    REQUIRE(ref != nullptr);
    REQUIRE(ref->video.has_value());
    CHECK(ref->video->duration_ms == 2000);
    CHECK(ref->video->width == 320);
    CHECK(ref->video->height == 240);
    CHECK(ref->video->codec == "h264");

    // Written when set, and only then.
    const json out = to_json(*m);
    CHECK_FALSE(out["media"][0].contains("video"));
    CHECK(out["media"][1]["video"] ==
          json({{"duration_ms", 2000}, {"width", 320}, {"height", 240}, {"codec", "h264"}}));
    auto again = parse_manifest(out);
    REQUIRE(again.ok());
    CHECK(to_json(*again) == out);

    // Read leniently: values of another kind are left at their defaults.
    j["media"][1]["video"] = {{"duration_ms", "2 s"}, {"width", -4}, {"codec", 7}};
    auto odd = parse_manifest(j);
    REQUIRE(odd.ok());
    REQUIRE(odd->find_media(film)->video.has_value());
    CHECK(odd->find_media(film)->video->duration_ms == 0);
    CHECK(odd->find_media(film)->video->width == 0);
    CHECK(odd->find_media(film)->video->codec.empty());
    j["media"][1]["video"] = "a film";
    auto not_object = parse_manifest(j);
    REQUIRE(not_object.ok());
    CHECK_FALSE(not_object->find_media(film)->video.has_value());
}

TEST_CASE("manifests from a newer server keep working", "[protocol][manifest]") {
    auto j = manifest_json();
    j["items"][0]["sparkle"] = true;
    j["schedule"] = json::object();
    CHECK(parse_manifest(j).ok());
}

TEST_CASE("bad manifests are refused naming the field", "[protocol][manifest]") {
    struct Row {
        std::function<void(json&)> change;
        const char* field;
    };
    const std::vector<Row> rows = {
        {[](json& j) { j.erase("version"); }, "version"},
        {[](json& j) { j["version"] = ""; }, "version"},
        {[](json& j) { j["items"] = "x"; }, "items"},
        {[](json& j) { j["items"][1].erase("id"); }, "items[1].id"},
        {[](json& j) { j["items"][0]["duration_s"] = -1; }, "items[0].duration_s"},
        {[](json& j) { j["items"][1]["media"] = kSha2; }, "items[1].media"},
        {[](json& j) {
             j["items"][0]["background"] = {{"media", kSha2}};
         },
         "items[0].background.media"},
        {[](json& j) { j["media"][0]["sha256"] = "zz"; }, "media[0].sha256"},
        {[](json& j) { j["media"][0]["size"] = -5; }, "media[0].size"},
        {[](json& j) { j["media"].push_back(j["media"][0]); }, "media[1].sha256"},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i);
        auto j = manifest_json();
        rows[i].change(j);
        auto m = parse_manifest(j);
        REQUIRE_FALSE(m.ok());
        CHECK(m.error().field == rows[i].field);
    }
}

TEST_CASE("the content version changes with content, not with publish time",
          "[protocol][manifest]") {
    auto m = parse_manifest(manifest_json());
    REQUIRE(m.ok());
    const auto v = content_version(*m);
    auto later = *m;
    later.published_at = "2027-01-01T00:00:00Z";
    later.version = "other";
    CHECK(content_version(later) == v);
    auto edited = *m;
    edited.items[0].title = "t2";
    CHECK(content_version(edited) != v);
}

TEST_CASE("a number too large for a double is refused, not a crash", "[protocol][manifest]") {
    // Found by fuzz_manifest: nlohmann/json throws out_of_range, not parse_error.
    auto m = parse_manifest_text(R"({"version":"v","n":1E99999})");
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.error().message, Catch::Contains("number overflow"));
    auto s = parse_slide_text(R"({"type":"text","title":"t","duration_s":1E99999})");
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.error().message, Catch::Contains("number overflow"));
}
