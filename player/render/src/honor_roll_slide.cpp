// honor_roll (光荣榜): a title band and up to kHonorCardsPerPage cards per
// page, laid out for how many the page has (landscape: one card, two rows,
// two above one wide, 2x2; portrait: one to four rows): photo (cover-cropped,
// or a placeholder with the name's first character), name, category and
// level badges, unit and period, and the deed, whole when there is room,
// else cut at a sentence or clause end with "……" (the console has it whole).
// Deeds on a page share one size: the largest at which every deed that can
// be whole is; page indicator "1/3".

#include <algorithm>
#include <cmath>
#include <vector>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

Result<SDL_Rect> SlideRenderer::draw_honor_card(const protocol::HonorEntry& entry,
                                                const SDL_Rect& card, Size size, bool compact,
                                                SlideLayout& layout) {
    const Scaler sc{scale_for(size)};
    fill_rounded_rect(renderer_, SDL_Rect{card.x, card.y + sc(6), card.w, card.h}, sc(18),
                      rgb(0x6B4A1A, 45));
    fill_rounded_rect(renderer_, card, sc(18), kPaper);
    fill_rect(renderer_, SDL_Rect{card.x + sc(18), card.y, card.w - sc(36), sc(6)}, kGold);

    // The photo in a gold frame, or a placeholder with the first character.
    const int pad = sc(26);
    // Compact: a small photo beside the name, the deed under both.
    const int frame_w =
        compact ? sc(126) : std::min({(card.h - 2 * pad) * 3 / 4, card.w * 36 / 100, sc(480)});
    const int frame_h = std::min(card.h - 2 * pad, frame_w * 4 / 3);
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

    const int x = frame.x + frame.w + sc(compact ? 28 : 32);
    const int w = card.x + card.w - pad - x;
    // Where the deed and the foot go.
    const int body_x = compact ? card.x + pad : x;
    const int body_w = card.x + card.w - pad - body_x;
    // Name.
    TextStyle ns = make_style(Weight::bold, sc(62), sc(44), 1.2, Align::left);
    ns.max_lines = 1;
    auto nb = layout_text(fonts_, entry.name, ns, SDL_Rect{x, 0, w, sc(100)}, "name");
    if (!nb) return nb.error();
    move_block(*nb, 0, card.y + pad + sc(4) - nb->ink_top());
    if (auto st = draw_block(renderer_, fonts_, *nb, kInk); !st) return st.error();
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
    const int column_bottom = badges ? badge_y + badge_h : name_bottom;
    int deed_top = column_bottom + sc(badges ? 20 : 24);

    // Unit and period: at the foot, or compact under the badges, with a
    // hairline between them and the deed.
    std::string meta = entry.unit;
    if (!entry.period.empty()) meta += (meta.empty() ? "" : " · ") + entry.period;
    int deed_bottom = card.y + card.h - pad;
    if (compact) deed_top = std::max(column_bottom, frame.y + frame.h + border);
    if (!meta.empty()) {
        TextStyle ms = make_style(Weight::regular, sc(32), sc(28), 1.2, Align::left);
        ms.max_lines = 1;
        auto mb = layout_text(
            fonts_, meta, ms,
            compact ? SDL_Rect{x, 0, w, sc(80)} : SDL_Rect{body_x, 0, body_w, sc(80)}, "meta");
        if (!mb) return mb.error();
        if (compact) {
            move_block(*mb, 0, column_bottom + sc(18) - mb->ink_top());
            deed_top = std::max(mb->ink_bottom(), deed_top);
        } else {
            move_block(*mb, 0, card.y + card.h - pad - mb->ink_bottom());
            deed_bottom = mb->ink_top() - sc(16);
            fill_rect(renderer_, SDL_Rect{body_x, deed_bottom + sc(4), body_w, std::max(1, sc(2))},
                      kHairline);
            deed_bottom -= sc(8);
        }
        if (auto st = draw_block(renderer_, fonts_, *mb, kInkMuted); !st) return st.error();
        note_block(layout, *mb);
        layout.blocks.push_back(std::move(*mb));
    }
    if (compact) {
        fill_rect(renderer_, SDL_Rect{body_x, deed_top + sc(16), body_w, std::max(1, sc(2))},
                  kHairline);
        deed_top += sc(34);
    }

    return SDL_Rect{body_x, deed_top, body_w, deed_bottom - deed_top};
}

