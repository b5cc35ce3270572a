// Rendering, looked at through real pixels: slides drawn on the offscreen
// display and read back, the crossfade, the play loop, and the --render CLI.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <png.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/player.hpp"
#include "common/random.hpp"
#include "core/cache.hpp"
#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"
#include "protocol/time.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/draw.hpp"
#include "render/fonts.hpp"
#include "render/line_break.hpp"
#include "render/png.hpp"
#include "render/slide_renderer.hpp"
#include "render_test_kit.hpp"

namespace fs = std::filesystem;
using namespace signage;
using namespace signage::render;
using namespace signage::render::testkit;

namespace {

Shot render_slide(const protocol::Slide& slide, Size size,
                  MediaResolver resolver = path_resolver()) {
    return render_shot(slide, size, {}, std::move(resolver));
}

using PixelTest = std::function<bool(SDL_Color)>;

double fraction(const SDL_Surface& s, SDL_Rect r, const PixelTest& test) {
    SDL_Rect all{0, 0, s.w, s.h};
    SDL_Rect clip;
    if (SDL_IntersectRect(&r, &all, &clip) == SDL_FALSE) return 0.0;
    long hits = 0;
    for (int y = clip.y; y < clip.y + clip.h; ++y) {
        for (int x = clip.x; x < clip.x + clip.w; ++x) hits += test(pixel_at(s, x, y)) ? 1 : 0;
    }
    return static_cast<double>(hits) / (static_cast<double>(clip.w) * clip.h);
}

int luma(SDL_Color c) {
    return (c.r * 299 + c.g * 587 + c.b * 114) / 1000;
}
const PixelTest kDark = [](SDL_Color c) { return luma(c) < 90; };
const PixelTest kLight = [](SDL_Color c) { return c.r > 215 && c.g > 215 && c.b > 200; };
const PixelTest kNearBlack = [](SDL_Color c) { return c.r < 30 && c.g < 30 && c.b < 30; };
// The dark red of the value characters on their gold tiles.
const PixelTest kValueRed = [](SDL_Color c) { return c.r > 100 && c.g < 70 && c.b < 80; };

bool near(SDL_Color a, SDL_Color b, int tol = 6) {
    return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol && std::abs(a.b - b.b) <= tol;
}

const TextBlock* find_block(const SlideLayout& layout, const std::string& role,
                            std::size_t nth = 0) {
    for (const auto& b : layout.blocks) {
        if (b.role == role && nth-- == 0) return &b;
    }
    return nullptr;
}

const char* const kLongBody =
    "为深入推进全国文明城市创建工作，进一步提升市民文明素质和城市文明程度，本社区定于2026年5月1日"
    "至5月31日开展“文明出行、礼让斑马线”主题宣传月活动。活动期间，志愿者将在各主要路口开展劝导"
    "服务（每日7:00—9:00），请广大居民朋友积极参与、相互监督！\n\n"
    "社区图书室已开通免费WiFi，开放时间为周二至周日。全民阅读，从你我做起——让书香飘满每一个角落……";

protocol::Slide text_slide() {
    protocol::Slide s;
    s.type = protocol::SlideType::text;
    s.title = "文明出行 礼让斑马线";
    s.body = kLongBody;
    s.category = "文明交通";
    s.public_service = true;
    return s;
}

// An 800x400 test image: a 30 px red stripe on the left, then blue, and the
// right half green.
fs::path make_test_png(const fs::path& dir) {
    SurfacePtr s = make_rgba_surface(800, 400);
    REQUIRE(s);
    const SDL_Rect red{0, 0, 30, 400}, blue{30, 0, 370, 400}, green{400, 0, 400, 400};
    SDL_FillRect(s.get(), &red, SDL_MapRGBA(s->format, 255, 0, 0, 255));
    SDL_FillRect(s.get(), &blue, SDL_MapRGBA(s->format, 0, 0, 255, 255));
    SDL_FillRect(s.get(), &green, SDL_MapRGBA(s->format, 0, 255, 0, 255));
    const fs::path p = dir / "stripes.png";
    REQUIRE(save_png_atomic(*s, p).ok());
    return p;
}

}  // namespace

TEST_CASE("player render: text slide draws title and body lines where the layout says",
          "[player][render]") {
    SdlOnce sdl;
    for (Size size : {Size{1920, 1080}, Size{1080, 1920}}) {
        INFO(size.w << "x" << size.h);
        const Shot shot = render_slide(text_slide(), size);
        const SDL_Surface& f = *shot.frame;

        const TextBlock* title = find_block(shot.layout, "title");
        REQUIRE(title != nullptr);
        REQUIRE(title->lines.size() >= 1);
        for (const auto& line : title->lines) {
            // White title characters on the red band.
            CHECK(fraction(f, line.rect, kLight) > 0.05);
        }
        CHECK(title->font_px >= 56);
        CHECK_FALSE(kLight(pixel_at(f, 4, 4)));  // the band itself is not the text colour

        const TextBlock* body = find_block(shot.layout, "body");
        REQUIRE(body != nullptr);
        REQUIRE(body->lines.size() >= 3);
        CHECK(body->font_px >= 40);
        CHECK_FALSE(body->truncated);
        int body_bottom = 0;
        for (const auto& line : body->lines) {
            INFO(line.text);
            CHECK(fraction(f, line.rect, kDark) > 0.04);
            // No line starts with closing punctuation (the rules, end to end).
            std::size_t i = 0;
            CHECK_FALSE(is_line_start_forbidden(next_code_point(line.text, i)));
            body_bottom = std::max(body_bottom, line.rect.y + line.rect.h);
        }
        // Nothing is drawn past the right margin or under the last line.
        const int margin = body->box.x;
        CHECK(fraction(f, SDL_Rect{size.w - margin + 2, body->box.y, margin - 2, body->box.h},
                       kDark) == 0.0);
        CHECK(fraction(
                  f,
                  SDL_Rect{0, body_bottom + 2, size.w, body->box.y + body->box.h - body_bottom - 2},
                  kDark) == 0.0);
        // The gap between two lines of text carries no ink of its own.
        const SDL_Rect l0 = body->lines[0].rect, l1 = body->lines[1].rect;
        CHECK(l1.y - l0.y >= body->font_px);
    }
}

