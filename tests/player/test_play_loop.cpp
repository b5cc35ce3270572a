// The play loop with the schedule engine: what a resident sees when a group
// has a power-off window, when an emergency notice arrives and when it is
// cancelled. Real SDL offscreen display, real snapshots.
#include <catch2/catch.hpp>

#include <SDL_image.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "app/player.hpp"
#include "common/time_zone.hpp"
#include "core/cache.hpp"
#include "protocol/manifest.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "support/temp_dir.hpp"

using namespace signage;
using namespace std::chrono_literals;

namespace {

struct Loop {
    test::TempDir dir{"signage-loop-test"};
    std::unique_ptr<render::Display> display;
    std::unique_ptr<player::Cache> cache;
    std::unique_ptr<app::Player> player;
    std::filesystem::path snapshot = dir / "snap.png";

    Loop() {
        static auto rt = render::SdlRuntime::init(false);
        REQUIRE(rt.ok());
        auto c = player::Cache::open(dir / "cache");
        REQUIRE(c.ok());
        cache = std::move(*c);
        auto d = render::make_offscreen_display({480, 270});
        REQUIRE(d.ok());
        display = std::move(*d);
        player =
            std::make_unique<app::Player>(*display, render::FontSet::defaults(), *cache, snapshot);
        player->start();
    }

    // Runs the loop while `script` delivers manifests and looks at the
    // screen; quits when `script` returns. The script runs on another thread,
    // where Catch's assertions are not safe: it records what it saw, and the
    // test asserts once run() has returned.
    void run(const std::function<void()>& script) {
        std::thread t([&] {
            script();
            player->post_quit();
        });
        CHECK(player->run() == 0);
        t.join();
    }

    // Delivers `m` and collects the distinct snapshots written over `span`.
    std::set<std::string> distinct_snapshots(const protocol::Manifest& m,
                                             std::chrono::milliseconds span) {
        std::set<std::string> seen;
        run([&] {
            player->deliver_manifest(m);
            const auto until = std::chrono::steady_clock::now() + span;
            while (std::chrono::steady_clock::now() < until) {
                try {
                    seen.insert(test::read_text_file(snapshot));
                } catch (...) {
                    // not written yet
                }
                std::this_thread::sleep_for(50ms);
            }
        });
        return seen;
    }

    // The snapshot's share of pixels of exactly this colour; -1 when there
    // is no snapshot (yet).
    double snapshot_share(std::uint8_t r, std::uint8_t g, std::uint8_t b) const {
        render::SurfacePtr png(IMG_Load(snapshot.c_str()));
        if (!png) return -1;
        render::SurfacePtr rgba(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
        if (!rgba) return -1;
        std::size_t hits = 0;
        const auto* px = static_cast<const std::uint8_t*>(rgba->pixels);
        for (int y = 0; y < rgba->h; ++y) {
            for (int x = 0; x < rgba->w; ++x) {
                const auto* p = px + y * rgba->pitch + x * 4;
                if (p[0] == r && p[1] == g && p[2] == b) ++hits;
            }
        }
        return static_cast<double>(hits) / (rgba->w * rgba->h);
    }
    // The snapshot's share of pixels that are pure black.
    double black_share() const { return snapshot_share(0, 0, 0); }

    // From the script's thread: `measure` applied to the frame on screen now,
    // read by the loop's own thread (Player::request_frame); nullopt when the
    // loop does not hand it over within 10 s or cannot read it.
    std::optional<double> measure_frame(std::function<double(const SDL_Surface&)> measure) {
        auto result = std::make_shared<std::promise<double>>();
        auto answer = result->get_future();
        player->request_frame([result, measure](signage::Result<render::SurfacePtr> frame) {
            result->set_value(frame && *frame ? measure(**frame) : -1);
        });
        if (answer.wait_for(10s) != std::future_status::ready) return std::nullopt;
        try {
            return answer.get();
        } catch (const std::future_error&) {  // dropped: the frame could not be read
            return std::nullopt;
        }
    }
};

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return pred();
}

protocol::Slide text_slide(const std::string& id, const std::string& title) {
    protocol::Slide s;
    s.id = id;
    s.type = protocol::SlideType::text;
    s.title = title;
    s.body = "垃圾分类，从我做起。";
    s.public_service = true;
    s.duration_s = 60;
    return s;
}

protocol::Manifest manifest(const std::string& version, std::vector<protocol::Slide> items) {
    protocol::Manifest m;
    m.version = version;
    m.items = std::move(items);
    return m;
}

}  // namespace