namespace {

// Where the cards of a page go, for how many it has.
std::vector<SDL_Rect> honor_card_rects(SDL_Rect area, int count, bool landscape, int gap) {
    std::vector<SDL_Rect> rects;
    const auto rows = [&](int n) {
        const int h = (area.h - (n - 1) * gap) / n;
        for (int k = 0; k < n; ++k) rects.push_back({area.x, area.y + k * (h + gap), area.w, h});
    };
    if (!landscape || count <= 2) {
        rows(count);
        return rects;
    }
    // Landscape, three or four: 2x2, a third card alone takes the whole row.
    const int w = (area.w - gap) / 2;
    const int h = (area.h - gap) / 2;
    for (int k = 0; k < count; ++k) {
        const bool alone = count == 3 && k == 2;
        rects.push_back(
            {area.x + (k % 2) * (w + gap), area.y + (k / 2) * (h + gap), alone ? area.w : w, h});
    }
    return rects;
}

}  // namespace

Result<SlideRenderer::HonorCards> SlideRenderer::draw_honor_cards(
    const protocol::Slide& slide, std::size_t first, const std::vector<SDL_Rect>& rects, Size size,
    bool compact, SlideLayout& layout) {
    const Scaler sc{scale_for(size)};
    struct Deed {
        const protocol::HonorEntry* entry;
        SDL_Rect box;
    };
    std::vector<Deed> deeds;
    for (std::size_t k = 0; k < rects.size(); ++k) {
        const auto& entry = slide.entries[first + k];
        auto box = draw_honor_card(entry, rects[k], size, compact, layout);
        if (!box) return box.error();
        // A compact card shows no deed when not even a line fits.
        if (!entry.deed.empty() && box->h >= sc(30) * 3 / 2) deeds.push_back({&entry, *box});
    }
    // Fewer cards, larger ones: the deed may be larger too.
    TextStyle ds =
        make_style(Weight::regular, rects.size() <= 2 ? sc(52) : sc(44), sc(30), 1.42, Align::left);
    ds.justify = true;
    ds.ellipsis = "\u2026\u2026";
    ds.cut_at_clause = true;
    // The largest size at which every deed is whole; when one is shortened,
    // all at the smallest size, which shows it longest.
    int shared_px = ds.max_px;
    for (const auto& d : deeds) {
        auto b = layout_text(fonts_, d.entry->deed, ds, d.box, "deed");
        if (!b) return b.error();
        shared_px = std::min(shared_px, b->truncated ? ds.min_px : b->font_px);
    }
    HonorCards drawn;
    for (const auto& d : deeds) {
        TextStyle at = ds;
        at.max_px = shared_px;
        auto b = layout_text(fonts_, d.entry->deed, at, d.box, "deed");
        if (!b) return b.error();
        if (auto st = draw_block(renderer_, fonts_, *b, rgb(0x3A332D)); !st) return st.error();
        note_block(layout, *b, true);
        for (const auto& line : b->lines) drawn.shown_bytes += line.text.size();
        if (b->truncated) {
            drawn.shortened = true;
            layout.warnings.push_back("deed: the deed of " + d.entry->name +
                                      " does not fit whole on this screen and is shortened");
            layout.shortened.push_back(std::string("entries[")
                                           .append(std::to_string(d.entry - slide.entries.data()))
                                           .append("].deed"));
        }
        layout.blocks.push_back(std::move(*b));
    }
    return drawn;
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
    const auto first = static_cast<std::size_t>(layout.page * protocol::kHonorCardsPerPage);
    const int count = static_cast<int>(
        std::min<std::size_t>(protocol::kHonorCardsPerPage,
                              slide.entries.size() - std::min(first, slide.entries.size())));
    const auto rects = honor_card_rects(area, count, landscape, gap);

    // The cards, then their deeds at one size. Small cards that would cut a
    // deed are drawn again compact (a small photo, the deed the width of the
    // card), which stays when it shows more of the deeds.
    const std::size_t blocks_before = layout.blocks.size();
    const std::size_t warnings_before = layout.warnings.size();
    const auto redraw = [&](bool compact) -> Result<HonorCards> {
        layout.blocks.resize(blocks_before);
        layout.warnings.resize(warnings_before);
        fill_rect(renderer_, SDL_Rect{area.x - 1, area.y - 1, area.w + 2, area.h + sc(8)},
                  layout.background);
        return draw_honor_cards(slide, first, rects, size, compact, layout);
    };
    auto drawn = draw_honor_cards(slide, first, rects, size, false, layout);
    if (!drawn) return drawn.error();
    if (drawn->shortened && !rects.empty() && rects.front().h < sc(600)) {
        auto compact = redraw(true);
        if (!compact) return compact.error();
        if (compact->shown_bytes <= drawn->shown_bytes) {
            if (auto again = redraw(false); !again) return again.error();
        }
    }
    if (card) return draw_qr_card(*slide.qr, *card, size, layout);
    return {};
}

}  // namespace signage::render
