// Films on the screen: frames presented in order and on time, late frames
// dropped rather than slipping, loops without a seam, and a rotation of
// images and films with no black or frozen frame at any switch. The films
// are made in the test with FFmpeg's test sources; each frame carries its
// number as two grey patches (low and high digit, base 16), read back from
// the real pixels SDL drew.
#include <catch2/catch.hpp>

#include <SDL.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "app/player.hpp"
#include "common/sha256.hpp"
#include "core/cache.hpp"
#include "protocol/manifest.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/film.hpp"
#include "render/fonts.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"
#include "render/video.hpp"
#include "support/film.hpp"
#include "support/temp_dir.hpp"

using namespace signage;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The grey level of digit d (0..15) in a numbered film, and back. Levels
// start at 40 so no frame is black.
constexpr int kBase = 40, kStep = 12;

// A film of `seconds` at `fps` whose frame n shows n % 16 on its left half
// and (n / 16) % 16 on its right half, as grey levels (H.264 in MP4).
fs::path numbered_film(const fs::path& dir, int fps, double seconds, int w = 160, int h = 90) {
    std::ostringstream geq;
    geq << "format=yuv420p,geq=lum='if(lt(X,W/2)," << kBase << "+" << kStep << "*mod(N,16),"
        << kBase << "+" << kStep << "*mod(floor(N/16),16))':cb=128:cr=128";
    return test::make_film(
        dir, test::FilmSpec("mp4", "libx264", {}, w, h, seconds, 0, "color=c=gray", fps,
                            {"-vf", geq.str(), "-crf", "4", "-g", "12"}));
}

// A still picture of one colour (PNG).
fs::path still_picture(const fs::path& dir, const std::string& colour) {
    return test::make_film(dir,
                           test::FilmSpec("png", "png", {}, 320, 180, 1, 1, "color=c=" + colour));
}

int digit_of(std::uint8_t grey) {
    // SDL's YUV to RGB (limited range): R = (Y - 16) * 255 / 219.
    const double y = grey * 219.0 / 255.0 + 16.0;
    return static_cast<int>(std::lround((y - kBase) / kStep));
}

// The frame number the pixels of `target` show (mod 256).
int number_shown(SDL_Renderer* r, SDL_Texture* target, int w, int h) {
    SDL_Texture* before = SDL_GetRenderTarget(r);
    SDL_SetRenderTarget(r, target);
    std::uint8_t left[4] = {}, right[4] = {};
    SDL_Rect a{w / 4, h / 2, 1, 1}, b{3 * w / 4, h / 2, 1, 1};
    SDL_RenderReadPixels(r, &a, SDL_PIXELFORMAT_RGBA32, left, 4);
    SDL_RenderReadPixels(r, &b, SDL_PIXELFORMAT_RGBA32, right, 4);
    SDL_SetRenderTarget(r, before);
    return digit_of(left[0]) + 16 * digit_of(right[0]);
}

struct Bench {
    test::TempDir dir{"signage-video-test"};
    std::unique_ptr<render::Display> display;
    Bench() {
        static auto rt = render::SdlRuntime::init(false);
        REQUIRE(rt.ok());
        auto d = render::make_offscreen_display({160, 90});
        REQUIRE(d.ok());
        display = std::move(*d);
    }
};

// A 640x360 offscreen screen whose slides' media are all `file`.
struct FilmScreen {
    test::TempDir dir;
    render::Size size{640, 360};
    std::unique_ptr<render::Display> display;
    render::FontCache fonts{render::FontSet::defaults()};
    fs::path file;
    render::SlideRenderer renderer;
    explicit FilmScreen(const std::string& name)
        : dir(name),
          display(open(size)),
          renderer(display->renderer(), fonts, [this](const std::string&) { return file; }) {}
    static std::unique_ptr<render::Display> open(render::Size size) {
        static auto rt = render::SdlRuntime::init(false);
        REQUIRE(rt.ok());
        auto d = render::make_offscreen_display(size);
        REQUIRE(d.ok());
        return std::move(*d);
    }
    // A video slide filling its zone (cover).
    static protocol::Slide slide() {
        protocol::Slide s;
        s.id = "film";
        s.type = protocol::SlideType::video;
        s.media = std::string(64, 'a');
        s.fit = protocol::Fit::cover;
        return s;
    }
};

struct Shown {
    double t;    // the film's clock when it was drawn
    int pixels;  // the number its pixels show (mod 256)
    std::int64_t number;
    bool black = false;  // a pixel of the screen's middle row is black
};

// Whether any pixel of row `y` of an RGBA32 surface is black (each channel
// under 24).
bool black_in_row(const SDL_Surface* s, int y) {
    const auto* p = static_cast<const std::uint8_t*>(s->pixels) + y * s->pitch;
    for (int x = 0; x < s->w; ++x) {
        if (p[x * 4] < 24 && p[x * 4 + 1] < 24 && p[x * 4 + 2] < 24) return true;
    }
    return false;
}

// What decoded a film: as it opened, and as it ended.
struct Decoded {
    std::string first, last;
};

// The frame number (mod 256) a numbered film shows in `box` of an RGBA32
// surface, read at row `y`.
int number_in(const SDL_Surface* s, const SDL_Rect& box, int y) {
    const auto* p = static_cast<const std::uint8_t*>(s->pixels);
    const auto grey = [&](int x) { return p[y * s->pitch + x * 4]; };
    return digit_of(grey(box.x + box.w / 4)) + 16 * digit_of(grey(box.x + 3 * box.w / 4));
}

// What the screen shows, the frame last presented: the number (mod 256) and
// whether it has black in it.
Shown shown_on_screen(render::Display& d, double t, std::int64_t number, int w, int h) {
    auto frame = d.read_frame();
    REQUIRE(frame.ok());
    return {t, number_in(frame->get(), SDL_Rect{0, 0, w, h}, h / 2), number,
            black_in_row(frame->get(), h / 2)};
}

// Plays `film` on a clock of its own stepping by `step`, waiting for the
// decoder before each step (so the test measures pacing, not this
// machine's speed), and records every frame drawn: the first into its
// slide's texture, the others straight onto the screen, as a screen
// showing the film's slide alone draws them.
std::vector<Shown> play(Bench& b, const fs::path& film, double seconds, double step, bool loop,
                        render::VideoStats* stats = nullptr, Decoded* decoded = nullptr) {
    SDL_Renderer* r = b.display->renderer();
    render::TexturePtr target(
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, 160, 90));
    REQUIRE(target);
    render::VideoDecoder::Options opt;
    opt.loop = loop;
    auto decoder = render::VideoDecoder::open(film, opt);
    REQUIRE(decoder.ok());
    if (decoded) decoded->first = (*decoder)->decoding();
    render::Film f(r, std::move(*decoder), SDL_Rect{0, 0, 160, 90}, SDL_Rect{0, 0, 160, 90});
    SDL_SetRenderTarget(r, target.get());
    REQUIRE(f.draw_first().ok());
    SDL_SetRenderTarget(r, nullptr);
    std::vector<Shown> shown{{0.0, number_shown(r, target.get(), 160, 90), f.frame_number()}};
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    f.start(t0);
    for (double t = step; t <= seconds + 1e-9; t += step) {
        f.decoder().wait_decoded(t, 10s);
        const auto at = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(t));
        if (f.update(at)) {
            f.draw(SDL_Rect{0, 0, 160, 90}, render::Size{160, 90}, b.display->software_target());
            REQUIRE(f.drawn_direct());
            b.display->present();
            shown.push_back(shown_on_screen(*b.display, t, f.frame_number(), 160, 90));
        }
        if (!loop && f.ended(at)) break;
    }
    if (stats) *stats = f.decoder().stats();
    if (decoded) decoded->last = f.decoder().decoding();
    return shown;
}

}  // namespace

