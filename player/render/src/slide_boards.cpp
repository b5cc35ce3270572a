// Honour rolls (光荣榜) and red/black lists (红黑榜): paged boards of cards
// and rows under a title band.

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

namespace {

const SDL_Color kBoardPaper = rgb(0xF6EFE1);
const SDL_Color kHairline = rgb(0xE6DCCB);
const SDL_Color kPlateBlue = rgb(0x1F4E9C);

// A rounded badge with one line of text; returns its width (0 when it does
// not fit in `max_w` and was not drawn).
Result<int> draw_badge(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout,
                       std::string_view text, int x, int y, int h, int max_w, int px,
                       SDL_Color fill, SDL_Color ink, const std::string& role) {
    TextStyle st = make_style(Weight::bold, px, px, 1.2, Align::left);
    st.max_lines = 1;
    auto b = layout_text(fonts, text, st, SDL_Rect{0, 0, 4 * max_w + 1000, h * 2}, role);
    if (!b) return b.error();
    const int pad = static_cast<int>(std::lround(px * 0.55));
    const int w = b->width + 2 * pad;
    if (w > max_w) return 0;
    fill_rounded_rect(r, SDL_Rect{x, y, w, h}, h / 4, fill);
    move_block(*b, x + pad - b->box.x, 0);
    center_ink_vertically(*b, y, h);
    if (auto st2 = draw_block(r, fonts, *b, ink); !st2) return st2.error();
    note_block(layout, *b);
    layout.blocks.push_back(std::move(*b));
    return w;
}

}  // namespace

// ---------------------------------------------------------------- honour roll

bool SlideRenderer::draw_photo(const std::string& ref, const SDL_Rect& frame, SlideLayout& layout) {
    if (ref.empty()) return false;
    SurfacePtr img = load_image(ref, layout);
    if (!img) return false;
    const double scale =
        std::max(static_cast<double>(frame.w) / img->w, static_cast<double>(frame.h) / img->h);
    SurfacePtr fitted = prepare_image(*img, static_cast<int>(std::ceil(img->w * scale)),
                                      static_cast<int>(std::ceil(img->h * scale)));
    if (!fitted) return false;
    TexturePtr tex = make_texture(renderer_, *fitted);
    if (!tex) return false;
    const SDL_Rect src = crop_cover(fitted->w, fitted->h, frame);
    SDL_RenderCopy(renderer_, tex.get(), &src, &frame);
    return true;
}

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

Result<SDL_Rect> SlideRenderer::draw_board(const protocol::Slide& slide, Size size,
                                           const char* default_title, SlideLayout& layout) {
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    fill_rect(renderer_, SDL_Rect{0, 0, W, H}, kBoardPaper);
    layout.background = kBoardPaper;
    auto band = draw_title_band(renderer_, fonts_, layout, size,
                                slide.title.empty() ? default_title : slide.title, layout.page,
                                layout.pages);
    if (!band) return band.error();
    const int margin = sc(56);
    return SDL_Rect{margin, *band + sc(36), W - 2 * margin, H - *band - sc(36) - sc(44)};
}

