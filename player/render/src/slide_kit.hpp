#pragma once
// Shared pieces of the slide drawings (palette, scaling, small shapes,
// text-block helpers). Private to signage::player_render.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/slide.hpp"
#include "render/draw.hpp"
#include "render/slide_renderer.hpp"
#include "render/text_layout.hpp"

namespace signage::render::kit {

// The campaign palette.
inline const SDL_Color kRed = rgb(0xC8102E);
inline const SDL_Color kRedDeep = rgb(0x8E0A1E);
inline const SDL_Color kGold = rgb(0xE9B949);
inline const SDL_Color kGoldLight = rgb(0xFFD978);
inline const SDL_Color kTile = rgb(0xF8D98E);
inline const SDL_Color kTileText = rgb(0x9A0B1F);
inline const SDL_Color kCream = rgb(0xFBF6EC);
inline const SDL_Color kCreamText = rgb(0xFFF4DA);
inline const SDL_Color kInk = rgb(0x1F1A17);
inline const SDL_Color kInkMuted = rgb(0x6B625A);
inline const SDL_Color kPaper = rgb(0xFFFDF8);
inline const SDL_Color kBlack = rgb(0x000000);
inline const SDL_Color kSlate = rgb(0x2A2F36);
inline const SDL_Color kCharcoal = rgb(0x23262B);
// Boards (honour roll, red/black).
inline const SDL_Color kBoardPaper = rgb(0xF6EFE1);
inline const SDL_Color kHairline = rgb(0xE6DCCB);

// Lengths designed at 1080 px on the shorter side.
struct Scaler {
    double s;
    int operator()(double v) const { return std::max(1, static_cast<int>(std::lround(v * s))); }
};

inline SDL_Color opaque(const protocol::Color& c) {
    return SDL_Color{c.r, c.g, c.b, 255};
}

inline int ink_height(const TextBlock& b) {
    return b.ink_bottom() - b.ink_top();
}

// Moves `b` vertically so its ink is centred in [top, top + height).
inline void center_ink_vertically(TextBlock& b, int top, int height) {
    move_block(b, 0, top + (height - ink_height(b)) / 2 - b.ink_top());
}

// Records missing glyphs and (unless it is by design, as for excerpts)
// truncation of `b` as warnings, and logs them.
void note_block(SlideLayout& layout, const TextBlock& b, bool truncation_expected = false);

// Lays out, draws, notes and records a block in one go; returns the block as
// placed (its copy stays in layout.blocks).
Result<TextBlock> place_text(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout,
                             std::string_view text, const TextStyle& style, SDL_Rect box,
                             const std::string& role, SDL_Color color, bool center_vertically);

// Takes room for the slide's QR card from `area` (landscape: a column on
// its right; portrait: a row at its bottom, `gap` apart) and returns where
// the card goes (the bottom-right corner of `area` as it was); nullopt and
// `area` unchanged when the slide has no QR code.
std::optional<SDL_Rect> reserve_qr(const protocol::Slide& slide, Size size, SDL_Rect& area,
                                   int gap);

// The title band of list slides (honour roll, red/black): campaign red with
// a gold rule, the title on the left and the page ("1/3") on the right when
// there are several. Returns the band's bottom (rule included).
Result<int> draw_title_band(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout, Size size,
                            const std::string& title, int page, int pages);

// Draws `text` as a QR code (ECC level M, whole-pixel modules, at least a
// 4-module quiet zone) centred in `square`, black over what is there; the
// code's rect. "invalid" when it cannot be encoded, "too_small" when it does
// not fit.
Result<SDL_Rect> draw_qr_code(SDL_Renderer* r, const std::string& text, const SDL_Rect& square);

// A rounded badge with one line of text; returns its width (0 when it does
// not fit in `max_w` and was not drawn).
Result<int> draw_badge(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout,
                       std::string_view text, int x, int y, int h, int max_w, int px,
                       SDL_Color fill, SDL_Color ink, const std::string& role);

// A thick outline.
void stroke_rect(SDL_Renderer* r, SDL_Rect rect, int thickness, SDL_Color c);
// A small diamond centred at (cx, cy).
void fill_diamond(SDL_Renderer* r, int cx, int cy, int radius, SDL_Color c);
// A filled triangle.
void fill_triangle(SDL_Renderer* r, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c, SDL_Color color);

// The first code point of `s` as UTF-8 ("" for empty).
std::string first_character(std::string_view s);

// Restores the renderer's target, with its viewport and clip (switching
// targets resets them), when it goes out of scope.
class TargetGuard {
  public:
    // Keeps the current target; the caller switches as it needs.
    explicit TargetGuard(SDL_Renderer* r) : r_(r), previous_(SDL_GetRenderTarget(r)) {
        SDL_RenderGetViewport(r, &viewport_);
        SDL_RenderGetClipRect(r, &clip_);
        clipped_ = SDL_RenderIsClipEnabled(r) == SDL_TRUE;
    }
    // Draws into `t` until then.
    TargetGuard(SDL_Renderer* r, SDL_Texture* t) : TargetGuard(r) {
        ok_ = SDL_SetRenderTarget(r, t) == 0;
    }
    ~TargetGuard() {
        SDL_SetRenderTarget(r_, previous_);
        SDL_RenderSetViewport(r_, &viewport_);
        SDL_RenderSetClipRect(r_, clipped_ ? &clip_ : nullptr);
    }
    TargetGuard(const TargetGuard&) = delete;
    TargetGuard& operator=(const TargetGuard&) = delete;
    bool ok() const { return ok_; }

  private:
    SDL_Renderer* r_;
    SDL_Texture* previous_;
    SDL_Rect viewport_{};
    SDL_Rect clip_{};
    bool clipped_ = false;
    bool ok_ = false;
};

// Clips the renderer to `clip` until it goes out of scope, then restores
// the clip it had (or none).
class ClipGuard {
  public:
    ClipGuard(SDL_Renderer* r, const SDL_Rect& clip) : r_(r) {
        SDL_RenderGetClipRect(r, &previous_);
        clipped_ = SDL_RenderIsClipEnabled(r) == SDL_TRUE;
        SDL_RenderSetClipRect(r, &clip);
    }
    ~ClipGuard() { SDL_RenderSetClipRect(r_, clipped_ ? &previous_ : nullptr); }
    ClipGuard(const ClipGuard&) = delete;
    ClipGuard& operator=(const ClipGuard&) = delete;

  private:
    SDL_Renderer* r_;
    SDL_Rect previous_{};
    bool clipped_ = false;
};

// "2026年11月23日", "2026年11月23日 星期一" and "08:30" for a local time.
std::string format_cn_day(protocol::Timestamp t, std::chrono::seconds local_offset);
std::string format_cn_date(protocol::Timestamp t, std::chrono::seconds local_offset);
std::string format_hh_mm(protocol::Timestamp t, std::chrono::seconds local_offset);

}  // namespace signage::render::kit
