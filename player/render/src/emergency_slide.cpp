// emergency: full screen: deep red, a warning band with 紧急通知, a huge
// title, the auto-fitted body and the expiry time.

#include <algorithm>
#include <cmath>
#include <optional>

#include <spdlog/spdlog.h>

#include "render/chrome.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

namespace {

const SDL_Color kAmber = rgb(0xFFC107);
const SDL_Color kEmergencyTop = rgb(0xB3121F);
const SDL_Color kEmergencyBottom = rgb(0x5C0611);

// Black diagonal hazard stripes over `area`.
void hazard_stripes(SDL_Renderer* r, const SDL_Rect& area, int stripe) {
    SDL_RenderSetClipRect(r, &area);
    const auto h = static_cast<float>(area.h);
    const auto w = static_cast<float>(stripe);
    for (int x = area.x - area.h; x < area.x + area.w; x += 2 * stripe) {
        const auto fx = static_cast<float>(x);
        const auto top = static_cast<float>(area.y);
        fill_triangle(r, {fx + h, top}, {fx + h + w, top}, {fx, top + h}, rgb(0x1A1A1A));
        fill_triangle(r, {fx + h + w, top}, {fx + w, top + h}, {fx, top + h}, rgb(0x1A1A1A));
    }
    SDL_RenderSetClipRect(r, nullptr);
}

// "2026年11月23日 18:00"; midnight reads as 24:00 of the day before, as
// Chinese notices write it ("valid_until": "2026-12-31" ends at 24:00).
std::string format_expiry(protocol::Timestamp t, std::chrono::seconds local_offset) {
    const std::string hm = format_hh_mm(t, local_offset);
    if (hm == "00:00") return format_cn_day(t - std::chrono::seconds{1}, local_offset) + " 24:00";
    return format_cn_day(t, local_offset) + " " + hm;
}

}  // namespace

