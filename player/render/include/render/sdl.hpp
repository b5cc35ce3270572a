#pragma once
// RAII for SDL handles (unique_ptr with deleters) and for the SDL libraries
// themselves. Every SDL object of the player is owned through these types.
//
// Threading: SDL video/render calls belong to the thread that created the
// renderer (the main thread). SDL_PushEvent is the one call other threads use.

#include <memory>
#include <string>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "common/result.hpp"

namespace signage::render {

struct SdlDeleter {
    void operator()(SDL_Window* p) const { SDL_DestroyWindow(p); }
    void operator()(SDL_Renderer* p) const { SDL_DestroyRenderer(p); }
    void operator()(SDL_Texture* p) const { SDL_DestroyTexture(p); }
    void operator()(SDL_Surface* p) const { SDL_FreeSurface(p); }
    void operator()(TTF_Font* p) const { TTF_CloseFont(p); }
};

using WindowPtr = std::unique_ptr<SDL_Window, SdlDeleter>;
using RendererPtr = std::unique_ptr<SDL_Renderer, SdlDeleter>;
using TexturePtr = std::unique_ptr<SDL_Texture, SdlDeleter>;
using SurfacePtr = std::unique_ptr<SDL_Surface, SdlDeleter>;

// Output size in pixels.
struct Size {
    int w = 0;
    int h = 0;
    bool operator==(const Size&) const = default;
};

// "1920x1080" → Size; an "invalid" error otherwise (1..16384 per side).
Result<Size> parse_size(const std::string& text);

// SDL, SDL_ttf and SDL_image, initialised once for the process and shut down
// in reverse order when the object dies. Every other SDL object (fonts,
// textures, displays) must be destroyed before it.
class SdlRuntime {
  public:
    // `video`: also initialise SDL's video subsystem (window display); the
    // offscreen display needs only events. SDL's own SIGINT/SIGTERM handlers
    // are disabled: the program handles signals itself.
    static Result<std::unique_ptr<SdlRuntime>> init(bool video);
    ~SdlRuntime();
    SdlRuntime(const SdlRuntime&) = delete;
    SdlRuntime& operator=(const SdlRuntime&) = delete;

  private:
    SdlRuntime() = default;
    bool ttf_ = false;
    int img_flags_ = 0;
};

// An "sdl" Error carrying SDL_GetError().
Error sdl_error(const std::string& what);

// A new 32-bit RGBA surface (SDL_PIXELFORMAT_RGBA32: bytes R,G,B,A in memory).
SurfacePtr make_rgba_surface(int w, int h);

// Reads one pixel of an SDL_PIXELFORMAT_RGBA32 surface.
SDL_Color pixel_at(const SDL_Surface& rgba, int x, int y);

}  // namespace signage::render
