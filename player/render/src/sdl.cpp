#include "render/sdl.hpp"

#include <charconv>

namespace signage::render {

Error sdl_error(const std::string& what) {
    return make_error(ErrorCode::sdl, what + ": " + SDL_GetError());
}

Result<Size> parse_size(const std::string& text) {
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos) {
        return make_error(ErrorCode::invalid, "size must look like 1920x1080, got '" + text + "'",
                          "size");
    }
    Size s;
    const char* b = text.data();
    const char* e = b + text.size();
    auto r1 = std::from_chars(b, b + x, s.w);
    auto r2 = std::from_chars(b + x + 1, e, s.h);
    if (r1.ec != std::errc{} || r1.ptr != b + x || r2.ec != std::errc{} || r2.ptr != e || s.w < 1 ||
        s.h < 1 || s.w > 16384 || s.h > 16384) {
        return make_error(ErrorCode::invalid, "size must look like 1920x1080, got '" + text + "'",
                          "size");
    }
    return s;
}

Result<std::unique_ptr<SdlRuntime>> SdlRuntime::init(bool video) {
    // The program installs its own signal handling (a clean stop on
    // SIGINT/SIGTERM); SDL's handlers would race with it.
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    // Slides are drawn once; linear filtering for scaled images.
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    std::unique_ptr<SdlRuntime> rt(new SdlRuntime());
    Uint32 flags = SDL_INIT_EVENTS;
    if (video) flags |= SDL_INIT_VIDEO;
    if (SDL_Init(flags) != 0) return sdl_error("SDL_Init");
    if (TTF_Init() != 0) {
        SDL_Quit();
        return sdl_error("TTF_Init");
    }
    rt->ttf_ = true;
    rt->img_flags_ = IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    return rt;
}

SdlRuntime::~SdlRuntime() {
    if (img_flags_ != 0) IMG_Quit();
    if (ttf_) TTF_Quit();
    SDL_Quit();
}

SurfacePtr make_rgba_surface(int w, int h) {
    return SurfacePtr(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32));
}

SDL_Color pixel_at(const SDL_Surface& rgba, int x, int y) {
    const auto* row =
        static_cast<const Uint8*>(rgba.pixels) + static_cast<std::ptrdiff_t>(y) * rgba.pitch;
    const Uint8* p = row + static_cast<std::ptrdiff_t>(x) * 4;
    return SDL_Color{p[0], p[1], p[2], p[3]};
}

}  // namespace signage::render
