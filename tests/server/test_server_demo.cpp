// The demo content set as shipped (assets/demo), seeded by --demo into the
// real server and read back as the demo screen gets it.
//
// The demo content carries real dates: its honour roll and red/black list
// run until 2027 (see assets/demo/content.json). Refresh them, as a real
// office would every quarter, when they end.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "server_test_helpers.hpp"

#ifndef SIGNAGE_DEMO_ASSETS
#error "SIGNAGE_DEMO_ASSETS must name the project's assets directory"
#endif

using namespace signage::test;
using nlohmann::json;
namespace protocol = signage::protocol;

namespace {

bool is_png_or_jpeg(const std::string& bytes) {
    return bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0 || bytes.rfind("\xff\xd8\xff", 0) == 0;
}

ServerOptions demo_options() {
    ServerOptions options;
    options.demo = true;
    options.assets = SIGNAGE_DEMO_ASSETS;
    return options;
}

// The demo screen's device token, as --demo wrote it.
std::string demo_device_token(const ServerFixture& server) {
    std::string device = read_text_file(server.data_dir() / "demo-screen.token");
    while (!device.empty() && device.back() == '\n') device.pop_back();
    return device;
}

}  // namespace

TEST_CASE("server: the demo set is a campaign the demo screen plays with its public share",
          "[server][demo]") {
    ServerFixture server(demo_options());
    auto screen = server.client(demo_device_token(server));

    auto res = screen.get("/api/v1/player/manifest");
    REQUIRE(res.status == 200);
    auto parsed = protocol::parse_manifest_text(res.body);
    INFO(res.body.substr(0, 2000));
    REQUIRE(parsed.ok());
    const protocol::Manifest& m = *parsed;
    CHECK(m.group == "demo");

    // The group's settings.
    CHECK(m.settings.unit_name == "幸福里社区");
    CHECK(m.settings.slogan == "创建全国文明城市 共建美好家园");
    CHECK(m.settings.min_public_share == Approx(0.3));
    CHECK(m.settings.timezone == "Asia/Shanghai");

    // Core values first, then every kind of content.
    REQUIRE_FALSE(m.items.empty());
    CHECK(m.items[0].type == protocol::SlideType::core_values);
    std::map<protocol::SlideType, int> types;
    for (const auto& item : m.items) ++types[item.type];
    for (auto type :
         {protocol::SlideType::text, protocol::SlideType::image, protocol::SlideType::honor_roll,
          protocol::SlideType::red_black, protocol::SlideType::notice}) {
        INFO(protocol::to_string(type));
        CHECK(types[type] >= 1);
    }
    CHECK(types[protocol::SlideType::notice] >= 2);
    CHECK(std::any_of(m.items.begin(), m.items.end(), [](const protocol::Slide& s) {
        return s.type == protocol::SlideType::text && s.qr && !s.qr->text.empty();
    }));

    // Public-service ads in at least five categories, as text and as images;
    // government notices and service information besides.
    std::set<std::string> categories;
    std::set<protocol::SlideType> ad_types;
    int service_items = 0;
    for (const auto& item : m.items) {
        if (!item.in_rotation()) continue;
        if (item.public_service) {
            CHECK_FALSE(item.category.empty());
            if (item.type == protocol::SlideType::text || item.type == protocol::SlideType::image) {
                categories.insert(item.category);
                ad_types.insert(item.type);
            }
        } else {
            ++service_items;
        }
    }
    INFO("ad categories: " << categories.size());
    CHECK(categories.size() >= 5);
    CHECK(ad_types.size() == 2);
    CHECK(service_items >= 2);

    // Public service has at least the group's share of a loop's airtime.
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const std::chrono::seconds local = std::chrono::hours(8);
    long total = 0, public_service = 0;
    for (const auto& item : m.items) {
        if (!item.in_rotation()) continue;
        total += item.airtime_s(now, local);
        if (item.public_service) public_service += item.airtime_s(now, local);
    }
    REQUIRE(total > 0);
    const double share = static_cast<double>(public_service) / static_cast<double>(total);
    INFO("public service " << public_service << " s of " << total << " s");
    CHECK(share >= 0.3);
    CHECK(share >= m.settings.min_public_share);

    // The honour roll: a dozen or more people, each with a portrait and a
    // deed of 100 to 250 characters.
    const std::set<std::string> honour_categories = {"助人为乐", "见义勇为", "诚实守信", "敬业奉献",
                                                     "孝老爱亲"};
    const auto roll = std::find_if(m.items.begin(), m.items.end(), [](const protocol::Slide& s) {
        return s.type == protocol::SlideType::honor_roll;
    });
    REQUIRE(roll != m.items.end());
    CHECK(roll->entries.size() >= 12);
    std::set<std::string> photos, roll_categories;
    for (const auto& e : roll->entries) {
        INFO(e.name);
        CHECK(honour_categories.count(e.category) == 1);
        roll_categories.insert(e.category);
        CHECK_FALSE(e.level.empty());
        CHECK_FALSE(e.unit.empty());
        CHECK_FALSE(e.period.empty());
        const std::size_t deed = protocol::utf8_length(e.deed);
        CHECK(deed >= 100);
        CHECK(deed <= 250);
        REQUIRE(m.find_media(e.photo) != nullptr);
        photos.insert(e.photo);
    }
    CHECK(roll_categories.size() == honour_categories.size());
    CHECK(photos.size() == roll->entries.size());  // a face of one's own

    // The red/black list: people, a firm and a plate, each with an end.
    const auto list = std::find_if(m.items.begin(), m.items.end(), [](const protocol::Slide& s) {
        return s.type == protocol::SlideType::red_black;
    });
    REQUIRE(list != m.items.end());
    CHECK(list->mask_names);
    CHECK_FALSE(list->red.empty());
    CHECK_FALSE(list->black.empty());
    std::set<protocol::ListEntry::Kind> black_kinds;
    bool plate = false;
    for (const auto* entries : {&list->red, &list->black}) {
        for (const auto& e : *entries) {
            INFO(e.name);
            CHECK_FALSE(e.valid_until.empty());
            CHECK_FALSE(e.reason.empty());
            CHECK_FALSE(e.decided_by.empty());
        }
    }
    for (const auto& e : list->black) {
        black_kinds.insert(e.kind);
        plate = plate || !e.plate.empty();
    }
    CHECK(black_kinds.count(protocol::ListEntry::Kind::person) == 1);
    CHECK(black_kinds.count(protocol::ListEntry::Kind::firm) == 1);
    CHECK(plate);

    // Every file the screen needs is served, and the set is small: pictures,
    // and the campaign's films (1080p H.264, 15 to 30 s).
    std::int64_t bytes = 0;
    int films = 0;
    for (const auto& ref : m.media) {
        auto file = server.client().get("/media/" + ref.sha256);
        REQUIRE(file.status == 200);
        if (ref.video) {
            ++films;
            CHECK(ref.content_type == "video/mp4");
            CHECK(ref.video->codec == "h264");
            CHECK(ref.video->width == 1920);
            CHECK(ref.video->height == 1080);
            CHECK(ref.video->duration_ms >= 15000);
            CHECK(ref.video->duration_ms <= 30000);
            CHECK(file.body.size() == static_cast<std::size_t>(ref.size));
        } else {
            CHECK(is_png_or_jpeg(file.body));
        }
        bytes += ref.size;
    }
    CHECK(films >= 2);
    CHECK(bytes < 6 * 1024 * 1024);
    // One film in the public-service share, played to its end (its item as
    // long as the film); one that loops.
    CHECK(std::any_of(m.items.begin(), m.items.end(), [](const protocol::Slide& s) {
        return s.type == protocol::SlideType::video && s.public_service &&
               s.play == protocol::VideoPlay::to_end && s.duration_s == 20;
    }));
    CHECK(std::any_of(m.items.begin(), m.items.end(), [](const protocol::Slide& s) {
        return s.type == protocol::SlideType::video && s.play == protocol::VideoPlay::loop;
    }));

    // Another group has its own settings and its own extra notice.
    const std::string admin = server.login("admin", "demo-admin");
    auto groups = server.client(admin).get("/api/v1/groups").json().at("groups");
    CHECK(groups.size() >= 2);
    auto slides = server.client(admin).get("/api/v1/slides").json().at("slides");
    for (const auto& s : slides) CHECK(s.at("status") == "published");
    CHECK(std::any_of(slides.begin(), slides.end(), [](const json& s) {
        return s.contains("groups") && !s.at("groups").empty();
    }));
}

