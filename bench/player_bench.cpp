// signage-player-bench: the player's screen engine under a stopwatch, on the
// offscreen software renderer (the slowest path a screen can take).
//
//   signage-player-bench --content assets/demo/content.json [--size 1920x1080]
//                        [--transitions 1000] [--frames 90]
//
// Plays the demo content's rotation (notices on the ticker) through the same
// SlideRenderer, ScreenHeader, Ticker and Compositor the player uses, with a
// clock that advances 16 ms a frame (so no time is spent waiting):
//  - frame times (draw + present) after each of the first 20 switches, each
//    slide rendered ahead as the player does: the switch frame (the first
//    after show()), the other frames of the crossfade and reveal, and still
//    frames where only the ticker scrolls (`--frames` frames in all);
//  - resident memory after 10, 100, every 500 and `--transitions`
//    transitions (each renders a slide, shows it and draws its crossfade).
// Prints "ticker_frame_ms p50 P p99 Q max M", "transition_frame_ms …",
// "transition_frame_cpu_ms …" (the same frames in this thread's CPU time),
// "switch_frame_ms p50 P max M", "render_ahead_ms …" and
// "rss_mb after 10: A after 100: B …".
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/memory.hpp"
#include "protocol/slide.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"

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

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// This thread's CPU time (ms): frame times that a busy machine's other
// processes do not lengthen.
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Content {
    std::vector<protocol::Slide> rotation;
    std::vector<std::string> notices;
};