TEST_CASE("player render: a text slide's background colour is shown", "[player][render]") {
    SdlOnce sdl;
    protocol::Slide s = text_slide();
    s.background.color = protocol::Color{0x1B, 0x5E, 0x20, 255};
    const Shot shot = render_slide(s, Size{1920, 1080});
    const SDL_Surface& f = *shot.frame;
    const SDL_Color green{0x1B, 0x5E, 0x20, 255};
    CHECK(near(pixel_at(f, 10, 700), green, 0));
    CHECK(near(pixel_at(f, 1910, 1000), green, 0));
    // On a dark page the body turns light.
    const TextBlock* body = find_block(shot.layout, "body");
    REQUIRE(body != nullptr);
    CHECK(fraction(f, body->lines.front().rect, kLight) > 0.04);
}

TEST_CASE("player render: a title-only text slide shows the title large", "[player][render]") {
    SdlOnce sdl;
    protocol::Slide s;
    s.type = protocol::SlideType::text;
    s.title = "讲文明 树新风";
    const Shot shot = render_slide(s, Size{1920, 1080});
    const TextBlock* title = find_block(shot.layout, "title");
    REQUIRE(title != nullptr);
    CHECK(title->font_px >= 120);
    CHECK(fraction(*shot.frame, title->lines.front().rect, kDark) > 0.05);
}

TEST_CASE("player render: core values show the exact 24 characters in three levels",
          "[player][render]") {
    SdlOnce sdl;
    protocol::Slide s;
    s.type = protocol::SlideType::core_values;
    for (Size size : {Size{1920, 1080}, Size{1080, 1920}, Size{1280, 720}}) {
        INFO(size.w << "x" << size.h);
        const Shot shot = render_slide(s, size);
        const SDL_Surface& f = *shot.frame;
        const TextBlock* title = find_block(shot.layout, "title");
        REQUIRE(title != nullptr);
        CHECK(title->lines.size() == 1);
        CHECK(title->lines.front().text == "社会主义核心价值观");
        CHECK(fraction(f, title->lines.front().rect, [](SDL_Color c) {
                  return c.r > 220 && c.g > 170 && c.b < 160;  // gold on red
              }) > 0.05);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& expected = kCoreValues[i];
            const TextBlock* level = find_block(shot.layout, "level", i);
            const TextBlock* label = find_block(shot.layout, "level_label", i);
            const TextBlock* values = find_block(shot.layout, "values", i);
            REQUIRE(level != nullptr);
            REQUIRE(label != nullptr);
            REQUIRE(values != nullptr);
            CHECK(level->lines.front().text == expected.level);
            CHECK(label->lines.front().text == expected.label);
            CHECK(fraction(f, level->lines.front().rect, kLight) > 0.04);
            REQUIRE(values->lines.size() == 4);
            for (std::size_t k = 0; k < 4; ++k) {
                INFO(expected.values[k]);
                CHECK(values->lines[k].text == expected.values[k]);
                // The characters themselves: dark red strokes on the gold tile.
                CHECK(fraction(f, values->lines[k].rect, kValueRed) > 0.08);
                CHECK(values->font_px >= 60 * std::min(size.w, size.h) / 1080);
            }
            CHECK(values->missing_glyphs.empty());
        }
        const TextBlock* slogan = find_block(shot.layout, "slogan");
        REQUIRE(slogan != nullptr);
        std::string joined;
        for (const auto& l : slogan->lines) joined += l.text;
        CHECK(joined == kCoreValuesSentence);
        CHECK(fraction(f, SDL_Rect{0, 0, size.w, size.h}, kNearBlack) < 0.001);
    }
}

