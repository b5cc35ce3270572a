#include "render/text_layout.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/line_break.hpp"

namespace signage::render {
namespace {

int measure_utf8(TTF_Font* font, std::string_view s) {
    if (s.empty()) return 0;
    const std::string z(s);
    int w = 0, h = 0;
    if (TTF_SizeUTF8(font, z.c_str(), &w, &h) != 0) return 0;
    return w;
}

// The blank half of a full-width mark whose ink sits in one half of its em
// box, from the font's own glyph metrics: its right half for a closing mark
// inked on the left (，。” ）」), its left half for an opening mark inked on
// the right (“（「); 0 otherwise.
int blank_half(TTF_Font* font, char32_t cp, bool closing) {
    int minx = 0, maxx = 0, miny = 0, maxy = 0, advance = 0;
    if (TTF_GlyphMetrics32(font, static_cast<Uint32>(cp), &minx, &maxx, &miny, &maxy, &advance) !=
        0) {
        return 0;
    }
    // Full width only: proportional marks have no blank half to give.
    if (advance < TTF_FontHeight(font) * 2 / 3) return 0;
    const int half = advance / 2;
    const int tolerance = advance / 20;
    if (closing) return maxx <= half + tolerance ? advance - half : 0;
    return minx >= half - tolerance ? half : 0;
}

std::vector<PunctuationSqueeze> squeezes_of(TTF_Font* font, std::string_view s) {
    return squeeze_punctuation(
        s,
        [font](char32_t cp) {
            return is_line_start_forbidden(cp) ? blank_half(font, cp, true) : 0;
        },
        [font](char32_t cp) {
            return is_line_end_forbidden(cp) ? blank_half(font, cp, false) : 0;
        });
}

// The width of `s` as draw_block sets it: adjacent punctuation squeezed.
int measure_set(TTF_Font* font, std::string_view s) {
    int w = measure_utf8(font, s);
    for (const auto& sq : squeezes_of(font, s)) w -= sq.px;
    return w;
}

bool is_space_cp(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == 0x3000 || cp < 0x20;
}

std::vector<std::string> find_missing_glyphs(TTF_Font* font, std::string_view text) {
    std::set<char32_t> seen;
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < text.size();) {
        const char32_t cp = next_code_point(text, i);
        if (is_space_cp(cp) || seen.count(cp) != 0) continue;
        seen.insert(cp);
        if (TTF_GlyphIsProvided32(font, static_cast<Uint32>(cp)) == 0) {
            std::string s;
            append_utf8(s, cp);
            missing.push_back(std::move(s));
        }
    }
    return missing;
}

// Removes the last code point of `s` (and spaces before it).
void pop_code_point(std::string& s) {
    if (s.empty()) return;
    std::size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    s.erase(i);
}

// Cuts `line` until line + "…" fits `max_width`; punctuation that would sit
// before the ellipsis (，、；：。) goes too.
std::string with_ellipsis(TTF_Font* font, std::string line, int max_width,
                          const std::string& ellipsis) {
    const auto ends_badly = [](const std::string& s) {
        if (s.empty()) return false;
        std::size_t i = s.size() - 1;
        while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
        std::size_t j = i;
        const char32_t cp = next_code_point(s, j);
        return is_line_start_forbidden(cp) || is_line_end_forbidden(cp) || is_space_cp(cp) ||
               cp == 0x2014 || cp == 0x2026;
    };
    while (!line.empty() && (measure_set(font, line + ellipsis) > max_width || ends_badly(line))) {
        pop_code_point(line);
    }
    return line + ellipsis;
}

// Draws a line piece by piece where it is not one plain run: a justified
// line's extra width goes into the gaps next to Chinese characters and
// punctuation (Latin words and numbers stay tight), and adjacent punctuation
// is set closer (squeezed marks).
Status draw_pieces(SDL_Renderer* renderer, TTF_Font* font, const LaidOutLine& line,
                   const std::vector<PunctuationSqueeze>& squeezes, SDL_Color color) {
    std::vector<std::pair<std::size_t, std::size_t>> units;  // byte ranges
    const std::string& t = line.text;
    const auto cut_at = [&](std::size_t b) {
        for (const auto& sq : squeezes) {
            if (b == (sq.before ? sq.begin : sq.end)) return true;
        }
        return false;
    };
    char32_t prev = 0;
    for (std::size_t i = 0; i < t.size();) {
        const std::size_t b = i;
        const char32_t cp = next_code_point(t, i);
        const bool join = line.justify > 0 ? prev < 0x80 && cp < 0x80 : !cut_at(b);
        if (!units.empty() && join) {
            units.back().second = i;
        } else {
            units.emplace_back(b, i);
        }
        prev = cp;
    }
    const int gaps = static_cast<int>(units.size()) - 1;
    const int per = gaps > 0 ? line.justify / gaps : 0;
    const int rem = gaps > 0 ? line.justify % gaps : 0;
    for (int k = 0; k <= gaps; ++k) {
        const auto [b, e] = units[static_cast<std::size_t>(k)];
        const std::string unit = t.substr(b, e - b);
        if (unit == " ") continue;
        const int x = line.rect.x + measure_utf8(font, std::string_view(t).substr(0, b)) -
                      squeezed_before(squeezes, b) + k * per + std::min(k, rem);
        SurfacePtr surface(TTF_RenderUTF8_Blended(font, unit.c_str(), color));
        if (!surface) return sdl_error("TTF_RenderUTF8_Blended");
        TexturePtr texture(SDL_CreateTextureFromSurface(renderer, surface.get()));
        if (!texture) return sdl_error("SDL_CreateTextureFromSurface");
        SDL_SetTextureBlendMode(texture.get(), SDL_BLENDMODE_BLEND);
        const SDL_Rect dst{x, line.rect.y, surface->w, surface->h};
        SDL_RenderCopy(renderer, texture.get(), nullptr, &dst);
    }
    return {};
}

// Where `text` may be cut "at a clause end": the byte offsets just after
// each 。！？；，、： (and the closing quotes or brackets after it), in order.
std::vector<std::size_t> clause_ends(std::string_view text) {
    const auto is_end = [](char32_t cp) {
        return cp == U'。' || cp == U'！' || cp == U'？' || cp == U'；' || cp == U'，' ||
               cp == U'、' || cp == U'：';
    };
    const auto is_closing = [](char32_t cp) {
        return cp == U'”' || cp == U'’' || cp == U'）' || cp == U'》' || cp == U'」' || cp == U'』';
    };
    std::vector<std::size_t> ends;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_end(next_code_point(text, i))) continue;
        std::size_t j = i;
        while (j < text.size()) {
            std::size_t k = j;
            if (!is_closing(next_code_point(text, k))) break;
            j = k;
        }
        i = j;
        if (i < text.size()) ends.push_back(i);
    }
    return ends;
}

