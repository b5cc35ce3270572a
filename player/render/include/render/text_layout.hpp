#pragma once
// Text layout: places a block of text (a title, a body, a caption) in a box
// with the largest font size that fits, using line_break.hpp for the breaks
// and SDL_ttf (TTF_SizeUTF8) for the measurements.
//
// Auto-fit: font sizes are tried from `max_px` down to `min_px` (binary
// search); the largest size at which every line fits the box wins. When even
// `min_px` does not fit, the text is laid out at `min_px` and cut after the
// last line that fits, which then ends with "…" (paging comes later).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "render/fonts.hpp"
#include "render/sdl.hpp"

namespace signage::render {

enum class Align { left, center };

struct TextStyle {
    Weight weight = Weight::regular;
    int max_px = 72;             // largest font size tried
    int min_px = 40;             // smallest; below it the text is truncated
    double line_pitch = 1.5;     // baseline-to-baseline distance, in ems
    double paragraph_gap = 0.6;  // extra space between paragraphs, in ems
    Align align = Align::left;
    std::size_t max_lines = 0;  // 0: as many as fit
    // Justify (两端对齐): lines that end before the margin inside a paragraph
    // are spread to the full width, as Chinese body text is set, when the gap
    // is at most `justify_limit` ems (a looser line stays ragged).
    bool justify = false;
    double justify_limit = 2.5;
    // Balance: a hard line that needs several lines gets lines of even
    // length (the narrowest width that keeps the line count), for titles and
    // captions.
    bool balance = false;
    // What ends a truncated last line: "…" by default; "……" for Chinese
    // excerpts.
    std::string ellipsis = "\u2026";
    // When even `min_px` does not fit, cut at the last sentence or clause
    // end (。！？；，、：, with any closing quote after it) that fits, not
    // inside a clause; a text without such an end that fits is cut as usual.
    bool cut_at_clause = false;
};

// A style in one line: weight, size range, line pitch, alignment.
TextStyle make_style(Weight weight, int max_px, int min_px, double line_pitch = 1.5,
                     Align align = Align::left);

struct LaidOutLine {
    std::string text;
    SDL_Rect rect{};  // where the line's glyphs are drawn (TTF surface box)
    int justify = 0;  // extra px spread between its characters (rect.w includes it)
};

// One laid-out block. Rects are relative to the block's origin until
// move_block() places it on a slide.
struct TextBlock {
    std::string role;  // "title", "body", "caption", ...
    Weight weight = Weight::regular;
    int font_px = 0;
    int ascent = 0;  // font ascent in px (baseline = rect.y + ascent)
    SDL_Rect box{};  // the box it was fitted into
    std::vector<LaidOutLine> lines;
    int width = 0;           // widest line
    int height = 0;          // top of the first line to bottom of the last
    bool truncated = false;  // did not fit at min_px; last line ends with "…"
    // Characters the font has no glyph for (each as UTF-8, once), reported
    // instead of silently drawing empty boxes.
    std::vector<std::string> missing_glyphs;

    // The ink extent of CJK text: the ideographic em box of the first and the
    // last line (for optical centring).
    int ink_top() const;
    int ink_bottom() const;
};

// Lays out `text` to fit `box` (only its w and h matter; the block's origin
// is box.x, box.y). An error only when no font could be opened.
Result<TextBlock> layout_text(FontCache& fonts, std::string_view text, const TextStyle& style,
                              SDL_Rect box, std::string role);

// Lays out at exactly `px` without fitting height; used by the auto-fit and
// by tests. `max_height` < 0: no limit.
Result<TextBlock> layout_text_at(FontCache& fonts, std::string_view text, const TextStyle& style,
                                 int px, int max_width, int max_height, std::string role);

// Shifts every rect of the block by (dx, dy).
void move_block(TextBlock& block, int dx, int dy);

// Draws the block's lines with `color` onto the current render target.
// One texture per line, made here and freed at once: callers draw a block
// once into a slide texture and reuse that.
Status draw_block(SDL_Renderer* renderer, FontCache& fonts, const TextBlock& block,
                  SDL_Color color);

// The slide's laid-out text, the --lines contract:
// {"blocks":[{"role":"title","font_px":72,"lines":["…","…"]}, …]}
// plus "truncated": true and "missing_glyphs": [...] when they apply.
nlohmann::json blocks_to_json(const std::vector<TextBlock>& blocks);

}  // namespace signage::render