TEST_CASE("player render: image contain letterboxes, cover crops", "[player][render]") {
    SdlOnce sdl;
    TempDir dir;
    const fs::path png = make_test_png(dir.path);
    protocol::Slide s;
    s.type = protocol::SlideType::image;
    s.media = png.string();

    SECTION("contain over the designed backdrop") {
        s.fit = protocol::Fit::contain;
        const Shot shot = render_slide(s, Size{1920, 1080});
        const SDL_Surface& f = *shot.frame;
        REQUIRE(shot.layout.image_rect.has_value());
        const SDL_Rect r = *shot.layout.image_rect;
        CHECK(r.x == 0);
        CHECK(r.y == 60);
        CHECK(r.w == 1920);
        CHECK(r.h == 960);
        CHECK(near(pixel_at(f, 30, 540), SDL_Color{255, 0, 0, 255}, 10));    // stripe kept
        CHECK(near(pixel_at(f, 500, 540), SDL_Color{0, 0, 255, 255}, 10));   // blue
        CHECK(near(pixel_at(f, 1500, 540), SDL_Color{0, 255, 0, 255}, 10));  // green
        // The letterbox is a darkened blur of the image: neither the image
        // nor black.
        for (SDL_Point p : {SDL_Point{500, 20}, SDL_Point{1500, 1060}}) {
            const SDL_Color c = pixel_at(f, p.x, p.y);
            CHECK(std::max({c.r, c.g, c.b}) < 200);
            CHECK(std::max({c.r, c.g, c.b}) > 40);
        }
    }
    SECTION("contain over the slide's background colour") {
        s.fit = protocol::Fit::contain;
        s.background.color = protocol::Color{255, 0, 255, 255};
        const Shot shot = render_slide(s, Size{1920, 1080});
        CHECK(near(pixel_at(*shot.frame, 960, 20), SDL_Color{255, 0, 255, 255}, 0));
        CHECK(near(pixel_at(*shot.frame, 960, 1070), SDL_Color{255, 0, 255, 255}, 0));
    }
    SECTION("contain in portrait letterboxes top and bottom") {
        const Shot shot = render_slide(s, Size{1080, 1920});
        REQUIRE(shot.layout.image_rect.has_value());
        CHECK(shot.layout.image_rect->w == 1080);
        CHECK(shot.layout.image_rect->h == 540);
        CHECK(shot.layout.image_rect->y == 690);
    }
    SECTION("cover fills the screen, cropping the sides") {
        s.fit = protocol::Fit::cover;
        const Shot shot = render_slide(s, Size{1920, 1080});
        const SDL_Surface& f = *shot.frame;
        REQUIRE(shot.layout.image_rect.has_value());
        CHECK(shot.layout.image_rect->w == 1920);
        CHECK(shot.layout.image_rect->h == 1080);
        // The red stripe (first 30 of 800 px) falls in the cropped margin.
        CHECK(near(pixel_at(f, 5, 540), SDL_Color{0, 0, 255, 255}, 10));
        CHECK(near(pixel_at(f, 500, 3), SDL_Color{0, 0, 255, 255}, 10));
        CHECK(near(pixel_at(f, 1500, 1076), SDL_Color{0, 255, 0, 255}, 10));
        CHECK(fraction(f, SDL_Rect{0, 0, 1920, 1080},
                       [](SDL_Color c) { return c.r > 200 && c.g < 50 && c.b < 50; }) == 0.0);
    }
    SECTION("a caption band with its text") {
        s.caption = "垃圾分类 从我做起";
        const Shot shot = render_slide(s, Size{1920, 1080});
        const TextBlock* caption = find_block(shot.layout, "caption");
        REQUIRE(caption != nullptr);
        CHECK(caption->lines.front().text == "垃圾分类 从我做起");
        CHECK(fraction(*shot.frame, caption->lines.front().rect, kLight) > 0.05);
        REQUIRE(shot.layout.image_rect.has_value());
        // With contain the image stays above the band.
        CHECK(shot.layout.image_rect->y + shot.layout.image_rect->h <=
              caption->lines.front().rect.y);
    }
}

TEST_CASE("player render: a missing or corrupt image never fails the slide", "[player][render]") {
    SdlOnce sdl;
    TempDir dir;
    write_text(dir.path / "broken.png", "this is not a PNG");
    for (const std::string& media :
         {(dir.path / "absent.png").string(), (dir.path / "broken.png").string()}) {
        protocol::Slide s;
        s.type = protocol::SlideType::image;
        s.media = media;
        s.title = "图片暂缺";
        const Shot shot = render_slide(s, Size{1280, 720});
        CHECK_FALSE(shot.layout.image_rect.has_value());
        CHECK_FALSE(shot.layout.warnings.empty());
        CHECK(fraction(*shot.frame, SDL_Rect{0, 0, 1280, 720}, kNearBlack) < 0.5);
        const TextBlock* title = find_block(shot.layout, "title");
        REQUIRE(title != nullptr);
        CHECK(fraction(*shot.frame, title->lines.front().rect, kLight) > 0.05);
    }
    // A text slide whose background image is missing still draws its page.
    protocol::Slide t = text_slide();
    t.background.media = (dir.path / "absent.png").string();
    const Shot shot = render_slide(t, Size{1280, 720});
    CHECK_FALSE(shot.layout.warnings.empty());
    CHECK(find_block(shot.layout, "body") != nullptr);
}