TEST_CASE("video: every frame of a film is shown once, in order, within a frame of its time",
          "[player][video]") {
    Bench b;
    for (const int fps : {25, 30}) {
        DYNAMIC_SECTION(fps << " frames a second") {
            const fs::path film = numbered_film(b.dir.path(), fps, 3.0);
            render::VideoStats stats;
            const auto shown = play(b, film, 3.5, 0.004, false, &stats);
            const int frames = 3 * fps;
            REQUIRE(shown.size() == static_cast<std::size_t>(frames));
            for (std::size_t i = 0; i < shown.size(); ++i) {
                INFO("drawn #" << i << " at " << shown[i].t << " s");
                CHECK(shown[i].number == static_cast<std::int64_t>(i));
                CHECK(shown[i].pixels == static_cast<int>(i % 256));
                // Due at i / fps; drawn at the first step after.
                const double n = static_cast<double>(i);
                CHECK(shown[i].t >= n / fps - 1e-9);
                CHECK(shown[i].t < (n + 1) / fps);
            }
            CHECK(stats.dropped == 0);
            CHECK(stats.presented == frames);
        }
    }
}

TEST_CASE("video: a screen that draws late drops frames instead of slipping behind",
          "[player][video]") {
    Bench b;
    const fs::path film = numbered_film(b.dir.path(), 25, 3.0);
    // Drawing only every 100 ms: each drawing shows the frame due then.
    render::VideoStats stats;
    const auto shown = play(b, film, 3.0, 0.1, false, &stats);
    REQUIRE(shown.size() >= 29);
    for (const auto& s : shown) {
        INFO("drawn at " << s.t << " s");
        const int due = static_cast<int>(std::floor(s.t * 25 + 1e-6));
        CHECK(std::abs(s.pixels - due) <= 1);
    }
    CHECK(stats.dropped > 40);
    CHECK(stats.presented + stats.dropped == 75);
}

TEST_CASE("video: a looping film goes round without a seam", "[player][video]") {
    Bench b;
    const fs::path film = numbered_film(b.dir.path(), 25, 1.0);
    render::VideoStats stats;
    const auto shown = play(b, film, 3.0, 0.004, true, &stats);
    // Three passes of 25 frames, each at its time: the clock goes on across the seam.
    REQUIRE(shown.size() >= 75);
    for (std::size_t i = 0; i < 75; ++i) {
        INFO("drawn #" << i << " at " << shown[i].t << " s");
        CHECK(shown[i].number == static_cast<std::int64_t>(i));
        CHECK(shown[i].pixels == static_cast<int>(i % 25));
        const double n = static_cast<double>(i);
        CHECK(shown[i].t >= n / 25.0 - 1e-9);
        CHECK(shown[i].t < (n + 1) / 25.0);
    }
    CHECK(stats.loops >= 2);
    CHECK(stats.dropped == 0);
}

TEST_CASE("video: the poster is the frame a second in, or the last of a shorter film",
          "[player][video]") {
    Bench b;
    SDL_Renderer* r = b.display->renderer();
    for (const double seconds : {3.0, 0.5}) {
        const fs::path film = numbered_film(b.dir.path(), 25, seconds);
        render::VideoDecoder::Options opt;
        opt.start_at_s = render::kPosterAt;
        auto decoder = render::VideoDecoder::open(film, opt);
        REQUIRE(decoder.ok());
        render::TexturePtr target(
            SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, 160, 90));
        render::Film f(r, std::move(*decoder), SDL_Rect{0, 0, 160, 90}, SDL_Rect{0, 0, 160, 90});
        SDL_SetRenderTarget(r, target.get());
        REQUIRE(f.draw_first().ok());
        SDL_SetRenderTarget(r, nullptr);
        // 0.5 s at 25 frames a second: frames 0 to 12.
        CHECK(number_shown(r, target.get(), 160, 90) == (seconds > 1 ? 25 : 12));
    }
}

namespace {

using Colour = std::array<double, 3>;

// The mean colour of `rect` in an RGBA32 surface.
Colour mean_colour(const SDL_Surface* s, const SDL_Rect& rect) {
    Colour sum{};
    const auto* p = static_cast<const std::uint8_t*>(s->pixels);
    for (int y = rect.y; y < rect.y + rect.h; ++y) {
        for (int x = rect.x; x < rect.x + rect.w; ++x) {
            for (int c = 0; c < 3; ++c)
                sum[static_cast<std::size_t>(c)] += p[y * s->pitch + x * 4 + c];
        }
    }
    for (double& v : sum) v /= rect.w * rect.h;
    return sum;
}

// The largest difference, over the seven bars across the top of SMPTE HD
// colour bars (75%: grey, yellow, cyan, green, magenta, red, blue) and
// their three channels, between a picture of them and what they are.
double bars_off(const SDL_Surface* s) {
    constexpr int kBar[7][3] = {{191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0},
                                {191, 0, 191},   {191, 0, 0},   {0, 0, 191}};
    double most = 0;
    const int bar = s->w * 3 / 4 / 7;  // seven bars over 3/4 of the width, from 1/8
    for (int i = 0; i < 7; ++i) {
        const SDL_Rect r{s->w / 8 + i * bar + bar / 4, s->h / 8, bar / 2, s->h / 4};
        const Colour c = mean_colour(s, r);
        for (std::size_t k = 0; k < 3; ++k) {
            most = std::max(most, std::abs(c[k] - kBar[i][k]));
        }
    }
    return most;
}

// Draws the first frame of `film` (1280x720) over the whole of `d` the
// way a screen does: into the slide's texture through SDL's YUV texture
// (the slide renderer, previews, crossfades), that texture then onto the
// screen; or, `straight`, converted straight into the screen's pixels (a
// film's slide shown alone). Returns the frame presented.
render::SurfacePtr draw_film(render::Display& d, const fs::path& film, bool straight) {
    SDL_Renderer* r = d.renderer();
    const render::Size size = d.size();
    render::TexturePtr slide(
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, size.w, size.h));
    REQUIRE(slide);
    auto decoder = render::VideoDecoder::open(film, {});
    REQUIRE(decoder.ok());
    render::Film f(r, std::move(*decoder), SDL_Rect{0, 0, 1280, 720},
                   SDL_Rect{0, 0, size.w, size.h});
    SDL_SetRenderTarget(r, slide.get());
    REQUIRE(f.draw_first().ok());
    SDL_SetRenderTarget(r, nullptr);
    if (straight) {
        f.draw(SDL_Rect{0, 0, size.w, size.h}, size, d.software_target());
        REQUIRE(f.drawn_direct());
    } else {
        SDL_SetTextureBlendMode(slide.get(), SDL_BLENDMODE_NONE);
        SDL_RenderCopy(r, slide.get(), nullptr, nullptr);
    }
    d.present();
    auto frame = d.read_frame();
    REQUIRE(frame.ok());
    return std::move(*frame);
}

}  // namespace

