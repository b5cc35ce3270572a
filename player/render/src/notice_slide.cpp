// notice: a preview of the ticker strip (notices normally run on the ticker,
// not in the rotation).

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "render/chrome.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

template <>
Status SlideRenderer::draw<protocol::SlideType::notice>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, H}, rgb(0x3A4048), rgb(0x1B1E23));
    layout.background = kSlate;
    const int margin = sc(72);

    // What this is.
    TextStyle hs = make_style(Weight::regular, sc(36), sc(30), 1.2, Align::left);
    hs.max_lines = 1;
    auto hb = place_text(renderer_, fonts_, layout, "跑马灯预览 · 通知在屏幕底部滚动播放", hs,
                         SDL_Rect{margin, sc(56), W - 2 * margin, sc(60)}, "preview_label",
                         rgb(0xB8B0A4), true);
    if (!hb) return hb.error();
    int y = hb->ink_bottom() + sc(40);
    if (!slide.title.empty()) {
        TextStyle ts = make_style(Weight::bold, sc(72), sc(48), 1.25, Align::left);
        ts.max_lines = 2;
        ts.balance = true;
        auto tb = place_text(renderer_, fonts_, layout, slide.title, ts,
                             SDL_Rect{margin, y, W - 2 * margin, sc(200)}, "title", kPaper, false);
        if (!tb) return tb.error();
    }

    // The strip itself, as the ticker draws it, at the ticker's height for
    // a screen of this size, text at its start position.
    const ScreenLayout screen = layout_screen(size, true, true);
    const int strip_h = screen.ticker.h;
    const SDL_Rect strip{0, (H - strip_h) / 2 + sc(40), W, strip_h};
    Ticker ticker(renderer_, fonts_);
    ticker.set_texts({slide.body}, Ticker::Clock::time_point{});
    if (auto st = ticker.set_rect(strip, screen.scale); !st) return st;
    if (auto st = ticker.draw_at(0.0); !st) return st;
    for (const auto& w : ticker.warnings()) layout.warnings.push_back(w);

    // The whole text under it, for reading the preview.
    {
        const int top = strip.y + strip.h + sc(56);
        TextStyle fs = make_style(Weight::regular, sc(44), sc(34), 1.5, Align::left);
        fs.max_lines = 4;
        SDL_Rect box{margin, top, W - 2 * margin, H - top - sc(56)};
        if (slide.qr) box.w -= qr_card_size(size, *slide.qr).w + sc(48);
        auto fb = place_text(renderer_, fonts_, layout, slide.body, fs, box, "full_text",
                             rgb(0xD8D2C8), false);
        if (!fb) return fb.error();
    }

    // The notice's text for --lines (one line: it scrolls, it never wraps).
    TextBlock nb;
    nb.role = "notice";
    nb.font_px = static_cast<int>(std::lround(strip_h * 0.6));
    LaidOutLine line;
    line.text = slide.body;
    line.rect = ticker.text_clip();
    nb.lines.push_back(std::move(line));
    nb.box = ticker.text_clip();
    layout.blocks.push_back(std::move(nb));

    if (slide.qr) {
        const Size cs = qr_card_size(size, *slide.qr);
        const SDL_Rect card{W - margin - cs.w, H - sc(56) - cs.h, cs.w, cs.h};
        return draw_qr_card(*slide.qr, card, size, layout);
    }
    return {};
}

}  // namespace signage::render