template <>
Status SlideRenderer::draw<protocol::SlideType::emergency>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    const RenderOptions& options = call.options;
    SlideLayout& layout = call.layout;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const bool landscape = W >= H;
    fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, H}, kEmergencyTop, kEmergencyBottom);
    layout.background = mix(kEmergencyTop, kEmergencyBottom, 0.5);

    // The warning band: amber with hazard stripes at both ends, a warning
    // sign and 紧急通知.
    const int band_h = sc(landscape ? 150 : 170);
    fill_rect(renderer_, SDL_Rect{0, 0, W, band_h}, kAmber);
    const int stripes_w = landscape ? sc(260) : sc(120);
    hazard_stripes(renderer_, SDL_Rect{0, 0, stripes_w, band_h}, sc(34));
    hazard_stripes(renderer_, SDL_Rect{W - stripes_w, 0, stripes_w, band_h}, sc(34));
    fill_rect(renderer_, SDL_Rect{0, band_h, W, sc(10)}, rgb(0x1A1A1A));
    {
        TextStyle ls = make_style(Weight::bold, sc(92), sc(60), 1.2, Align::left);
        ls.max_lines = 1;
        auto lb = layout_text(fonts_, "紧急通知", ls, SDL_Rect{0, 0, W, band_h}, "label");
        if (!lb) return lb.error();
        const int icon = sc(100);
        const int gap = sc(30);
        const int group = icon + gap + lb->width;
        const int gx = (W - group) / 2;
        const int icon_top = (band_h - icon) / 2;
        const auto fx = static_cast<float>(gx), fy = static_cast<float>(icon_top);
        const auto fi = static_cast<float>(icon);
        fill_triangle(renderer_, {fx + fi / 2, fy}, {fx + fi, fy + fi * 0.9f}, {fx, fy + fi * 0.9f},
                      kRedDeep);
        // The "!" of the sign.
        const int bar_w = std::max(2, sc(12));
        fill_rect(renderer_, SDL_Rect{gx + icon / 2 - bar_w / 2, icon_top + sc(30), bar_w, sc(34)},
                  kAmber);
        fill_rect(renderer_, SDL_Rect{gx + icon / 2 - bar_w / 2, icon_top + sc(70), bar_w, bar_w},
                  kAmber);
        move_block(*lb, gx + icon + gap - lb->box.x, 0);
        center_ink_vertically(*lb, 0, band_h);
        if (auto st = draw_block(renderer_, fonts_, *lb, kRedDeep); !st) return st;
        note_block(layout, *lb);
        layout.blocks.push_back(std::move(*lb));
    }

    // Footer: until when it holds the screen, and who issued it.
    const int margin = sc(landscape ? 96 : 72);
    const int footer_h = sc(120);
    const int footer_y = H - footer_h;
    fill_rect(renderer_, SDL_Rect{margin, footer_y, W - 2 * margin, std::max(1, sc(3))},
              rgb(0xFFD978, 160));
    if (const auto until = slide.valid_until_at(options.local_offset)) {
        TextStyle fs = make_style(Weight::bold, sc(44), sc(36), 1.2, Align::left);
        fs.max_lines = 1;
        auto fb = place_text(renderer_, fonts_, layout,
                             "有效期至 " + format_expiry(*until, options.local_offset), fs,
                             SDL_Rect{margin, footer_y, (W - 2 * margin) * 3 / 5, footer_h},
                             "expiry", kGoldLight, true);
        if (!fb) return fb.error();
    }
    if (!slide.category.empty()) {
        TextStyle cs = make_style(Weight::regular, sc(40), sc(32), 1.2, Align::left);
        cs.max_lines = 1;
        auto cb = layout_text(fonts_, slide.category, cs,
                              SDL_Rect{0, footer_y, (W - 2 * margin) * 2 / 5 - sc(30), footer_h},
                              "category");
        if (!cb) return cb.error();
        move_block(*cb, W - margin - cb->width - cb->box.x, 0);
        center_ink_vertically(*cb, footer_y, footer_h);
        if (auto st = draw_block(renderer_, fonts_, *cb, kCreamText); !st) return st;
        note_block(layout, *cb);
        layout.blocks.push_back(std::move(*cb));
    }

    // Title and body, centred as a group in what is left.
    SDL_Rect content{margin, band_h + sc(70), W - 2 * margin, footer_y - sc(50) - band_h - sc(70)};
    const auto card = reserve_qr(slide, size, content, sc(56));
    const bool has_body = slide.body.find_first_not_of(" \t\r\n") != std::string::npos;
    std::optional<TextBlock> title, body;
    if (!slide.title.empty()) {
        TextStyle ts = make_style(Weight::bold, sc(has_body ? 140 : 180), sc(72), 1.22,
                                  has_body ? Align::left : Align::center);
        ts.max_lines = has_body ? 2 : 4;
        ts.balance = true;
        const int max_h = has_body ? content.h * 2 / 5 : content.h;
        auto tb = layout_text(fonts_, slide.title, ts,
                              SDL_Rect{content.x, content.y, content.w, max_h}, "title");
        if (!tb) return tb.error();
        title = std::move(*tb);
    }
    const int gap = sc(56);
    if (has_body) {
        const int top = title ? title->ink_bottom() + gap : content.y;
        TextStyle bs = make_style(Weight::regular, sc(76), sc(44), 1.5, Align::left);
        bs.paragraph_gap = 0.5;
        bs.justify = true;
        auto bb =
            layout_text(fonts_, slide.body, bs,
                        SDL_Rect{content.x, top, content.w, content.y + content.h - top}, "body");
        if (!bb) return bb.error();
        move_block(*bb, 0, top - bb->ink_top());
        body = std::move(*bb);
    }
    // Vertical placement of the group: centred in the content area.
    const int group_top = title ? title->ink_top() : (body ? body->ink_top() : content.y);
    const int group_bottom = body ? body->ink_bottom() : (title ? title->ink_bottom() : content.y);
    const int shift =
        std::max(0, (content.h - (group_bottom - group_top)) / 2) - (group_top - content.y);
    const std::pair<std::optional<TextBlock>*, SDL_Color> parts[] = {{&title, kPaper},
                                                                     {&body, kCreamText}};
    for (const auto& [b, color] : parts) {
        if (!*b) continue;
        move_block(**b, 0, shift);
        if (auto st = draw_block(renderer_, fonts_, **b, color); !st) return st;
        note_block(layout, **b);
        layout.blocks.push_back(**b);
    }
    if (title && body) {
        // A short amber rule between title and body.
        const int mid = (title->ink_bottom() + body->ink_top()) / 2;
        fill_rect(renderer_, SDL_Rect{content.x, mid - sc(3), sc(140), sc(6)}, kAmber);
    }
    if (card) return draw_qr_card(*slide.qr, *card, size, layout);
    return {};
}

}  // namespace signage::render
