// text: a header band (campaign red, gold rule) with the title, the body
// below with generous margins, dark on warm white; both auto-fitted (the body
// down to 40 px at 1080p). A body too long for one page at that size is paged
// (layout.pages, a "2 / 3" mark); a title alone is a poster line.

#include <algorithm>
#include <cmath>
#include <optional>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

template <>
Status SlideRenderer::draw<protocol::SlideType::text>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    const int requested_page = layout.page;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const bool landscape = W >= H;
    const int margin =
        std::max(sc(64), static_cast<int>(std::lround(W * (landscape ? 0.05 : 0.067))));

    SDL_Color bg = slide.background.color ? opaque(*slide.background.color) : kCream;
    bool media_bg = false;
    if (!slide.background.media.empty()) {
        media_bg = draw_background_media(slide.background.media, size, layout);
    }
    if (!media_bg) {
        fill_rect(renderer_, SDL_Rect{0, 0, W, H}, bg);
        layout.background = bg;
    }
    const bool light = !media_bg && luminance(bg) > 0.35;
    const SDL_Color text_color = light ? kInk : kPaper;
    const SDL_Color muted = media_bg ? rgb(0xD8D2C8) : mix(text_color, bg, 0.45);
    // The band stays campaign red unless the page itself is reddish.
    const bool reddish = bg.r > 150 && bg.g < 90 && bg.b < 90;
    SDL_Color band = reddish ? mix(bg, kBlack, 0.3) : kRed;
    if (media_bg) band.a = 225;

    const std::string& title = slide.title;
    const std::string& body = slide.body;
    const int rule_h = sc(10);

    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        // Title only: a poster line in the middle of the page.
        fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, sc(28)}, band, mix(band, kBlack, 0.15));
        fill_rect(renderer_, SDL_Rect{0, sc(28), W, rule_h}, kGold);
        if (!title.empty()) {
            TextStyle style = make_style(Weight::bold, sc(140), sc(56), 1.3, Align::center);
            style.paragraph_gap = 0.5;
            style.balance = true;
            SDL_Rect box{margin, sc(120), W - 2 * margin, H - sc(240)};
            const auto card = reserve_qr(slide, size, box, sc(48));
            auto tb = layout_text(fonts_, title, style, box, "title");
            if (!tb) return tb.error();
            center_ink_vertically(*tb, box.y, box.h);
            if (auto st = draw_block(renderer_, fonts_, *tb, text_color); !st) return st;
            note_block(layout, *tb);
            layout.blocks.push_back(std::move(*tb));
            if (card) return draw_qr_card(*slide.qr, *card, size, layout);
        }
        return {};
    }

    // Header band with the title.
    int band_h = sc(28);
    std::optional<TextBlock> title_block;
    if (!title.empty()) {
        TextStyle style = make_style(Weight::bold, sc(92), sc(56), 1.28, Align::left);
        style.balance = true;
        const int max_title_h = static_cast<int>(H * (landscape ? 0.30 : 0.22));
        auto tb = layout_text(fonts_, title, style,
                              SDL_Rect{margin, 0, W - 2 * margin, max_title_h}, "title");
        if (!tb) return tb.error();
        const int pad = sc(48);
        band_h = std::max(sc(160), ink_height(*tb) + 2 * pad);
        center_ink_vertically(*tb, 0, band_h);
        title_block = std::move(*tb);
    }
    fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, band_h}, band, mix(band, kBlack, 0.18));
    fill_rect(renderer_, SDL_Rect{0, band_h, W, rule_h}, kGold);
    if (title_block) {
        // A gold accent bar left of the title's first line.
        const int bar_w = sc(10);
        const int first_line_bottom = title_block->lines.front().rect.y + title_block->ascent +
                                      static_cast<int>(std::lround(0.12 * title_block->font_px));
        fill_rect(renderer_,
                  SDL_Rect{margin - sc(34), title_block->ink_top(), bar_w,
                           first_line_bottom - title_block->ink_top()},
                  kGoldLight);
        if (auto st = draw_block(renderer_, fonts_, *title_block, kPaper); !st) return st;
        note_block(layout, *title_block);
        layout.blocks.push_back(std::move(*title_block));
    }

    // Footer: a hairline, the category, and the 公益广告 mark.
    const int footer_h = sc(88);
    const int footer_y = H - footer_h;
    fill_rect(renderer_, SDL_Rect{margin, footer_y, W - 2 * margin, std::max(1, sc(2))},
              mix(muted, bg, 0.4));
    const int small_px = sc(30);
    if (!slide.category.empty()) {
        TextStyle style = make_style(Weight::regular, small_px, small_px, 1.2, Align::left);
        style.max_lines = 1;
        auto cb =
            layout_text(fonts_, slide.category, style,
                        SDL_Rect{margin, footer_y, (W - 2 * margin) / 2, footer_h}, "category");
        if (!cb) return cb.error();
        center_ink_vertically(*cb, footer_y, footer_h);
        if (auto st = draw_block(renderer_, fonts_, *cb, muted); !st) return st;
        layout.blocks.push_back(std::move(*cb));
    }
    if (slide.public_service) {
        TextStyle style = make_style(Weight::bold, small_px, small_px, 1.2, Align::left);
        style.max_lines = 1;
        auto pb = layout_text(fonts_, "公益广告", style, SDL_Rect{0, 0, W / 2, footer_h}, "mark");
        if (!pb) return pb.error();
        const int pad_x = sc(18);
        const int tag_w = pb->width + 2 * pad_x;
        const int tag_h = ink_height(*pb) + 2 * sc(12);
        const SDL_Rect tag{W - margin - tag_w, footer_y + (footer_h - tag_h) / 2, tag_w, tag_h};
        fill_rounded_rect(renderer_, tag, sc(8), band.a == 255 ? band : kRed);
        move_block(*pb, tag.x + pad_x - pb->box.x, 0);
        center_ink_vertically(*pb, tag.y, tag.h);
        if (auto st = draw_block(renderer_, fonts_, *pb, kPaper); !st) return st;
        layout.blocks.push_back(std::move(*pb));
    }

    // Body.
    const int body_top = band_h + rule_h + sc(56);
    const int body_bottom = footer_y - sc(28);
    SDL_Rect body_box{margin, body_top, W - 2 * margin, std::max(sc(40), body_bottom - body_top)};
    const auto card = reserve_qr(slide, size, body_box, sc(48));
    TextStyle style = make_style(Weight::regular, sc(80), sc(40), 1.6, Align::left);
    style.paragraph_gap = 0.55;
    style.justify = true;
    auto bb = layout_text(fonts_, body, style, body_box, "body");
    if (!bb) return bb.error();
    if (bb->truncated) {
        // Too long even at the minimum size: page through it (nothing is cut).
        auto paged = page_text_block(body, style, body_box, requested_page, layout);
        if (!paged) return paged.error();
        bb = std::move(paged);
        draw_page_number(layout, SDL_Rect{margin, footer_y, W - 2 * margin, footer_h}, muted);
    } else if (bb->height < body_box.h) {
        // Optical placement: a third of the free space above, two thirds below.
        move_block(*bb, 0, (body_box.h - bb->height) / 3);
    }
    if (auto st = draw_block(renderer_, fonts_, *bb, text_color); !st) return st;
    note_block(layout, *bb);
    layout.blocks.push_back(std::move(*bb));
    if (card) return draw_qr_card(*slide.qr, *card, size, layout);
    return {};
}

}  // namespace signage::render
