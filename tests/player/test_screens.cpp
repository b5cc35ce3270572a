// Every slide type and the full screen, looked at through real pixels:
// golden images in both orientations, and region checks that a golden image
// cannot fake: masking, expiry, paging, QR decoding, the ticker's motion, the
// core-values reveal, missing glyphs.
//
// Golden images live in tests/player/golden/. Rendering is deterministic, so
// the comparison is tight (GoldenBudget in render_test_kit.hpp): a few
// pixels in the whole frame, and none inside any element the renderer
// reports (titles, badges, labels, the QR card, the header's unit name and
// clock, the ticker), so a missing, moved or recoloured element fails and
// is named. After a deliberate change of the design, regenerate them with
//     SIGNAGE_UPDATE_GOLDEN=1 ctest --preset default -R golden
// That run writes the goldens that changed and fails on purpose; look at
// every written PNG, then run again without the variable before committing.
// A failing comparison writes the actual frame and a diff image (differing
// pixels in magenta) to <build>/tests/player/golden-out/ and prints their
// paths.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/random.hpp"
#include "core/schedule.hpp"
#include "protocol/claim.hpp"
#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/png.hpp"
#include "render/quiz_screens.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"
#include "render_test_kit.hpp"

namespace fs = std::filesystem;
using namespace signage;
using namespace signage::render;
using namespace signage::render::testkit;

