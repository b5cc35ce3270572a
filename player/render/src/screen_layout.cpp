#include "render/screen_layout.hpp"

#include "protocol/screen_zones.hpp"

namespace signage::render {

ScreenLayout layout_screen(Size screen, bool header, bool ticker) {
    const protocol::ScreenZones z = protocol::screen_zones(screen.w, screen.h, header, ticker);
    ScreenLayout l;
    l.screen = screen;
    l.scale = z.scale;
    if (header) l.header = SDL_Rect{0, 0, screen.w, z.header_h};
    if (ticker) l.ticker = SDL_Rect{0, screen.h - z.ticker_h, screen.w, z.ticker_h};
    l.main = SDL_Rect{0, z.header_h, z.main_w, z.main_h};
    return l;
}

}  // namespace signage::render