Status SlideRenderer::draw_honor_roll_slide(const protocol::Slide& slide, Size size,
                                            SlideLayout& layout) {
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

// ---------------------------------------------------------------- red/black

Status SlideRenderer::draw_list_column(bool red,
                                       const std::vector<const protocol::ListEntry*>& rows,
                                       bool mask_names, const SDL_Rect& column, Size size,
                                       SlideLayout& layout) {
    const Scaler sc{scale_for(size)};
    const SDL_Color head = red ? kRed : kCharcoal;
    const int radius = sc(18);
    fill_rounded_rect(renderer_, SDL_Rect{column.x, column.y + sc(6), column.w, column.h}, radius,
                      rgb(0x3A2A10, 40));
    fill_rounded_rect(renderer_, column, radius, kPaper);

    // Header.
    const int head_h = sc(96);
    fill_rounded_rect(renderer_, SDL_Rect{column.x, column.y, column.w, head_h + radius}, radius,
                      head);
    fill_rect(renderer_, SDL_Rect{column.x, column.y + head_h, column.w, radius}, kPaper);
    fill_rect(renderer_, SDL_Rect{column.x, column.y + head_h, column.w, sc(5)},
              red ? kGold : rgb(0x8A8F98));
    const int pad = sc(30);
    TextStyle hs = make_style(Weight::bold, sc(58), sc(44), 1.2, Align::left);
    hs.max_lines = 1;
    auto hb = place_text(renderer_, fonts_, layout, red ? "红榜" : "黑榜", hs,
                         SDL_Rect{column.x + pad, column.y, column.w / 2, head_h},
                         red ? "red_header" : "black_header", red ? kGoldLight : kPaper, true);
    if (!hb) return hb.error();
    {
        TextStyle ss = make_style(Weight::regular, sc(34), sc(28), 1.2, Align::left);
        ss.max_lines = 1;
        const std::string sub = red ? "表扬 · 文明典范" : "曝光 · 不文明行为";
        auto sb = layout_text(fonts_, sub, ss, SDL_Rect{0, 0, column.w / 2, head_h}, "subtitle");
        if (!sb) return sb.error();
        move_block(*sb, column.x + column.w - pad - sb->width - sb->box.x, 0);
        center_ink_vertically(*sb, column.y, head_h);
        if (auto st = draw_block(renderer_, fonts_, *sb, red ? kCreamText : rgb(0xC9CDD3)); !st)
            return st;
        layout.blocks.push_back(std::move(*sb));
    }

    const int body_y = column.y + head_h + sc(5);
    const int body_h = column.y + column.h - body_y;
    if (rows.empty()) {
        TextStyle es = make_style(Weight::regular, sc(44), sc(36), 1.2, Align::center);
        es.max_lines = 1;
        auto eb =
            place_text(renderer_, fonts_, layout, "本期暂无", es,
                       SDL_Rect{column.x, body_y, column.w, body_h}, "empty", kInkMuted, true);
        if (!eb) return eb.error();
        return {};
    }
    const int row_h = body_h / protocol::kRedBlackRowsPerPage;
    const int name_w = std::min(sc(300), column.w * 34 / 100);
    const std::string prefix = red ? "red_" : "black_";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const protocol::ListEntry& e = *rows[i];
        const int y = body_y + static_cast<int>(i) * row_h;
        if (i > 0) {
            fill_rect(renderer_,
                      SDL_Rect{column.x + pad, y, column.w - 2 * pad, std::max(1, sc(2))},
                      kHairline);
        }
        const bool mask_this = mask_names && e.kind != protocol::ListEntry::Kind::firm;
        const std::string name = mask_this ? protocol::mask_name(e.name) : e.name;
        const std::string plate = e.plate.empty()
                                      ? std::string{}
                                      : (mask_names ? protocol::mask_plate(e.plate) : e.plate);

        // Name (and plate under it), centred in the row.
        // A long firm name takes two lines rather than being cut.
        const int plate_h = plate.empty() ? 0 : sc(44);
        const int plate_gap = plate.empty() ? 0 : sc(12);
        TextStyle ns = make_style(Weight::bold, sc(46), sc(32), 1.15, Align::left);
        ns.max_lines = 2;
        ns.balance = true;
        auto nb =
            layout_text(fonts_, name, ns,
                        SDL_Rect{column.x + pad, 0, name_w, row_h - sc(16) - plate_h - plate_gap},
                        prefix + "name");
        if (!nb) return nb.error();
        const int group_h = ink_height(*nb) + plate_gap + plate_h;
        move_block(*nb, 0, y + (row_h - group_h) / 2 - nb->ink_top());
        if (auto st = draw_block(renderer_, fonts_, *nb, red ? kRedDeep : kInk); !st) return st;
        note_block(layout, *nb);
        const int plate_y = nb->ink_bottom() + plate_gap;
        layout.blocks.push_back(std::move(*nb));
        if (!plate.empty()) {
            auto pw = draw_badge(renderer_, fonts_, layout, plate, column.x + pad, plate_y, plate_h,
                                 name_w, sc(30), kPlateBlue, kPaper, prefix + "plate");
            if (!pw) return pw.error();
        }

        // Reason, and who decided it.
        const int rx = column.x + pad + name_w + sc(20);
        const int rw = column.x + column.w - pad - rx;
        TextStyle rs = make_style(Weight::regular, sc(38), sc(30), 1.25, Align::left);
        rs.max_lines = 2;
        rs.balance = true;
        const int meta_h = e.decided_by.empty() ? 0 : sc(44);
        auto rb = layout_text(fonts_, e.reason, rs, SDL_Rect{rx, y, rw, row_h - sc(12) - meta_h},
                              prefix + "reason");
        if (!rb) return rb.error();
        std::optional<TextBlock> mb;
        if (!e.decided_by.empty()) {
            TextStyle ms = make_style(Weight::regular, sc(28), sc(24), 1.2, Align::left);
            ms.max_lines = 1;
            auto m = layout_text(fonts_, "认定：" + e.decided_by, ms, SDL_Rect{rx, 0, rw, sc(60)},
                                 prefix + "decided_by");
            if (!m) return m.error();
            mb = std::move(*m);
        }
        const int reason_h = e.reason.empty() ? 0 : ink_height(*rb);
        const int meta_gap = mb && reason_h > 0 ? sc(12) : 0;
        const int stack = reason_h + meta_gap + (mb ? ink_height(*mb) : 0);
        const int top = y + (row_h - stack) / 2;
        if (!e.reason.empty()) {
            move_block(*rb, 0, top - rb->ink_top());
            if (auto st = draw_block(renderer_, fonts_, *rb, kInk); !st) return st;
            note_block(layout, *rb);
            layout.blocks.push_back(std::move(*rb));
        }
        if (mb) {
            move_block(*mb, 0, top + reason_h + meta_gap - mb->ink_top());
            if (auto st = draw_block(renderer_, fonts_, *mb, kInkMuted); !st) return st;
            note_block(layout, *mb);
            layout.blocks.push_back(std::move(*mb));
        }
    }
    return {};
}

