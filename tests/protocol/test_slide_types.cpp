// The civic slide types (honour rolls, red/black lists, notices, emergency
// notices), scheduling fields, QR codes, name masking and group settings.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"
#include "protocol/slide_types.hpp"

using namespace signage::protocol;
using nlohmann::json;

namespace {
const std::string kPhoto(64, 'c');

json honor_roll(int n) {
    json entries = json::array();
    for (int i = 0; i < n; ++i) {
        entries.push_back({{"name", "王秀英" + std::to_string(i)},
                           {"category", "助人为乐"},
                           {"level", "区级"},
                           {"unit", "幸福里社区"},
                           {"period", "2026年第三季度"},
                           {"deed", "十年如一日照顾孤寡老人。"}});
    }
    return {{"type", "honor_roll"}, {"title", "身边好人榜"}, {"entries", entries}};
}

json red_black() {
    return json::parse(R"({"type":"red_black","title":"文明行为红黑榜",
        "red":[{"name":"李桂兰","kind":"person","reason":"拾金不昧","valid_until":"2026-12-31"}],
        "black":[{"name":"张小明","plate":"苏B·12323","reason":"占用消防通道",
                  "decided_by":"城管执法中队","valid_from":"2026-11-01","valid_until":"2027-02-01"},
                 {"name":"某某餐饮有限公司","kind":"firm","reason":"油烟扰民","valid_until":"2027-05-01"}]})");
}
}  // namespace

TEST_CASE("honour rolls are read with their entries and page by four", "[protocol][slide]") {
    auto s = parse_slide(honor_roll(9));
    REQUIRE(s.ok());
    CHECK(s->type == SlideType::honor_roll);
    REQUIRE(s->entries.size() == 9);
    CHECK(s->entries[0].name == "王秀英0");
    CHECK(s->entries[0].period == "2026年第三季度");
    const auto now = Timestamp{};
    CHECK(s->pages_at(now, std::chrono::hours{8}) == 3);
    CHECK(s->airtime_s(now, std::chrono::hours{8}) == 3 * s->duration_s);

    auto j = honor_roll(1);
    j["entries"][0]["photo"] = kPhoto;
    auto with_photo = parse_slide(j);
    REQUIRE(with_photo.ok());
    CHECK(with_photo->media_refs() == std::vector<std::string>{kPhoto});
    auto again = parse_slide(to_json(*with_photo));
    REQUIRE(again.ok());
    CHECK(to_json(*again) == to_json(*with_photo));
}

TEST_CASE("red/black entries leave the list at the end of their period", "[protocol][slide]") {
    using namespace std::chrono;
    auto s = parse_slide(red_black());
    REQUIRE(s.ok());
    REQUIRE(s->black.size() == 2);
    CHECK(s->mask_names);
    CHECK(s->black[0].plate == "苏B·12323");
    CHECK(s->black[1].kind == ListEntry::Kind::firm);
    const auto cst = hours{8};
    const auto dec = sys_seconds{sys_days{year{2026} / 12 / 15}};
    const auto jan = sys_seconds{sys_days{year{2027} / 1 / 15}};
    const auto mar = sys_seconds{sys_days{year{2027} / 3 / 1}};
    CHECK(s->red[0].is_valid_at(dec, cst));
    CHECK_FALSE(s->red[0].is_valid_at(jan, cst));
    CHECK(s->black[0].is_valid_at(jan, cst));
    CHECK_FALSE(s->black[0].is_valid_at(mar, cst));
    CHECK(s->black[1].is_valid_at(mar, cst));

    auto again = parse_slide(to_json(*s));
    REQUIRE(again.ok());
    CHECK(to_json(*again) == to_json(*s));
}

TEST_CASE("names and plates are masked for public lists", "[protocol][slide]") {
    CHECK(mask_name("张三") == "张*");
    CHECK(mask_name("张小明") == "张*明");
    CHECK(mask_name("欧阳小明") == "欧**明");
    CHECK(mask_name("李") == "李");
    CHECK(mask_name("") == "");
    CHECK(mask_plate("苏B·12323") == "苏B·1**23");
    CHECK(mask_plate("苏BD12345") == "苏BD***45");
    CHECK(mask_plate("苏B12") == "苏B12");
}