TEST_CASE("player render: a crossfade never shows a black or half-drawn frame",
          "[player][render]") {
    SdlOnce sdl;
    const Size size{640, 360};
    auto display = make_offscreen_display(size);
    REQUIRE(display.ok());
    Display& d = **display;
    FontCache fonts(FontSet::defaults());
    SlideRenderer renderer(d.renderer(), fonts, path_resolver());
    protocol::Slide cv;
    cv.type = protocol::SlideType::core_values;
    auto a = renderer.render(text_slide(), size);
    auto b = renderer.render(cv, size);
    REQUIRE(a.ok());
    REQUIRE(b.ok());

    Compositor compositor(d, std::chrono::milliseconds{600});
    const auto t0 = Compositor::Clock::now();
    compositor.show(std::move(a->texture), t0);
    CHECK_FALSE(compositor.in_transition());  // the first slide appears at once
    const auto frame_at = [&](Compositor::Clock::time_point t) {
        compositor.draw(t);
        d.present();
        auto f = d.read_frame();
        REQUIRE(f.ok());
        return std::move(*f);
    };
    const SDL_Point probe{4, 200};  // cream page on A, red on B
    const SDL_Color a_px = pixel_at(*frame_at(t0), probe.x, probe.y);

    const auto t1 = t0 + std::chrono::seconds{10};
    compositor.show(std::move(b->texture), t1);
    CHECK(compositor.in_transition());
    SDL_Color previous = a_px;
    int changed = 0;
    for (int ms = 0; ms <= 700; ms += 25) {
        INFO("t = " << ms << " ms");
        auto f = frame_at(t1 + std::chrono::milliseconds{ms});
        CHECK(fraction(*f, SDL_Rect{0, 0, size.w, size.h}, kNearBlack) < 0.01);
        const SDL_Color c = pixel_at(*f, probe.x, probe.y);
        // Monotonic: the page colour moves from A's towards B's, never back.
        CHECK(c.g <= previous.g + 1);
        if (!near(c, previous, 0)) ++changed;
        previous = c;
        if (ms == 300) {
            CHECK_FALSE(near(c, a_px, 20));  // half-way is a mix
        }
    }
    CHECK(changed >= 10);  // a fade over many frames, not a cut
    CHECK_FALSE(compositor.in_transition());
    const SDL_Color end = previous;
    CHECK(end.r > 150);
    CHECK(end.g < 60);  // campaign red
}

TEST_CASE("player render: PNGs are written atomically and read back", "[player][render]") {
    SdlOnce sdl;
    TempDir dir;
    SurfacePtr s = make_rgba_surface(64, 32);
    SDL_FillRect(s.get(), nullptr, SDL_MapRGBA(s->format, 10, 200, 30, 255));
    const fs::path out = dir.path / "sub" / "frame.png";
    REQUIRE(save_png_atomic(*s, out).ok());
    REQUIRE(save_png_atomic(*s, out).ok());  // overwrite
    SurfacePtr back(IMG_Load(out.c_str()));
    REQUIRE(back);
    CHECK(back->w == 64);
    CHECK(back->h == 32);
    int files = 0;
    for (const auto& e : fs::directory_iterator(out.parent_path())) {
        CHECK(e.path().filename() == "frame.png");  // no temporary left behind
        ++files;
    }
    CHECK(files == 1);
}

namespace {

// A w x h PNG of one colour, written a row at a time (never whole in memory):
// 20000 x 20000 of one colour compresses to about 1.2 MB.
void write_flat_png(const fs::path& path, png_uint_32 w, png_uint_32 h, SDL_Color c) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    REQUIRE((png != nullptr && info != nullptr));
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        FAIL("libpng could not write " << path);
    }
    png_init_io(png, f);
    png_set_compression_level(png, 9);
    png_set_filter(png, 0, PNG_FILTER_NONE);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    std::vector<png_byte> row(static_cast<std::size_t>(w) * 3);
    for (std::size_t x = 0; x < w; ++x) {
        row[x * 3] = c.r;
        row[x * 3 + 1] = c.g;
        row[x * 3 + 2] = c.b;
    }
    for (png_uint_32 y = 0; y < h; ++y) png_write_row(png, row.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    REQUIRE(std::fclose(f) == 0);
}

// Runs `argv` (stdout and stderr to /dev/null): its exit code and its peak
// resident memory in bytes.
std::pair<int, long> run_measured(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    int status = 0;
    rusage usage{};
    REQUIRE(wait4(pid, &status, 0, &usage) == pid);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss * 1024L};
}

const PixelTest kRed = [](SDL_Color c) { return c.r > 200 && c.g < 60 && c.b < 60; };

}  // namespace