TEST_CASE("video: a film shows its true colours, in its slide and straight on the screen",
          "[player][video]") {
    // HD colour bars in an HD film (BT.709, as its stream says), drawn the
    // two ways a screen draws films: into the slide's texture through SDL's
    // YUV texture (previews, posters, crossfades) and, on the software
    // renderer, converted straight into the screen's pixels (a film shown
    // alone); at its size and scaled down.
    test::TempDir dir{"signage-video-colours"};
    const fs::path film = test::make_film(
        dir.path(),
        test::FilmSpec("mp4", "libx264", {}, 1280, 720, 0.2, 0, "smptehdbars", 25, {"-crf", "0"}));
    static auto rt = render::SdlRuntime::init(false);
    REQUIRE(rt.ok());
    constexpr double kTolerance = 3;  // of 255, on a bar's mean colour
    for (const render::Size size : {render::Size{1280, 720}, render::Size{960, 540}}) {
        DYNAMIC_SECTION(size.w << "x" << size.h) {
            auto d = render::make_offscreen_display(size);
            REQUIRE(d.ok());
            CHECK(bars_off(draw_film(**d, film, false).get()) <= kTolerance);
            CHECK(bars_off(draw_film(**d, film, true).get()) <= kTolerance);
        }
    }
    SECTION("the check can fail: the same bars read with the other matrix are off") {
        // The same pictures, their stream saying BT.601 (SDL's default).
        const fs::path mistagged = test::make_film(
            dir.path(), test::FilmSpec("mp4", "libx264", {}, 1280, 720, 0.2, 0, "smptehdbars", 25,
                                       {"-crf", "0", "-colorspace", "bt470bg"}));
        auto d = render::make_offscreen_display({1280, 720});
        REQUIRE(d.ok());
        CHECK(bars_off(draw_film(**d, mistagged, false).get()) > 3 * kTolerance);
        CHECK(bars_off(draw_film(**d, mistagged, true).get()) > 3 * kTolerance);
    }
}

namespace {

// What SDL_ConvertPixels makes of a w x h I420 picture (planes with
// strides, as a decoder leaves them) under `mode`, into `format`.
std::vector<std::uint8_t> sdl_converted(const render::YuvPlanes& p, int w, int h,
                                        SDL_YUV_CONVERSION_MODE mode, Uint32 format) {
    // SDL reads IYUV in one block: Y, then U, then V, each row packed.
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    std::vector<std::uint8_t> iyuv;
    for (int y = 0; y < h; ++y)
        iyuv.insert(iyuv.end(), p.y + y * p.y_stride, p.y + y * p.y_stride + w);
    for (int y = 0; y < ch; ++y)
        iyuv.insert(iyuv.end(), p.u + y * p.u_stride, p.u + y * p.u_stride + cw);
    for (int y = 0; y < ch; ++y)
        iyuv.insert(iyuv.end(), p.v + y * p.v_stride, p.v + y * p.v_stride + cw);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    const SDL_YUV_CONVERSION_MODE before = SDL_GetYUVConversionMode();
    SDL_SetYUVConversionMode(mode);
    REQUIRE(SDL_ConvertPixels(w, h, SDL_PIXELFORMAT_IYUV, iyuv.data(), w, format, out.data(),
                              w * 4) == 0);
    SDL_SetYUVConversionMode(before);
    return out;
}

// convert_yuv420 of the same into rows of `pitch` bytes (the rest of each
// row left as it was: 0xEE), and whether it converted; `aligned`: the
// rows start on 32 bytes (where it writes past the caches).
std::pair<bool, std::vector<std::uint8_t>> fast_converted(const render::YuvPlanes& p, int w, int h,
                                                          SDL_YUV_CONVERSION_MODE mode,
                                                          Uint32 format, int pitch,
                                                          bool aligned = false) {
    const std::size_t size = static_cast<std::size_t>(pitch) * static_cast<std::size_t>(h);
    std::vector<std::uint8_t> block(size + 64, 0xEE);
    const auto at = reinterpret_cast<std::uintptr_t>(block.data());
    const std::size_t skip = (32 - at % 32) % 32 + (aligned ? 0 : 4);
    const bool done = render::convert_yuv420(p, w, h, mode, format, block.data() + skip, pitch);
    return {done,
            std::vector<std::uint8_t>(block.begin() + static_cast<std::ptrdiff_t>(skip),
                                      block.begin() + static_cast<std::ptrdiff_t>(skip + size))};
}

bool has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2") != 0;
#else
    return false;
#endif
}

}  // namespace

TEST_CASE("video: a film drawn straight onto the screen has SDL's colours, byte for byte",
          "[player][video]") {
    // The one-pass conversion a film shown alone is drawn with must give
    // the very pixels SDL's converter gives (a preview, a crossfade, the
    // slide's first frame): on pictures of odd sizes and strides, full of
    // the extreme values where fixed-point arithmetic wraps, for each
    // matrix, and over every Y, U and V there is.
    const std::vector<std::pair<SDL_YUV_CONVERSION_MODE, const char*>> modes = {
        {SDL_YUV_CONVERSION_JPEG, "JPEG"},
        {SDL_YUV_CONVERSION_BT601, "BT.601"},
        {SDL_YUV_CONVERSION_BT709, "BT.709"}};
    const bool fast = has_avx2();
    SECTION("pictures of many sizes, in the screen's two formats") {
        std::uint32_t seed = 12345;
        auto next = [&] {
            seed = seed * 1664525u + 1013904223u;
            const std::uint32_t r = seed >> 24;
            // One byte in four at an extreme.
            return static_cast<std::uint8_t>((r & 3) == 0 ? ((r & 4) ? 255 : 0) : (seed >> 8));
        };
        const std::vector<render::Size> sizes = {{1, 1},      {2, 3},    {31, 7},  {32, 2},
                                                 {33, 3},     {64, 5},   {95, 64}, {160, 90},
                                                 {1000, 563}, {1920, 64}};
        for (const auto& [mode, name] : modes) {
            for (const Uint32 format : {SDL_PIXELFORMAT_ARGB8888, SDL_PIXELFORMAT_XRGB8888}) {
                for (const render::Size size : sizes) {
                    INFO(name << " " << SDL_GetPixelFormatName(format) << " " << size.w << "x"
                              << size.h);
                    const int cw = (size.w + 1) / 2, ch = (size.h + 1) / 2;
                    const int ys = size.w + 13, us = cw + 7, vs = cw + 3;  // padded rows
                    std::vector<std::uint8_t> y(static_cast<std::size_t>(ys * size.h));
                    std::vector<std::uint8_t> u(static_cast<std::size_t>(us * ch));
                    std::vector<std::uint8_t> v(static_cast<std::size_t>(vs * ch));
                    for (auto* plane : {&y, &u, &v}) {
                        for (auto& b : *plane) b = next();
                    }
                    const render::YuvPlanes p{y.data(), u.data(), v.data(), ys, us, vs};
                    const auto want = sdl_converted(p, size.w, size.h, mode, format);
                    // Rows apart by more than their pixels: unaligned, and on 32 bytes.
                    const bool aligned = (size.w + size.h) % 2 == 0;
                    const int pitch = aligned ? (size.w * 4 + 32 + 31) / 32 * 32 : size.w * 4 + 20;
                    const auto [done, got] =
                        fast_converted(p, size.w, size.h, mode, format, pitch, aligned);
                    REQUIRE(done == fast);
                    if (!done) continue;
                    int differ = 0, spilled = 0;
                    for (int row = 0; row < size.h; ++row) {
                        const std::uint8_t* g = got.data() + row * pitch;
                        differ += std::memcmp(g, want.data() + row * size.w * 4,
                                              static_cast<std::size_t>(size.w) * 4) != 0;
                        for (int x = size.w * 4; x < pitch; ++x) spilled += g[x] != 0xEE;
                    }
                    CHECK(differ == 0);
                    CHECK(spilled == 0);
                }
            }
        }
    }
    SECTION("every Y, U and V") {
        if (!fast) return;
        // 512 x 512: each chroma row is one U, each chroma column one V,
        // the whole picture one Y; 256 pictures.
        const int w = 512, h = 512, c = 256;
        std::vector<std::uint8_t> y(static_cast<std::size_t>(w * h)), u(c * c), v(c * c);
        for (int row = 0; row < c; ++row) {
            for (int col = 0; col < c; ++col) {
                u[static_cast<std::size_t>(row * c + col)] = static_cast<std::uint8_t>(row);
                v[static_cast<std::size_t>(row * c + col)] = static_cast<std::uint8_t>(col);
            }
        }
        const render::YuvPlanes p{y.data(), u.data(), v.data(), w, c, c};
        for (const auto& [mode, name] : modes) {
            int differ = 0;
            for (int luma = 0; luma < 256; ++luma) {
                std::fill(y.begin(), y.end(), static_cast<std::uint8_t>(luma));
                const auto want = sdl_converted(p, w, h, mode, SDL_PIXELFORMAT_ARGB8888);
                const auto [done, got] =
                    fast_converted(p, w, h, mode, SDL_PIXELFORMAT_ARGB8888, w * 4, luma % 2 == 0);
                REQUIRE(done);
                differ += got != want;
            }
            INFO(name);
            CHECK(differ == 0);
        }
    }
    SECTION("what it does not convert, it leaves to SDL") {
        std::vector<std::uint8_t> y(64 * 2, 128), uv(32, 128);
        const render::YuvPlanes p{y.data(), uv.data(), uv.data(), 64, 32, 32};
        CHECK_FALSE(
            fast_converted(p, 64, 2, SDL_YUV_CONVERSION_BT709, SDL_PIXELFORMAT_ABGR8888, 256)
                .first);
        CHECK_FALSE(
            fast_converted(p, 64, 2, SDL_YUV_CONVERSION_AUTOMATIC, SDL_PIXELFORMAT_ARGB8888, 256)
                .first);
    }
}