Result<Content> load_content(const std::string& path) {
    std::ifstream in(path);
    if (!in) return make_error(ErrorCode::not_found, "cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = signage::read_json(text.str());
    if (doc.is_discarded() || !doc.contains("slides") || !doc["slides"].is_array()) {
        return make_error(ErrorCode::invalid, path + ": not demo content JSON");
    }
    protocol::SlideParseOptions opt;
    opt.allow_local_paths = true;
    Content c;
    for (const auto& j : doc["slides"]) {
        auto s = protocol::parse_slide(j, opt);
        if (!s) return make_error(ErrorCode::invalid, path + ": " + s.error().to_string());
        if (s->type == protocol::SlideType::notice) {
            c.notices.push_back(s->body);
        } else if (s->type != protocol::SlideType::emergency) {
            c.rotation.push_back(std::move(*s));
        }
    }
    if (c.rotation.empty()) return make_error(ErrorCode::invalid, path + ": no slides to rotate");
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    return_large_blocks_to_system();  // as signage-player does
    CLI::App cli{"signage-player-bench: frame times and memory of the screen engine"};
    std::string content_path = "assets/demo/content.json", size_text = "1920x1080";
    int transitions = 1000, frames = 90;
    cli.add_option("--content", content_path, "Demo content JSON (slides with local image paths)");
    cli.add_option("--size", size_text, "Screen size WxH");
    cli.add_option("--transitions", transitions, "Transitions for the memory figure")
        ->check(CLI::Range(20, 100000));
    cli.add_option("--frames", frames, "Frames timed after each of the first 20 switches")
        ->check(CLI::Range(1, 10000));
    CLI11_PARSE(cli, argc, argv);

    auto size = render::parse_size(size_text);
    if (!size) {
        std::cerr << "--size: " << size.error().message << "\n";
        return 2;
    }
    auto content = load_content(content_path);
    if (!content) {
        std::cerr << content.error().message << "\n";
        return 2;
    }
    auto runtime = render::SdlRuntime::init(false);
    if (!runtime) {
        std::cerr << runtime.error().message << "\n";
        return 1;
    }
    auto display = render::make_offscreen_display(*size);
    if (!display) {
        std::cerr << display.error().message << "\n";
        return 1;
    }
    render::Display& d = **display;
    render::FontCache fonts(render::FontSet::defaults());
    const fs::path base = fs::path(content_path).parent_path();
    render::SlideRenderer renderer(d.renderer(), fonts, [&](const std::string& ref) {
        const fs::path p = base / ref;
        return fs::exists(p) ? p : fs::path{};
    });
    render::Compositor compositor(d);
    render::ScreenHeader header(d.renderer(), fonts);
    render::Ticker ticker(d.renderer(), fonts);
    const auto layout = render::layout_screen(*size, true, !content->notices.empty());
    compositor.set_layout(layout);
    compositor.set_header(&header);
    Clock::time_point now = Clock::now();
    if (!content->notices.empty()) {
        ticker.set_texts(content->notices, now);
        if (auto st = ticker.set_rect(layout.ticker, layout.scale); !st) {
            std::cerr << st.error().message << "\n";
            return 1;
        }
        (void)compositor.set_ticker(&ticker);
    }
    if (auto h = header.update(layout, std::chrono::system_clock::now()); !h) {
        std::cerr << h.error().message << "\n";
        return 1;
    }

    const auto& rotation = content->rotation;
    std::vector<double> ticker_ms, fade_ms, switch_ms, render_ms, fade_cpu_ms;
    std::vector<std::pair<int, double>> rss;  // after N transitions
    const auto frame = std::chrono::milliseconds{16};
    auto moving = [&] { return compositor.in_transition() || compositor.reveal_end().has_value(); };
    for (int t = 0; t < transitions; ++t) {
        const protocol::Slide& slide = rotation[static_cast<std::size_t>(t) % rotation.size()];
        render::RenderOptions ro;
        ro.page = t / static_cast<int>(rotation.size());
        const auto r0 = Clock::now();
        auto rendered = renderer.render(slide, layout.main_size(), ro);  // ahead of the switch
        render_ms.push_back(ms_since(r0));
        if (!rendered) {
            std::cerr << "render: " << rendered.error().message << "\n";
            return 1;
        }
        compositor.show(std::move(*rendered), now);
        if (t < 20) {
            // Timed: every frame of the crossfade and any reveal, then still
            // frames where only the ticker moves.
            for (int f = 0; f < frames || moving(); ++f) {
                const bool fading = moving();
                const auto f0 = Clock::now();
                const double c0 = thread_cpu_ms();
                compositor.draw(now);
                d.present();
                const double ms = ms_since(f0);
                (f == 0 ? switch_ms : fading ? fade_ms : ticker_ms).push_back(ms);
                if (f != 0 && fading) fade_cpu_ms.push_back(thread_cpu_ms() - c0);
                now += frame;
            }
        } else {
            // Memory: the switch frame, one mid-fade, and the settled frame.
            compositor.draw(now);
            d.present();
            now += compositor.fade() / 2;
            compositor.draw(now);
            d.present();
            now += compositor.fade();
            if (auto end = compositor.reveal_end()) now = *end + frame;
            compositor.draw(now);
            d.present();
        }
        const int done = t + 1;
        if (done == 10 || done == 100 || done == transitions || done % 500 == 0) {
            rss.emplace_back(done, rss_mb());
        }
    }

    std::printf("size %dx%d, %zu slides, %zu notices, %d transitions\n", size->w, size->h,
                rotation.size(), content->notices.size(), transitions);
    std::printf("ticker_frame_ms p50 %.2f p99 %.2f max %.2f\n", percentile(ticker_ms, 0.5),
                percentile(ticker_ms, 0.99), percentile(ticker_ms, 1.0));
    std::printf("transition_frame_ms p50 %.2f p99 %.2f max %.2f\n", percentile(fade_ms, 0.5),
                percentile(fade_ms, 0.99), percentile(fade_ms, 1.0));
    std::printf("transition_frame_cpu_ms p50 %.2f p99 %.2f max %.2f\n",
                percentile(fade_cpu_ms, 0.5), percentile(fade_cpu_ms, 0.99),
                percentile(fade_cpu_ms, 1.0));
    std::printf("switch_frame_ms p50 %.2f max %.2f\n", percentile(switch_ms, 0.5),
                percentile(switch_ms, 1.0));
    std::printf("render_ahead_ms p50 %.1f max %.1f\n", percentile(render_ms, 0.5),
                percentile(render_ms, 1.0));
    std::printf("rss_mb");
    for (const auto& [n, mb] : rss) std::printf(" after %d: %.1f", n, mb);
    std::printf("\n");
    return 0;
}
