// The QR card any slide with a `qr` gets: a white square with the code and
// its quiet zone, the label under it.

#include <memory>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

Size SlideRenderer::qr_card_size(Size size, const protocol::QrCode& qr) {
    const Scaler sc{scale_for(size)};
    const int w = sc(250);
    return Size{w, w + (qr.label.empty() ? 0 : sc(78))};
}

Status SlideRenderer::draw_qr_card(const protocol::QrCode& qr, const SDL_Rect& card, Size size,
                                   SlideLayout& layout) {
    const Scaler sc{scale_for(size)};
    layout.qr_rect = card;
    fill_rounded_rect(renderer_, SDL_Rect{card.x, card.y + sc(6), card.w, card.h}, sc(16),
                      rgb(0x000000, 60));  // shadow
    fill_rounded_rect(renderer_, card, sc(16), rgb(0xFFFFFF));

    auto code = draw_qr_code(renderer_, qr.text, SDL_Rect{card.x, card.y, card.w, card.w});
    if (!code) {
        const bool too_small = code.error().code == ErrorCode::too_small;
        layout.warnings.push_back(too_small ? "qr: the screen is too small for this QR code"
                                            : "qr: the text cannot be encoded as a QR code");
        spdlog::warn("qr: {}", code.error().message);
        return {};
    }
    const int code_px = code->h;
    const int y0 = code->y;
    if (!qr.label.empty()) {
        const int top = y0 + code_px + sc(4);
        TextStyle st = make_style(Weight::bold, sc(30), sc(24), 1.2, Align::center);
        st.max_lines = 2;
        st.balance = true;
        const SDL_Rect box{card.x + sc(12), top, card.w - sc(24), card.y + card.h - top - sc(8)};
        auto lb = place_text(renderer_, fonts_, layout, qr.label, st, box, "qr_label", kInk, true);
        if (!lb) return lb.error();
    }
    return {};
}

}  // namespace signage::render