TEST_CASE(
    "video: a film's slide shown alone keeps its caption band and QR card around and over "
    "the moving picture",
    "[player][video]") {
    // Shown alone, the compositor draws the slide only around the film and
    // the film straight onto the screen, its QR card over it; on a display
    // that keeps its frame, later frames draw only the film's new pictures.
    // Every frame must still be the whole slide: drawn whole after the
    // screen lost its picture, drawn in part, and after an emergency came
    // and went.
    FilmScreen screen{"signage-video-alone"};
    screen.file = numbered_film(screen.dir.path(), 25, 2.0, 640, 360);
    const render::Size size = screen.size;
    render::Display& display = *screen.display;
    render::SlideRenderer& renderer = screen.renderer;
    protocol::Slide slide = FilmScreen::slide();
    slide.caption = "文明出行 从我做起";
    slide.qr = protocol::QrCode{"https://example.org/civility", "扫码了解"};
    render::RenderOptions options;
    options.live_video = true;
    auto rendered = renderer.render(slide, size, options);
    REQUIRE(rendered.ok());
    REQUIRE(rendered->film);
    REQUIRE(rendered->layout.image_rect);
    REQUIRE(rendered->layout.qr_rect);
    const SDL_Rect box = *rendered->layout.image_rect;
    const SDL_Rect card = *rendered->layout.qr_rect;
    REQUIRE(box.h < size.h);  // the caption band is below the film
    SDL_Rect over{};
    REQUIRE(SDL_IntersectRect(&card, &box, &over));  // the card is over the film
    // The slide as rendered (the film's first frame in it), read back.
    std::vector<std::uint8_t> slide_pixels(static_cast<std::size_t>(size.w * size.h * 4));
    SDL_SetRenderTarget(display.renderer(), rendered->texture.get());
    SDL_RenderReadPixels(display.renderer(), nullptr, SDL_PIXELFORMAT_RGBA32, slide_pixels.data(),
                         size.w * 4);
    SDL_SetRenderTarget(display.renderer(), nullptr);
    auto film_of = rendered->film;

    render::Compositor compositor(display);
    const auto t0 = render::Compositor::Clock::time_point{} + 1h;
    compositor.show(std::move(*rendered), t0);
    for (int k = 0; k < 40; ++k) {
        const double t = k / 25.0 + 0.001;
        INFO("at " << t << " s");
        const auto at = t0 + std::chrono::duration_cast<render::Compositor::Clock::duration>(
                                 std::chrono::duration<double>(t));
        film_of->decoder().wait_decoded(t, 10s);
        if (k % 10 == 0) {
            // The screen lost its picture: what it held is no help.
            SDL_SetRenderDrawColor(display.renderer(), 255, 0, 255, 255);
            SDL_RenderClear(display.renderer());
            compositor.redraw_all();
        }
        if (k == 25) {
            // An emergency covers the screen for a frame, then goes.
            render::TexturePtr red(SDL_CreateTexture(display.renderer(), SDL_PIXELFORMAT_ARGB8888,
                                                     SDL_TEXTUREACCESS_TARGET, size.w, size.h));
            REQUIRE(red);
            SDL_SetRenderTarget(display.renderer(), red.get());
            SDL_SetRenderDrawColor(display.renderer(), 200, 16, 46, 255);
            SDL_RenderClear(display.renderer());
            SDL_SetRenderTarget(display.renderer(), nullptr);
            compositor.show_emergency(std::move(red));
            compositor.draw(at);
            display.present();
            compositor.clear_emergency();
        }
        compositor.draw(at);
        CHECK(film_of->drawn_direct());
        display.present();
        auto frame = display.read_frame();
        REQUIRE(frame.ok());
        const auto* p = static_cast<const std::uint8_t*>((*frame)->pixels);
        const int pitch = (*frame)->pitch;
        // Outside the film's box (the caption band) and on the QR card: the
        // slide exactly.
        int differ = 0, outside = 0;
        for (int y = 0; y < size.h; ++y) {
            for (int x = 0; x < size.w; ++x) {
                const SDL_Point pt{x, y};
                if (SDL_PointInRect(&pt, &box) && !SDL_PointInRect(&pt, &card)) continue;
                ++outside;
                const std::uint8_t* a = p + y * pitch + x * 4;
                const std::uint8_t* b = slide_pixels.data() + (y * size.w + x) * 4;
                if (std::memcmp(a, b, 3) != 0) ++differ;
            }
        }
        CHECK(outside > 0);
        CHECK(differ == 0);
        // The film's box shows the frame due: its number in grey patches
        // (read above the QR card).
        const int due = static_cast<int>(std::floor(t * 25 + 1e-6));
        CHECK(number_in(frame->get(), box, box.y + box.h / 4) == due);
    }
}

