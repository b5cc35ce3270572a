#include "slide_kit.hpp"

#include <qrencode.h>

#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "render/fonts.hpp"

namespace signage::render::kit {

void note_block(SlideLayout& layout, const TextBlock& b, bool truncation_expected) {
    if (!b.missing_glyphs.empty()) {
        std::string chars;
        for (const auto& g : b.missing_glyphs) chars += g;
        layout.warnings.push_back(b.role + ": no glyph in the font for " + chars);
        spdlog::warn("{}: no glyph in the font for {}", b.role, chars);
    }
    if (b.truncated && !truncation_expected) {
        layout.warnings.push_back(b.role + ": text too long for the screen, truncated");
        spdlog::warn("{}: text too long for the screen, truncated at {} px", b.role, b.font_px);
    }
}

Result<TextBlock> place_text(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout,
                             std::string_view text, const TextStyle& style, SDL_Rect box,
                             const std::string& role, SDL_Color color, bool center_vertically) {
    auto b = layout_text(fonts, text, style, box, role);
    if (!b) return b.error();
    if (center_vertically) center_ink_vertically(*b, box.y, box.h);
    if (auto st = draw_block(r, fonts, *b, color); !st) return st.error();
    note_block(layout, *b);
    layout.blocks.push_back(*b);
    return b;
}

std::optional<SDL_Rect> reserve_qr(const protocol::Slide& slide, Size size, SDL_Rect& area,
                                   int gap) {
    if (!slide.qr) return std::nullopt;
    const Size cs = SlideRenderer::qr_card_size(size, *slide.qr);
    const SDL_Rect card{area.x + area.w - cs.w, area.y + area.h - cs.h, cs.w, cs.h};
    if (size.w >= size.h) {
        area.w = std::max(1, area.w - cs.w - gap);
    } else {
        area.h = std::max(1, area.h - cs.h - gap);
    }
    return card;
}

Result<int> draw_title_band(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout, Size size,
                            const std::string& title, int page, int pages) {
    const int W = size.w;
    const Scaler sc{SlideRenderer::scale_for(size)};
    const bool landscape = size.w >= size.h;
    const int rule_h = sc(8);
    const int margin = sc(64);

    // Lay out first: a long title takes two lines in portrait, and the band
    // grows to hold them.
    std::optional<TextBlock> pb;
    int right = W - margin;
    const int pad = sc(26);
    if (pages > 1) {
        TextStyle ps = make_style(Weight::bold, sc(52), sc(40), 1.2, Align::left);
        ps.max_lines = 1;
        auto b = layout_text(fonts, std::to_string(page + 1) + "/" + std::to_string(pages), ps,
                             SDL_Rect{0, 0, W / 3, sc(140)}, "page");
        if (!b) return b.error();
        pb = std::move(*b);
        right = W - margin - (pb->width + 2 * pad) - sc(40);
    }
    TextStyle ts = make_style(Weight::bold, sc(landscape ? 80 : 76), sc(52), 1.2, Align::left);
    ts.max_lines = landscape ? 1 : 2;
    ts.balance = true;
    const int title_x = margin + sc(30);
    auto tb =
        layout_text(fonts, title, ts, SDL_Rect{title_x, 0, right - title_x, sc(260)}, "title");
    if (!tb) return tb.error();
    const int band_h = std::max(sc(landscape ? 140 : 170), ink_height(*tb) + sc(76));

    fill_vertical_gradient(r, SDL_Rect{0, 0, W, band_h}, kRed, mix(kRed, kBlack, 0.18));
    fill_rect(r, SDL_Rect{0, band_h, W, rule_h}, kGold);
    if (pb) {
        const int tag_w = pb->width + 2 * pad;
        const int tag_h = ink_height(*pb) + 2 * sc(18);
        const SDL_Rect tag{W - margin - tag_w, (band_h - tag_h) / 2, tag_w, tag_h};
        fill_rounded_rect(r, tag, tag_h / 2, rgb(0x000000, 60));
        move_block(*pb, tag.x + pad - pb->box.x, 0);
        center_ink_vertically(*pb, tag.y, tag.h);
        if (auto st = draw_block(r, fonts, *pb, kGoldLight); !st) return st.error();
        layout.blocks.push_back(std::move(*pb));
    }
    center_ink_vertically(*tb, 0, band_h);
    const int first_bottom =
        tb->lines.front().rect.y + tb->ascent + static_cast<int>(std::lround(0.12 * tb->font_px));
    fill_rect(r, SDL_Rect{margin, tb->ink_top(), sc(10), first_bottom - tb->ink_top()}, kGoldLight);
    if (auto st = draw_block(r, fonts, *tb, kPaper); !st) return st.error();
    note_block(layout, *tb);
    layout.blocks.push_back(std::move(*tb));
    return band_h + rule_h;
}

namespace {
struct KitQrDeleter {
    void operator()(QRcode* q) const { QRcode_free(q); }
};
}  // namespace

Result<SDL_Rect> draw_qr_code(SDL_Renderer* r, const std::string& text, const SDL_Rect& square) {
    std::unique_ptr<QRcode, KitQrDeleter> code(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) {
        return make_error(ErrorCode::invalid,
                          "cannot encode " + std::to_string(text.size()) + " bytes as a QR code");
    }
    const int n = code->width;
    // Whole pixels per module and a quiet zone of at least 4 modules: crisp
    // and scannable.
    const int module = std::min(square.w, square.h) / (n + 8);
    if (module < 1) {
        return make_error(ErrorCode::too_small, std::to_string(n) + " modules do not fit " +
                                                    std::to_string(square.w) + " px");
    }
    const int code_px = module * n;
    const int x0 = square.x + (square.w - code_px) / 2;
    const int y0 = square.y + (square.h - code_px) / 2;
    set_color(r, rgb(0x000000));
    for (int y = 0; y < n; ++y) {
        const unsigned char* row = code->data + static_cast<std::ptrdiff_t>(y) * n;
        for (int x = 0; x < n;) {
            if ((row[x] & 1) == 0) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < n && (row[x + run] & 1) != 0) ++run;
            const SDL_Rect m{x0 + x * module, y0 + y * module, run * module, module};
            SDL_RenderFillRect(r, &m);
            x += run;
        }
    }
    return SDL_Rect{x0, y0, code_px, code_px};
}

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

