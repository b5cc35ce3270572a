#include "render/screen_layout.hpp"

#include <algorithm>
#include <cmath>

namespace signage::render {

ScreenLayout layout_screen(Size screen, bool header, bool ticker) {
    ScreenLayout l;
    l.screen = screen;
    l.scale = std::min(screen.w, screen.h) / 1080.0;
    const bool landscape = screen.w >= screen.h;
    const auto px = [&](double design) {
        return std::max(1, static_cast<int>(std::lround(design * l.scale)));
    };
    // Never let the chrome eat the screen on odd aspect ratios.
    const int header_h = header ? std::min(px(landscape ? 96 : 160), screen.h / 5) : 0;
    const int ticker_h = ticker ? std::min(px(landscape ? 76 : 100), screen.h / 6) : 0;
    if (header) l.header = SDL_Rect{0, 0, screen.w, header_h};
    if (ticker) l.ticker = SDL_Rect{0, screen.h - ticker_h, screen.w, ticker_h};
    l.main = SDL_Rect{0, header_h, screen.w, std::max(1, screen.h - header_h - ticker_h)};
    return l;
}

}  // namespace signage::render