Status SlideRenderer::draw_red_black_slide(const protocol::Slide& slide, Size size,
                                           const RenderOptions& options, SlideLayout& layout) {
    const Scaler sc{scale_for(size)};
    const bool landscape = size.w >= size.h;
    auto board = draw_board(slide, size, "红黑榜", layout);
    if (!board) return board.error();

    // Only entries inside their publication period, this page's share.
    const auto page_rows = [&](const std::vector<protocol::ListEntry>& list) {
        std::vector<const protocol::ListEntry*> valid;
        for (const auto& e : list) {
            if (e.is_valid_at(options.now, options.local_offset)) valid.push_back(&e);
        }
        const auto first = static_cast<std::size_t>(layout.page * protocol::kRedBlackRowsPerPage);
        std::vector<const protocol::ListEntry*> out;
        for (std::size_t i = first;
             i < valid.size() &&
             i < first + static_cast<std::size_t>(protocol::kRedBlackRowsPerPage);
             ++i) {
            out.push_back(valid[i]);
        }
        return out;
    };

    const int gap = sc(36);
    SDL_Rect area = *board;
    const auto card = reserve_qr(slide, size, area, gap);
    SDL_Rect red_col, black_col;
    if (landscape) {
        const int w = (area.w - gap) / 2;
        red_col = SDL_Rect{area.x, area.y, w, area.h};
        black_col = SDL_Rect{area.x + w + gap, area.y, area.w - w - gap, area.h};
    } else {
        const int h = (area.h - gap) / 2;
        red_col = SDL_Rect{area.x, area.y, area.w, h};
        black_col = SDL_Rect{area.x, area.y + h + gap, area.w, area.h - h - gap};
    }
    if (auto st =
            draw_list_column(true, page_rows(slide.red), slide.mask_names, red_col, size, layout);
        !st) {
        return st;
    }
    if (auto st = draw_list_column(false, page_rows(slide.black), slide.mask_names, black_col, size,
                                   layout);
        !st) {
        return st;
    }
    if (card) return draw_qr_card(*slide.qr, *card, size, layout);
    return {};
}

}  // namespace signage::render