// `text` up to `end`, ending in `ellipsis` instead of its clause mark (a
// closing quote stays: the quotation is whole).
std::string clause_excerpt(std::string_view text, std::size_t end, const std::string& ellipsis) {
    std::string s(text.substr(0, end));
    std::size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    std::size_t j = i;
    const char32_t last = next_code_point(s, j);
    if (last == U'。' || last == U'！' || last == U'？' || last == U'；' || last == U'，' ||
        last == U'、' || last == U'：') {
        s.erase(i);
    }
    return s + ellipsis;
}

// The longest clause-end excerpt of `text` that fits at `px`, or nullopt.
std::optional<TextBlock> layout_clause_excerpt(FontCache& fonts, std::string_view text,
                                               const TextStyle& style, int px, SDL_Rect box,
                                               const std::string& role) {
    const auto ends = clause_ends(text);
    std::optional<TextBlock> best;
    // The longer the excerpt the more lines: the last end that fits.
    std::size_t lo = 0, hi = ends.size();  // ends[0, lo) fit, ends[hi, ...) do not
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        auto b = layout_text_at(fonts, clause_excerpt(text, ends[mid], style.ellipsis), style, px,
                                box.w, box.h, role);
        if (b && !b->truncated) {
            best = std::move(*b);
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (best) best->truncated = true;  // what the screen shows is shorter than the text
    return best;
}

}  // namespace

TextStyle make_style(Weight weight, int max_px, int min_px, double line_pitch, Align align) {
    TextStyle s;
    s.weight = weight;
    s.max_px = max_px;
    s.min_px = min_px;
    s.line_pitch = line_pitch;
    s.align = align;
    return s;
}

