// red_black (红黑榜): 红榜 and 黑榜 columns (stacked in portrait), up to
// kRedBlackRowsPerPage rows each per page; only entries valid at
// RenderOptions::now; personal and household names and all plates masked
// unless mask_names is false.

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

namespace {

const SDL_Color kPlateBlue = rgb(0x1F4E9C);

}  // namespace

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

template <>
Status SlideRenderer::draw<protocol::SlideType::red_black>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    const RenderOptions& options = call.options;
    SlideLayout& layout = call.layout;
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
