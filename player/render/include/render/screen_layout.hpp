#pragma once
// Screen layout: where the header, the main zone and the ticker go on a
// screen of a given size, as rectangles (the sizes are
// protocol/screen_zones.hpp's, which the server shares). The main zone is
// what is left between them; slides for it are rendered at its size. Pure
// arithmetic, no SDL state.

#include "render/sdl.hpp"

namespace signage::render {

struct ScreenLayout {
    Size screen;
    SDL_Rect header{};   // empty (w = h = 0) when there is no header
    SDL_Rect main{};     // the rotation's zone
    SDL_Rect ticker{};   // empty when there is no ticker
    double scale = 1.0;  // SlideRenderer::scale_for(screen)

    bool has_header() const { return header.w > 0 && header.h > 0; }
    bool has_ticker() const { return ticker.w > 0 && ticker.h > 0; }
    Size main_size() const { return Size{main.w, main.h}; }
};

// The zones of `screen`; without a header or ticker the main zone takes
// their place.
ScreenLayout layout_screen(Size screen, bool header, bool ticker);

}  // namespace signage::render
