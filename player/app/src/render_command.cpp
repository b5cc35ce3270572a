// --render SLIDE.json --out FILE.png [--size WxH] [--lines] [--page N]
// [--now ISO8601] [--screen [--settings FILE] [--ticker TEXT]...]: the same
// engine the screen uses, on the offscreen display.

#include <iostream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "common/fs.hpp"
#include "common/json_input.hpp"
#include "core/schedule.hpp"
#include "protocol/manifest.hpp"
#include "protocol/render_report.hpp"
#include "protocol/slide.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/png.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"

namespace signage::app {
namespace {

// What --screen shows in the header without --settings.
protocol::GroupSettings default_screen_settings() {
    protocol::GroupSettings s;
    s.unit_name = "文明社区";
    s.slogan = "创建全国文明城市 共建美好幸福家园";
    return s;
}

int input_error(const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return 2;
}

}  // namespace

int render_command(const RenderOptions& options, const std::filesystem::path& font) {
    auto text = read_file(options.slide);
    if (!text) return input_error(options.slide.string() + ": " + text.error().message);
    protocol::SlideParseOptions parse_options;
    parse_options.allow_local_paths = true;
    auto slide = protocol::parse_slide_text(*text, parse_options);
    if (!slide) return input_error(options.slide.string() + ": " + slide.error().to_string());

    render::RenderOptions ropts;
    ropts.page = options.page;
    if (options.now) ropts.now = *options.now;
    // A text slide's pages depend on its layout: checked once it is drawn.
    const int pages = slide->pages_at(ropts.now, ropts.local_offset);
    if (slide->type != protocol::SlideType::text && options.page >= pages) {
        return input_error("--page: " + std::to_string(options.page) + " is past the slide's " +
                           std::to_string(pages) + " page(s) (pages count from 0)");
    }

    protocol::GroupSettings settings = default_screen_settings();
    if (!options.settings.empty()) {
        auto stext = read_file(options.settings);
        if (!stext) return input_error("--settings: " + stext.error().message);
        auto j = signage::parse_json_input(*stext, "settings");
        if (!j)
            return input_error("--settings: " + options.settings.string() + ": " +
                               j.error().message);
        auto parsed = protocol::parse_group_settings(*j, "settings");
        if (!parsed) return input_error("--settings: " + parsed.error().to_string());
        settings = std::move(*parsed);
    }

    const render::FontSet fonts = render::FontSet::defaults(font);
    if (auto st = fonts.check(); !st) {
        std::cerr << "error: " << st.error().message << "\n";
        return 1;
    }
    auto runtime = render::SdlRuntime::init(false);
    if (!runtime) {
        std::cerr << "error: " << runtime.error().message << "\n";
        return 1;
    }
    int code = 0;
    {
        auto display = render::make_offscreen_display(options.size);
        if (!display) {
            std::cerr << "error: " << display.error().message << "\n";
            return 1;
        }
        render::FontCache font_cache(fonts);
        // Media in a --render file are local paths, relative to the slide file.
        const std::filesystem::path base = options.slide.parent_path();
        render::SlideRenderer renderer(
            (*display)->renderer(), font_cache, [&](const std::string& ref) {
                std::filesystem::path p(ref);
                if (p.is_relative()) p = base / p;
                std::error_code ec;
                return std::filesystem::is_regular_file(p, ec) ? p : std::filesystem::path{};
            });
        SDL_Renderer* r = (*display)->renderer();
        nlohmann::json lines;
        int pages_drawn = pages;
        std::vector<std::string> shortened;

        if (!options.screen) {
            auto rendered = renderer.render(*slide, options.size, ropts);
            if (!rendered) {
                std::cerr << "error: rendering failed: " << rendered.error().message << "\n";
                return 1;
            }
            if (options.page >= rendered->layout.pages) {
                return input_error(
                    "--page: " + std::to_string(options.page) + " is past the slide's " +
                    std::to_string(rendered->layout.pages) + " page(s) (pages count from 0)");
            }
            SDL_SetTextureBlendMode(rendered->texture.get(), SDL_BLENDMODE_NONE);
            SDL_RenderCopy(r, rendered->texture.get(), nullptr, nullptr);
            lines = rendered->layout.to_json();
            pages_drawn = rendered->layout.pages;
            shortened = rendered->layout.shortened;
        } else {
            // The full screen as the player shows it: a notice runs on the
            // ticker (with the built-in slide in the main zone); an
            // emergency covers everything.
            std::vector<std::string> tickers = options.tickers;
            protocol::Slide main = *slide;
            if (slide->type == protocol::SlideType::notice) {
                tickers.insert(tickers.begin(), slide->body);
                main = player::default_slide();
            }
            const bool emergency = slide->type == protocol::SlideType::emergency;
            const render::ScreenLayout layout =
                render::layout_screen(options.size, !emergency, !emergency && !tickers.empty());
            render::Compositor compositor(**display);
            render::ScreenHeader header(r, font_cache);
            render::Ticker ticker(r, font_cache);
            const auto t0 = render::Compositor::Clock::now();
            // A moment after the slide appeared: reveals are done, and the
            // ticker's text starts at its start position.
            const auto t_draw = t0 + std::chrono::seconds{5};
            compositor.set_layout(layout);
            auto rendered =
                renderer.render(main, emergency ? options.size : layout.main_size(), ropts);
            if (!rendered) {
                std::cerr << "error: rendering failed: " << rendered.error().message << "\n";
                return 1;
            }
            lines = rendered->layout.to_json();
            pages_drawn = rendered->layout.pages;
            shortened = rendered->layout.shortened;
            if (emergency) {
                compositor.show_emergency(std::move(rendered->texture));
            } else {
                compositor.show(std::move(*rendered), t0);
                header.set_settings(settings);
                auto updated = header.update(
                    layout,
                    render::ScreenHeader::WallClock::time_point{ropts.now.time_since_epoch()},
                    ropts.local_offset);
                if (!updated) {
                    std::cerr << "error: rendering the header failed: " << updated.error().message
                              << "\n";
                    return 1;
                }
                compositor.set_header(&header);
                ticker.set_texts(tickers, t_draw);
                if (auto st = compositor.set_ticker(&ticker); !st) {
                    std::cerr << "error: rendering the ticker failed: " << st.error().message
                              << "\n";
                    return 1;
                }
                auto header_blocks = header.layout().to_json()["blocks"];
                for (auto& b : header_blocks) lines["blocks"].push_back(b);
            }
            compositor.draw(t_draw);
        }
        (*display)->present();
        auto frame = (*display)->read_frame();
        if (!frame) {
            std::cerr << "error: " << frame.error().message << "\n";
            return 1;
        }
        if (auto st = render::save_png_atomic(**frame, options.out); !st) {
            std::cerr << "error: " << st.error().message << "\n";
            code = 1;
        }
        if (options.lines) {
            // Every field's characters the fonts lack, whatever the page:
            // the server turns these into warnings at submit and in previews.
            auto missing = render::slide_missing_glyphs(font_cache, *slide);
            if (!missing) {
                std::cerr << "error: " << missing.error().message << "\n";
                return 1;
            }
            protocol::RenderReport report;
            report.blocks = std::move(lines["blocks"]);
            report.pages = pages_drawn;
            report.shortened = std::move(shortened);
            for (const auto& g : *missing) report.missing_glyphs.push_back({g.field, g.glyphs});
            std::cout << protocol::to_json(report).dump() << std::endl;
        }
    }
    return code;
}

}  // namespace signage::app
