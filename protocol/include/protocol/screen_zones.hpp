#pragma once
// How a screen of a given size is divided: the header on top, the ticker at
// the bottom and the main zone (the rotation's slides) between them. Designed
// at 1920x1080 (landscape) and 1080x1920 (portrait); lengths scale with the
// shorter side / 1080.
//
//   landscape  header 96 px (≈9% of the height), ticker 76 px (≈7%)
//   portrait   header 160 px (≈8%), ticker 100 px (≈5%)
//
// The player lays its screen out with it (render/screen_layout.hpp); the
// server tells editors the main zone's size, the image size that fits best.
// Pure arithmetic.

namespace signage::protocol {

struct ScreenZones {
    int header_h = 0;  // 0 without a header
    int ticker_h = 0;  // 0 without a ticker
    int main_w = 0;
    int main_h = 0;
    double scale = 1.0;  // the shorter side / 1080
};

// The zones of a width x height screen; without a header or ticker the main
// zone takes their place.
ScreenZones screen_zones(int width, int height, bool header, bool ticker);

}  // namespace signage::protocol
