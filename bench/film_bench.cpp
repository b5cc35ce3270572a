// signage-film-bench: films on the screen engine, on the offscreen software
// renderer (the slowest path a screen can take), through the same
// SlideRenderer, ScreenHeader and Compositor the player uses.
//
//   signage-film-bench play --film F [--size 1920x1080] [--seconds 60] [--no-ticker]
//     Plays F in a video slide in real time, under the header and above a
//     scrolling ticker, drawing when the next frame is due as the player's
//     loop does (60 frames a second while the ticker moves). Prints "play_cpu_s C wall_s W
//     presented P dropped D rss_mb R threads T" (C: this process's CPU time, user and
//     system, every thread; compare with `ffmpeg -threads 1 -benchmark`; T: the
//     threads the film's decoder chose).
//
//   signage-film-bench switches --film A --film B [--size 640x360] [--switches 100]
//     A rotation of image, film A, film B, image, A looping, … on a clock of
//     its own (stepping 1/60 s, waiting for the decoder, so the machine's
//     speed does not count): every frame drawn is read back, and a frame
//     whose main zone is mostly black, or a main zone unchanged for longer
//     than two film frames while a film plays (the crossfade aside), is
//     counted. Prints "switches N black_frames K frozen_frames F
//     rss_mb first R0 last R1".
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/memory.hpp"
#include "protocol/slide.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"
#include "render/video.hpp"

namespace fs = std::filesystem;
using namespace signage;
using Clock = std::chrono::steady_clock;

namespace {

double rss_mb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    }
    return 0;
}

double cpu_s() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return s(u.ru_utime) + s(u.ru_stime);
}

struct Screen {
    std::unique_ptr<render::Display> display;
    std::unique_ptr<render::FontCache> fonts;
    std::unique_ptr<render::SlideRenderer> renderer;
    std::unique_ptr<render::Compositor> compositor;
    std::unique_ptr<render::ScreenHeader> header;
    std::unique_ptr<render::Ticker> ticker;
    render::ScreenLayout layout;
};

Result<Screen> make_screen(render::Size size, bool ticker) {
    Screen s;
    auto display = render::make_offscreen_display(size);
    if (!display) return display.error();
    s.display = std::move(*display);
    s.fonts = std::make_unique<render::FontCache>(render::FontSet::defaults());
    s.renderer = std::make_unique<render::SlideRenderer>(
        s.display->renderer(), *s.fonts, [](const std::string& ref) { return fs::path(ref); });
    s.compositor = std::make_unique<render::Compositor>(*s.display);
    s.header = std::make_unique<render::ScreenHeader>(s.display->renderer(), *s.fonts);
    s.ticker = std::make_unique<render::Ticker>(s.display->renderer(), *s.fonts);
    s.layout = render::layout_screen(size, true, ticker);
    s.compositor->set_layout(s.layout);
    s.compositor->set_header(s.header.get());
    if (ticker) {
        // A notice scrolling at the bottom, as on the demo's screens.
        s.ticker->set_texts({"文明城市 共建共享：请自觉遵守交通规则，礼让行人，文明出行。"},
                            Clock::now());
        if (auto st = s.compositor->set_ticker(s.ticker.get()); !st) return st.error();
    }
    if (auto h = s.header->update(s.layout, std::chrono::system_clock::now()); !h) {
        return h.error();
    }
    return s;
}

protocol::Slide film_slide(const std::string& file, bool loop, int duration_s) {
    protocol::Slide s;
    s.id = file;
    s.type = protocol::SlideType::video;
    s.media = file;
    s.fit = protocol::Fit::cover;
    s.play = loop ? protocol::VideoPlay::loop : protocol::VideoPlay::to_end;
    s.duration_s = duration_s;
    return s;
}