namespace {

const protocol::Timestamp kNow = *protocol::parse_iso8601("2026-11-23T08:30:00+08:00");

RenderOptions at_now(int page = 0) {
    RenderOptions o;
    o.page = page;
    o.now = kNow;
    return o;
}

// A portrait "photo": a soft gradient with a head-and-shoulders silhouette.
fs::path make_photo(const fs::path& dir, const std::string& name, SDL_Color top, SDL_Color bottom) {
    SurfacePtr s = make_rgba_surface(300, 400);
    REQUIRE(s);
    SDL_LockSurface(s.get());
    for (int y = 0; y < 400; ++y) {
        auto* row = static_cast<Uint32*>(s->pixels) + y * (s->pitch / 4);
        for (int x = 0; x < 300; ++x) {
            const double t = y / 399.0;
            auto c = SDL_Color{static_cast<Uint8>(top.r + (bottom.r - top.r) * t),
                               static_cast<Uint8>(top.g + (bottom.g - top.g) * t),
                               static_cast<Uint8>(top.b + (bottom.b - top.b) * t), 255};
            const double hx = x - 150.0, hy = y - 150.0;
            const double sx = (x - 150.0) / 115.0, sy = (y - 400.0) / 110.0;
            if (hx * hx + hy * hy < 70.0 * 70.0) c = SDL_Color{0x3B, 0x2A, 0x20, 255};
            if (sx * sx + sy * sy < 1.0) c = SDL_Color{0x2D, 0x4A, 0x6B, 255};
            row[x] = SDL_MapRGBA(s->format, c.r, c.g, c.b, c.a);
        }
    }
    SDL_UnlockSurface(s.get());
    const fs::path p = dir / name;
    REQUIRE(save_png_atomic(*s, p).ok());
    return p;
}

// A landscape poster for image slides: sky, ground and a sun.
fs::path make_poster(const fs::path& dir) {
    SurfacePtr s = make_rgba_surface(800, 450);
    REQUIRE(s);
    const SDL_Rect sky{0, 0, 800, 300}, ground{0, 300, 800, 150}, sun{560, 70, 110, 110};
    SDL_FillRect(s.get(), &sky, SDL_MapRGBA(s->format, 0x7F, 0xB8, 0xE8, 255));
    SDL_FillRect(s.get(), &ground, SDL_MapRGBA(s->format, 0x4C, 0x9A, 0x4F, 255));
    SDL_FillRect(s.get(), &sun, SDL_MapRGBA(s->format, 0xFF, 0xC8, 0x3A, 255));
    const fs::path p = dir / "poster.png";
    REQUIRE(save_png_atomic(*s, p).ok());
    return p;
}

// ---------------------------------------------------------------- slides

protocol::Slide text_slide() {
    protocol::Slide s;
    s.type = protocol::SlideType::text;
    s.title = "文明出行 礼让斑马线";
    s.body =
        "机动车行经人行横道时应当减速行驶，遇行人正在通过人行横道，应当停车让行。\n\n"
        "过马路请走人行横道，“一慢二看三通过”，不闯红灯、不跨越护栏。";
    s.category = "文明交通";
    s.public_service = true;
    return s;
}

protocol::Slide image_slide(const fs::path& poster, protocol::Fit fit) {
    protocol::Slide s;
    s.type = protocol::SlideType::image;
    s.media = poster.string();
    s.fit = fit;
    s.caption = "绿水青山就是金山银山";
    return s;
}

protocol::Slide core_values_slide() {
    protocol::Slide s;
    s.type = protocol::SlideType::core_values;
    return s;
}

protocol::Slide honor_slide(const fs::path& dir) {
    const fs::path a = make_photo(dir, "a.png", {0xDC, 0xE8, 0xF4, 255}, {0x5B, 0x8D, 0xB8, 255});
    const fs::path b = make_photo(dir, "b.png", {0xF4, 0xE2, 0xDC, 255}, {0xB8, 0x6B, 0x5B, 255});
    const fs::path c = make_photo(dir, "c.png", {0xE2, 0xF4, 0xDC, 255}, {0x6B, 0xB8, 0x5B, 255});
    protocol::Slide s;
    s.type = protocol::SlideType::honor_roll;
    s.title = "身边好人光荣榜";
    const auto entry = [](std::string name, std::string photo, std::string category,
                          std::string level, std::string deed) {
        protocol::HonorEntry e;
        e.name = std::move(name);
        e.photo = std::move(photo);
        e.category = std::move(category);
        e.level = std::move(level);
        e.unit = "幸福社区";
        e.period = "2026年第三季度";
        e.deed = std::move(deed);
        return e;
    };
    s.entries = {
        entry(
            "张小明", a.string(), "助人为乐", "市级",
            "退休教师张小明十年如一日为社区留守儿童义务辅导功课，自费购买图书两千余册，建起“四点半"
            "课堂”，累计服务学生三百余人次。"),
        entry("李秀兰", b.string(), "孝老爱亲", "区级",
              "照顾瘫痪婆婆二十三年，悉心护理从无怨言，邻里称赞她是“最美儿媳”。"),
        entry("欧阳振华", "", "见义勇为", "省级",
              "8月12日傍晚在滨河公园发现一名儿童落水，毫不犹豫跳入河中将孩子救起，随后悄然离开。"),
        entry("王建国", c.string(), "敬业奉献", "市级", "扎根环卫一线三十年，负责的路段常年整洁。"),
        entry("陈静", (dir / "absent.png").string(), "诚实守信", "镇级",
              "拾到装有五万元现金的提包，冒雨等候失主三个多小时，原物奉还。"),
    };
    return s;
}

protocol::ListEntry list_entry(std::string name, protocol::ListEntry::Kind kind, std::string reason,
                               std::string decided_by, std::string until, std::string plate = {}) {
    protocol::ListEntry e;
    e.name = std::move(name);
    e.kind = kind;
    e.reason = std::move(reason);
    e.decided_by = std::move(decided_by);
    e.valid_until = std::move(until);
    e.plate = std::move(plate);
    return e;
}

protocol::Slide red_black_slide() {
    using K = protocol::ListEntry::Kind;
    protocol::Slide s;
    s.type = protocol::SlideType::red_black;
    s.title = "文明行为红黑榜";
    s.red = {
        list_entry("张小明", K::person, "连续三年义务清扫小区楼道", "幸福社区居委会", "2027-06-30"),
        list_entry("李家", K::household, "获评2026年度“最美家庭”", "区妇联", "2027-06-30"),
        list_entry("绿源物业有限公司", K::firm, "垃圾分类考核连续四个季度第一", "市城管局",
                   "2027-06-30"),
        list_entry("过期表扬", K::person, "已过公示期", "区文明办", "2026-10-31"),
    };
    s.black = {
        list_entry("王大力", K::person, "驾车在人行横道不礼让行人", "市公安局交警支队",
                   "2027-02-28", "苏B·12323"),
        list_entry("赵某某", K::person, "高空抛物，经劝导拒不改正", "和平街道办事处", "2027-02-28"),
        list_entry("诚信建材商行", K::firm, "拒不履行法院生效判决", "市中级人民法院", "2027-12-31"),
        list_entry("孙过期", K::person, "公示期已满", "区文明办", "2026-11-22"),
    };
    return s;
}

protocol::Slide emergency_slide() {
    protocol::Slide s;
    s.type = protocol::SlideType::emergency;
    s.title = "暴雨红色预警";
    s.body =
        "预计未来3小时内我市将出现特大暴雨，请居民减少外出，远离河道、低洼地带和地下空间；车辆请勿"
        "涉水通行。如遇险情请拨打110、119求助。";
    s.category = "市应急管理局";
    s.valid_until = "2026-11-23T18:00:00+08:00";
    return s;
}

protocol::Slide notice_slide() {
    protocol::Slide s;
    s.type = protocol::SlideType::notice;
    s.title = "停水通知";
    s.body = "因管网维修，11月25日8:00—18:00幸福社区1—12栋停水，请提前储水。";
    return s;
}

const char* const kQrText = "https://civic.example.cn/quiz?s=42";

protocol::Slide qr_slide() {
    protocol::Slide s = text_slide();
    s.title = "文明知识有奖问答";
    s.body = "扫描二维码参加“应知应会”有奖问答，答对十题即可到社区服务中心领取礼品一份。";
    s.qr = protocol::QrCode{kQrText, "扫码答题领奖"};
    return s;
}

// ---------------------------------------------------------------- pixels

Shot render_slide(const protocol::Slide& slide, Size size, const RenderOptions& options) {
    return render_shot(slide, size, options);
}

// The full screen read back, and where its elements are: the header's
// (roles "header unit", "header time", ...), the ticker's ("ticker label",
// "ticker text") and the main zone's slide.
struct ScreenShot {
    SurfacePtr frame;
    std::vector<GoldenElement> elements;
};

// An offscreen display of `size`, with fonts and a slide renderer on it.
struct Offscreen {
    explicit Offscreen(Size size)
        : display(open(size)), d(*display), renderer(d.renderer(), fonts, path_resolver()) {}
    static std::unique_ptr<Display> open(Size size) {
        auto display = make_offscreen_display(size);
        REQUIRE(display.ok());
        return std::move(*display);
    }
    std::unique_ptr<Display> display;
    Display& d;
    FontCache fonts{FontSet::defaults()};
    SlideRenderer renderer;
};

// A 1920x1080 screen with a ticker in its place, started at t0.
struct TickerScreen {
    explicit TickerScreen(const std::vector<std::string>& texts) {
        REQUIRE(layout.has_ticker());
        ticker.set_texts(texts, t0);
        REQUIRE(ticker.set_rect(layout.ticker, layout.scale).ok());
    }
    // The screen with only the ticker drawn, scrolled `offset` px, on black.
    SurfacePtr frame(double offset) {
        SDL_SetRenderDrawColor(screen.d.renderer(), 0, 0, 0, 255);
        SDL_RenderClear(screen.d.renderer());
        REQUIRE(ticker.draw_at(offset).ok());
        screen.d.present();
        auto f = screen.d.read_frame();
        REQUIRE(f.ok());
        return std::move(*f);
    }
    Offscreen screen{Size{1920, 1080}};
    ScreenLayout layout = layout_screen(Size{1920, 1080}, true, true);
    Ticker ticker{screen.d.renderer(), screen.fonts};
    Ticker::Clock::time_point t0 = Ticker::Clock::time_point{} + std::chrono::hours{1};
};

// The full screen: header (fixed settings and time), main zone, ticker.
ScreenShot render_screen(const protocol::Slide& slide, Size size) {
    Offscreen screen(size);
    Display& d = screen.d;
    FontCache& fonts = screen.fonts;
    SlideRenderer& renderer = screen.renderer;
    const ScreenLayout layout = layout_screen(size, true, true);
    Compositor compositor(d);
    compositor.set_layout(layout);
    ScreenHeader header(d.renderer(), fonts);
    protocol::GroupSettings settings;
    settings.unit_name = "平江街道幸福社区";
    settings.slogan = "创建全国文明城市 共建美好幸福家园";
    header.set_settings(settings);
    REQUIRE(
        header.update(layout, ScreenHeader::WallClock::time_point{kNow.time_since_epoch()}).ok());
    compositor.set_header(&header);
    Ticker ticker(d.renderer(), fonts);
    const auto t0 = Compositor::Clock::time_point{} + std::chrono::hours{1};
    ticker.set_texts({"因管网维修，11月25日8:00—18:00停水，请提前储水。",
                      "文明养犬，出门牵绳，及时清理犬只粪便。"},
                     t0);
    REQUIRE(compositor.set_ticker(&ticker).ok());
    auto rendered = renderer.render(slide, layout.main_size(), at_now());
    REQUIRE(rendered.ok());
    ScreenShot shot;
    shot.elements = layout_elements(header.layout(), {layout.header.x, layout.header.y}, "header ");
    for (auto& e : layout_elements(rendered->layout, {layout.main.x, layout.main.y})) {
        shot.elements.push_back(std::move(e));
    }
    const SDL_Rect strip = ticker.rect(), clip = ticker.text_clip();
    shot.elements.push_back(GoldenElement{"ticker label", "ticker label “通知”",
                                          SDL_Rect{strip.x, strip.y, clip.x - strip.x, strip.h}});
    shot.elements.push_back(GoldenElement{"ticker text", "ticker text (2 s in)", clip});
    compositor.show(std::move(*rendered), t0);
    compositor.draw(t0 + std::chrono::seconds{2});  // reveal over; ticker 2 s in
    d.present();
    auto frame = d.read_frame();
    REQUIRE(frame.ok());
    shot.frame = std::move(*frame);
    return shot;
}

SurfacePtr load_rgba(const fs::path& p) {
    SurfacePtr png(IMG_Load(p.c_str()));
    if (!png) return nullptr;
    return SurfacePtr(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
}

// Compares `frame` with tests/player/golden/<name>.png under GoldenBudget:
// the whole frame, and each of `elements` on its own; every role of
// `must_show` must be among the elements (the renderer reported it). With
// SIGNAGE_UPDATE_GOLDEN=1 it writes the frame as the new golden instead
// (when a pixel differs) and fails all the same: a regenerating run is
// never a passing one.
void check_golden(const SDL_Surface& frame, const std::string& name,
                  const std::vector<GoldenElement>& elements,
                  const std::vector<std::string>& must_show) {
    const fs::path golden = fs::path(SIGNAGE_GOLDEN_DIR) / (name + ".png");
    for (const auto& role : must_show) {
        const bool shown = std::any_of(elements.begin(), elements.end(),
                                       [&](const GoldenElement& e) { return e.role == role; });
        if (!shown) FAIL_CHECK(golden.string() << ": no " << role << " in the frame's layout");
    }
    SurfacePtr expected = load_rgba(golden);
    const char* update = std::getenv("SIGNAGE_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        const bool unchanged =
            expected && compare_with_golden(frame, *expected, {}, GoldenBudget{0, 0, 0}).same();
        if (!unchanged) {
            SurfacePtr copy(SDL_DuplicateSurface(const_cast<SDL_Surface*>(&frame)));
            REQUIRE(save_png_atomic(*copy, golden).ok());
        }
        FAIL_CHECK(golden.string()
                   << (unchanged ? ": unchanged, not written" : ": WRITTEN as the new golden image")
                   << ". SIGNAGE_UPDATE_GOLDEN=1 always fails: look at each written PNG, then "
                      "run the tests again without it.");
        return;
    }
    if (!expected) {
        FAIL_CHECK(golden.string() << ": no such golden image (SIGNAGE_UPDATE_GOLDEN=1 writes it)");
        return;
    }
    SurfacePtr diff = make_rgba_surface(frame.w, frame.h);
    const GoldenVerdict verdict = compare_with_golden(frame, *expected, elements, {}, diff.get());
    if (verdict.same()) return;
    const fs::path out = fs::path(SIGNAGE_GOLDEN_OUT_DIR);
    SurfacePtr copy(SDL_DuplicateSurface(const_cast<SDL_Surface*>(&frame)));
    REQUIRE(save_png_atomic(*copy, out / (name + ".actual.png")).ok());
    REQUIRE(save_png_atomic(*diff, out / (name + ".diff.png")).ok());
    std::string failures;
    for (const auto& f : verdict.failures) failures += "\n  " + f;
    FAIL_CHECK(golden.string() << " differs from the frame:" << failures
                               << "\nactual: " << (out / (name + ".actual.png")).string()
                               << ", diff: " << (out / (name + ".diff.png")).string()
                               << " (regenerate with SIGNAGE_UPDATE_GOLDEN=1 only after a "
                                  "deliberate change)");
}

const TextBlock* find_block(const SlideLayout& layout, const std::string& role,
                            std::size_t nth = 0) {
    for (const auto& b : layout.blocks) {
        if (b.role == role && nth-- == 0) return &b;
    }
    return nullptr;
}

std::vector<std::string> block_lines(const SlideLayout& layout, const std::string& role) {
    std::vector<std::string> out;
    for (const auto& b : layout.blocks) {
        if (b.role != role) continue;
        for (const auto& l : b.lines) out.push_back(l.text);
    }
    return out;
}

// Each block of `role` as one string (its lines joined).
std::vector<std::string> block_texts(const SlideLayout& layout, const std::string& role) {
    std::vector<std::string> out;
    for (const auto& b : layout.blocks) {
        if (b.role != role) continue;
        std::string joined;
        for (const auto& l : b.lines) joined += l.text;
        out.push_back(joined);
    }
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

const Size kLandscape{960, 540};
const Size kPortrait{540, 960};

}  // namespace

TEST_CASE("player screens: every slide type matches its golden image in both orientations",
          "[player][screens][golden]") {
    SdlOnce sdl;
    TempDir dir;
    const fs::path poster = make_poster(dir.path);
    const protocol::Slide honor = honor_slide(dir.path);
    struct Case {
        std::string name;
        protocol::Slide slide;
        int page = 0;
        std::vector<std::string> must_show;  // roles of the elements a resident looks for
    };
    const std::vector<Case> cases = {
        {"text", text_slide(), 0, {"title", "body", "category", "mark"}},
        {"image_contain", image_slide(poster, protocol::Fit::contain), 0, {"image", "caption"}},
        {"image_cover", image_slide(poster, protocol::Fit::cover), 0, {"image", "caption"}},
        {"core_values", core_values_slide(), 0, {"title", "level", "level_label", "values"}},
        {"honor_roll_p1", honor, 0, {"title", "name", "category", "level", "deed", "page"}},
        {"honor_roll_p2", honor, 1, {"title", "name", "initial", "category", "level", "page"}},
        {"red_black",
         red_black_slide(),
         0,
         {"title", "red_header", "black_header", "subtitle", "red_name", "black_name",
          "black_plate", "black_reason"}},
        {"emergency", emergency_slide(), 0, {"label", "title", "body", "category", "expiry"}},
        {"notice", notice_slide(), 0, {"preview_label", "title", "notice", "full_text"}},
        {"qr", qr_slide(), 0, {"title", "body", "mark", "qr", "qr_label"}},
    };
    for (const auto& c : cases) {
        for (const auto& [size, orientation] :
             {std::pair{kLandscape, "landscape"}, std::pair{kPortrait, "portrait"}}) {
            const std::string name = c.name + "_" + orientation;
            SECTION(name) {
                const Shot shot = render_slide(c.slide, size, at_now(c.page));
                check_golden(*shot.frame, name, layout_elements(shot.layout), c.must_show);
            }
        }
    }
}

TEST_CASE("player screens: the full screen with header and ticker matches its golden image",
          "[player][screens][golden]") {
    SdlOnce sdl;
    for (const auto& [size, orientation] :
         {std::pair{kLandscape, "landscape"}, std::pair{kPortrait, "portrait"}}) {
        SECTION(orientation) {
            const ScreenShot shot = render_screen(core_values_slide(), size);
            check_golden(*shot.frame, std::string("screen_") + orientation, shot.elements,
                         {"header unit", "header slogan", "header date", "header time",
                          "ticker label", "ticker text", "title", "level", "values"});
        }
    }
}

namespace {

// Defects painted into a real frame, for the comparison's self-test.

void set_pixel(SDL_Surface& s, int x, int y, SDL_Color c) {
    if (x < 0 || y < 0 || x >= s.w || y >= s.h) return;
    auto* p = static_cast<Uint8*>(s.pixels) + y * s.pitch + x * 4;
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
    p[3] = 255;
}

// `r` grown side by side until the ring around it is all `bg` (at most
// `limit` px each way): the extent of a badge drawn around its text.
SDL_Rect extent_on(const SDL_Surface& s, SDL_Rect r, SDL_Color bg, int limit = 32) {
    const auto clean = [&](int x0, int y0, int x1, int y1) {
        for (int y = std::max(y0, 0); y <= std::min(y1, s.h - 1); ++y) {
            for (int x = std::max(x0, 0); x <= std::min(x1, s.w - 1); ++x) {
                if (channel_diff(pixel_at(s, x, y), bg) > 2) return false;
            }
        }
        return true;
    };
    for (int i = 0; i < limit; ++i) {
        const int right = r.x + r.w, bottom = r.y + r.h;
        bool grew = false;
        if (!clean(r.x - 1, r.y - 1, r.x - 1, bottom)) r.x -= 1, r.w += 1, grew = true;
        if (!clean(right, r.y - 1, right, bottom)) r.w += 1, grew = true;
        if (!clean(r.x - 1, r.y - 1, right, r.y - 1)) r.y -= 1, r.h += 1, grew = true;
        if (!clean(r.x - 1, bottom, right, bottom)) r.h += 1, grew = true;
        if (!grew) break;
    }
    return r;
}

// Paints `r` row by row with the colour just left of it: the element is
// gone, its background (flat or a gradient) stays.
void paint_over(SDL_Surface& s, const SDL_Rect& r) {
    REQUIRE(r.x > 0);
    for (int y = r.y; y < r.y + r.h; ++y) {
        const SDL_Color bg = pixel_at(s, r.x - 1, y);
        for (int x = r.x; x < r.x + r.w; ++x) set_pixel(s, x, y, bg);
    }
}

// Moves what is drawn in `r` by (dx, dy) over the background.
void move_region(SDL_Surface& s, const SDL_Rect& r, int dx, int dy) {
    SurfacePtr before(SDL_DuplicateSurface(&s));
    paint_over(s, r);
    for (int y = r.y; y < r.y + r.h; ++y) {
        for (int x = r.x; x < r.x + r.w; ++x) set_pixel(s, x + dx, y + dy, pixel_at(*before, x, y));
    }
}

// Every colour shifted by `d` per channel (clamped).
void drift(SDL_Surface& s, int d) {
    const auto shift = [d](Uint8 v) { return static_cast<Uint8>(std::clamp(v + d, 0, 255)); };
    for (int y = 0; y < s.h; ++y) {
        for (int x = 0; x < s.w; ++x) {
            const SDL_Color c = pixel_at(s, x, y);
            set_pixel(s, x, y, SDL_Color{shift(c.r), shift(c.g), shift(c.b), 255});
        }
    }
}

const GoldenElement& element_of(const std::vector<GoldenElement>& elements,
                                const std::string& role) {
    const auto it = std::find_if(elements.begin(), elements.end(),
                                 [&](const GoldenElement& e) { return e.role == role; });
    REQUIRE(it != elements.end());
    return *it;
}

bool names(const GoldenVerdict& v, const std::string& what) {
    return std::any_of(v.failures.begin(), v.failures.end(),
                       [&](const std::string& f) { return f.find(what) != std::string::npos; });
}

}  // namespace

// The comparison the golden tests use, on real frames with real defects.
// At 960x540 removing the 公益广告 badge changes 2,102 pixels, the notice's
// title 2,834 and the QR code's label 971 (by more than 2 in a channel).
// The earlier comparison (more than 48 in a channel, at most 2,592 pixels)
// counted 1,866, 2,523 and 834 and let all three go, and any uniform drift
// up to 48.
TEST_CASE("player screens: the golden comparison fails on a missing, moved or drifted element",
          "[player][screens][golden]") {
    SdlOnce sdl;
    const GoldenBudget budget;
    // Whatever the whole frame may differ by, the element checks catch a
    // missing element on their own.
    GoldenBudget any_frame = budget;
    any_frame.frame_pixels = kLandscape.w * kLandscape.h;
    struct Case {
        std::string golden;
        protocol::Slide slide;
        std::string role;  // the element removed and moved
        bool badge;        // drawn on a pill: remove the pill too
        int dx, dy;        // how far it is moved
    };
    const std::vector<Case> cases = {
        {"text", text_slide(), "mark", true, -4, 0},
        {"notice", notice_slide(), "title", false, 3, 0},
        {"qr", qr_slide(), "qr_label", false, 0, 2},
    };
    for (const auto& c : cases) {
        for (const auto& [size, orientation] :
             {std::pair{kLandscape, "landscape"}, std::pair{kPortrait, "portrait"}}) {
            const std::string name = c.golden + "_" + orientation;
            SECTION(name) {
                const Shot shot = render_slide(c.slide, size, at_now());
                const std::vector<GoldenElement> elements = layout_elements(shot.layout);
                const SurfacePtr golden = load_rgba(fs::path(SIGNAGE_GOLDEN_DIR) / (name + ".png"));
                REQUIRE(golden);
                const GoldenElement& e = element_of(elements, c.role);
                const SDL_Rect drawn =
                    c.badge ? extent_on(*shot.frame, e.rect, shot.layout.background) : e.rect;
                INFO(name << ": " << e.name << ", drawn at " << drawn.x << "," << drawn.y << " "
                          << drawn.w << "x" << drawn.h);

                // The frame as rendered matches.
                const GoldenVerdict same = compare_with_golden(*shot.frame, *golden, elements);
                CHECK(same.same());

                // (a) The element painted over with its background.
                SurfacePtr gone(SDL_DuplicateSurface(shot.frame.get()));
                paint_over(*gone, drawn);
                const GoldenVerdict missing = compare_with_golden(*gone, *golden, elements);
                CHECK_FALSE(missing.same());
                CHECK(missing.frame_pixels > budget.frame_pixels);
                CHECK(missing.element_pixels(c.role) > budget.element_pixels);
                CHECK(names(missing, e.name));
                const GoldenVerdict by_element =
                    compare_with_golden(*gone, *golden, elements, any_frame);
                CHECK_FALSE(by_element.same());
                CHECK_FALSE(names(by_element, "whole frame"));
                CHECK(names(by_element, e.name));

                // (b) Every colour drifted by +6 and by -3.
                for (int d : {6, -3}) {
                    INFO("every channel drifted by " << d);
                    SurfacePtr drifted(SDL_DuplicateSurface(shot.frame.get()));
                    drift(*drifted, d);
                    const GoldenVerdict v = compare_with_golden(*drifted, *golden, elements);
                    CHECK_FALSE(v.same());
                    CHECK(names(v, "whole frame"));
                    CHECK(v.frame_pixels > budget.frame_pixels);
                }

                // (c) The element moved a few pixels.
                SurfacePtr moved(SDL_DuplicateSurface(shot.frame.get()));
                move_region(*moved, drawn, c.dx, c.dy);
                const GoldenVerdict shifted = compare_with_golden(*moved, *golden, elements);
                CHECK_FALSE(shifted.same());
                CHECK(shifted.element_pixels(c.role) > budget.element_pixels);
                CHECK(names(shifted, e.name));
            }
        }
    }
}

TEST_CASE("player screens: red/black masks people and plates, never firms, unless told not to",
          "[player][screens][cli]") {
    TempDir dir;
    nlohmann::json slide = protocol::to_json(red_black_slide());
    write_text(dir.path / "rb.json", slide.dump());
    const std::string base = std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                             (dir.path / "rb.json").string() + " --out " +
                             (dir.path / "rb.png").string() +
                             " --size 960x540 --now 2026-11-23T08:30 --lines 2>/dev/null > ";
    REQUIRE(run_command(base + (dir.path / "masked.json").string()) == 0);
    // Each block's lines joined (a long firm name may take two lines).
    const auto blocks_text = [](const std::string& json_text) {
        std::string out;
        const auto j = nlohmann::json::parse(json_text);
        for (const auto& b : j["blocks"]) {
            for (const auto& l : b["lines"]) out += l.get<std::string>();
            out += "\n";
        }
        return out;
    };
    const std::string masked = blocks_text(read_text(dir.path / "masked.json"));
    CHECK(masked.find("张*明") != std::string::npos);
    CHECK(masked.find("张小明") == std::string::npos);
    CHECK(masked.find("王*力") != std::string::npos);
    CHECK(masked.find("王大力") == std::string::npos);
    CHECK(masked.find("李*") != std::string::npos);  // a household
    CHECK(masked.find("苏B·1**23") != std::string::npos);
    CHECK(masked.find("12323") == std::string::npos);
    CHECK(masked.find("绿源物业有限公司") != std::string::npos);  // firms are never masked
    CHECK(masked.find("诚信建材商行") != std::string::npos);

    slide["mask_names"] = false;
    write_text(dir.path / "rb.json", slide.dump());
    REQUIRE(run_command(base + (dir.path / "plain.json").string()) == 0);
    const std::string plain = blocks_text(read_text(dir.path / "plain.json"));
    CHECK(plain.find("张小明") != std::string::npos);
    CHECK(plain.find("苏B·12323") != std::string::npos);
}

TEST_CASE("player screens: red/black leaves out entries past their publication period",
          "[player][screens]") {
    SdlOnce sdl;
    for (Size size : {kLandscape, kPortrait}) {
        const Shot shot = render_slide(red_black_slide(), size, at_now());
        const auto red = block_texts(shot.layout, "red_name");
        const auto black = block_texts(shot.layout, "black_name");
        CHECK(red.size() == 3);
        CHECK(black.size() == 3);
        CHECK_FALSE(contains(red, protocol::mask_name("过期表扬")));
        CHECK_FALSE(contains(black, protocol::mask_name("孙过期")));
        // A day earlier 孙过期 was still on the list.
        RenderOptions earlier = at_now();
        earlier.now -= std::chrono::hours{24};
        const Shot before = render_slide(red_black_slide(), size, earlier);
        CHECK(contains(block_texts(before.layout, "black_name"), protocol::mask_name("孙过期")));
    }
    // When every black entry has expired, the column says so.
    protocol::Slide s = red_black_slide();
    s.black.resize(0);
    s.black.push_back(list_entry("孙过期", protocol::ListEntry::Kind::person, "公示期已满",
                                 "区文明办", "2026-11-22"));
    const Shot shot = render_slide(s, kLandscape, at_now());
    CHECK(block_texts(shot.layout, "black_name").empty());
    CHECK(contains(block_texts(shot.layout, "empty"), "本期暂无"));
}

TEST_CASE("player screens: an honour roll pages four cards at a time", "[player][screens]") {
    SdlOnce sdl;
    TempDir dir;
    const protocol::Slide honor = honor_slide(dir.path);
    REQUIRE(honor.pages_at(kNow, std::chrono::hours{8}) == 2);
    for (Size size : {kLandscape, kPortrait}) {
        const Shot p1 = render_slide(honor, size, at_now(0));
        const Shot p2 = render_slide(honor, size, at_now(1));
        CHECK(block_lines(p1.layout, "name") ==
              std::vector<std::string>{"张小明", "李秀兰", "欧阳振华", "王建国"});
        CHECK(block_lines(p2.layout, "name") == std::vector<std::string>{"陈静"});
        CHECK(block_lines(p1.layout, "page") == std::vector<std::string>{"1/2"});
        CHECK(block_lines(p2.layout, "page") == std::vector<std::string>{"2/2"});
        CHECK(differing_fraction(*p1.frame, *p2.frame, 30) > 0.10);
        // No photo: a placeholder with the name's first character.
        CHECK(contains(block_lines(p1.layout, "initial"), "欧"));
        // A photo that cannot be loaded: the placeholder, and a warning.
        CHECK(contains(block_lines(p2.layout, "initial"), "陈"));
        CHECK_FALSE(p2.layout.warnings.empty());
        // The deeds of a full page are whole where they fit.
        CHECK(block_texts(p1.layout, "deed").at(1) == honor.entries[1].deed);
        // The photo is drawn: the silhouette's dark head is in the first card.
        const TextBlock* name = find_block(p1.layout, "name");
        REQUIRE(name != nullptr);
        const int photo_x = name->box.x / 2;
        long dark = 0;
        for (int y = 0; y < size.h; ++y) {
            const SDL_Color c = pixel_at(*p1.frame, photo_x, y);
            dark += (c.r == 0x3B && c.g == 0x2A && c.b == 0x20) ? 1 : 0;
        }
        CHECK(dark > 5);
    }
}

namespace {

// A deed of 123 characters in eight clauses.
const std::string kLongDeed =
    "2026年7月暴雨期间，退休党员王大海连续七天带领十二名志愿者转移低洼地带群众三百余人，"
    "自掏腰包购买沙袋和应急物资，在社区值守点为受灾群众送去热饭热水；洪水退去后，他又组织邻里"
    "清淤消杀，帮助独居老人修缮房屋，被群众亲切地称为“守护社区的老黄牛”。";

protocol::Slide honor_with_deeds(const fs::path& dir, std::size_t n, const std::string& deed) {
    protocol::Slide s = honor_slide(dir);
    s.entries.resize(n);
    for (auto& e : s.entries) e.deed = deed;
    return s;
}

// Does `shown` (a deed as drawn) end at a clause end of `deed`: a prefix of
// it, then "……", where the deed goes on with a clause mark (or a closing
// quote after one)?
bool cut_at_clause_end(const std::string& shown, const std::string& deed) {
    const std::string dots = "……";
    if (shown.size() <= dots.size() ||
        shown.compare(shown.size() - dots.size(), dots.size(), dots) != 0) {
        return false;
    }
    const std::string kept = shown.substr(0, shown.size() - dots.size());
    if (deed.compare(0, kept.size(), kept) != 0) return false;
    for (const char* mark : {"。", "！", "？", "；", "，", "、", "：", "”"}) {
        if (deed.compare(kept.size(), std::strlen(mark), mark) == 0 || kept.ends_with("”")) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("player screens: an honour roll's cards fit their page, deeds whole when there is room",
          "[player][screens]") {
    SdlOnce sdl;
    TempDir dir;
    for (Size size : {Size{1920, 1080}, Size{1080, 1920}}) {
        INFO(size.w << "x" << size.h);
        // One or two people on a page: the cards grow and the long deed is whole.
        for (std::size_t n : {1U, 2U}) {
            const Shot shot =
                render_slide(honor_with_deeds(dir.path, n, kLongDeed), size, at_now());
            CHECK(block_texts(shot.layout, "deed") == std::vector<std::string>(n, kLongDeed));
            CHECK(shot.layout.warnings.empty());
        }
        // The last page of five holds one card: its deed is whole and larger
        // than on the full first page.
        const protocol::Slide five = honor_slide(dir.path);
        const Shot p2 = render_slide(five, size, at_now(1));
        CHECK(block_texts(p2.layout, "deed") == std::vector<std::string>{five.entries[4].deed});
        const Shot p1 = render_slide(five, size, at_now(0));
        REQUIRE(find_block(p1.layout, "deed") != nullptr);
        CHECK(find_block(p2.layout, "deed")->font_px > find_block(p1.layout, "deed")->font_px);
        // Four long deeds do not fit: each is cut at a clause end, with "……",
        // shows more than its first clause, and the preview says so.
        const Shot full = render_slide(honor_with_deeds(dir.path, 4, kLongDeed), size, at_now());
        const auto deeds = block_texts(full.layout, "deed");
        REQUIRE(deeds.size() == 4);
        for (const auto& d : deeds) {
            INFO(d);
            CHECK(cut_at_clause_end(d, kLongDeed));
            CHECK(d.size() > std::string("2026年7月暴雨期间……").size());
        }
        bool warned = false;
        for (const auto& w : full.layout.warnings) {
            warned = warned || w.find("张小明") != std::string::npos;
        }
        CHECK(warned);
        // Every deed on a page has one size.
        for (std::size_t k = 1; k < 4; ++k) {
            CHECK(find_block(full.layout, "deed", k)->font_px ==
                  find_block(full.layout, "deed")->font_px);
        }
    }
}

TEST_CASE("player screens: QR codes decode to their text on any slide type",
          "[player][screens][qr]") {
    SdlOnce sdl;
    TempDir dir;
    const fs::path poster = make_poster(dir.path);
    std::vector<protocol::Slide> slides = {qr_slide(),
                                           red_black_slide(),
                                           honor_slide(dir.path),
                                           image_slide(poster, protocol::Fit::cover),
                                           core_values_slide(),
                                           emergency_slide()};
    for (auto& s : slides) {
        if (!s.qr) s.qr = protocol::QrCode{kQrText, "扫码了解详情"};
    }
    int n = 0;
    for (const auto& s : slides) {
        for (Size size : {Size{1920, 1080}, kPortrait}) {
            INFO(protocol::to_string(s.type) << " at " << size.w << "x" << size.h);
            const Shot shot = render_slide(s, size, at_now());
            REQUIRE(shot.layout.qr_rect.has_value());
            const std::string decoded =
                zbar_decode(*shot.frame, dir.path / ("qr" + std::to_string(n++) + ".png"));
            CHECK(decoded == kQrText);
            // Crisp modules: only pure black and white inside the code.
            const SDL_Rect card = *shot.layout.qr_rect;
            long other = 0;
            for (int y = card.y + card.w / 4; y < card.y + card.w * 3 / 4; ++y) {
                for (int x = card.x + card.w / 4; x < card.x + card.w * 3 / 4; ++x) {
                    const SDL_Color c = pixel_at(*shot.frame, x, y);
                    const bool bw = (c.r == 0 && c.g == 0 && c.b == 0) ||
                                    (c.r == 255 && c.g == 255 && c.b == 255);
                    other += bw ? 0 : 1;
                }
            }
            CHECK(other == 0);
            CHECK(contains(block_lines(shot.layout, "qr_label"), s.qr->label));
        }
    }
}

TEST_CASE("player screens: the ticker scrolls at its speed, seamlessly, from textures",
          "[player][screens][ticker]") {
    SdlOnce sdl;
    TickerScreen screen({"文明城市 你我共建", "垃圾分类 从我做起"});
    Ticker& ticker = screen.ticker;
    const ScreenLayout& layout = screen.layout;
    const auto t0 = screen.t0;
    CHECK(ticker.speed() == Approx(150.0));
    CHECK(ticker.warnings().empty());
    const auto frame_at = [&](Ticker::Clock::time_point t) {
        return screen.frame(ticker.offset_at(t));
    };
    const SurfacePtr a = frame_at(t0 + std::chrono::seconds{1});
    const SurfacePtr b = frame_at(t0 + std::chrono::seconds{2});
    CHECK(ticker.offset_at(t0 + std::chrono::seconds{2}) -
              ticker.offset_at(t0 + std::chrono::seconds{1}) ==
          Approx(150.0));
    // One second later the strip's text sits 150 px further left.
    const SDL_Rect clip = ticker.text_clip();
    const auto shifted_mismatch = [&](int shift) {
        long bad = 0, total = 0;
        for (int y = clip.y + 8; y < clip.y + clip.h - 4; y += 2) {
            for (int x = clip.x; x + shift < clip.x + clip.w; x += 3) {
                ++total;
                bad += channel_diff(pixel_at(*b, x, y), pixel_at(*a, x + shift, y)) > 40 ? 1 : 0;
            }
        }
        return static_cast<double>(bad) / static_cast<double>(total);
    };
    CHECK(shifted_mismatch(150) < 0.01);
    CHECK(shifted_mismatch(0) > 0.02);  // it did move
    // The label stays put.
    CHECK(channel_diff(pixel_at(*a, layout.ticker.x + 10, layout.ticker.y + layout.ticker.h / 2),
                       pixel_at(*b, layout.ticker.x + 10, layout.ticker.y + layout.ticker.h / 2)) ==
          0);
    // Seamless: one whole cycle later the strip looks the same.
    const double cycle_s = ticker.cycle_width() / ticker.speed();
    const auto later =
        t0 + std::chrono::seconds{1} +
        std::chrono::duration_cast<Ticker::Clock::duration>(std::chrono::duration<double>(cycle_s));
    const SurfacePtr c = frame_at(later);
    CHECK(differing_fraction(*a, *c, 40) < 0.002);
}

TEST_CASE(
    "player screens: the ticker drawn from tiles is the strip painted directly, and a "
    "long one holds a screen's width of tiles",
    "[player][screens][ticker]") {
    SdlOnce sdl;
    // Six notices: a loop several tiles long.
    TickerScreen screen({"请市民朋友们文明出行，礼让斑马线，共建文明城市。",
                         "垃圾分类从我做起，厨余垃圾请投放到绿色桶内。",
                         "本周六上午九点，社区服务中心举办志愿服务活动，欢迎参加。",
                         "疫苗接种点：社区卫生服务站，周一至周五8:00-17:00。",
                         "节约用水，人人有责；随手关灯，从我做起。",
                         "遇到困难请拨打12345市民服务热线。"});
    Ticker& ticker = screen.ticker;
    REQUIRE(ticker.uses_tiles());
    const double cycle = ticker.cycle_width();
    const int per_loop = static_cast<int>(std::ceil(cycle / Ticker::kTileWidth));
    REQUIRE(per_loop >= 4);
    // At most a tile more than the text area is wide.
    const auto most_shown = static_cast<std::size_t>(std::ceil(
                                static_cast<double>(ticker.text_clip().w) / Ticker::kTileWidth)) +
                            1;

    const auto frame_at = [&](double offset) { return screen.frame(offset); };
    // Offsets across one whole loop and into the next, sub-pixel ones too.
    std::vector<double> offsets;
    for (double o = 0; o < cycle + 700; o += 97.25) offsets.push_back(o);
    std::vector<SurfacePtr> tiled;
    for (double o : offsets) {
        tiled.push_back(frame_at(o));
        CHECK(ticker.tiles_held() <= most_shown);
    }
    // Each part of the loop was painted once while it scrolled past, the
    // first ones again when the loop came round, and the last one at the
    // start too (the end of the loop before shows in the gap before the
    // first text).
    CHECK(ticker.tiles_painted() <= static_cast<std::uint64_t>(per_loop) + most_shown + 1);

    ticker.use_tiles(false);
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        INFO("offset " << offsets[i]);
        const SurfacePtr direct = frame_at(offsets[i]);
        // The same text in the same place; the separators' edges may
        // round differently.
        CHECK(differing_fraction(*tiled[i], *direct, 40) < 0.0005);
    }
    CHECK(ticker.tiles_held() == 0);
}

TEST_CASE(
    "player screens: the core-values reveal uncovers the levels and ends on the static "
    "slide",
    "[player][screens][reveal]") {
    SdlOnce sdl;
    const Size size{960, 540};
    Offscreen screen(size);
    Display& d = screen.d;
    SlideRenderer& renderer = screen.renderer;
    const Shot still = render_slide(core_values_slide(), size, at_now());
    REQUIRE(still.layout.reveal.size() == 3);

    auto rendered = renderer.render(core_values_slide(), size, at_now());
    REQUIRE(rendered.ok());
    REQUIRE(rendered->reveal_base != nullptr);
    const std::vector<SDL_Rect> rects = rendered->layout.reveal;
    Compositor compositor(d);
    const auto t0 = Compositor::Clock::time_point{} + std::chrono::hours{1};
    compositor.show(std::move(*rendered), t0);
    const auto frame_at = [&](Compositor::Clock::time_point t) {
        compositor.draw(t);
        d.present();
        auto f = d.read_frame();
        REQUIRE(f.ok());
        return std::move(*f);
    };
    const auto region_diff = [&](const SDL_Surface& f, const SDL_Rect& r) {
        long bad = 0;
        for (int y = r.y; y < r.y + r.h; ++y) {
            for (int x = r.x; x < r.x + r.w; ++x) {
                bad += channel_diff(pixel_at(f, x, y), pixel_at(*still.frame, x, y)) > 30 ? 1 : 0;
            }
        }
        return static_cast<double>(bad) / (static_cast<double>(r.w) * r.h);
    };
    REQUIRE(compositor.reveal_end().has_value());
    CHECK(*compositor.reveal_end() - t0 == std::chrono::milliseconds{1500});
    CHECK(compositor.next_frame_due(t0).has_value());

    // At the start every level is covered; half-way the first is shown and
    // the last is not yet.
    const SurfacePtr start = frame_at(t0);
    for (const auto& r : rects) CHECK(region_diff(*start, r) > 0.2);
    const SurfacePtr mid = frame_at(t0 + std::chrono::milliseconds{700});
    CHECK(region_diff(*mid, rects[0]) < 0.01);
    CHECK(region_diff(*mid, rects[2]) > 0.2);
    // Outside the levels nothing changes during the reveal.
    CHECK(region_diff(*start, SDL_Rect{0, 0, size.w, rects[0].y}) == 0.0);

    // The final frame is exactly the static render, and then nothing moves.
    const auto end = *compositor.reveal_end();
    const SurfacePtr last = frame_at(end);
    CHECK(differing_fraction(*last, *still.frame, 0) == 0.0);
    CHECK_FALSE(compositor.animating(end));
    CHECK_FALSE(compositor.next_frame_due(end).has_value());
}

TEST_CASE("player screens: the compositor draws the chrome, and an emergency covers it all",
          "[player][screens]") {
    SdlOnce sdl;
    const Size size{960, 540};
    Offscreen screen(size);
    Display& d = screen.d;
    FontCache& fonts = screen.fonts;
    SlideRenderer& renderer = screen.renderer;
    const ScreenLayout layout = layout_screen(size, true, true);
    CHECK(layout.header.h == 48);
    CHECK(layout.ticker.h == 38);
    CHECK(layout.main.y == 48);
    CHECK(layout.main.h == 540 - 48 - 38);
    const ScreenLayout portrait = layout_screen(Size{1080, 1920}, true, true);
    CHECK(portrait.header.h == 160);
    CHECK(portrait.ticker.h == 100);

    Compositor compositor(d);
    compositor.set_layout(layout);
    ScreenHeader header(d.renderer(), fonts);
    const auto wall = ScreenHeader::WallClock::time_point{kNow.time_since_epoch()};
    auto first = header.update(layout, wall);
    REQUIRE(first.ok());
    CHECK(*first);
    auto same = header.update(layout, wall + std::chrono::seconds{20});
    REQUIRE(same.ok());
    CHECK_FALSE(*same);  // same minute: no new texture
    CHECK(ScreenHeader::next_change(wall + std::chrono::seconds{20}) ==
          wall + std::chrono::seconds{60});
    auto next = header.update(layout, wall + std::chrono::seconds{60});
    REQUIRE(next.ok());
    CHECK(*next);
    CHECK(contains(block_lines(header.layout(), "time"), "08:31"));
    CHECK(contains(block_lines(header.layout(), "date"), "2026年11月23日 星期一"));
    compositor.set_header(&header);

    const auto t0 = Compositor::Clock::time_point{} + std::chrono::hours{1};
    auto rendered = renderer.render(text_slide(), layout.main_size(), at_now());
    REQUIRE(rendered.ok());
    compositor.show(std::move(*rendered), t0);
    // A static slide without a ticker: no frames are due.
    CHECK_FALSE(compositor.next_frame_due(t0 + std::chrono::seconds{1}).has_value());
    Ticker ticker(d.renderer(), fonts);
    ticker.set_texts({"文明养犬 出门牵绳"}, t0);
    REQUIRE(compositor.set_ticker(&ticker).ok());
    CHECK(compositor.next_frame_due(t0 + std::chrono::seconds{1}) ==
          t0 + std::chrono::seconds{1} + Compositor::kFrameInterval);

    compositor.draw(t0 + std::chrono::seconds{1});
    d.present();
    auto frame = d.read_frame();
    REQUIRE(frame.ok());
    // Header red at the top, the text slide's cream page in the main zone,
    // the ticker's gold label at the bottom left.
    const SDL_Color top = pixel_at(**frame, size.w / 2, 2);
    CHECK((top.r > 150 && top.g < 60));
    const SDL_Color page = pixel_at(**frame, 8, layout.main.y + layout.main.h / 2);
    CHECK((page.r > 240 && page.g > 235));
    const SDL_Color label = pixel_at(**frame, 4, layout.ticker.y + layout.ticker.h / 2);
    CHECK((label.r > 200 && label.g > 150 && label.b < 120));

    auto emergency = renderer.render(emergency_slide(), size, at_now());
    REQUIRE(emergency.ok());
    compositor.show_emergency(std::move(emergency->texture));
    CHECK_FALSE(compositor.animating(t0 + std::chrono::seconds{2}));  // the ticker is covered
    compositor.draw(t0 + std::chrono::seconds{2});
    d.present();
    auto covered = d.read_frame();
    REQUIRE(covered.ok());
    const SDL_Color band = pixel_at(**covered, size.w / 2, 4);
    CHECK((band.r > 240 && band.g > 180 && band.b < 40));  // the amber warning band
    const SDL_Color bottom = pixel_at(**covered, 4, size.h - 4);
    CHECK((bottom.r < 120 && bottom.g < 20));  // deep red, not the ticker
    compositor.clear_emergency();
    CHECK(compositor.animating(t0 + std::chrono::seconds{2}));
}

TEST_CASE(
    "player screens: a frame drawing only what changed (the ticker, a new header) is the frame "
    "drawn whole",
    "[player][screens]") {
    SdlOnce sdl;
    const Size size{960, 540};
    Offscreen screen(size);
    Display& d = screen.d;
    FontCache& fonts = screen.fonts;
    SlideRenderer& renderer = screen.renderer;
    REQUIRE(d.keeps_frame());
    const ScreenLayout layout = layout_screen(size, true, true);
    Compositor compositor(d);
    compositor.set_layout(layout);
    ScreenHeader header(d.renderer(), fonts);
    const auto wall = ScreenHeader::WallClock::time_point{kNow.time_since_epoch()};
    REQUIRE(header.update(layout, wall).ok());
    compositor.set_header(&header);
    const auto t0 = Compositor::Clock::time_point{} + std::chrono::hours{1};
    Ticker ticker(d.renderer(), fonts);
    ticker.set_texts({"文明养犬 出门牵绳", "垃圾分类 从我做起"}, t0);
    REQUIRE(compositor.set_ticker(&ticker).ok());
    auto first = renderer.render(text_slide(), layout.main_size(), at_now());
    REQUIRE(first.ok());
    compositor.show(std::move(*first), t0);
    auto second = renderer.render(red_black_slide(), layout.main_size(), at_now());
    REQUIRE(second.ok());
    compositor.show(std::move(*second), t0 + std::chrono::seconds{1});  // a crossfade

    const auto frame_at = [&](Compositor::Clock::time_point t) {
        compositor.draw(t);
        if (const auto& changed = compositor.changed()) {
            d.present_changed(*changed);
        } else {
            d.present();
        }
        auto f = d.read_frame();
        REQUIRE(f.ok());
        return std::move(*f);
    };
    const auto whole_at = [&](Compositor::Clock::time_point t) {
        compositor.redraw_all();
        SurfacePtr f = frame_at(t);
        REQUIRE(compositor.changed().has_value());
        CHECK(compositor.changed()->size() == 3);  // header, main zone, ticker
        return f;
    };
    const auto only = [&](std::initializer_list<SDL_Rect> rects) {
        REQUIRE(compositor.changed().has_value());
        const auto& changed = *compositor.changed();
        REQUIRE(changed.size() == rects.size());
        std::size_t i = 0;
        for (const SDL_Rect& r : rects) CHECK(SDL_RectEquals(&changed[i++], &r));
    };
    const auto band_diff = [](const SDL_Surface& a, const SDL_Surface& b, const SDL_Rect& r) {
        long n = 0;
        for (int y = r.y; y < r.y + r.h; ++y) {
            for (int x = r.x; x < r.x + r.w; ++x)
                n += channel_diff(pixel_at(a, x, y), pixel_at(b, x, y)) > 0;
        }
        return n;
    };

    // Mid-crossfade the header stays: the main zone and the ticker are drawn.
    frame_at(t0 + std::chrono::milliseconds{1200});
    frame_at(t0 + std::chrono::milliseconds{1300});
    only({layout.main, layout.ticker});
    // The crossfade over: one frame draws the slide whole, then only the
    // ticker moves, and such a frame is exactly the frame drawn whole.
    frame_at(t0 + std::chrono::seconds{3});
    auto t = t0 + std::chrono::seconds{4};
    const SurfacePtr before = frame_at(t);
    only({layout.ticker});
    t += std::chrono::milliseconds{160};
    const SurfacePtr partial = frame_at(t);
    only({layout.ticker});
    CHECK(band_diff(*before, *partial, layout.ticker) > 100);  // the ticker moved
    const SurfacePtr whole = whole_at(t);
    CHECK(differing_fraction(*partial, *whole, 0) == 0.0);

    // A new minute: the header and the ticker are drawn, nothing else.
    frame_at(t);
    auto next = header.update(layout, wall + std::chrono::seconds{60});
    REQUIRE(next.ok());
    REQUIRE(*next);
    t += std::chrono::milliseconds{16};
    const SurfacePtr clock = frame_at(t);
    only({layout.header, layout.ticker});
    CHECK(band_diff(*partial, *clock, layout.header) > 20);  // 08:30 became 08:31
    CHECK(differing_fraction(*clock, *whole_at(t), 0) == 0.0);

    // Without a layout, a still slide draws nothing again.
    Compositor bare(d);
    auto slide = renderer.render(text_slide(), size, at_now());
    REQUIRE(slide.ok());
    bare.show(std::move(*slide), t0);
    bare.draw(t0);
    REQUIRE(bare.changed().has_value());
    CHECK(bare.changed()->size() == 1);
    bare.draw(t0 + std::chrono::seconds{1});
    REQUIRE(bare.changed().has_value());
    CHECK(bare.changed()->empty());
}

TEST_CASE(
    "player screens: a crossfade drawn straight onto the software surface is SDL's blend, pixel "
    "for pixel, reveal included",
    "[player][screens]") {
    SdlOnce sdl;
    const Size size{640, 360};
    Offscreen screen(size);
    Display& d = screen.d;
    SDL_Renderer* r = d.renderer();
    const auto t0 = Compositor::Clock::time_point{} + std::chrono::hours{1};
    Compositor compositor(d);
    auto a = screen.renderer.render(red_black_slide(), size, at_now());
    REQUIRE(a.ok());
    compositor.show(std::move(*a), t0);
    auto b = screen.renderer.render(core_values_slide(), size, at_now());
    REQUIRE(b.ok());
    REQUIRE(b->reveal_base != nullptr);
    const auto t1 = t0 + std::chrono::seconds{10};
    compositor.show(std::move(*b), t1);
    // The same frame through SDL: drawn into a texture (no direct path there).
    TexturePtr target(
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, size.w, size.h));
    REQUIRE(target);
    for (int ms : {16, 150, 300, 450, 550, 590, 900, 1400}) {
        INFO("t = " << ms << " ms");
        const auto t = t1 + std::chrono::milliseconds{ms};
        REQUIRE(SDL_SetRenderTarget(r, target.get()) == 0);
        compositor.draw(t);
        SurfacePtr sdl_frame = make_rgba_surface(size.w, size.h);
        REQUIRE(SDL_RenderReadPixels(r, nullptr, SDL_PIXELFORMAT_RGBA32, sdl_frame->pixels,
                                     sdl_frame->pitch) == 0);
        REQUIRE(SDL_SetRenderTarget(r, nullptr) == 0);
        compositor.draw(t);
        d.present();
        auto direct = d.read_frame();
        REQUIRE(direct.ok());
        CHECK(differing_fraction(**direct, *sdl_frame, 0) == 0.0);
    }
}

TEST_CASE("player screens: a character the font lacks is reported, not drawn as a box",
          "[player][screens]") {
    SdlOnce sdl;
    TempDir dir;
    protocol::Slide s = honor_slide(dir.path);
    s.entries[0].name = "吉\U000F0001明";  // a private-use character
    const Shot shot = render_slide(s, kLandscape, at_now());
    bool warned = false;
    for (const auto& w : shot.layout.warnings) {
        warned = warned || w.find("\U000F0001") != std::string::npos;
    }
    CHECK(warned);

    auto display = make_offscreen_display(kLandscape);
    REQUIRE(display.ok());
    FontCache fonts(FontSet::defaults());
    Ticker ticker((*display)->renderer(), fonts);
    ticker.set_texts({"请到\uE000服务中心"}, Ticker::Clock::now());
    REQUIRE(ticker.set_rect(SDL_Rect{0, 500, 960, 40}, 0.5).ok());
    REQUIRE(ticker.warnings().size() == 1);
    CHECK(ticker.warnings()[0].find("\uE000") != std::string::npos);
}

TEST_CASE("player screens: --render draws every type, --screen the whole screen, bad input exits 2",
          "[player][screens][cli]") {
    TempDir dir;
    const std::string exe = SIGNAGE_PLAYER_EXE;
    const auto render = [&](const protocol::Slide& s, const std::string& extra) {
        write_text(dir.path / "s.json", protocol::to_json(s).dump());
        return run_command(exe + " --render " + (dir.path / "s.json").string() + " --out " +
                           (dir.path / "o.png").string() + " --size 960x540 " + extra + " 2> " +
                           (dir.path / "err.txt").string());
    };
    for (const auto& s : {text_slide(), core_values_slide(), red_black_slide(), emergency_slide(),
                          notice_slide(), qr_slide()}) {
        INFO(protocol::to_string(s.type));
        CHECK(render(s, "--now 2026-11-23T08:30") == 0);
        CHECK(render(s, "--screen --ticker 文明养犬 --now 2026-11-23T08:30") == 0);
        SdlOnce sdl;
        SurfacePtr png = load_rgba(dir.path / "o.png");
        REQUIRE(png);
        CHECK(png->w == 960);
    }
    // Pages: the red/black list has one page at --now.
    CHECK(render(red_black_slide(), "--page 1 --now 2026-11-23T08:30") == 2);
    CHECK(read_text(dir.path / "err.txt").find("--page") != std::string::npos);
    CHECK(render(red_black_slide(), "--page -1") == 2);
    CHECK(render(red_black_slide(), "--now yesterday") == 2);
    CHECK(read_text(dir.path / "err.txt").find("--now") != std::string::npos);
    write_text(dir.path / "settings.json", R"({"unit_name": 42})");
    CHECK(render(text_slide(), "--screen --settings " + (dir.path / "settings.json").string()) ==
          2);
    CHECK(read_text(dir.path / "err.txt").find("unit_name") != std::string::npos);
    CHECK(render(text_slide(), "--ticker 孤立") == 2);  // --ticker needs --screen
}

// ---------------------------------------------------------------- quiz

namespace {

protocol::Question quiz_single() {
    protocol::Question q;
    q.id = "3";
    q.type = protocol::QuestionType::single;
    q.question = "学雷锋纪念日是每年的哪一天？";
    q.options = {"3月1日", "3月5日", "3月10日", "3月15日"};
    q.answers = {1};
    q.explanation =
        "1963年3月5日，《人民日报》发表毛泽东同志“向雷锋同志学习”的题词，此后每年的3月5日定为"
        "学雷锋纪念日。";
    q.category = "文明风尚";
    return q;
}

protocol::Question quiz_multiple() {
    protocol::Question q;
    q.id = "6";
    q.type = protocol::QuestionType::multiple;
    q.question = "下列哪些属于社会公德的内容？（请选出全部正确答案）";
    q.options = {"文明礼貌", "助人为乐", "爱护公物", "爱岗敬业"};
    q.answers = {0, 1, 2};
    q.explanation =
        "社会公德包括文明礼貌、助人为乐、爱护公物、保护环境、遵纪守法；爱岗敬业属于职业道德。";
    q.category = "公民道德";
    return q;
}

const std::string kQuizToken = "quiz-screen-token-for-the-golden-images";

const int kQuizDay = 20780;

// The short code of prize 7 of 2026-11-23, and its link (what the player's
// quiz controller puts in the QR code).
std::string quiz_claim_code() {
    const auto keys = protocol::derive_claim_keys(kQuizToken);
    return protocol::make_short_claim_code(kQuizDay, 7, keys.public_key);
}
std::string quiz_claim_url() {
    return "https://signage.example.org/#prizes?code=" + quiz_claim_code();
}

// The four quiz screens, by name, drawn for the main zone of `size`.
Result<QuizFrame> draw_quiz_screen(QuizRenderer& qr, const std::string& name, Size size,
                                   const protocol::Question& single,
                                   const protocol::Question& multiple) {
    if (name == "quiz_invitation") return qr.invitation({10, 8, true}, size);
    if (name == "quiz_question") {
        QuizQuestionView v{&multiple, 2, 10, {0, 2}, 18};
        return qr.question(v, size);
    }
    if (name == "quiz_feedback") {
        QuizQuestionView v{&single, 4, 10, {2}, std::nullopt};
        v.correct = false;
        return qr.feedback(v, size);
    }
    QuizResultView v;
    v.score = 9;
    v.total = 10;
    v.passed = true;
    v.pass_score = 8;
    v.claim_code = quiz_claim_code();
    v.claim_url = quiz_claim_url();
    return qr.result(v, size);
}

struct QuizShot {
    SurfacePtr frame;
    SlideLayout layout;
    std::vector<QuizTarget> targets;
    std::vector<GoldenElement> elements;  // the layout's, "button A".., the header's
};

// A quiz screen read back; with `screen`, the whole screen (header above).
QuizShot quiz_shot(const std::string& name, Size size, bool screen = false) {
    auto display = make_offscreen_display(size);
    REQUIRE(display.ok());
    Display& d = **display;
    FontCache fonts(FontSet::defaults());
    QuizRenderer qr(d.renderer(), fonts);
    const ScreenLayout layout = layout_screen(size, screen, false);
    const auto single = quiz_single();
    const auto multiple = quiz_multiple();
    auto frame = draw_quiz_screen(qr, name, layout.main_size(), single, multiple);
    REQUIRE(frame.ok());
    Compositor compositor(d);
    compositor.set_layout(layout);
    ScreenHeader header(d.renderer(), fonts);
    if (screen) {
        protocol::GroupSettings settings;
        settings.unit_name = "平江街道幸福社区";
        settings.slogan = "创建全国文明城市 共建美好幸福家园";
        header.set_settings(settings);
        REQUIRE(header.update(layout, ScreenHeader::WallClock::time_point{kNow.time_since_epoch()})
                    .ok());
        compositor.set_header(&header);
    }
    const SDL_Point origin{layout.main.x, layout.main.y};
    std::vector<GoldenElement> elements = layout_elements(frame->layout, origin);
    for (const auto& t : frame->targets) {
        const SDL_Rect r{t.rect.x + origin.x, t.rect.y + origin.y, t.rect.w, t.rect.h};
        elements.push_back(GoldenElement{"button " + t.name, "button " + t.name, r});
    }
    if (screen) {
        for (auto& e :
             layout_elements(header.layout(), {layout.header.x, layout.header.y}, "header ")) {
            elements.push_back(std::move(e));
        }
    }
    const auto t0 = Compositor::Clock::time_point{} + std::chrono::hours{1};
    compositor.show(std::move(frame->texture), t0);
    compositor.draw(t0 + std::chrono::seconds{2});
    d.present();
    auto read = d.read_frame();
    REQUIRE(read.ok());
    return QuizShot{std::move(*read), std::move(frame->layout), std::move(frame->targets),
                    std::move(elements)};
}

const char* const kQuizScreens[] = {"quiz_invitation", "quiz_question", "quiz_feedback",
                                    "quiz_prize"};

// What a player looks for on each quiz screen.
std::vector<std::string> quiz_must_show(const std::string& screen) {
    if (screen == "quiz_invitation") return {"tag", "title", "hint", "fact"};
    if (screen == "quiz_question") {
        return {"progress",      "countdown", "category", "question",
                "option_letter", "option",    "button A", "button confirm"};
    }
    if (screen == "quiz_feedback") {
        return {"progress", "verdict",     "question",   "option_mark",
                "answer",   "explanation", "button next"};
    }
    return {"headline", "score", "note", "qr", "qr_title", "claim_code", "button next"};
}

}  // namespace

TEST_CASE("player screens: the quiz screens match their golden images in both orientations",
          "[player][screens][golden][quiz]") {
    SdlOnce sdl;
    for (const char* screen : kQuizScreens) {
        for (const auto& [size, orientation] :
             {std::pair{kLandscape, "landscape"}, std::pair{kPortrait, "portrait"}}) {
            const std::string name = std::string(screen) + "_" + orientation;
            SECTION(name) {
                const QuizShot shot = quiz_shot(screen, size);
                CHECK(shot.layout.warnings.empty());
                check_golden(*shot.frame, name, shot.elements, quiz_must_show(screen));
            }
        }
    }
    // The pictures in docs/screens: SIGNAGE_QUIZ_DOCS=<dir> writes the whole
    // screens at full size.
    if (const char* docs = std::getenv("SIGNAGE_QUIZ_DOCS"); docs != nullptr && *docs != '\0') {
        for (const char* screen : kQuizScreens) {
            for (const auto& [size, orientation] : {std::pair{Size{1920, 1080}, "landscape"},
                                                    std::pair{Size{1080, 1920}, "portrait"}}) {
                std::string file = screen;
                std::replace(file.begin(), file.end(), '_', '-');
                file += std::string("-") + orientation + ".png";
                const QuizShot shot = quiz_shot(screen, size, true);
                REQUIRE(save_png_atomic(*shot.frame, fs::path(docs) / file).ok());
            }
        }
    }
}

TEST_CASE("player screens: quiz touch targets are large, apart and on screen, nothing is cut",
          "[player][screens][quiz]") {
    SdlOnce sdl;
    for (Size size : {Size{1920, 1080}, Size{1080, 1920}}) {
        for (const char* screen : kQuizScreens) {
            INFO(screen << " at " << size.w << "x" << size.h);
            const QuizShot shot = quiz_shot(screen, size, true);
            CHECK(shot.layout.warnings.empty());
            const ScreenLayout layout = layout_screen(size, true, false);
            for (std::size_t i = 0; i < shot.targets.size(); ++i) {
                const SDL_Rect& a = shot.targets[i].rect;
                INFO(shot.targets[i].name);
                CHECK(a.h >= 120);
                CHECK(a.x >= 0);
                CHECK(a.y >= 0);
                CHECK(a.x + a.w <= layout.main.w);
                CHECK(a.y + a.h <= layout.main.h);
                for (std::size_t j = i + 1; j < shot.targets.size(); ++j) {
                    CHECK_FALSE(SDL_HasIntersection(&a, &shot.targets[j].rect));
                }
            }
            const std::string s = screen;
            if (s == "quiz_question") {
                // A–D and the confirm button of a multiple-choice question.
                REQUIRE(shot.targets.size() == 5);
                CHECK(shot.targets[0].name == "A");
                CHECK(shot.targets[4].name == "confirm");
                CHECK(contains(block_texts(shot.layout, "progress"), "第 3 题 / 共 10 题"));
                CHECK(contains(block_texts(shot.layout, "countdown"), "18"));
            }
            if (s == "quiz_feedback") {
                REQUIRE(shot.targets.size() == 1);
                CHECK(shot.targets[0].name == "next");
                CHECK(contains(block_texts(shot.layout, "verdict"), "× 回答错误"));
                CHECK(contains(block_texts(shot.layout, "answer"), "正确答案：B"));
            }
        }
    }
}

TEST_CASE("player screens: the prize QR code decodes to the redemption link of a genuine code",
          "[player][screens][quiz]") {
    SdlOnce sdl;
    TempDir dir;
    const auto keys = protocol::derive_claim_keys(kQuizToken);
    for (Size size : {Size{1920, 1080}, Size{1080, 1920}, Size{1280, 720}}) {
        INFO(size.w << "x" << size.h);
        const QuizShot shot = quiz_shot("quiz_prize", size, true);
        REQUIRE(shot.layout.qr_rect.has_value());
        const std::string decoded = zbar_decode(*shot.frame, dir.path / "prize.png");
        CHECK(decoded == quiz_claim_url());
        const std::string prefix = "https://signage.example.org/#prizes?code=";
        REQUIRE(decoded.rfind(prefix, 0) == 0);
        auto claim = protocol::parse_short_claim_code(decoded.substr(prefix.size()));
        REQUIRE(claim.ok());
        CHECK(protocol::verify_short_claim(*claim, kQuizDay, keys.public_key));
        // The code's text is on screen too, in groups of four, for staff to
        // read out and type.
        std::string text;
        for (const auto& t : block_texts(shot.layout, "claim_code")) text += t;
        CHECK(text == protocol::group_claim_code(quiz_claim_code()));
    }
}
