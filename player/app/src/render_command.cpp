// --render SLIDE.json --out FILE.png [--size WxH] [--lines]: the same engine
// the screen uses, on the offscreen display.

#include <iostream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "common/fs.hpp"
#include "protocol/slide.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/png.hpp"
#include "render/slide_renderer.hpp"

namespace signage::app {

int render_command(const RenderOptions& options, const std::filesystem::path& font) {
    auto text = read_file(options.slide);
    if (!text) {
        std::cerr << "error: " << options.slide.string() << ": " << text.error().message << "\n";
        return 2;
    }
    protocol::SlideParseOptions parse_options;
    parse_options.allow_local_paths = true;
    auto slide = protocol::parse_slide_text(*text, parse_options);
    if (!slide) {
        std::cerr << "error: " << options.slide.string() << ": " << slide.error().to_string()
                  << "\n";
        return 2;
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
        auto rendered = renderer.render(*slide, options.size);
        if (!rendered) {
            std::cerr << "error: rendering failed: " << rendered.error().message << "\n";
            return 1;
        }
        SDL_Renderer* r = (*display)->renderer();
        SDL_SetTextureBlendMode(rendered->texture.get(), SDL_BLENDMODE_NONE);
        SDL_RenderCopy(r, rendered->texture.get(), nullptr, nullptr);
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
        if (options.lines) std::cout << rendered->layout.to_json().dump() << std::endl;
    }
    return code;
}

}  // namespace signage::app