int play(Screen& s, const std::string& film, double seconds) {
    render::RenderOptions ro;
    ro.live_video = true;
    auto rendered = s.renderer->render(film_slide(film, true, 3600), s.layout.main_size(), ro);
    if (!rendered) {
        std::cerr << "render: " << rendered.error().message << "\n";
        return 1;
    }
    auto film_of = rendered->film;
    const double cpu0 = cpu_s();
    const auto t0 = Clock::now();
    s.compositor->show(std::move(*rendered), t0);
    double peak = 0;
    auto next_sample = t0;
    while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) {
        const auto now = Clock::now();
        s.compositor->draw(now);
        s.display->present();
        if (now >= next_sample) {  // once a second: reading /proc costs too
            peak = std::max(peak, rss_mb());
            next_sample = now + std::chrono::seconds{1};
        }
        const auto due = s.compositor->next_frame_due(Clock::now());
        if (due) std::this_thread::sleep_until(*due);
    }
    const double cpu = cpu_s() - cpu0;
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto st = film_of->decoder().stats();
    std::printf("play_cpu_s %.2f wall_s %.2f presented %lld dropped %lld rss_mb %.1f threads %d\n",
                cpu, wall, static_cast<long long>(st.presented), static_cast<long long>(st.dropped),
                peak, st.threads);
    return 0;
}

// The player's decoding alone: the film's frames taken at their times, as
// the play loop takes them, and not drawn. What `play` costs beyond this is
// the drawing.
int decode(const std::string& film, double seconds, int threads) {
    render::VideoDecoder::Options options;
    options.loop = true;
    options.threads = threads;
    auto decoder = render::VideoDecoder::open(film, options);
    if (!decoder) {
        std::cerr << "decode: " << decoder.error().message << "\n";
        return 1;
    }
    auto& d = **decoder;
    if (auto st = d.wait_first(); !st) {
        std::cerr << "decode: " << st.error().message << "\n";
        return 1;
    }
    const double cpu0 = cpu_s();
    const auto t0 = Clock::now();
    for (;;) {
        const double t = std::chrono::duration<double>(Clock::now() - t0).count();
        if (t >= seconds) break;
        d.take(t);
        const auto next = d.next_time();
        const double wait = next ? *next - t : 0.005;
        std::this_thread::sleep_for(std::chrono::duration<double>(std::max(0.0, wait)));
    }
    const double cpu = cpu_s() - cpu0;
    const auto st = d.stats();
    std::printf("decode_cpu_s %.2f presented %lld dropped %lld threads %d\n", cpu,
                static_cast<long long>(st.presented), static_cast<long long>(st.dropped),
                st.threads);
    return 0;
}

// The share of black pixels in `zone` of what was drawn, and a hash of the
// zone (read into `pixels`, kept between frames: a fresh buffer a frame
// would cost more in page faults than the drawing).
std::pair<double, std::size_t> look(SDL_Renderer* r, const SDL_Rect& zone,
                                    std::vector<std::uint8_t>& pixels) {
    pixels.resize(static_cast<std::size_t>(zone.w) * static_cast<std::size_t>(zone.h) * 4);
    SDL_RenderReadPixels(r, &zone, SDL_PIXELFORMAT_RGBA32, pixels.data(), zone.w * 4);
    std::size_t black = 0, hash = 1469598103934665603ull;
    for (std::size_t i = 0; i + 3 < pixels.size(); i += 4) {
        const std::uint8_t* p = &pixels[i];
        if (p[0] < 24 && p[1] < 24 && p[2] < 24) ++black;
        hash = (hash ^ (p[0] | p[1] << 8 | p[2] << 16)) * 1099511628211ull;
    }
    return {static_cast<double>(black) / (zone.w * zone.h), hash};
}