TEST_CASE("player render: a picture over the pixel cap is not decoded and falls back",
          "[player][render][pixels]") {
    TempDir dir;
    const fs::path huge = dir.path / "huge.png";
    write_flat_png(huge, 20000, 20000, SDL_Color{255, 0, 0, 255});
    INFO("huge.png has " << fs::file_size(huge) << " bytes");
    const fs::path small = dir.path / "small.png";
    write_flat_png(small, 64, 64, SDL_Color{255, 0, 0, 255});

    // In process: the slide is drawn as for a file that does not decode, and
    // a small picture of the same colour is drawn (so red would show).
    {
        SdlOnce sdl;
        protocol::Slide s;
        s.type = protocol::SlideType::image;
        s.title = "图片过大";
        s.media = huge.string();
        const Shot shot = render_slide(s, Size{1280, 720});
        CHECK_FALSE(shot.layout.image_rect.has_value());
        REQUIRE(shot.layout.warnings.size() == 1);
        CHECK(shot.layout.warnings[0] == "media " + huge.string() + " cannot be decoded");
        CHECK(fraction(*shot.frame, SDL_Rect{0, 0, 1280, 720}, kRed) == 0.0);
        const TextBlock* title = find_block(shot.layout, "title");
        REQUIRE(title != nullptr);
        CHECK(fraction(*shot.frame, title->lines.front().rect, kLight) > 0.05);

        s.media = small.string();
        const Shot drawn = render_slide(s, Size{1280, 720});
        CHECK(drawn.layout.image_rect.has_value());
        CHECK(fraction(*drawn.frame, SDL_Rect{0, 0, 1280, 720}, kRed) > 0.3);
    }

    // The real program: its peak memory stays far below the 1.6 GB the
    // decoded picture would take, and the frame shows the fallback.
    write_text(dir.path / "slide.json",
               R"({"type": "image", "title": "图片过大", "media": "huge.png"})");
    const fs::path out = dir.path / "out.png";
    const auto [status, peak] =
        run_measured({SIGNAGE_PLAYER_EXE, "--render", (dir.path / "slide.json").string(), "--out",
                      out.string(), "--size", "640x360"});
    INFO("peak RSS " << peak / (1024 * 1024) << " MB");
    CHECK(status == 0);
    CHECK(peak < 300L * 1024 * 1024);
    SdlOnce sdl;
    SurfacePtr png(IMG_Load(out.c_str()));
    REQUIRE(png);
    SurfacePtr rgba(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
    CHECK(fraction(*rgba, SDL_Rect{0, 0, 640, 360}, kRed) == 0.0);
}

TEST_CASE("player render: --render writes a PNG of the requested size and --lines JSON",
          "[player][render][cli]") {
    TempDir dir;
    nlohmann::json slide = {
        {"type", "text"}, {"title", "文明出行"}, {"body", kLongBody}, {"background", "#FFF8E7"}};
    write_text(dir.path / "slide.json", slide.dump());
    const fs::path out = dir.path / "out.png";
    const fs::path lines = dir.path / "lines.json";
    const std::string cmd = std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                            (dir.path / "slide.json").string() + " --out " + out.string() +
                            " --size 1080x1920 --lines > " + lines.string() + " 2> " +
                            (dir.path / "err.txt").string();
    REQUIRE(run_command(cmd) == 0);
    {
        SdlOnce sdl;
        SurfacePtr png(IMG_Load(out.c_str()));
        REQUIRE(png);
        CHECK(png->w == 1080);
        CHECK(png->h == 1920);
    }
    const auto j = nlohmann::json::parse(read_text(lines));
    REQUIRE(j.contains("blocks"));
    const auto& blocks = j["blocks"];
    bool saw_title = false, saw_body = false;
    for (const auto& b : blocks) {
        REQUIRE(b["font_px"].is_number_integer());
        if (b["role"] == "title") {
            saw_title = true;
            CHECK(b["lines"] == nlohmann::json::array({"文明出行"}));
        }
        if (b["role"] == "body") {
            saw_body = true;
            CHECK(b["lines"].size() >= 4);
            std::string joined;
            for (const auto& l : b["lines"]) joined += l.get<std::string>();
            std::string expected;
            for (char c : std::string(kLongBody)) {
                if (c != '\n') expected += c;
            }
            CHECK(joined == expected);
            CHECK(b["font_px"].get<int>() >= 40);
        }
    }
    CHECK(saw_title);
    CHECK(saw_body);
}

TEST_CASE("player render: --lines names every field with characters the fonts lack, on any page",
          "[player][render][cli]") {
    TempDir dir;
    // U+1F600 and U+20000 (CJK Extension B) are in none of the Noto CJK faces.
    std::string body;
    for (int i = 1; i <= 12; ++i) {
        if (i > 1) body += "\n\n";
        body += "第" + std::to_string(i) + "条：请大家自觉清理楼道堆放的杂物，文明饲养宠物。";
    }
    body += "最后一页：\xF0\xA0\x80\x80";  // U+20000, on the last page only
    const nlohmann::json slide = {
        {"type", "text"}, {"title", "文明\xF0\x9F\x98\x80出行"}, {"body", body}};
    write_text(dir.path / "slide.json", slide.dump());
    const nlohmann::json plain = {
        {"type", "text"}, {"title", "文明出行"}, {"body", "礼让斑马线。"}};
    write_text(dir.path / "plain.json", plain.dump());
    auto lines_of = [&](const std::string& name) {
        const fs::path lines = dir.path / (name + "-lines.json");
        REQUIRE(run_command(std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                            (dir.path / (name + ".json")).string() + " --out " +
                            (dir.path / (name + ".png")).string() + " --size 960x540 --lines > " +
                            lines.string() + " 2>/dev/null") == 0);
        return nlohmann::json::parse(read_text(lines));
    };
    const auto j = lines_of("slide");
    CHECK(j.at("pages").get<int>() >= 2);  // the U+20000 is not on the page drawn
    CHECK(j.at("missing_glyphs") ==
          nlohmann::json::array({{{"field", "title"}, {"glyphs", "\xF0\x9F\x98\x80"}},
                                 {{"field", "body"}, {"glyphs", "\xF0\xA0\x80\x80"}}}));
    const auto ok = lines_of("plain");
    CHECK(ok.at("missing_glyphs") == nlohmann::json::array());
    CHECK(ok.at("pages") == 1);
}

TEST_CASE("player render: --render resolves local images next to the slide file",
          "[player][render][cli]") {
    TempDir dir;
    {
        SdlOnce sdl;
        make_test_png(dir.path);
    }
    write_text(dir.path / "image.json",
               R"({"type": "image", "media": "stripes.png", "fit": "cover"})");
    const fs::path out = dir.path / "image.png";
    REQUIRE(run_command(std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                        (dir.path / "image.json").string() + " --out " + out.string() +
                        " --size 640x360 2>/dev/null") == 0);
    SdlOnce sdl;
    SurfacePtr png(IMG_Load(out.c_str()));
    REQUIRE(png);
    SurfacePtr rgba(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
    CHECK(near(pixel_at(*rgba, 100, 180), SDL_Color{0, 0, 255, 255}, 10));
    CHECK(near(pixel_at(*rgba, 540, 180), SDL_Color{0, 255, 0, 255}, 10));
}

TEST_CASE("player render: --render rejects a bad slide naming the field, exit 2",
          "[player][render][cli]") {
    TempDir dir;
    write_text(dir.path / "bad.json", R"({"type": "text", "title": "标题", "body": 42})");
    const fs::path err = dir.path / "err.txt";
    CHECK(run_command(std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                      (dir.path / "bad.json").string() + " --out " + (dir.path / "x.png").string() +
                      " 2> " + err.string()) == 2);
    CHECK(read_text(err).find("body") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "x.png"));
    CHECK(run_command(std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                      (dir.path / "missing.json").string() + " --out " +
                      (dir.path / "x.png").string() + " 2>/dev/null") == 2);
    CHECK(run_command(std::string(SIGNAGE_PLAYER_EXE) + " --render " +
                      (dir.path / "bad.json").string() + " 2>/dev/null") == 2);  // no --out
}

TEST_CASE("player render: the play loop starts with a finished slide and switches on a manifest",
          "[player][render][loop]") {
    SdlOnce sdl;
    TempDir dir;
    auto cache = player::Cache::open(dir.path / "cache");
    REQUIRE(cache.ok());
    const Size size{640, 360};
    auto display = make_offscreen_display(size);
    REQUIRE(display.ok());
    const fs::path snapshot = dir.path / "snap.png";
    app::Player player(**display, FontSet::defaults(), **cache, snapshot);

    // Nothing cached: the built-in core-values slide, already in the snapshot.
    CHECK(player.start().empty());
    CHECK(player.current_slide().type == protocol::SlideType::core_values);
    player.flush_snapshots();
    {
        SurfacePtr png(IMG_Load(snapshot.c_str()));
        REQUIRE(png);
        SurfacePtr rgba(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
        const SDL_Color c = pixel_at(*rgba, 4, 180);
        CHECK(c.r > 150);
        CHECK(c.g < 60);
    }

    protocol::Manifest m;
    m.version = "v-test-1";
    m.settings.min_public_share = 0;  // a notice alone may open the loop
    protocol::Slide s;
    s.id = "notice-1";
    s.type = protocol::SlideType::text;
    s.title = "停水通知";
    s.body = "因管网维修，本周六8:00—18:00停水，请提前储水。";
    s.background.color = protocol::Color{0x0D, 0x47, 0xA1, 255};
    m.items.push_back(s);

    // The snapshot is written once the crossfade has finished. On a loaded
    // machine that can take a while, so wait for it (bounded) instead of
    // guessing a delay; PNGs are renamed into place, so reading is safe.
    const auto snapshot_is_blue = [&] {
        SurfacePtr png(IMG_Load(snapshot.c_str()));
        if (!png) return false;
        SurfacePtr rgba(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
        return rgba && near(pixel_at(*rgba, 4, 300), SDL_Color{0x0D, 0x47, 0xA1, 255}, 0);
    };
    std::atomic<bool> saw_blue{false};
    std::thread feeder([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
        player.deliver_manifest(m);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
        while (std::chrono::steady_clock::now() < deadline && !saw_blue) {
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
            saw_blue = snapshot_is_blue();
        }
        player.post_quit();
    });
    const int code = player.run();
    feeder.join();
    CHECK(code == 0);
    CHECK(saw_blue);
    CHECK(player.current_slide().id == "notice-1");
    player.flush_snapshots();
    SurfacePtr png(IMG_Load(snapshot.c_str()));
    REQUIRE(png);
    SurfacePtr rgba(SDL_ConvertSurfaceFormat(png.get(), SDL_PIXELFORMAT_RGBA32, 0));
    CHECK(near(pixel_at(*rgba, 4, 300), SDL_Color{0x0D, 0x47, 0xA1, 255}, 0));
}

TEST_CASE("player render: a text too long for one page pages instead of losing words",
          "[player][render]") {
    SdlOnce sdl;
    protocol::Slide s;
    s.type = protocol::SlideType::text;
    s.title = "社区环境综合整治告居民书";
    std::string body;
    for (int i = 1; i <= 12; ++i) {
        if (i > 1) body += "\n\n";
        body += "第" + std::to_string(i) +
                "条：请大家自觉清理楼道堆放的杂物，不在公共区域私拉电线，不高空抛物，"
                "文明饲养宠物，共同维护我们的美好家园。";
    }
    s.body = body;
    for (Size size : {Size{960, 540}, Size{540, 960}}) {
        INFO(size.w << "x" << size.h);
        std::string shown;
        int pages = 0;
        std::vector<std::string> firsts;
        for (int page = 0; pages == 0 || page < pages; ++page) {
            RenderOptions options;
            options.page = page;
            const Shot shot = render_shot(s, size, options);
            pages = shot.layout.pages;
            CHECK(shot.layout.page == page);
            const TextBlock* b = find_block(shot.layout, "body");
            REQUIRE(b != nullptr);
            CHECK_FALSE(b->truncated);
            REQUIRE_FALSE(b->lines.empty());
            firsts.push_back(b->lines.front().text);
            for (const auto& line : b->lines) shown += line.text;
            // Every line inside the body's box: nothing runs into the footer.
            for (const auto& line : b->lines) CHECK(line.rect.y + line.rect.h <= size.h);
            const TextBlock* mark = find_block(shot.layout, "page");
            REQUIRE(mark != nullptr);
            CHECK(mark->lines.front().text ==
                  std::to_string(page + 1) + " / " + std::to_string(pages));
        }
        CHECK(pages >= 2);
        // All of the text, in order, over the pages.
        std::string expected;
        for (char c : body) {
            if (c != '\n') expected += c;
        }
        CHECK(shown == expected);
        CHECK(firsts.front() != firsts.back());
    }
}

namespace {

// The widest run of blank columns between the first and the last inked
// column of `frame` (dark ink on white).
int widest_inner_gap(SDL_Surface& frame) {
    std::vector<bool> inked(static_cast<std::size_t>(frame.w), false);
    for (int x = 0; x < frame.w; ++x) {
        for (int y = 0; y < frame.h; ++y) {
            const SDL_Color c = pixel_at(frame, x, y);
            if (c.r < 128) {
                inked[static_cast<std::size_t>(x)] = true;
                break;
            }
        }
    }
    int first = -1, last = -1, widest = 0, run = 0;
    for (int x = 0; x < frame.w; ++x) {
        if (!inked[static_cast<std::size_t>(x)]) continue;
        if (first < 0) first = x;
        last = x;
    }
    for (int x = first; x >= 0 && x <= last; ++x) {
        run = inked[static_cast<std::size_t>(x)] ? 0 : run + 1;
        widest = std::max(widest, run);
    }
    return widest;
}

// `text` drawn black on white at `px`, either as the layout sets it
// (draw_block) or as one SDL_ttf run (what the renderer drew before adjacent
// punctuation was squeezed).
SurfacePtr draw_text_frame(const std::string& text, int px, bool as_laid_out) {
    auto display = make_offscreen_display(Size{800, 200});
    REQUIRE(display.ok());
    SDL_Renderer* r = (*display)->renderer();
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    FontCache fonts(FontSet::defaults());
    const SDL_Color black{0, 0, 0, 255};
    if (as_laid_out) {
        auto block = layout_text_at(fonts, text, TextStyle{}, px, 800, 200, "body");
        REQUIRE(block.ok());
        move_block(*block, 20, 20);
        REQUIRE(draw_block(r, fonts, *block, black).ok());
    } else {
        auto font = fonts.get(Weight::regular, px);
        REQUIRE(font.ok());
        SurfacePtr s(TTF_RenderUTF8_Blended(font->get(), text.c_str(), black));
        REQUIRE(s);
        TexturePtr t(SDL_CreateTextureFromSurface(r, s.get()));
        const SDL_Rect dst{20, 20, s->w, s->h};
        SDL_RenderCopy(r, t.get(), nullptr, &dst);
    }
    (*display)->present();
    auto frame = (*display)->read_frame();
    REQUIRE(frame.ok());
    return std::move(*frame);
}

}  // namespace

TEST_CASE("player render: adjacent full-width punctuation is set half an em closer",
          "[player][render][clreq]") {
    SdlOnce sdl;
    const int px = 100;
    // The reports' pairs (closing + opening, closing + closing), a closing
    // bracket before a full stop, and two opening marks.
    for (const std::string pair : {"，“", "”，", "。」", "）。", "（“"}) {
        INFO(pair);
        SurfacePtr before = draw_text_frame(pair, px, false);
        SurfacePtr after = draw_text_frame(pair, px, true);
        const int gap_before = widest_inner_gap(*before);
        const int gap_after = widest_inner_gap(*after);
        INFO("gap between the marks' ink: " << gap_before << " px as one run, " << gap_after
                                            << " px as set");
        CHECK(gap_before - gap_after >= px / 2 - 3);
        CHECK(gap_before - gap_after <= px / 2 + 3);
    }
    // Marks next to characters keep their full width.
    SurfacePtr plain_before = draw_text_frame("好，好", px, false);
    SurfacePtr plain_after = draw_text_frame("好，好", px, true);
    CHECK(widest_inner_gap(*plain_before) == widest_inner_gap(*plain_after));
}

TEST_CASE("player render: squeezed punctuation in a justified line stays inside the box",
          "[player][render][clreq]") {
    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    TextStyle style;
    style.justify = true;
    const std::string text =
        "他说：“文明城市，你我共建。”（市文明办）居民们都说：“有事找小黄，准没错。”社区通知";
    auto block = layout_text_at(fonts, text, style, 50, 600, -1, "body");
    REQUIRE(block.ok());
    REQUIRE(block->lines.size() >= 2);
    move_block(*block, 20, 20);
    auto display = make_offscreen_display(Size{700, 400});
    REQUIRE(display.ok());
    SDL_Renderer* r = (*display)->renderer();
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    REQUIRE(draw_block(r, fonts, *block, SDL_Color{0, 0, 0, 255}).ok());
    (*display)->present();
    auto frame = (*display)->read_frame();
    REQUIRE(frame.ok());
    bool squeezed_line = false;
    for (const auto& line : block->lines) {
        INFO(line.text);
        int w = 0, h = 0;
        auto font = fonts.get(Weight::regular, 50);
        REQUIRE(font.ok());
        TTF_SizeUTF8(font->get(), line.text.c_str(), &w, &h);
        if (line.rect.w - line.justify < w) squeezed_line = true;
        // No ink right of the box.
        int right = 0;
        for (int y = line.rect.y; y < line.rect.y + line.rect.h; ++y) {
            for (int x = 0; x < (*frame)->w; ++x) {
                if (pixel_at(**frame, x, y).r < 128) right = std::max(right, x);
            }
        }
        CHECK(right < 20 + 600);
        char32_t last = 0;
        for (std::size_t i = 0; i < line.text.size();) last = next_code_point(line.text, i);
        if (line.justify > 0 && last >= 0x4E00 && last <= 0x9FFF) {
            CHECK(right >= 20 + 600 - 15);  // justified to the margin
        }
    }
    CHECK(squeezed_line);
}

namespace {

std::vector<char32_t> cps_of(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) out.push_back(next_code_point(s, i));
    return out;
}

bool demo_is_digit(char32_t c) {
    return c >= U'0' && c <= U'9';
}

// The full-width marks the compression applies to.
bool demo_is_mark(char32_t c) {
    static const std::u32string_view kMarks = U"。，、；：？！”’）〕】》〉」』“‘（〔【《〈「『";
    return kMarks.find(c) != std::u32string_view::npos;
}

// Without spaces: the renderer drops spaces at line ends.
std::string no_spaces(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != ' ') out += c;
    }
    return out;
}

void demo_hard_lines(const nlohmann::json& j, std::set<std::string>& out) {
    if (j.is_string()) {
        for (const auto& para : split_paragraphs(j.get<std::string>())) {
            for (const auto& line : para) out.insert(no_spaces(line));
        }
    } else if (j.is_structured()) {
        for (const auto& e : j) demo_hard_lines(e, out);
    }
}

}  // namespace

