// core_values: the 24 characters in their three levels with their labels,
// gold on red, plus the full 倡导… sentence; the three levels are reported in
// SlideLayout::reveal for the compositor's reveal animation.

#include <algorithm>
#include <cmath>
#include <optional>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

const CoreValuesLevel kCoreValues[3] = {
    {"国家层面", "价值目标", {"富强", "民主", "文明", "和谐"}},
    {"社会层面", "价值取向", {"自由", "平等", "公正", "法治"}},
    {"公民个人层面", "价值准则", {"爱国", "敬业", "诚信", "友善"}},
};
const char* const kCoreValuesSentence =
    "倡导富强、民主、文明、和谐，倡导自由、平等、公正、法治，倡导爱国、敬业、诚信、友善。";
const char* const kCoreValuesTitle = "社会主义核心价值观";

template <>
Status SlideRenderer::draw<protocol::SlideType::core_values>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    TexturePtr* reveal_base = call.reveal_base;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const bool landscape = W >= H;
    const SDL_Rect screen{0, 0, W, H};

    const SDL_Color top = slide.background.color ? opaque(*slide.background.color) : kRed;
    const SDL_Color bottom = slide.background.color ? mix(top, kBlack, 0.3) : kRedDeep;
    bool media_bg = false;
    if (!slide.background.media.empty()) {
        media_bg = draw_background_media(slide.background.media, size, layout);
    }
    if (!media_bg) {
        fill_vertical_gradient(renderer_, screen, top, bottom);
        layout.background = mix(top, bottom, 0.5);
    }
    // A double gold frame, as on printed campaign boards.
    stroke_rect(renderer_, SDL_Rect{sc(26), sc(26), W - 2 * sc(26), H - 2 * sc(26)}, sc(4),
                rgb(0xE9B949, 230));
    stroke_rect(renderer_, SDL_Rect{sc(40), sc(40), W - 2 * sc(40), H - 2 * sc(40)},
                std::max(1, sc(1.5)), rgb(0xE9B949, 150));

    const int margin = landscape ? sc(110) : sc(76);
    const int inner_w = W - 2 * margin;
    // With a QR code: the card in the bottom-right corner, the slogan and
    // (landscape) the tiles keep clear of it.
    std::optional<SDL_Rect> card;
    int content_right = W - margin;
    if (slide.qr) {
        const Size cs = qr_card_size(size, *slide.qr);
        card = SDL_Rect{W - margin - cs.w, H - sc(landscape ? 70 : 96) - cs.h, cs.w, cs.h};
        if (landscape) content_right = card->x - sc(40);
    }
    const int slogan_w = card ? card->x - sc(40) - margin : inner_w;

    // Title and ornament.
    const std::string title = slide.title.empty() ? kCoreValuesTitle : slide.title;
    TextStyle title_style =
        make_style(Weight::display, sc(landscape ? 112 : 100), sc(56), 1.25, Align::center);
    title_style.max_lines = 2;
    title_style.balance = true;
    auto tb = layout_text(fonts_, title, title_style,
                          SDL_Rect{margin, 0, inner_w, sc(landscape ? 150 : 280)}, "title");
    if (!tb) return tb.error();
    move_block(*tb, 0, sc(landscape ? 92 : 120) - tb->ink_top());
    if (auto st = draw_block(renderer_, fonts_, *tb, kGoldLight); !st) return st;
    const int ornament_y = tb->ink_bottom() + sc(36);
    note_block(layout, *tb);
    layout.blocks.push_back(std::move(*tb));
    {
        const int half = sc(landscape ? 260 : 220);
        const int gap = sc(22);
        fill_rect(renderer_, SDL_Rect{W / 2 - half, ornament_y - sc(1), half - gap, sc(3)}, kGold);
        fill_rect(renderer_, SDL_Rect{W / 2 + gap, ornament_y - sc(1), half - gap, sc(3)}, kGold);
        fill_diamond(renderer_, W / 2, ornament_y, sc(10), kGold);
    }

    // The full sentence at the foot.
    TextStyle slogan_style =
        make_style(Weight::regular, sc(landscape ? 40 : 44), sc(30), 1.5, Align::center);
    slogan_style.max_lines = 3;
    slogan_style.balance = true;
    auto sb = layout_text(fonts_, kCoreValuesSentence, slogan_style,
                          SDL_Rect{margin, 0, slogan_w, sc(44 * 1.5 * 3)}, "slogan");
    if (!sb) return sb.error();
    move_block(*sb, 0, H - sc(landscape ? 84 : 110) - sb->ink_bottom());
    const int slogan_top = sb->ink_top();
    if (auto st = draw_block(renderer_, fonts_, *sb, kCreamText); !st) return st;
    note_block(layout, *sb);

    // The three levels.
    const int region_top = ornament_y + sc(landscape ? 50 : 70);
    const int region_bottom =
        std::min(slogan_top, card && !landscape ? card->y : slogan_top) - sc(landscape ? 50 : 70);
    if (card) {
        if (auto st = draw_qr_card(*slide.qr, *card, size, layout); !st) return st;
    }
    // Everything but the levels is drawn: that is how the slide looks
    // before the compositor's reveal.
    if (reveal_base != nullptr) *reveal_base = copy_target(size);

    const int region_h = region_bottom - region_top;
    const SDL_Color panel = rgb(0x000000, 46);

    const auto draw_value_tile = [&](const SDL_Rect& tile, const char* word, TextBlock& values) {
        fill_rounded_rect(renderer_, SDL_Rect{tile.x, tile.y + sc(6), tile.w, tile.h}, sc(20),
                          rgb(0x3A0008, 70));  // shadow
        fill_rounded_rect(renderer_, tile, sc(20), kTile);
        fill_rect(renderer_, SDL_Rect{tile.x + sc(20), tile.y + sc(10), tile.w - sc(40), sc(2)},
                  rgb(0xFFF3CF));  // highlight
        const int px =
            std::min(static_cast<int>(tile.h * 0.6), static_cast<int>((tile.w - sc(28)) / 2.1));
        TextStyle st =
            make_style(Weight::display, px, std::max(sc(40), px * 2 / 3), 1.2, Align::center);
        st.max_lines = 1;
        auto vb = layout_text(fonts_, word, st, SDL_Rect{tile.x, tile.y, tile.w, tile.h}, "value");
        if (!vb) return Status(vb.error());
        center_ink_vertically(*vb, tile.y, tile.h);
        if (auto s = draw_block(renderer_, fonts_, *vb, kTileText); !s) return s;
        values.font_px = vb->font_px;
        values.weight = vb->weight;
        values.ascent = vb->ascent;
        for (auto& l : vb->lines) values.lines.push_back(l);
        for (auto& g : vb->missing_glyphs) values.missing_glyphs.push_back(g);
        return Status{};
    };

    if (landscape) {
        const int row_gap = sc(30);
        const int row_h = (region_h - 2 * row_gap) / 3;
        const int label_w = sc(330);
        const int tiles_x = margin + label_w + sc(40);
        const int tile_gap = sc(30);
        const int tile_w = (content_right - tiles_x - 3 * tile_gap) / 4;
        for (int i = 0; i < 3; ++i) {
            const auto& lv = kCoreValues[i];
            const int y = region_top + i * (row_h + row_gap);
            layout.reveal.push_back(SDL_Rect{margin - sc(4), y - sc(4),
                                             content_right - margin + sc(8), row_h + sc(16)});
            const SDL_Rect label_panel{margin, y, label_w, row_h};
            fill_rounded_rect(renderer_, label_panel, sc(20), panel);
            stroke_rect(renderer_, label_panel, std::max(1, sc(2)), rgb(0xE9B949, 120));

            TextStyle level_style = make_style(Weight::bold, sc(50), sc(36), 1.2, Align::center);
            level_style.max_lines = 1;
            TextStyle label_style = make_style(Weight::regular, sc(40), sc(32), 1.2, Align::center);
            label_style.max_lines = 1;
            const SDL_Rect inner{label_panel.x + sc(16), y, label_w - sc(32), row_h};
            auto lb = layout_text(fonts_, lv.level, level_style, inner, "level");
            if (!lb) return lb.error();
            auto ab = layout_text(fonts_, lv.label, label_style, inner, "level_label");
            if (!ab) return ab.error();
            const int divider_gap = sc(22);
            const int stack_h = ink_height(*lb) + 2 * divider_gap + ink_height(*ab);
            const int stack_top = y + (row_h - stack_h) / 2;
            move_block(*lb, 0, stack_top - lb->ink_top());
            move_block(*ab, 0, lb->ink_bottom() + 2 * divider_gap - ab->ink_top());
            fill_rect(renderer_,
                      SDL_Rect{label_panel.x + label_w / 4, lb->ink_bottom() + divider_gap,
                               label_w / 2, std::max(1, sc(2))},
                      kGold);
            if (auto st = draw_block(renderer_, fonts_, *lb, kCreamText); !st) return st;
            if (auto st = draw_block(renderer_, fonts_, *ab, kGoldLight); !st) return st;
            note_block(layout, *lb);
            note_block(layout, *ab);

            TextBlock values;
            values.role = "values";
            for (int k = 0; k < 4; ++k) {
                const SDL_Rect tile{tiles_x + k * (tile_w + tile_gap), y, tile_w, row_h};
                if (auto st = draw_value_tile(tile, lv.values[k], values); !st) return st;
            }
            note_block(layout, values);
            layout.blocks.push_back(std::move(*lb));
            layout.blocks.push_back(std::move(*ab));
            layout.blocks.push_back(std::move(values));
        }
    } else {
        const int header_h = sc(64);
        const int header_gap = sc(14);
        const int section_gap = sc(40);
        const int tile_gap = sc(22);
        const int section_h = (region_h - 2 * section_gap) / 3;
        const int tile_h = (section_h - header_h - header_gap - tile_gap) / 2;
        const int tile_w = (inner_w - tile_gap) / 2;
        for (int i = 0; i < 3; ++i) {
            const auto& lv = kCoreValues[i];
            const int y = region_top + i * (section_h + section_gap);
            layout.reveal.push_back(
                SDL_Rect{margin - sc(4), y - sc(4), inner_w + sc(8), section_h + sc(12)});
            TextStyle level_style = make_style(Weight::bold, sc(50), sc(40), 1.2, Align::left);
            level_style.max_lines = 1;
            TextStyle label_style = make_style(Weight::regular, sc(44), sc(36), 1.2, Align::left);
            label_style.max_lines = 1;
            const SDL_Rect wide{0, y, inner_w, header_h};
            auto lb = layout_text(fonts_, lv.level, level_style, wide, "level");
            if (!lb) return lb.error();
            auto ab = layout_text(fonts_, lv.label, label_style, wide, "level_label");
            if (!ab) return ab.error();
            const int dot_gap = sc(26);
            const int total = lb->width + 2 * dot_gap + ab->width;
            const int x0 = (W - total) / 2;
            move_block(*lb, x0 - lb->box.x, 0);
            move_block(*ab, x0 + lb->width + 2 * dot_gap - ab->box.x, 0);
            center_ink_vertically(*lb, y, header_h);
            center_ink_vertically(*ab, y, header_h);
            const int mid_y = y + header_h / 2;
            fill_diamond(renderer_, x0 + lb->width + dot_gap, mid_y, sc(8), kGold);
            // Rules either side of the header.
            const int rule_gap = sc(28);
            fill_rect(renderer_,
                      SDL_Rect{margin, mid_y, std::max(0, x0 - rule_gap - margin), sc(2)},
                      rgb(0xE9B949, 170));
            const int right = x0 + total + rule_gap;
            fill_rect(renderer_, SDL_Rect{right, mid_y, std::max(0, W - margin - right), sc(2)},
                      rgb(0xE9B949, 170));
            if (auto st = draw_block(renderer_, fonts_, *lb, kCreamText); !st) return st;
            if (auto st = draw_block(renderer_, fonts_, *ab, kGoldLight); !st) return st;
            note_block(layout, *lb);
            note_block(layout, *ab);

            TextBlock values;
            values.role = "values";
            const int tiles_y = y + header_h + header_gap;
            for (int k = 0; k < 4; ++k) {
                const SDL_Rect tile{margin + (k % 2) * (tile_w + tile_gap),
                                    tiles_y + (k / 2) * (tile_h + tile_gap), tile_w, tile_h};
                if (auto st = draw_value_tile(tile, lv.values[k], values); !st) return st;
            }
            note_block(layout, values);
            layout.blocks.push_back(std::move(*lb));
            layout.blocks.push_back(std::move(*ab));
            layout.blocks.push_back(std::move(values));
        }
    }
    layout.blocks.push_back(std::move(*sb));
    return {};
}

}  // namespace signage::render