int TextBlock::ink_top() const {
    if (lines.empty()) return box.y;
    return lines.front().rect.y + ascent - static_cast<int>(std::lround(0.88 * font_px));
}

int TextBlock::ink_bottom() const {
    if (lines.empty()) return box.y;
    return lines.back().rect.y + ascent + static_cast<int>(std::lround(0.12 * font_px));
}

Result<TextBlock> layout_text_at(FontCache& fonts, std::string_view text, const TextStyle& style,
                                 int px, int max_width, int max_height, std::string role) {
    auto font_r = fonts.get(style.weight, px);
    if (!font_r) return font_r.error();
    TTF_Font* font = font_r->get();
    const MeasureFn measure = [font](std::string_view s) { return measure_set(font, s); };

    TextBlock block;
    block.role = std::move(role);
    block.weight = style.weight;
    block.font_px = px;
    block.ascent = TTF_FontAscent(font);
    block.box = SDL_Rect{0, 0, max_width, max_height};
    block.missing_glyphs = find_missing_glyphs(font, text);

    const int font_h = TTF_FontHeight(font);
    const int pitch = std::max(1, static_cast<int>(std::lround(px * style.line_pitch)));
    const int gap = static_cast<int>(std::lround(px * style.paragraph_gap));
    const auto bottom_if_added = [&](int y) { return y + font_h; };

    int y = 0;
    bool overflow = false;
    bool first = true;
    const auto paragraphs = split_paragraphs(text);
    for (std::size_t p = 0; p < paragraphs.size() && !overflow; ++p) {
        if (p > 0) y += gap;
        for (const std::string& hard_line : paragraphs[p]) {
            if (overflow) break;
            // Lines that can still fit below y (plus one, to detect overflow).
            std::size_t room = 0;
            if (max_height >= 0) {
                const int free_h = max_height - (first ? 0 : y) - font_h;
                room = free_h < 0 ? 1 : static_cast<std::size_t>(free_h / pitch) + 2;
            }
            if (style.max_lines != 0) {
                const std::size_t left = style.max_lines > block.lines.size()
                                             ? style.max_lines - block.lines.size() + 1
                                             : 1;
                room = room == 0 ? left : std::min(room, left);
            }
            auto broken = break_paragraph(hard_line, max_width, measure, room);
            if (style.balance && broken.size() >= 2 && (room == 0 || broken.size() < room)) {
                // The narrowest width that keeps the number of lines.
                const std::size_t n = broken.size();
                int lo = max_width / static_cast<int>(n + 1), hi = max_width;
                while (hi - lo > 1) {
                    const int mid = lo + (hi - lo) / 2;
                    if (break_paragraph(hard_line, mid, measure).size() <= n) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                broken = break_paragraph(hard_line, hi, measure, room);
            }
            for (std::size_t li = 0; li < broken.size(); ++li) {
                const BrokenLine& bl = broken[li];
                const int line_y = first ? 0 : y;
                if ((max_height >= 0 && bottom_if_added(line_y) > max_height) ||
                    (style.max_lines != 0 && block.lines.size() >= style.max_lines)) {
                    overflow = true;
                    break;
                }
                LaidOutLine line;
                line.text = hard_line.substr(bl.begin, bl.end - bl.begin);
                line.rect = SDL_Rect{0, line_y, bl.width, font_h};
                const int slack = max_width - bl.width;
                if (style.justify && style.align == Align::left && li + 1 < broken.size() &&
                    slack > 0 && slack <= style.justify_limit * px) {
                    line.justify = slack;
                    line.rect.w = max_width;
                }
                block.lines.push_back(std::move(line));
                y = line_y + pitch;
                first = false;
            }
        }
    }
    block.truncated = overflow;
    if (overflow) {
        if (block.lines.empty()) {
            // Not even one line fits the height: show the first one anyway.
            auto first_lines = break_paragraph(paragraphs.front().front(), max_width, measure, 1);
            if (!first_lines.empty()) {
                const auto& bl = first_lines.front();
                LaidOutLine line;
                line.text = paragraphs.front().front().substr(bl.begin, bl.end - bl.begin);
                line.rect = SDL_Rect{0, 0, bl.width, font_h};
                block.lines.push_back(std::move(line));
            }
        }
        if (!block.lines.empty()) {
            LaidOutLine& last = block.lines.back();
            last.text = with_ellipsis(font, last.text, max_width, style.ellipsis);
            last.rect.w = measure_set(font, last.text);
            last.justify = 0;
        }
    }

    for (const auto& l : block.lines) block.width = std::max(block.width, l.rect.w);
    block.height = block.lines.empty() ? 0 : block.lines.back().rect.y + font_h;
    if (style.align == Align::center) {
        for (auto& l : block.lines) l.rect.x = (max_width - l.rect.w) / 2;
    }
    return block;
}

Result<TextBlock> layout_text(FontCache& fonts, std::string_view text, const TextStyle& style,
                              SDL_Rect box, std::string role) {
    const int min_px = std::max(1, style.min_px);
    const int max_px = std::max(min_px, style.max_px);
    const auto fits = [&](int px) -> Result<bool> {
        auto b = layout_text_at(fonts, text, style, px, box.w, box.h, role);
        if (!b) return b.error();
        return !b->truncated;
    };

    int best = min_px;
    auto top = fits(max_px);
    if (!top) return top.error();
    if (*top) {
        best = max_px;
    } else {
        // Invariant: lo fits (or is the minimum), hi does not.
        int lo = min_px, hi = max_px;
        while (hi - lo > 1) {
            const int mid = (lo + hi) / 2;
            auto f = fits(mid);
            if (!f) return f.error();
            if (*f) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        best = lo;
    }
    auto block = layout_text_at(fonts, text, style, best, box.w, box.h, role);
    if (!block) return block;
    if (block->truncated && style.cut_at_clause) {
        if (auto excerpt = layout_clause_excerpt(fonts, text, style, best, box, role)) {
            excerpt->missing_glyphs = std::move(block->missing_glyphs);
            *block = std::move(*excerpt);
        }
    }
    block->box = box;
    move_block(*block, box.x, box.y);
    block->box = box;
    return block;
}

void move_block(TextBlock& block, int dx, int dy) {
    block.box.x += dx;
    block.box.y += dy;
    for (auto& l : block.lines) {
        l.rect.x += dx;
        l.rect.y += dy;
    }
}

Status draw_block(SDL_Renderer* renderer, FontCache& fonts, const TextBlock& block,
                  SDL_Color color) {
    auto font_r = fonts.get(block.weight, block.font_px);
    if (!font_r) return font_r.error();
    for (const auto& line : block.lines) {
        if (line.text.empty()) continue;
        const auto squeezes = squeezes_of(font_r->get(), line.text);
        if (line.justify > 0 || !squeezes.empty()) {
            if (auto st = draw_pieces(renderer, font_r->get(), line, squeezes, color); !st) {
                return st;
            }
            continue;
        }
        SurfacePtr surface(TTF_RenderUTF8_Blended(font_r->get(), line.text.c_str(), color));
        if (!surface) return sdl_error("TTF_RenderUTF8_Blended");
        TexturePtr texture(SDL_CreateTextureFromSurface(renderer, surface.get()));
        if (!texture) return sdl_error("SDL_CreateTextureFromSurface");
        SDL_SetTextureBlendMode(texture.get(), SDL_BLENDMODE_BLEND);
        const SDL_Rect dst{line.rect.x, line.rect.y, surface->w, surface->h};
        SDL_RenderCopy(renderer, texture.get(), nullptr, &dst);
    }
    return {};
}

nlohmann::json blocks_to_json(const std::vector<TextBlock>& blocks) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& b : blocks) {
        nlohmann::json j;
        j["role"] = b.role;
        j["font_px"] = b.font_px;
        nlohmann::json lines = nlohmann::json::array();
        for (const auto& l : b.lines) lines.push_back(l.text);
        j["lines"] = std::move(lines);
        if (b.truncated) j["truncated"] = true;
        if (!b.missing_glyphs.empty()) j["missing_glyphs"] = b.missing_glyphs;
        out.push_back(std::move(j));
    }
    return nlohmann::json{{"blocks", std::move(out)}};
}

}  // namespace signage::render