TEST_CASE("video: while a film plays, the ticker steps with the film's pictures",
          "[player][video]") {
    // A second screen's worth of drawing for no new picture would cost most
    // of what a film costs beyond its decoding: the next frame is due at the
    // film's next picture (25 a second here), or kTickerWithFilmInterval
    // after the last one while a film holds its picture (4 a second here);
    // a crossfade and a still slide keep the ticker at kFrameInterval. The
    // ticker still moves from one of the film's frames to the next.
    FilmScreen screen{"signage-video-ticker"};
    screen.file = numbered_film(screen.dir.path(), 25, 2.0, 640, 360);
    const fs::path slow = numbered_film(screen.dir.path(), 4, 2.0, 640, 360);
    const render::Size size = screen.size;
    render::Display& display = *screen.display;
    render::FontCache& fonts = screen.fonts;
    render::SlideRenderer& renderer = screen.renderer;
    render::Compositor compositor(display);
    const render::ScreenLayout layout = render::layout_screen(size, true, true);
    compositor.set_layout(layout);
    render::Ticker ticker(display.renderer(), fonts);
    const auto t0 = render::Compositor::Clock::time_point{} + 1h;
    ticker.set_texts({"文明城市 共建共享：请自觉遵守交通规则，礼让行人，文明出行。"}, t0);
    REQUIRE(compositor.set_ticker(&ticker).ok());
    using Clock = render::Compositor::Clock;
    auto at = [&](double t) {
        return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
    };

    // A still slide under the ticker: 60 frames a second.
    protocol::Slide still;
    still.id = "still";
    still.type = protocol::SlideType::text;
    still.title = "垃圾分类 人人有责";
    still.duration_s = 10;
    auto shown = renderer.render(still, layout.main_size(), render::RenderOptions{});
    REQUIRE(shown.ok());
    compositor.show(std::move(*shown), t0);
    CHECK(compositor.next_frame_due(at(1.0)) == at(1.0) + render::Compositor::kFrameInterval);

    // Shows screen.file's film from `when` on.
    auto show_film = [&](Clock::time_point when) {
        render::RenderOptions options;
        options.live_video = true;
        auto rendered = renderer.render(FilmScreen::slide(), layout.main_size(), options);
        REQUIRE(rendered.ok());
        auto film = rendered->film;
        REQUIRE(film);
        compositor.show(std::move(*rendered), when);
        return film;
    };
    const auto start = at(2.0);
    auto film_of = show_film(start);
    // The crossfade from the still slide: 60 frames a second.
    REQUIRE(compositor.in_transition());
    const auto mid_fade = start + compositor.fade() / 2;
    const auto fade_due = compositor.next_frame_due(mid_fade);
    REQUIRE(fade_due);
    CHECK(*fade_due <= mid_fade + render::Compositor::kFrameInterval);
    compositor.draw(start + compositor.fade());  // the crossfade ends
    REQUIRE_FALSE(compositor.in_transition());

    // The film plays: each frame is due at the film's next picture.
    std::vector<std::uint8_t> previous_ticker;
    for (int k = 15; k < 30; ++k) {
        const double t = k / 25.0 + 0.005;
        INFO("at " << t << " s into the film");
        const auto now =
            start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
        film_of->decoder().wait_decoded(t + 0.04, 10s);
        compositor.draw(now);
        display.present();
        if (k < 18) continue;  // the decoder catches up with the clock's jump past the crossfade
        const auto due = compositor.next_frame_due(now);
        REQUIRE(due);
        CHECK(*due == film_of->next_due(now));
        const double wait = std::chrono::duration<double>(*due - now).count();
        CHECK(wait == Approx(0.035).margin(0.002));  // the next picture, 40 ms after this one
        // The ticker moved since the film's last picture.
        std::vector<std::uint8_t> band(static_cast<std::size_t>(layout.ticker.w) *
                                       static_cast<std::size_t>(layout.ticker.h) * 4);
        REQUIRE(SDL_RenderReadPixels(display.renderer(), &layout.ticker, SDL_PIXELFORMAT_RGBA32,
                                     band.data(), layout.ticker.w * 4) == 0);
        if (!previous_ticker.empty()) CHECK(band != previous_ticker);
        previous_ticker = std::move(band);
    }

    // A film that holds each picture for 250 ms: the ticker does not wait for it.
    screen.file = slow;
    const auto slow_start = at(10.0);
    auto slow_film = show_film(slow_start);
    compositor.draw(slow_start + compositor.fade());
    const auto now = slow_start + compositor.fade() + 10ms;
    slow_film->decoder().wait_decoded(1.0, 10s);
    compositor.draw(now);
    CHECK(compositor.next_frame_due(now) == now + render::Compositor::kTickerWithFilmInterval);
}

TEST_CASE("video: without decoding hardware a film is decoded in software, saying why",
          "[player][video]") {
    test::TempDir dir{"signage-video-hwdec"};
    const fs::path film = numbered_film(dir.path(), 25, 0.5);
    struct Restore {
        ~Restore() { render::set_hardware_decoding(render::HwDecode::automatic); }
    } restore;
    for (const auto mode : {render::HwDecode::automatic, render::HwDecode::vaapi,
                            render::HwDecode::v4l2m2m, render::HwDecode::none}) {
        INFO("mode " << static_cast<int>(mode));
        render::set_hardware_decoding(mode);
        auto decoder = render::VideoDecoder::open(film, {});
        REQUIRE(decoder.ok());
        // Whichever way it is decoded, the film plays.
        REQUIRE((*decoder)->wait_first().ok());
        CHECK((*decoder)->take_first() != nullptr);
        const std::string& how = (*decoder)->decoding();
        const std::string& why = (*decoder)->hardware_missing();
        INFO(how << " / " << why);
        if (mode == render::HwDecode::none) {
            CHECK(how == "software");
            CHECK(why.empty());  // none was tried
        } else if (how == "software") {
            // Each decoder tried says why it was not used.
            const bool va = mode != render::HwDecode::v4l2m2m;
            const bool v4 = mode != render::HwDecode::vaapi;
            CHECK((why.find("VA-API: ") != std::string::npos) == va);
            CHECK((why.find("V4L2: ") != std::string::npos) == v4);
        } else {
            CHECK((how == "VA-API" || how.rfind("V4L2 (", 0) == 0));
        }
    }
}

namespace {

// Counts the lines logged while it lives that contain `text`.
class LogWatch {
  public:
    explicit LogWatch(std::string text)
        : text_(std::move(text)), sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(500)) {
        spdlog::default_logger()->sinks().push_back(sink_);
    }
    ~LogWatch() {
        auto& sinks = spdlog::default_logger()->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    LogWatch(const LogWatch&) = delete;
    LogWatch& operator=(const LogWatch&) = delete;
    int count() const {
        int n = 0;
        for (const std::string& line : sink_->last_formatted()) {
            if (line.find(text_) != std::string::npos) ++n;
        }
        return n;
    }

  private:
    std::string text_;
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

// Films opened while it lives are decoded by test hardware that fails
// after `frames` frames (render::testing::fail_hardware_after).
struct FailingHardware {
    explicit FailingHardware(int frames) {
        render::set_hardware_decoding(render::HwDecode::automatic);
        render::testing::fail_hardware_after(frames);
    }
    ~FailingHardware() { render::testing::fail_hardware_after(0); }
    FailingHardware(const FailingHardware&) = delete;
    FailingHardware& operator=(const FailingHardware&) = delete;
};

}  // namespace

TEST_CASE(
    "video: a hardware decoder failing mid-film hands over to software at the next frame, "
    "with no black frame and no frame shown twice or missed",
    "[player][video][hwdec]") {
    Bench b;
    LogWatch said("decoding failed");
    // A 3 s film failing on its 20th frame; a 1 s film going round three
    // times, failing on its 10th in the first pass.
    const bool loop = GENERATE(false, true);
    INFO((loop ? "looping" : "once"));
    FailingHardware hardware(loop ? 10 : 20);
    const fs::path film = numbered_film(b.dir.path(), 25, loop ? 1.0 : 3.0);
    render::VideoStats stats;
    Decoded decoded;
    const auto shown = play(b, film, loop ? 3.0 : 3.5, 0.004, loop, &stats, &decoded);
    CHECK(decoded.first == "test hardware");
    CHECK(decoded.last == "software");
    // The frames before the failure from the device, the others from
    // software: each once, in order, on time, its own picture, none black.
    REQUIRE(shown.size() >= 75);
    for (std::size_t i = 0; i < 75; ++i) {
        INFO("drawn #" << i << " at " << shown[i].t << " s");
        CHECK(shown[i].number == static_cast<std::int64_t>(i));
        CHECK(shown[i].pixels == static_cast<int>(loop ? i % 25 : i));
        CHECK_FALSE(shown[i].black);
        const double n = static_cast<double>(i);
        CHECK(shown[i].t >= n / 25 - 1e-9);
        CHECK(shown[i].t < (n + 1) / 25);
    }
    // It fell back once, said once; a looping film's later passes never
    // tried the device again.
    CHECK(stats.fallbacks == 1);
    CHECK(stats.dropped == 0);
    CHECK((loop ? stats.loops >= 2 : stats.loops == 0));
    CHECK(said.count() == 1);

    // Shown again later, the film is decoded in software from the start,
    // saying why; the device is not tried again.
    auto again = render::VideoDecoder::open(film, {});
    REQUIRE(again.ok());
    CHECK((*again)->decoding() == "software");
    CHECK((*again)->hardware_missing().find("failed on this film before") != std::string::npos);
    REQUIRE((*again)->wait_first().ok());
    CHECK((*again)->take_first()->number == 0);
    CHECK(said.count() == 1);
}

TEST_CASE("video: a file that is no whole film fails, saying which file", "[player][video]") {
    Bench b;
    const fs::path cut = b.dir.path() / "cut.mp4";
    const std::string bytes = test::read_text_file(numbered_film(b.dir.path(), 25, 2.0));
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, 600);
    for (const fs::path& bad : {cut, b.dir.path() / "missing.mp4"}) {
        INFO(bad);
        auto d = render::VideoDecoder::open(bad, {});
        REQUIRE_FALSE(d.ok());
        CHECK(d.error().message.find(bad.filename().string()) != std::string::npos);
    }
}

