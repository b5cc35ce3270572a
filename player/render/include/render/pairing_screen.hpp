#pragma once
// The pairing page: what a screen without a device token shows, full
// screen, until staff enter its code in the console. Six large digits
// (readable from a few metres), the server's address and a short
// instruction in Chinese.

#include <string>

#include "common/result.hpp"
#include "render/fonts.hpp"
#include "render/sdl.hpp"

namespace signage::render {

struct PairingView {
    std::string code;    // six digits; empty while no code has been obtained
    std::string server;  // the server's address as configured
    std::string status;  // a short line under the code, e.g. why there is no code yet

    bool operator==(const PairingView&) const = default;
};

// Draws the page at `size` into a new opaque texture.
Result<TexturePtr> render_pairing_page(SDL_Renderer* renderer, FontCache& fonts,
                                       const PairingView& view, Size size);

}  // namespace signage::render