TEST_CASE("schedules, priorities, groups and QR codes are read", "[protocol][slide]") {
    auto s = parse_slide(json::parse(R"({"type":"text","title":"早高峰文明出行","priority":20,
        "schedule":{"weekdays":[5,1,2,3,4],"dayparts":[{"from":"07:00","to":"09:30"},
                                                      {"from":"22:00","to":"02:00"}]},
        "groups":["street","square"],
        "qr":{"text":"https://example.org/wenming","label":"扫码了解更多"}})"));
    REQUIRE(s.ok());
    CHECK(s->priority == 20);
    CHECK(s->schedule.weekdays == std::vector<int>{1, 2, 3, 4, 5});
    REQUIRE(s->schedule.dayparts.size() == 2);
    CHECK(s->schedule.active_at(1, 7 * 60));
    CHECK_FALSE(s->schedule.active_at(1, 9 * 60 + 30));
    CHECK(s->schedule.active_at(2, 23 * 60));  // across midnight
    CHECK(s->schedule.active_at(2, 60));
    CHECK_FALSE(s->schedule.active_at(6, 7 * 60 + 30));  // Saturday
    CHECK(s->groups == std::vector<std::string>{"street", "square"});
    REQUIRE(s->qr);
    CHECK(s->qr->label == "扫码了解更多");
    auto again = parse_slide(to_json(*s));
    REQUIRE(again.ok());
    CHECK(to_json(*again) == to_json(*s));

    auto short_qr = parse_slide(json{{"type", "core_values"}, {"qr", "https://example.org"}});
    REQUIRE(short_qr.ok());
    CHECK(short_qr->qr->text == "https://example.org");
}

TEST_CASE("notices and emergency notices", "[protocol][slide]") {
    auto n = parse_slide(json{{"type", "notice"}, {"body", "本周六上午停水，请提前储水。"}});
    REQUIRE(n.ok());
    CHECK_FALSE(n->in_rotation());
    auto e = parse_slide(json{{"type", "emergency"},
                              {"title", "暴雨红色预警"},
                              {"body", "请立即停止户外活动。"},
                              {"valid_until", "2026-11-23T20:00:00+08:00"}});
    REQUIRE(e.ok());
    CHECK_FALSE(e->in_rotation());
    CHECK(e->valid_until_at(std::chrono::hours{8}).has_value());
}

TEST_CASE("bad civic slides are refused naming the field", "[protocol][slide]") {
    struct Row {
        json slide;
        const char* field;
        const char* message_part;
    };
    auto with = [](json j, const json::json_pointer& p, json v) {
        j[p] = std::move(v);
        return j;
    };
    auto without = [](json j, const json::json_pointer& p) {
        j[p.parent_pointer()].erase(p.back());
        return j;
    };
    const std::vector<Row> rows = {
        {json{{"type", "honor_roll"}, {"entries", json::array()}}, "entries", "at least one"},
        {json{{"type", "honor_roll"}, {"entries", "x"}}, "entries", "array"},
        {with(honor_roll(2), "/entries/1/name"_json_pointer, ""), "entries[1].name", "required"},
        {with(honor_roll(2), "/entries/0/photo"_json_pointer, "nope"), "entries[0].photo",
         "sha256"},
        {with(honor_roll(1), "/entries/0/deed"_json_pointer, std::string(401 * 3, 'a')),
         "entries[0].deed", "at most 400"},
        {with(honor_roll(1), "/entries/0/age"_json_pointer, 30), "entries[0].age", "unknown field"},
        {without(red_black(), "/black/0/valid_until"_json_pointer), "black[0].valid_until",
         "required"},
        {with(red_black(), "/red/0/kind"_json_pointer, "robot"), "red[0].kind",
         "person, household or firm"},
        {with(red_black(), "/black/0/valid_until"_json_pointer, "2026-10-01"),
         "black[0].valid_until", "after valid_from"},
        {with(red_black(), "/mask_names"_json_pointer, "no"), "mask_names", "true or false"},
        {json{{"type", "red_black"}}, "red", "at least one"},
        {json{{"type", "notice"}}, "body", "required"},
        {json{{"type", "notice"}, {"body", "a\nb"}}, "body", "line break"},
        {json{{"type", "emergency"}, {"title", "t"}}, "valid_until", "required"},
        {json{{"type", "text"}, {"title", "t"}, {"priority", 101}}, "priority", "between"},
        {json{{"type", "text"}, {"title", "t"}, {"schedule", {{"weekdays", {0}}}}},
         "schedule.weekdays[0]", "Monday"},
        {json{{"type", "text"}, {"title", "t"}, {"schedule", {{"weekdays", {1, 1}}}}},
         "schedule.weekdays[1]", "twice"},
        {json{{"type", "text"},
              {"title", "t"},
              {"schedule", {{"dayparts", {{{"from", "7:00"}, {"to", "09:00"}}}}}}},
         "schedule.dayparts[0].from", "HH:MM"},
        {json{{"type", "text"},
              {"title", "t"},
              {"schedule", {{"dayparts", {{{"from", "07:00"}, {"to", "24:30"}}}}}}},
         "schedule.dayparts[0].to", "HH:MM"},
        {json{{"type", "text"}, {"title", "t"}, {"schedule", {{"days", 1}}}}, "schedule.days",
         "unknown field"},
        {json{{"type", "text"}, {"title", "t"}, {"groups", {""}}}, "groups[0]", "group name"},
        {json{{"type", "text"}, {"title", "t"}, {"qr", {{"label", "x"}}}}, "qr.text", "required"},
        {json{{"type", "text"}, {"title", "t"}, {"qr", std::string(501, 'a')}}, "qr", "at most"},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i << ": " << rows[i].slide.dump());
        auto s = parse_slide(rows[i].slide);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().field == rows[i].field);
        CHECK_THAT(s.error().message, Catch::Contains(rows[i].message_part));
    }
}