namespace {

// An offscreen display that looks at every frame it presents.
class WatchedDisplay : public render::Display {
  public:
    using Watcher = std::function<void(const SDL_Surface&)>;
    WatchedDisplay(std::unique_ptr<render::Display> inner, Watcher watch)
        : inner_(std::move(inner)), watch_(std::move(watch)) {}
    SDL_Renderer* renderer() override { return inner_->renderer(); }
    render::Size size() const override { return inner_->size(); }
    void present() override {
        inner_->present();
        auto frame = inner_->read_frame();
        if (frame && *frame) watch_(**frame);
    }
    Result<render::SurfacePtr> read_frame() override { return inner_->read_frame(); }
    void keep_next_frame() override { inner_->keep_next_frame(); }
    bool wait_event(SDL_Event& e, std::chrono::milliseconds timeout) override {
        return inner_->wait_event(e, timeout);
    }
    void post_event(SDL_Event e) override { inner_->post_event(e); }
    Reaction handle_event(const SDL_Event& e) override { return inner_->handle_event(e); }
    std::string name() const override { return "watched " + inner_->name(); }

  private:
    std::unique_ptr<render::Display> inner_;
    Watcher watch_;
};

// The share of a frame's pixels that are black (each channel under 24).
double black_share(const SDL_Surface& s) {
    render::SurfacePtr rgba(
        SDL_ConvertSurfaceFormat(const_cast<SDL_Surface*>(&s), SDL_PIXELFORMAT_RGBA32, 0));
    if (!rgba) return 1;
    std::size_t black = 0;
    const auto* px = static_cast<const std::uint8_t*>(rgba->pixels);
    for (int y = 0; y < rgba->h; ++y) {
        for (int x = 0; x < rgba->w; ++x) {
            const auto* p = px + y * rgba->pitch + x * 4;
            if (p[0] < 24 && p[1] < 24 && p[2] < 24) ++black;
        }
    }
    return static_cast<double>(black) / (rgba->w * rgba->h);
}

// Puts `file` in the cache as a finished download; its manifest entry.
protocol::MediaRef cache_file(player::Cache& cache, const fs::path& file, const std::string& type) {
    const std::string bytes = test::read_text_file(file);
    const std::string sha = sha256_hex(bytes);
    test::write_text_file(cache.partial_path(sha), bytes);
    REQUIRE(cache.commit_media(sha, static_cast<std::int64_t>(bytes.size())).ok());
    return {sha, static_cast<std::int64_t>(bytes.size()), type};
}

struct Presented {
    std::chrono::steady_clock::time_point at;
    std::string item;
    double black = 0;
    std::int64_t film_frame = -1;  // the number of the film frame on screen; -1: no film
};

// What a screen showed: every presented frame, and the playback error it
// reported at the end.
struct ScreenRun {
    std::vector<Presented> seen;
    std::optional<std::string> error;
};

// Runs a screen (offscreen at 320x180, every frame looked at) on `m` for
// `seconds`, proof of play going to `plays` when given.
ScreenRun run_screen(player::Cache& cache, const protocol::Manifest& m,
                     std::chrono::milliseconds seconds, player::Outbox* plays = nullptr) {
    ScreenRun run;
    app::Player* player = nullptr;
    auto inner = render::make_offscreen_display({320, 180});
    REQUIRE(inner.ok());
    WatchedDisplay display(std::move(*inner), [&](const SDL_Surface& frame) {
        if (player == nullptr) return;
        Presented p;
        p.at = std::chrono::steady_clock::now();
        p.item = player->showing_id();
        p.black = black_share(frame);
        if (const auto* f = player->film()) p.film_frame = f->frame_number();
        run.seen.push_back(std::move(p));
    });
    app::Player screen(display, render::FontSet::defaults(), cache, {});
    if (plays != nullptr) screen.enable_play_log(plays, {});
    screen.start();
    player = &screen;
    std::thread script([&] {
        screen.deliver_manifest(m);
        std::this_thread::sleep_for(seconds);
        run.error = screen.playback_error();
        screen.post_quit();
    });
    CHECK(screen.run() == 0);
    script.join();
    return run;
}

// A screen's own cache and a manifest to put items in.
struct ScreenKit {
    explicit ScreenKit(const char* name) : dir(name) {
        static auto rt = render::SdlRuntime::init(false);
        REQUIRE(rt.ok());
        auto opened = player::Cache::open(dir / "cache");
        REQUIRE(opened.ok());
        cache = std::move(*opened);
    }
    // Adds an item showing `file` (put in the cache) for `duration` seconds,
    // filling the main zone (cover); the item, to change further.
    protocol::Slide& add(const std::string& id, protocol::SlideType type, const fs::path& file,
                         const std::string& content_type, int duration) {
        const auto ref = cache_file(*cache, file, content_type);
        m.media.push_back(ref);
        protocol::Slide s;
        s.id = id;
        s.type = type;
        s.title = id;
        s.media = ref.sha256;
        s.fit = protocol::Fit::cover;
        s.duration_s = duration;
        s.public_service = true;
        s.purpose = "public_service";
        m.items.push_back(s);
        return m.items.back();
    }