int switches(Screen& s, const std::vector<std::string>& films, int count) {
    // The still: a colour, drawn by the renderer (a text slide on its background).
    protocol::Slide still;
    still.type = protocol::SlideType::text;
    still.title = "垃圾分类 人人有责";
    still.body = "可回收物 有害垃圾 厨余垃圾 其他垃圾";
    still.duration_s = 1;
    std::vector<protocol::Slide> rotation = {still, film_slide(films.at(0), false, 0),
                                             film_slide(films.at(1), false, 0), still,
                                             film_slide(films.at(0), true, 2)};
    const auto step = std::chrono::microseconds{16667};
    auto now = Clock::now();
    int black = 0, frozen = 0, done = 0;
    double rss_first = 0;
    std::size_t last_hash = 0;
    std::vector<std::uint8_t> pixels;
    auto unchanged_since = now;
    for (int t = 0; done < count; ++t) {
        const protocol::Slide& slide = rotation[static_cast<std::size_t>(t) % rotation.size()];
        render::RenderOptions ro;
        ro.live_video = true;
        auto rendered = s.renderer->render(slide, s.layout.main_size(), ro);
        if (!rendered) {
            std::cerr << "render: " << rendered.error().message << "\n";
            return 1;
        }
        auto film = rendered->film;
        const bool is_film = film != nullptr;
        s.compositor->show(std::move(*rendered), now);
        if (t > 0) ++done;
        const auto ends = now + std::chrono::seconds{slide.duration_s};
        for (;;) {
            if (film) {
                film->decoder().wait_decoded(film->elapsed(now), std::chrono::seconds{10});
                if (slide.play == protocol::VideoPlay::to_end ? film->ended(now) : now >= ends) {
                    break;
                }
            } else if (now >= ends) {
                break;
            }
            s.compositor->draw(now);
            const auto [share, hash] = look(s.display->renderer(), s.layout.main, pixels);
            s.display->present();
            if (share > 0.5) ++black;
            if (hash != last_hash) {
                last_hash = hash;
                unchanged_since = now;
            } else if (is_film && !s.compositor->in_transition() &&
                       now - unchanged_since > std::chrono::milliseconds{80}) {
                ++frozen;
            }
            now += step;
        }
        if (done == 10) rss_first = rss_mb();
    }
    std::printf(
        "switches %d black_frames %d frozen_frames %d rss_mb after 10: %.1f after %d: %.1f\n",
        count, black, frozen, rss_first, count, rss_mb());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return_large_blocks_to_system();  // as signage-player does
    CLI::App cli{"signage-film-bench: films on the screen engine"};
    cli.require_subcommand(1);
    std::vector<std::string> films;
    std::string size_text = "1920x1080";
    double seconds = 60;
    int count = 100;
    auto* p = cli.add_subcommand("play", "Play a film in real time: CPU, drops, memory");
    p->add_option("--film", films, "The film")->required();
    p->add_option("--size", size_text, "Screen size WxH");
    p->add_option("--seconds", seconds, "How long to play")->check(CLI::Range(1.0, 3600.0));
    bool no_ticker = false;
    p->add_flag("--no-ticker", no_ticker, "No ticker (by default one scrolls, as on screens)");
    auto* dc = cli.add_subcommand("decode", "Decode a film at its pace, drawing nothing: CPU");
    dc->add_option("--film", films, "The film")->required();
    dc->add_option("--seconds", seconds, "How long to play")->check(CLI::Range(1.0, 3600.0));
    int threads = render::VideoDecoder::Options{}.threads;
    dc->add_option("--threads", threads, "libavcodec's threads")->check(CLI::Range(1, 16));
    auto* sw = cli.add_subcommand("switches", "Black and frozen frames over switches");
    sw->add_option("--film", films, "Two films")->required()->expected(2);
    sw->add_option("--size", size_text, "Screen size WxH");
    sw->add_option("--switches", count, "How many switches")->check(CLI::Range(5, 100000));
    CLI11_PARSE(cli, argc, argv);

    if (dc->parsed()) return decode(films.at(0), seconds, threads);
    auto size = render::parse_size(size_text);
    if (!size) {
        std::cerr << "--size: " << size.error().message << "\n";
        return 2;
    }
    auto runtime = render::SdlRuntime::init(false);
    if (!runtime) {
        std::cerr << runtime.error().message << "\n";
        return 1;
    }
    auto screen = make_screen(*size, !no_ticker);
    if (!screen) {
        std::cerr << screen.error().message << "\n";
        return 1;
    }
    if (p->parsed()) return play(*screen, films.at(0), seconds);
    return switches(*screen, films, count);
}