TEST_CASE("player render: the demo set is set by the typography rules at the slides' sizes",
          "[player][render][clreq][demo]") {
    SdlOnce sdl;
    const fs::path demo = SIGNAGE_DEMO_DIR;
    const auto content = nlohmann::json::parse(read_text(demo / "content.json"));
    protocol::SlideParseOptions parse_options;
    parse_options.allow_local_paths = true;
    RenderOptions base;
    base.now = *protocol::parse_iso8601("2026-11-24T10:00:00+08:00");
    FontCache fonts(FontSet::defaults());
    std::size_t blocks = 0, paragraph_ends = 0, squeezed = 0;
    for (const auto& sj : content.at("slides")) {
        auto slide = protocol::parse_slide(sj, parse_options);
        REQUIRE(slide.ok());
        std::set<std::string> hard_lines;
        demo_hard_lines(sj, hard_lines);
        for (Size size : {Size{1920, 1080}, Size{1080, 1920}}) {
            int pages = 1;
            for (int page = 0; page < pages; ++page) {
                RenderOptions options = base;
                options.page = page;
                const Shot shot = render_shot(*slide, size, options, path_resolver(demo));
                pages = shot.layout.pages;
                for (const TextBlock& b : shot.layout.blocks) {
                    ++blocks;
                    INFO(slide->title << " " << size.w << "x" << size.h << " page " << page << ", "
                                      << b.role << " at " << b.font_px << " px");
                    auto font = fonts.get(b.weight, b.font_px);
                    REQUIRE(font.ok());
                    std::string paragraph;
                    std::size_t paragraph_lines = 0;
                    for (std::size_t i = 0; i < b.lines.size(); ++i) {
                        const std::string& text = b.lines[i].text;
                        INFO("line " << i << ": " << text);
                        const auto cps = cps_of(text);
                        // No number split from its unit, no date or time range split.
                        if (i + 1 < b.lines.size() && !cps.empty()) {
                            const auto next = cps_of(b.lines[i + 1].text);
                            const char32_t a = cps.back();
                            const char32_t c = next.empty() ? 0 : next.front();
                            const char32_t a0 = cps.size() >= 2 ? cps[cps.size() - 2] : 0;
                            static const std::u32string_view kUnits = U"年月日号楼米个时点%万";
                            CHECK_FALSE((demo_is_digit(a) && kUnits.find(c) != kUnits.npos));
                            CHECK_FALSE((demo_is_digit(a0) && kUnits.find(a) != kUnits.npos &&
                                         demo_is_digit(c)));
                            CHECK_FALSE((a == U'—' && demo_is_digit(a0) && demo_is_digit(c)));
                            CHECK_FALSE((demo_is_digit(a) && c == U'—'));
                            // The reports' words.
                            CHECK_FALSE((a == U'问' && c == U'题'));
                            CHECK_FALSE((a == U'反' && c == U'映'));
                        }
                        // Adjacent marks are set half an em closer.
                        int pairs = 0;
                        for (std::size_t k = 1; k < cps.size(); ++k) {
                            if (demo_is_mark(cps[k - 1]) && demo_is_mark(cps[k])) ++pairs;
                        }
                        if (pairs > 0) {
                            ++squeezed;
                            int w = 0, h = 0;
                            TTF_SizeUTF8(font->get(), text.c_str(), &w, &h);
                            CHECK(b.lines[i].rect.w - b.lines[i].justify <=
                                  w - pairs * (b.font_px / 2) + 1);
                        }
                        // No paragraph ends in a line of fewer than three characters.
                        paragraph += no_spaces(text);
                        ++paragraph_lines;
                        if (hard_lines.count(paragraph) != 0) {
                            ++paragraph_ends;
                            if (paragraph_lines >= 2) {
                                std::size_t counted = 0;
                                for (char32_t c : cps) {
                                    if (!demo_is_mark(c) && c != U' ' && c != U'—' && c != U'…') {
                                        ++counted;
                                    }
                                }
                                CHECK(counted >= 3);
                            }
                            paragraph.clear();
                            paragraph_lines = 0;
                        }
                    }
                }
            }
        }
    }
    CHECK(blocks > 200);
    CHECK(paragraph_ends > 100);
    CHECK(squeezed >= 5);
    INFO(blocks << " blocks, " << paragraph_ends << " paragraph ends, " << squeezed
                << " lines with adjacent marks");
}