    test::TempDir dir;
    std::unique_ptr<player::Cache> cache;
    protocol::Manifest m;
};

// How the first showing of item `id` went: whether it was shown, the
// longest its film's picture stood still (from one new frame to the next)
// and the highest frame number shown.
struct FilmShowing {
    bool shown = false;
    double longest_still = 0;
    std::int64_t highest = -1;
};

FilmShowing first_showing(const std::vector<Presented>& seen, const std::string& id) {
    FilmShowing out;
    std::optional<std::chrono::steady_clock::time_point> since;
    std::int64_t last = -2;
    for (const auto& p : seen) {
        if (p.item != id) {
            if (since) break;  // the first showing only
            continue;
        }
        if (p.film_frame != last) {
            if (since) {
                out.longest_still = std::max(out.longest_still,
                                             std::chrono::duration<double>(p.at - *since).count());
            }
            since = p.at;
            last = p.film_frame;
            out.highest = std::max(out.highest, p.film_frame);
        }
    }
    out.shown = since.has_value();
    return out;
}

}  // namespace

TEST_CASE(
    "video: a rotation of images, films and a looping film shows no black or frozen "
    "frame at any switch, and each film's item lasts the film",
    "[player][video][loop]") {
    ScreenKit kit("signage-video-rotation");
    const fs::path& dir = kit.dir.path();
    auto plays = player::Outbox::open(dir / "plays");
    REQUIRE(plays.ok());

    auto still = [&](const std::string& colour) { return still_picture(dir, colour); };
    kit.m.version = "films";
    const auto image = protocol::SlideType::image;
    const auto video = protocol::SlideType::video;
    kit.add("red", image, still("red"), "image/png", 1);
    kit.add("film-a", video, numbered_film(dir, 25, 2.0), "video/mp4", 2);
    // 1.5 s of film: the server rounds the item up to 2 s; the screen ends it with the film.
    kit.add("film-b", video, numbered_film(dir, 30, 1.5), "video/mp4", 2);
    kit.add("blue", image, still("blue"), "image/png", 1);
    kit.add("film-loop", video, numbered_film(dir, 25, 1.0), "video/mp4", 3).play =
        protocol::VideoPlay::loop;

    // One whole loop (about 8.5 s after the first item) and into the next.
    const std::vector<Presented> seen = run_screen(*kit.cache, kit.m, 11s, plays->get()).seen;

    // Every item of the loop was on screen, in order, and the next loop began.
    std::vector<std::string> order;
    for (const auto& p : seen) {
        if (!p.item.empty() && (order.empty() || order.back() != p.item)) order.push_back(p.item);
    }
    INFO("items in order: " << order.size());
    REQUIRE(order.size() >= 6);
    const auto start = std::find(order.begin(), order.end(), "film-a");
    REQUIRE(start != order.end());
    CHECK(std::vector<std::string>(start, start + 5) ==
          std::vector<std::string>{"film-a", "film-b", "blue", "film-loop", "red"});

    // No frame after the first item is black, switches and crossfades included.
    const auto first =
        std::find_if(seen.begin(), seen.end(), [](const Presented& p) { return p.item == "red"; });
    REQUIRE(first != seen.end());
    double worst = 0;
    for (auto it = first; it != seen.end(); ++it) worst = std::max(worst, it->black);
    CHECK(worst < 0.05);

    // While a film's item is on screen its picture moves: its frame number
    // changes at least every 250 ms (two frames and a margin for a busy
    // machine; holding a film's last frame to the next whole second, or
    // starting it after the crossfade, holds it 0.5 s or more), from the
    // switch (the crossfade in) to its end, the looping film across its seams.
    for (const std::string id : {"film-a", "film-b", "film-loop"}) {
        INFO(id);
        const FilmShowing showing = first_showing(seen, id);
        REQUIRE(showing.shown);
        CHECK(showing.longest_still < 0.25);
        // Played to its end: on a busy machine the item's planned end (the
        // film's length) may come before the last frame or two are drawn,
        // so the last 0.12 s may be cut; a film cut any shorter fails.
        if (id == "film-a") CHECK(showing.highest >= 46);     // 50 frames at 25 fps
        if (id == "film-b") CHECK(showing.highest >= 41);     // 45 frames at 30 fps
        if (id == "film-loop") CHECK(showing.highest >= 70);  // 3 s of a 1 s film, round and round
    }

    // Proof of play: each film's item lasted the film, not its rounded duration.
    std::map<std::string, std::int64_t> played_ms;
    for (const auto& p : (*plays)->pending(100)) {
        const std::string id = p.body.value("slide_id", "");
        if (!played_ms.count(id)) played_ms[id] = p.body.value("duration_ms", std::int64_t{0});
    }
    CHECK(std::abs(played_ms["film-a"] - 2000) < 150);
    CHECK(std::abs(played_ms["film-b"] - 1500) < 150);
    CHECK(std::abs(played_ms["film-loop"] - 3000) < 150);
}

TEST_CASE("video: a film the screen cannot decode is skipped and reported, never a black screen",
          "[player][video][loop]") {
    ScreenKit kit("signage-video-broken");
    const fs::path& dir = kit.dir.path();
    // Whole bytes of a film cut short: its download verified, its frames gone.
    const std::string film = test::read_text_file(numbered_film(dir, 25, 2.0));
    test::write_text_file(dir / "cut.mp4", film.substr(0, film.size() / 3));
    kit.m.version = "broken";
    kit.add("green", protocol::SlideType::image, still_picture(dir, "green"), "image/png", 1);
    kit.add("cut", protocol::SlideType::video, dir / "cut.mp4", "video/mp4", 1);

    const ScreenRun run = run_screen(*kit.cache, kit.m, 4s);
    const auto& seen = run.seen;
    const auto& reported = run.error;

    // The image went on showing; the broken film never took the screen.
    bool green = false;
    for (const auto& p : seen) {
        CHECK(p.item != "cut");
        CHECK(p.black < 0.05);
        green = green || p.item == "green";
    }
    CHECK(green);
    REQUIRE(reported);
    CHECK(reported->find("slide cut") != std::string::npos);
}

TEST_CASE(
    "video: on a screen whose hardware decoder fails mid-film, the film plays on to its end "
    "with no black or frozen frame",
    "[player][video][loop][hwdec]") {
    ScreenKit kit("signage-video-hwfail");
    const fs::path& dir = kit.dir.path();
    FailingHardware hardware(12);
    kit.m.version = "hwfail";
    kit.add("green", protocol::SlideType::image, still_picture(dir, "green"), "image/png", 1);
    kit.add("film", protocol::SlideType::video, numbered_film(dir, 25, 2.0), "video/mp4", 2);
    const ScreenRun run = run_screen(*kit.cache, kit.m, 5s);
    // Nothing presented after the first item is black; the film's picture
    // moves from the switch to its end, across the hand-over.
    const auto first = std::find_if(run.seen.begin(), run.seen.end(),
                                    [](const Presented& p) { return p.item == "green"; });
    REQUIRE(first != run.seen.end());
    double worst_black = 0;
    for (auto it = first; it != run.seen.end(); ++it)
        worst_black = std::max(worst_black, it->black);
    CHECK(worst_black < 0.05);
    const FilmShowing showing = first_showing(run.seen, "film");
    REQUIRE(showing.shown);
    CHECK(showing.longest_still < 0.25);
    CHECK(showing.highest >= 46);  // 50 frames; the last 0.12 s may be cut on a busy machine
    CHECK_FALSE(run.error);
}