TEST_CASE("group settings travel in the manifest", "[protocol][manifest]") {
    auto m = parse_manifest(json::parse(R"({"version":"v1","group":"street",
        "settings":{"unit_name":"幸福里社区","slogan":"文明城市 人人共建","min_public_share":0.4,
                    "power_off":[{"from":"23:00","to":"06:00"}],"timezone":"Asia/Shanghai",
                    "volume":35,"quiet_hours":[{"from":"21:30","to":"08:00"}],
                    "video_profile":{"max_width":1280,"max_height":720,"codecs":["h264","vp9"],
                                     "max_bitrate":4000000}},
        "items":[]})"));
    REQUIRE(m.ok());
    CHECK(m->settings.unit_name == "幸福里社区");
    CHECK(m->settings.min_public_share == Approx(0.4));
    REQUIRE(m->settings.power_off.size() == 1);
    CHECK(m->settings.power_off[0].contains(0));
    CHECK_FALSE(m->settings.power_off[0].contains(12 * 60));
    CHECK(m->settings.volume == 35);
    REQUIRE(m->settings.quiet_hours.size() == 1);
    CHECK(m->settings.quiet_hours[0].contains(22 * 60));
    CHECK_FALSE(m->settings.quiet_hours[0].contains(9 * 60));
    CHECK(m->settings.video_profile.max_width == 1280);
    CHECK(m->settings.video_profile.max_height == 720);
    CHECK(m->settings.video_profile.codecs == std::vector<std::string>{"h264", "vp9"});
    CHECK(m->settings.video_profile.max_bitrate == 4'000'000);
    auto again = parse_manifest(to_json(*m));
    REQUIRE(again.ok());
    CHECK(again->settings == m->settings);

    auto defaults = parse_manifest(json{{"version", "v2"}});
    REQUIRE(defaults.ok());
    CHECK(defaults->settings.min_public_share == Approx(0.3));
    CHECK(defaults->settings.volume == 60);
    CHECK(defaults->settings.quiet_hours.empty());
    CHECK(defaults->settings.video_profile.max_width == 1920);
    CHECK(defaults->settings.video_profile.max_height == 1080);
    CHECK(defaults->settings.video_profile.codecs == std::vector<std::string>{"h264"});

    const std::vector<std::pair<json, const char*>> bad = {
        {json{{"min_public_share", 1.5}}, "settings.min_public_share"},
        {json{{"min_public_share", "30%"}}, "settings.min_public_share"},
        {json{{"power_off", {{{"from", "23:00"}}}}}, "settings.power_off[0].to"},
        {json{{"power_off", {{{"from", "23:00"}, {"to", "23:00"}}}}}, "settings.power_off[0].to"},
        {json{{"timezone", ""}}, "settings.timezone"},
        {json{{"volume", 101}}, "settings.volume"},
        {json{{"volume", 5.5}}, "settings.volume"},
        {json{{"quiet_hours", {{{"from", "21:00"}, {"to", "25:00"}}}}},
         "settings.quiet_hours[0].to"},
        {json{{"video_profile", {{"max_width", 12000}}}}, "settings.video_profile.max_width"},
        {json{{"video_profile", {{"codecs", {"h264", "prores"}}}}},
         "settings.video_profile.codecs[1]"},
        {json{{"video_profile", {{"codecs", {"vp9"}}}}}, "settings.video_profile.codecs"},
        {json{{"video_profile", {{"max_bitrate", 10}}}}, "settings.video_profile.max_bitrate"},
    };
    for (const auto& [settings, field] : bad) {
        INFO(settings.dump());
        auto r = parse_manifest(json{{"version", "v"}, {"settings", settings}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().field == field);
    }
}

TEST_CASE("a manifest lists every honour-roll photo it uses", "[protocol][manifest]") {
    auto slide = honor_roll(1);
    slide["entries"][0]["photo"] = kPhoto;
    slide["id"] = "7";
    json j = {{"version", "v1"}, {"items", {slide}}, {"media", json::array()}};
    auto m = parse_manifest(j);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().field == "items[0].entries[0].photo");
    j["media"].push_back({{"sha256", kPhoto}, {"size", 10}, {"content_type", "image/png"}});
    CHECK(parse_manifest(j).ok());
}

