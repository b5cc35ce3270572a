// honor_roll (光荣榜): a title band and kHonorCardsPerPage cards per page
// (2x2 in landscape, 1x4 in portrait): photo (cover-cropped, or a placeholder
// with the name's first character), name, category and level badges, unit
// and period, the deed cut with "……"; page indicator "1/3".

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

Status SlideRenderer::draw_honor_card(const protocol::HonorEntry& entry, const SDL_Rect& card,
                                      Size size, SlideLayout& layout) {
    const Scaler sc{scale_for(size)};
    fill_rounded_rect(renderer_, SDL_Rect{card.x, card.y + sc(6), card.w, card.h}, sc(18),
                      rgb(0x6B4A1A, 45));
    fill_rounded_rect(renderer_, card, sc(18), kPaper);
    fill_rect(renderer_, SDL_Rect{card.x + sc(18), card.y, card.w - sc(36), sc(6)}, kGold);

    // The photo in a gold frame, or a placeholder with the first character.
    const int pad = sc(26);
    const int frame_h = card.h - 2 * pad;
    const int frame_w = std::min(frame_h * 3 / 4, card.w * 36 / 100);
    const SDL_Rect frame{card.x + pad, card.y + pad, frame_w, frame_h};
    const int border = sc(4);
    fill_rect(
        renderer_,
        SDL_Rect{frame.x - border, frame.y - border, frame.w + 2 * border, frame.h + 2 * border},
        kGold);
    if (!draw_photo(entry.photo, frame, layout)) {
        fill_vertical_gradient(renderer_, frame, kRed, kRedDeep);
        stroke_rect(
            renderer_,
            SDL_Rect{frame.x + sc(10), frame.y + sc(10), frame.w - sc(20), frame.h - sc(20)},
            std::max(1, sc(2)), rgb(0xE9B949, 160));
        const int px = std::max(sc(40), frame.w * 55 / 100);
        TextStyle ps = make_style(Weight::display, px, px / 2, 1.2, Align::center);
        ps.max_lines = 1;
        auto pb = place_text(renderer_, fonts_, layout, first_character(entry.name), ps, frame,
                             "initial", kGoldLight, true);
        if (!pb) return pb.error();
    }

    const int x = frame.x + frame.w + sc(32);
    const int w = card.x + card.w - pad - x;
    // Name.
    TextStyle ns = make_style(Weight::bold, sc(62), sc(44), 1.2, Align::left);
    ns.max_lines = 1;
    auto nb = layout_text(fonts_, entry.name, ns, SDL_Rect{x, 0, w, sc(100)}, "name");
    if (!nb) return nb.error();
    move_block(*nb, 0, card.y + pad + sc(4) - nb->ink_top());
    if (auto st = draw_block(renderer_, fonts_, *nb, kInk); !st) return st;
    note_block(layout, *nb);
    const int name_bottom = nb->ink_bottom();
    layout.blocks.push_back(std::move(*nb));

    // Category and level badges.
    const int badge_h = sc(48);
    const int badge_y = name_bottom + sc(22);
    int bx = x;
    if (!entry.category.empty()) {
        auto bw = draw_badge(renderer_, fonts_, layout, entry.category, bx, badge_y, badge_h,
                             x + w - bx, sc(30), kRed, kPaper, "category");
        if (!bw) return bw.error();
        if (*bw > 0) bx += *bw + sc(12);
    }
    if (!entry.level.empty()) {
        auto bw = draw_badge(renderer_, fonts_, layout, entry.level, bx, badge_y, badge_h,
                             x + w - bx, sc(30), kTile, kTileText, "level");
        if (!bw) return bw.error();
    }
    const bool badges = !entry.category.empty() || !entry.level.empty();
    const int deed_top = badges ? badge_y + badge_h + sc(20) : name_bottom + sc(24);

    // Unit and period at the foot.
    std::string meta = entry.unit;
    if (!entry.period.empty()) meta += (meta.empty() ? "" : " · ") + entry.period;
    int deed_bottom = card.y + card.h - pad;
    if (!meta.empty()) {
        TextStyle ms = make_style(Weight::regular, sc(32), sc(28), 1.2, Align::left);
        ms.max_lines = 1;
        auto mb = layout_text(fonts_, meta, ms, SDL_Rect{x, 0, w, sc(80)}, "meta");
        if (!mb) return mb.error();
        move_block(*mb, 0, card.y + card.h - pad - mb->ink_bottom());
        deed_bottom = mb->ink_top() - sc(16);
        fill_rect(renderer_, SDL_Rect{x, deed_bottom + sc(4), w, std::max(1, sc(2))}, kHairline);
        if (auto st = draw_block(renderer_, fonts_, *mb, kInkMuted); !st) return st;
        note_block(layout, *mb);
        layout.blocks.push_back(std::move(*mb));
        deed_bottom -= sc(8);
    }

    // The deed, cut with "……" where the card ends.
    // (Only when at least one line fits: a compact card shows no deed.)
    const int deed_px = sc(38);
    if (!entry.deed.empty() && deed_bottom - deed_top >= deed_px * 3 / 2) {
        TextStyle ds = make_style(Weight::regular, deed_px, deed_px, 1.42, Align::left);
        ds.justify = true;
        ds.ellipsis = "\u2026\u2026";
        auto db = layout_text(fonts_, entry.deed, ds,
                              SDL_Rect{x, deed_top, w, deed_bottom - deed_top}, "deed");
        if (!db) return db.error();
        if (auto st = draw_block(renderer_, fonts_, *db, rgb(0x3A332D)); !st) return st;
        note_block(layout, *db, true);
        layout.blocks.push_back(std::move(*db));
    }
    return {};
}

template <>
Status SlideRenderer::draw<protocol::SlideType::honor_roll>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    const Scaler sc{scale_for(size)};
    const bool landscape = size.w >= size.h;
    auto board = draw_board(slide, size, "光荣榜", layout);
    if (!board) return board.error();
    SDL_Rect area = *board;
    const int gap = sc(36);
    const auto card = reserve_qr(slide, size, area, gap);
    const int cols = landscape ? 2 : 1;
    const int rows = protocol::kHonorCardsPerPage / cols;
    const int card_w = (area.w - (cols - 1) * gap) / cols;
    const int card_h = (area.h - (rows - 1) * gap) / rows;

    const auto first = static_cast<std::size_t>(layout.page * protocol::kHonorCardsPerPage);
    for (int k = 0; k < protocol::kHonorCardsPerPage; ++k) {
        const std::size_t i = first + static_cast<std::size_t>(k);
        if (i >= slide.entries.size()) break;
        const SDL_Rect r{area.x + (k % cols) * (card_w + gap), area.y + (k / cols) * (card_h + gap),
                         card_w, card_h};
        if (auto st = draw_honor_card(slide.entries[i], r, size, layout); !st) return st;
    }
    if (card) return draw_qr_card(*slide.qr, *card, size, layout);
    return {};
}

}  // namespace signage::render