namespace {

// The loudest sample of raw 16-bit sound.
int peak_of(const std::string& raw) {
    int peak = 0;
    for (std::size_t i = 0; i + 1 < raw.size(); i += 2) {
        std::int16_t v = 0;
        std::memcpy(&v, raw.data() + i, 2);
        peak = std::max(peak, std::abs(static_cast<int>(v)));
    }
    return peak;
}

// The sound device is SDL's "disk" driver, writing what it plays to a file
// (at `delay_ms` a buffer of 1024 samples: 21 ms is real time), while the
// object lives.
struct DiskSound {
    fs::path file;
    DiskSound(const fs::path& path, int delay_ms = 21) : file(path) {
        setenv("SDL_AUDIODRIVER", "disk", 1);
        setenv("SDL_DISKAUDIOFILE", file.c_str(), 1);
        setenv("SDL_DISKAUDIODELAY", std::to_string(delay_ms).c_str(), 1);
    }
    ~DiskSound() {
        unsetenv("SDL_AUDIODRIVER");
        unsetenv("SDL_DISKAUDIOFILE");
        unsetenv("SDL_DISKAUDIODELAY");
    }
    std::string played() const { return test::read_text_file(file); }
};

// A manifest of one film with sound on, at `volume`.
protocol::Manifest sounding_film(player::Cache& cache, const fs::path& film, int volume) {
    protocol::Manifest m;
    m.version = "sound";
    m.settings.volume = volume;
    const auto ref = cache_file(cache, film, "video/mp4");
    m.media.push_back(ref);
    protocol::Slide s;
    s.id = "film";
    s.type = protocol::SlideType::video;
    s.title = "film";
    s.media = ref.sha256;
    s.duration_s = 2;
    s.audio = true;
    s.public_service = true;
    m.items.push_back(s);
    return m;
}

// A screen's cache holding a two-second film with a 440 Hz tone (FFmpeg's
// sine source at 1/8 of full scale) under grey pictures.
struct SoundingFilm {
    test::TempDir dir;
    std::unique_ptr<player::Cache> cache;
    fs::path film;
    explicit SoundingFilm(const char* name) : dir(name) {
        static auto rt = render::SdlRuntime::init(false);
        REQUIRE(rt.ok());
        auto opened = player::Cache::open(dir / "cache");
        REQUIRE(opened.ok());
        cache = std::move(*opened);
        film = test::make_film(dir.path(), test::FilmSpec("mp4", "libx264", "aac", 160, 90, 2.0, 0,
                                                          "color=c=gray", 25));
    }
    protocol::Manifest manifest(int volume) { return sounding_film(*cache, film, volume); }
};

}  // namespace

TEST_CASE("video: a film sounds at the group's volume", "[player][video][sound]") {
    SoundingFilm f("signage-video-sound");
    // The tone as the film carries it, decoded by FFmpeg: the reference.
    const fs::path reference = f.dir / "reference.raw";
    REQUIRE(std::system(("ffmpeg -v error -y -i '" + f.film.string() +
                         "' -f s16le -ac 2 -ar 48000 '" + reference.string() + "'")
                            .c_str()) == 0);
    const int full = peak_of(test::read_text_file(reference));
    REQUIRE(full > 3000);

    for (const int volume : {100, 50}) {
        INFO("volume " << volume);
        DiskSound sound(f.dir / ("volume-" + std::to_string(volume) + ".raw"));
        run_screen(*f.cache, f.manifest(volume), 2500ms);
        const std::string played = sound.played();
        // About two seconds of sound reached the device, at the volume asked.
        CHECK(played.size() > 48000 * 4);
        CHECK(std::abs(peak_of(played) - full * volume / 100) < full / 12);
    }
}

TEST_CASE("video: in the group's quiet hours a film plays and the device hears silence",
          "[player][video][sound]") {
    SoundingFilm f("signage-video-quiet");
    DiskSound sound(f.dir / "quiet.raw");
    auto m = f.manifest(100);
    m.settings.quiet_hours.push_back(protocol::DayPart{0, 24 * 60});
    const auto run = run_screen(*f.cache, m, 2500ms);
    const std::string played = sound.played();
    CHECK(played.size() > 48000 * 4);
    CHECK(peak_of(played) == 0);
    std::int64_t highest = -1;
    for (const auto& p : run.seen) highest = std::max(highest, p.film_frame);
    CHECK(highest >= 40);  // 50 frames: the pictures went on
}

TEST_CASE("video: while a film sounds, its pictures keep time with the sound",
          "[player][video][sound]") {
    SoundingFilm f("signage-video-sound-clock");
    // A device that plays at half speed (42 ms for 21 ms of sound): after
    // 1.8 s on the wall the film's sound, and so its pictures, are about
    // 0.9 s in (frame 22), where the steady clock would be at frame 45.
    DiskSound sound(f.dir / "slow.raw", 42);
    const auto run = run_screen(*f.cache, f.manifest(60), 1800ms);
    std::int64_t highest = -1;
    for (const auto& p : run.seen) {
        if (p.item == "film") highest = std::max(highest, p.film_frame);
    }
    INFO("highest frame " << highest);
    CHECK(highest >= 12);
    CHECK(highest <= 32);
}

TEST_CASE("video: opening packets larger than the film's average are weighed at its average",
          "[player][video]") {
    // Five times the average: a fifth of the time measured.
    CHECK(render::decode_cost_at_mean(0.020, 50'000, 10'000) == Approx(0.004));
    // Smaller than the average: as measured, never scaled up.
    CHECK(render::decode_cost_at_mean(0.020, 5'000, 10'000) == Approx(0.020));
    CHECK(render::decode_cost_at_mean(0.020, 10'000, 10'000) == Approx(0.020));
    // The average not known: as measured.
    CHECK(render::decode_cost_at_mean(0.020, 50'000, 0) == Approx(0.020));
}

TEST_CASE(
    "video: a film one thread decodes in time stays on one thread, and one it cannot gets "
    "frame threads at once, every frame still shown once, in order and on time",
    "[player][video]") {
    Bench b;
    struct Restore {
        ~Restore() { render::testing::threads_above(-1); }
    } restore;
    const fs::path film = numbered_film(b.dir.path(), 25, 2.0);
    SECTION("a light film: one thread, said once however often it is shown") {
        LogWatch said("decoded on one thread");
        for (int showing = 0; showing < 2; ++showing) {
            render::VideoStats stats;
            const auto shown = play(b, film, 2.5, 0.004, false, &stats);
            REQUIRE(shown.size() == 50u);
            CHECK(stats.threads == 1);
            CHECK(stats.dropped == 0);
        }
        CHECK(said.count() == 1);
    }
    // As if one thread needed more than the whole of a frame's time: the
    // frame threads take over from the key frame before what one thread
    // queued, leaving out what it queued as it comes again.
    render::testing::threads_above(0);
    for (const bool loop : {false, true}) {
        DYNAMIC_SECTION((loop ? "looping" : "once")) {
            // A film of its own: the choice is said once per film.
            const int length = loop ? 25 : 50;
            const fs::path heavy = numbered_film(b.dir.path(), 25, length / 25.0, 192, 108);
            LogWatch said("decoded on 2 threads");
            render::VideoStats stats;
            const auto shown = play(b, heavy, loop ? 3.0 : 2.5, 0.004, loop, &stats);
            CHECK(stats.threads == 2);
            CHECK(said.count() == 1);
            const std::size_t frames = loop ? 75 : 50;
            REQUIRE(shown.size() >= frames);
            for (std::size_t i = 0; i < frames; ++i) {
                INFO("drawn #" << i << " at " << shown[i].t << " s");
                CHECK(shown[i].number == static_cast<std::int64_t>(i));
                CHECK(shown[i].pixels == static_cast<int>(i) % length);
                CHECK(!shown[i].black);
                const double n = static_cast<double>(i);
                CHECK(shown[i].t >= n / 25 - 1e-9);
                CHECK(shown[i].t < (n + 1) / 25);
            }
            CHECK(stats.dropped == 0);
            if (loop) CHECK(stats.loops >= 2);
        }
    }
}