TEST_CASE("a slide's text fields are named as validation names them, every entry included",
          "[protocol][slide]") {
    const json honor = {{"type", "honor_roll"},
                        {"title", "光荣榜"},
                        {"entries",
                         {{{"name", "张小明"}, {"deed", "拾金不昧"}},
                          {{"name", "李华"}, {"unit", "幸福里社区"}},
                          {{"name", "王芳"}},
                          {{"name", "赵强"}},
                          {{"name", "孙丽"}, {"deed", "义务巡逻"}}}},
                        {"qr", {{"text", "https://example.org"}, {"label", "扫码了解"}}}};
    auto slide = parse_slide(honor);
    REQUIRE(slide);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"title", "光荣榜"},
        {"entries[0].name", "张小明"},
        {"entries[0].deed", "拾金不昧"},
        {"entries[1].name", "李华"},
        {"entries[1].unit", "幸福里社区"},
        {"entries[2].name", "王芳"},
        {"entries[3].name", "赵强"},
        {"entries[4].name", "孙丽"},  // on the second page
        {"entries[4].deed", "义务巡逻"},
        {"qr.label", "扫码了解"}};
    CHECK(slide->text_fields() == expected);

    const json lists = {{"type", "red_black"},
                        {"title", "红黑榜"},
                        {"black",
                         {{{"name", "某公司"},
                           {"kind", "firm"},
                           {"reason", "占道经营"},
                           {"valid_until", "2020-01-01"}}}}};
    auto rb = parse_slide(lists);
    REQUIRE(rb);
    // Entries that have ended are still checked: the text is the author's to fix.
    const std::vector<std::pair<std::string, std::string>> rb_expected = {
        {"title", "红黑榜"}, {"black[0].name", "某公司"}, {"black[0].reason", "占道经营"}};
    CHECK(rb->text_fields() == rb_expected);
}

TEST_CASE("the slide type table holds every type once, in SlideType order", "[protocol][slide]") {
    const auto& all = slide_types();
    REQUIRE(all.size() == 8);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto type = static_cast<SlideType>(i);
        CHECK(all[i].type == type);
        CHECK(&slide_type(type) == &all[i]);
        CHECK(to_string(type) == all[i].name);
        CHECK(find_slide_type(all[i].name) == &all[i]);
        CHECK(all[i].parse != nullptr);
        CHECK(all[i].to_json != nullptr);
        CHECK(all[i].text_fields != nullptr);
    }
    CHECK(find_slide_type("film") == nullptr);
    // The descriptors name the limits validation enforces.
    const auto& text_body = slide_type(SlideType::text).fields.at(0);
    CHECK(text_body.name == "body");
    CHECK(text_body.kind == FieldKind::multiline_text);
    CHECK(text_body.max_chars == SlideLimits::body_chars);
    std::string too_long(SlideLimits::body_chars + 1, 'x');
    auto refused = parse_slide(json{{"type", "text"}, {"body", too_long}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "body");
    // Their JSON: the common fields and every type with its fields.
    const json j = slide_types_json();
    CHECK(j.at("types").size() == all.size());
    CHECK(j.at("common_fields").at(0).at("name") == "title");
    CHECK(j.at("common_fields").at(0).at("max_chars") == SlideLimits::title_chars);
}