TEST_CASE("server: the demo screen gets an approved quiz bank and can make prize codes",
          "[server][demo][quiz]") {
    ServerFixture server(demo_options());
    auto screen = server.client(demo_device_token(server));
    const protocol::Manifest m = fetch_manifest(screen);
    REQUIRE(m.quiz.size() >= 20);
    std::set<std::string> categories;
    for (const auto& q : m.quiz) {
        CHECK_FALSE(q.id.empty());
        categories.insert(q.category);
    }
    CHECK(categories.size() >= 4);
    const bool has_sample = std::any_of(m.quiz.begin(), m.quiz.end(), [](const auto& q) {
        return q.question == "学雷锋纪念日是每年的哪一天？" && q.answers == std::vector<int>{1};
    });
    CHECK(has_sample);
    CHECK(m.settings.quiz.enabled);

    auto staff = server.client(server.login("reviewer", "demo-reviewer"));
    auto bank = staff.get("/api/v1/quiz/questions").json().at("questions");
    CHECK(bank.size() == m.quiz.size());
    for (const auto& q : bank) CHECK(q.at("status") == "published");
}

TEST_CASE("server: the demo city's communities show what their units send them",
          "[server][demo][units]") {
    ServerFixture server(demo_options());
    HttpClient admin = server.client(server.login("admin", "demo-admin"));
    const json tree = admin.get("/api/v1/units").json();
    std::map<std::string, std::int64_t> unit;
    for (const auto& u : tree.at("units")) {
        unit[u.at("name").get<std::string>()] = u.at("id").get<std::int64_t>();
    }
    CHECK(unit.size() == 6);
    CHECK(unit.at("文明市") == 1);
    for (const char* name : {"东湖区", "西山区", "幸福里社区", "春晖社区", "青石社区"}) {
        CHECK(unit.count(name) == 1);
    }

    // Each community's screens: the city's items, their district's, their own.
    const auto titles = [&](const std::string& group) {
        const json m = admin.get("/api/v1/groups/" + group + "/manifest").json();
        std::set<std::string> out;
        for (const auto& item : m.at("items")) out.insert(item.value("title", ""));
        return out;
    };
    const auto demo = titles("demo");
    const auto chunhui = titles("chunhui");
    const auto qingshi = titles("qingshi");
    CHECK(demo.count("社会主义核心价值观") == 1);
    CHECK(chunhui.count("社会主义核心价值观") == 1);
    CHECK(qingshi.count("社会主义核心价值观") == 1);
    CHECK(demo.count("东湖区：文明养犬宣传月") == 1);
    CHECK(chunhui.count("东湖区：文明养犬宣传月") == 1);
    CHECK(qingshi.count("东湖区：文明养犬宣传月") == 0);
    CHECK(qingshi.count("西山区：共建文明交通") == 1);
    CHECK(chunhui.count("春晖社区：周六义诊活动") == 1);
    CHECK(demo.count("春晖社区：周六义诊活动") == 0);
    CHECK(demo.count("幸福里社区身边好人榜") == 1);
    CHECK(chunhui.count("幸福里社区身边好人榜") == 0);
    // 西山区's floor holds in its community.
    CHECK(
        admin.get("/api/v1/groups/qingshi/manifest").json().at("settings").at("min_public_share") ==
        0.35);

    // The community editor sees the community's own items and those sent
    // down, and nothing of 春晖 or 西山.
    HttpClient community = server.client(server.login("xingfuli", "demo-xingfuli"));
    const json list = community.get("/api/v1/slides").json();
    std::set<std::string> seen;
    for (const auto& s : list.at("slides")) {
        seen.insert(s.at("title").get<std::string>());
        const std::string origin = s.at("origin").get<std::string>();
        CHECK((origin == "own" || origin == "above"));
    }
    CHECK(seen.count("幸福里社区身边好人榜") == 1);
    CHECK(seen.count("东湖区：文明养犬宣传月") == 1);
    CHECK(seen.count("春晖社区：周六义诊活动") == 0);
    CHECK(seen.count("西山区：共建文明交通") == 0);
    CHECK(community.get("/api/v1/groups/chunhui").status == 404);
}