void stroke_rect(SDL_Renderer* r, SDL_Rect rect, int thickness, SDL_Color c) {
    set_color(r, c);
    for (int i = 0; i < thickness; ++i) {
        SDL_RenderDrawRect(r, &rect);
        rect.x += 1;
        rect.y += 1;
        rect.w -= 2;
        rect.h -= 2;
    }
}

void fill_triangle(SDL_Renderer* r, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c, SDL_Color color) {
    const SDL_Vertex v[3] = {{a, color, {0, 0}}, {b, color, {0, 0}}, {c, color, {0, 0}}};
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r, nullptr, v, 3, nullptr, 0);
}

void fill_diamond(SDL_Renderer* r, int cx, int cy, int radius, SDL_Color c) {
    const auto fx = static_cast<float>(cx), fy = static_cast<float>(cy);
    const auto fr = static_cast<float>(radius);
    fill_triangle(r, {fx, fy - fr}, {fx + fr, fy}, {fx, fy + fr}, c);
    fill_triangle(r, {fx, fy - fr}, {fx, fy + fr}, {fx - fr, fy}, c);
}

std::string first_character(std::string_view s) {
    if (s.empty()) return {};
    std::size_t i = 0;
    const char32_t cp = next_code_point(s, i);
    std::string out;
    append_utf8(out, cp);
    return out;
}

std::string format_cn_day(protocol::Timestamp t, std::chrono::seconds local_offset) {
    using namespace std::chrono;
    const year_month_day ymd{floor<days>(t + local_offset)};
    return std::to_string(static_cast<int>(ymd.year())) + "年" +
           std::to_string(static_cast<unsigned>(ymd.month())) + "月" +
           std::to_string(static_cast<unsigned>(ymd.day())) + "日";
}

std::string format_cn_date(protocol::Timestamp t, std::chrono::seconds local_offset) {
    using namespace std::chrono;
    const weekday wd{floor<days>(t + local_offset)};
    static const char* const kWeekdays[] = {"日", "一", "二", "三", "四", "五", "六"};
    return format_cn_day(t, local_offset) + " 星期" + kWeekdays[wd.c_encoding()];
}

std::string format_hh_mm(protocol::Timestamp t, std::chrono::seconds local_offset) {
    using namespace std::chrono;
    const auto local = t + local_offset;
    const hh_mm_ss hms{local - floor<days>(local)};
    const auto two = [](long v) {
        std::string s = std::to_string(v);
        return s.size() < 2 ? "0" + s : s;
    };
    return two(hms.hours().count()) + ":" + two(hms.minutes().count());
}

}  // namespace signage::render::kit