TEST_CASE("a slide's purpose decides whether it is public service", "[protocol][slide]") {
    auto parsed = [](json j) {
        j["type"] = "text";
        j["title"] = "停水通知";
        return parse_slide(j);
    };
    // Chosen: public service follows it, and it travels on.
    for (const auto& [purpose, ps] : std::vector<std::pair<std::string, bool>>{
             {"public_service", true}, {"notice", false}, {"other", false}}) {
        auto s = parsed({{"purpose", purpose}});
        REQUIRE(s.ok());
        CHECK(s->purpose == purpose);
        CHECK(s->public_service == ps);
        CHECK(to_json(*s).at("purpose") == purpose);
        CHECK(to_json(*s).at("public_service") == ps);
    }
    // Not said (older content, scripts): public_service alone, and no purpose
    // appears in the JSON, so published manifests keep their versions.
    auto old = parsed({{"public_service", true}});
    REQUIRE(old.ok());
    CHECK(old->purpose.empty());
    CHECK_FALSE(to_json(*old).contains("purpose"));
    // A notice that claims to be public service, or an unknown purpose, is refused.
    auto clash = parsed({{"purpose", "notice"}, {"public_service", true}});
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.error().field == "purpose");
    CHECK(clash.error().message.find("public_service is true") != std::string::npos);
    auto unknown = parsed({{"purpose", "advert"}});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().field == "purpose");
    CHECK(unknown.error().message.find("public_service, notice or other") != std::string::npos);
    // The editor offers the three, none of them preset.
    const auto& common = common_slide_fields();
    auto f = std::find_if(common.begin(), common.end(),
                          [](const FieldSpec& x) { return x.name == "purpose"; });
    REQUIRE(f != common.end());
    CHECK(f->required);
    CHECK(f->default_value.empty());
    CHECK(f->choices.size() == 3);
    CHECK(std::none_of(common.begin(), common.end(),
                       [](const FieldSpec& x) { return x.name == "public_service"; }));
}

TEST_CASE("a video slide names its film, how it plays and whether it sounds", "[protocol][slide]") {
    const std::string film(64, 'f');
    auto s = parse_slide(json{{"type", "video"},
                              {"title", "文明交通公益短片"},
                              {"media", film},
                              {"purpose", "public_service"},
                              {"caption", "礼让斑马线"}});
    REQUIRE(s);
    CHECK(s->type == SlideType::video);
    CHECK(s->media == film);
    CHECK(s->play == VideoPlay::to_end);  // the default: the slide lasts the film
    CHECK_FALSE(s->audio);                // sound is off unless asked for
    CHECK(s->fit == Fit::contain);
    CHECK(s->in_rotation());
    CHECK(s->media_refs() == std::vector<std::string>{film});
    CHECK(s->text_fields() == std::vector<std::pair<std::string, std::string>>{
                                  {"title", "文明交通公益短片"}, {"caption", "礼让斑马线"}});
    const json j = to_json(*s);
    CHECK(j.at("play") == "to_end");
    CHECK(j.at("audio") == false);
    CHECK(j.at("fit") == "contain");

    auto loop = parse_slide(json{{"type", "video"},
                                 {"media", film},
                                 {"play", "loop"},
                                 {"audio", true},
                                 {"fit", "cover"},
                                 {"duration_s", 45}});
    REQUIRE(loop);
    CHECK(loop->play == VideoPlay::loop);
    CHECK(loop->audio);
    CHECK(loop->fit == Fit::cover);
    CHECK(loop->duration_s == 45);
    auto again = parse_slide(to_json(*loop));
    REQUIRE(again);
    CHECK(to_json(*again) == to_json(*loop));

    // Refusals name the field.
    auto no_film = parse_slide(json{{"type", "video"}});
    REQUIRE_FALSE(no_film);
    CHECK(no_film.error().field == "media");
    CHECK(no_film.error().message.find("a video slide") != std::string::npos);
    auto bad_play = parse_slide(json{{"type", "video"}, {"media", film}, {"play", "twice"}});
    REQUIRE_FALSE(bad_play);
    CHECK(bad_play.error().field == "play");
    CHECK(bad_play.error().message == "must be to_end or loop, not \"twice\"");
    auto bad_audio = parse_slide(json{{"type", "video"}, {"media", film}, {"audio", "yes"}});
    REQUIRE_FALSE(bad_audio);
    CHECK(bad_audio.error().field == "audio");
    auto bad_fit = parse_slide(json{{"type", "image"}, {"media", film}, {"fit", "stretch"}});
    REQUIRE_FALSE(bad_fit);
    CHECK(bad_fit.error().message == "must be contain or cover, not \"stretch\"");

    // Its film is a field of its own kind, so the editor offers films.
    const auto& media = slide_type(SlideType::video).fields.at(0);
    CHECK(media.name == "media");
    CHECK(media.kind == FieldKind::video);
    CHECK(to_string(FieldKind::video) == "video");
}
