#include "protocol/screen_zones.hpp"

#include <algorithm>
#include <cmath>

namespace signage::protocol {

ScreenZones screen_zones(int width, int height, bool header, bool ticker) {
    ScreenZones z;
    z.scale = std::min(width, height) / 1080.0;
    const bool landscape = width >= height;
    const auto px = [&](double design) {
        return std::max(1, static_cast<int>(std::lround(design * z.scale)));
    };
    // Never let the chrome eat the screen on odd aspect ratios.
    z.header_h = header ? std::min(px(landscape ? 96 : 160), height / 5) : 0;
    z.ticker_h = ticker ? std::min(px(landscape ? 76 : 100), height / 6) : 0;
    z.main_w = width;
    z.main_h = std::max(1, height - z.header_h - z.ticker_h);
    return z;
}

}  // namespace signage::protocol