TEST_CASE("play loop: the screen goes dark in its power-off window and wakes after",
          "[player][loop]") {
    Loop loop;
    // A window around the current local time.
    const auto tz = signage::TimeZone::named("Asia/Shanghai");
    REQUIRE(tz.ok());
    const int minute =
        tz->local(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))
            .minute_of_day;
    auto night = manifest("night", {text_slide("a", "夜间关屏")});
    night.settings.power_off = {{(minute + 1440 - 1) % 1440, (minute + 60) % 1440}};
    auto day = manifest("day", {text_slide("a", "夜间关屏")});

    bool lit_before = false, dark = false, lit_after = false;
    loop.run([&] {
        lit_before = eventually([&] {
            const double b = loop.black_share();
            return b >= 0 && b < 0.5;
        });
        loop.player->deliver_manifest(night);
        dark = eventually([&] { return loop.black_share() > 0.999; });
        loop.player->deliver_manifest(day);
        lit_after = eventually([&] {
            const double b = loop.black_share();
            return b >= 0 && b < 0.5;
        });
    });
    CHECK(lit_before);
    CHECK(dark);
    CHECK(lit_after);
}

TEST_CASE("play loop: an emergency notice takes the screen at once and leaves when cancelled",
          "[player][loop]") {
    Loop loop;
    protocol::Slide alert;
    alert.id = "storm";
    alert.type = protocol::SlideType::emergency;
    alert.title = "暴雨红色预警";
    alert.body = "请立即停止户外活动，远离河道。";
    alert.valid_until = protocol::format_iso8601(
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 1h);

    const auto normal = manifest("v1", {text_slide("a", "文明出行")});
    auto with_alert = normal;
    with_alert.version = "v2";
    with_alert.items.push_back(alert);
    auto cancelled = normal;
    cancelled.version = "v3";

    // Measured on the loop's thread and asserted after it: "at once" is
    // within a second of the manifest's arrival, each way.
    bool normal_up = false, saw_alert = false, saw_back = false;
    std::chrono::milliseconds to_alert{-1}, to_back{-1};
    const auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - t);
    };
    loop.run([&] {
        loop.player->deliver_manifest(normal);
        normal_up = eventually([&] { return loop.player->showing_id() == "a"; });
        if (!normal_up) return;
        auto sent = std::chrono::steady_clock::now();
        loop.player->deliver_manifest(with_alert);
        saw_alert = eventually([&] { return loop.player->showing_id() == "storm"; }, 5s);
        to_alert = since(sent);
        sent = std::chrono::steady_clock::now();
        loop.player->deliver_manifest(cancelled);
        saw_back = eventually([&] { return loop.player->showing_id() == "a"; }, 5s);
        to_back = since(sent);
    });
    INFO("the alert showed after " << to_alert.count() << " ms, the rotation came back after "
                                   << to_back.count() << " ms");
    REQUIRE(normal_up);
    CHECK(saw_alert);
    CHECK(saw_back);
    CHECK(to_alert < 1s);
    CHECK(to_back < 1s);
}

TEST_CASE("play loop: valid notices run on a ticker under the main zone", "[player][loop]") {
    const auto bottom_red_share = [](const SDL_Surface& f) {
        std::size_t red = 0, n = 0;
        const auto* px = static_cast<const std::uint8_t*>(f.pixels);
        for (int y = f.h - f.h / 30; y < f.h; ++y) {
            for (int x = 0; x < f.w; ++x, ++n) {
                const auto* p = px + y * f.pitch + x * 4;  // RGBA32
                if (p[0] > 120 && p[1] < 60 && p[2] < 70) ++red;
            }
        }
        return static_cast<double>(red) / static_cast<double>(n);
    };
    auto slide = text_slide("a", "文明出行");
    slide.background.color = protocol::Color{0xF5, 0xF5, 0xF5, 255};
    protocol::Slide notice;
    notice.id = "n";
    notice.type = protocol::SlideType::notice;
    notice.body = "本周六上午8:00至12:00停水，请提前储水。";

    // The bottom strip once the slide is fully on screen: its snapshot (its
    // light background) is written when the crossfade is over, with the
    // ticker, if any, drawn.
    const auto bottom_once_shown = [&](const protocol::Manifest& m) {
        Loop loop;
        std::optional<double> share;
        loop.run([&] {
            loop.player->deliver_manifest(m);
            if (eventually([&] { return loop.snapshot_share(0xF5, 0xF5, 0xF5) > 0.3; })) {
                share = loop.measure_frame(bottom_red_share);
            }
        });
        return share;
    };
    const auto without = bottom_once_shown(manifest("plain", {slide}));
    const auto with = bottom_once_shown(manifest("notices", {slide, notice}));
    REQUIRE(without);
    REQUIRE(with);
    INFO("campaign-red share of the bottom strip: " << *without << " without notices, " << *with
                                                    << " with");
    CHECK(*without < 0.05);
    CHECK(*with > 0.3);
}

TEST_CASE("play loop: an honour roll pages through its entries", "[player][loop]") {
    Loop loop;
    protocol::Slide roll;
    roll.id = "roll";
    roll.type = protocol::SlideType::honor_roll;
    roll.title = "身边好人榜";
    roll.public_service = true;
    roll.duration_s = 1;  // a second a page
    const char* names[] = {"王秀英", "李建国", "张桂兰", "陈志强", "刘淑珍",
                           "孙丽娟", "黄晓燕", "林国栋", "赵德明"};
    for (const char* name : names) {
        protocol::HonorEntry e;
        e.name = name;
        e.category = "助人为乐";
        roll.entries.push_back(e);
    }
    const auto seen = loop.distinct_snapshots(manifest("roll", {roll}), 4s);
    // The built-in slide at start, then three different pages.
    CHECK(seen.size() >= 4);
}

TEST_CASE("play loop: a long text pages through all of its pages", "[player][loop]") {
    Loop loop;
    auto notice = text_slide("long", "社区环境综合整治告居民书");
    notice.body.clear();
    for (int i = 1; i <= 12; ++i) {
        if (i > 1) notice.body += "\n\n";
        notice.body += "第" + std::to_string(i) +
                       "条：请大家自觉清理楼道堆放的杂物，不在公共区域私拉电线，"
                       "不高空抛物，文明饲养宠物，共同维护我们的美好家园。";
    }
    notice.duration_s = 1;  // a second a page
    const auto seen = loop.distinct_snapshots(manifest("long", {notice}), 4s);
    // The built-in slide at start, then at least three pages of the text.
    CHECK(seen.size() >= 4);
}

TEST_CASE("play loop: the quiz invitation joins the rotation only with an enabled, non-empty bank",
          "[player][loop][quiz]") {
    auto quick = [](const std::string& id) {
        protocol::Slide s = text_slide(id, id);
        s.duration_s = 1;
        return s;
    };
    protocol::Question q;
    q.id = "1";
    q.type = protocol::QuestionType::judge;
    q.question = "过马路要走人行横道。";
    q.options = {"对", "错"};
    q.answers = {0};
    struct Case {
        const char* what;
        bool enabled;
        bool with_bank;
        bool invited;
    };
    for (const Case& c : {Case{"enabled, with a bank", true, true, true},
                          Case{"disabled, with a bank", false, true, false},
                          Case{"enabled, with an empty bank", true, false, false}}) {
        INFO(c.what);
        Loop loop;
        protocol::Manifest m = manifest("q", {quick("a"), quick("b")});
        if (c.with_bank) m.quiz = {q};
        m.settings.quiz.enabled = c.enabled;
        std::set<std::string> shown;
        // Seven 1 s items: the invitation comes every kInviteEvery of them.
        loop.run([&] {
            loop.player->deliver_manifest(m);
            const auto until = std::chrono::steady_clock::now() + 7s;
            while (std::chrono::steady_clock::now() < until) {
                shown.insert(loop.player->showing_id());
                std::this_thread::sleep_for(20ms);
            }
        });
        CHECK(shown.count("a") == 1);
        CHECK(shown.count("b") == 1);
        CHECK(shown.count("quiz-invitation") == (c.invited ? 1U : 0U));
    }
}

TEST_CASE("play loop: a publish plays out the item on screen and shows what it brings next",
          "[player][loop]") {
    Loop loop;
    auto a = text_slide("a", "文明出行");
    a.duration_s = 4;
    auto b = text_slide("b", "礼让行人");
    auto c = text_slide("c", "新发布的内容");
    c.background.color = protocol::Color{0x1d, 0x3f, 0x8f};
    const auto v1 = manifest("v1", {a, b});
    const auto v2 = manifest("v2", {a, b, c});

    bool up = false, kept = false, same_end = false, saw_c = false;
    std::string after_a;
    std::chrono::milliseconds remaining{-1}, visible{-1};
    loop.run([&] {
        loop.player->deliver_manifest(v1);
        up = eventually([&] { return loop.player->showing_id() == "a"; });
        if (!up) return;
        std::this_thread::sleep_for(1s);  // into "a"
        const auto end = loop.player->next_switch();
        if (!end) return;
        const auto sent = std::chrono::system_clock::now();
        remaining = std::chrono::duration_cast<std::chrono::milliseconds>(*end - sent);
        loop.player->deliver_manifest(v2);
        std::this_thread::sleep_for(500ms);
        kept = loop.player->showing_id() == "a";
        same_end = loop.player->next_switch() == end;
        saw_c = eventually([&] { return loop.snapshot_share(0x1d, 0x3f, 0x8f) > 0.3; }, 10s);
        visible = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now() - sent);
        after_a = loop.player->showing_id();
    });
    INFO("\"a\" had " << remaining.count() << " ms left at the publish; the new slide was fully"
                      << " on screen after " << visible.count() << " ms");
    REQUIRE(up);
    CHECK(kept);      // the publish did not cut the item on screen
    CHECK(same_end);  // nor shorten it
    REQUIRE(saw_c);
    CHECK(after_a == "c");  // what the publish brought came next, before "b"
    CHECK(visible <= remaining + 1s);
    CHECK(visible >= remaining);
}
