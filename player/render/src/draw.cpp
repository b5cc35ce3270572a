#include "render/draw.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace signage::render {
namespace {

Uint8 to_u8(double v) {
    return static_cast<Uint8>(std::clamp(std::lround(v), 0L, 255L));
}

// Halves an ARGB8888 surface by averaging 2x2 blocks.
SurfacePtr halve(SDL_Surface& src) {
    const int w = std::max(1, src.w / 2);
    const int h = std::max(1, src.h / 2);
    SurfacePtr dst(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888));
    if (!dst) return nullptr;
    SDL_LockSurface(&src);
    SDL_LockSurface(dst.get());
    for (int y = 0; y < h; ++y) {
        const int y0 = std::min(2 * y, src.h - 1), y1 = std::min(2 * y + 1, src.h - 1);
        const auto* r0 = static_cast<const Uint32*>(src.pixels) + y0 * (src.pitch / 4);
        const auto* r1 = static_cast<const Uint32*>(src.pixels) + y1 * (src.pitch / 4);
        auto* out = static_cast<Uint32*>(dst->pixels) + y * (dst->pitch / 4);
        for (int x = 0; x < w; ++x) {
            const int x0 = std::min(2 * x, src.w - 1), x1 = std::min(2 * x + 1, src.w - 1);
            const Uint32 p[4] = {r0[x0], r0[x1], r1[x0], r1[x1]};
            Uint32 acc = 0;
            for (int shift = 0; shift < 32; shift += 8) {
                Uint32 sum = 2;  // rounding
                for (Uint32 v : p) sum += (v >> shift) & 0xFFu;
                acc |= ((sum / 4) & 0xFFu) << shift;
            }
            out[x] = acc;
        }
    }
    SDL_UnlockSurface(dst.get());
    SDL_UnlockSurface(&src);
    return dst;
}

// Three passes of a 3x3 box blur (≈ gaussian) on an ARGB8888 surface, in place.
void box_blur(SDL_Surface& s, int passes) {
    SDL_LockSurface(&s);
    auto* px = static_cast<Uint32*>(s.pixels);
    const int stride = s.pitch / 4;
    std::vector<Uint32> copy(static_cast<std::size_t>(stride) * static_cast<std::size_t>(s.h));
    for (int pass = 0; pass < passes; ++pass) {
        std::copy(px, px + copy.size(), copy.begin());
        for (int y = 0; y < s.h; ++y) {
            for (int x = 0; x < s.w; ++x) {
                Uint32 acc = 0;
                for (int shift = 0; shift < 32; shift += 8) {
                    Uint32 sum = 0;
                    for (int dy = -1; dy <= 1; ++dy) {
                        const int yy = std::clamp(y + dy, 0, s.h - 1);
                        for (int dx = -1; dx <= 1; ++dx) {
                            const int xx = std::clamp(x + dx, 0, s.w - 1);
                            sum +=
                                (copy[static_cast<std::size_t>(yy * stride + xx)] >> shift) & 0xFFu;
                        }
                    }
                    acc |= (((sum + 4) / 9) & 0xFFu) << shift;
                }
                px[y * stride + x] = acc;
            }
        }
    }
    SDL_UnlockSurface(&s);
}

}  // namespace

SDL_Color rgb(std::uint32_t hex, std::uint8_t alpha) {
    return SDL_Color{static_cast<Uint8>((hex >> 16) & 0xFF), static_cast<Uint8>((hex >> 8) & 0xFF),
                     static_cast<Uint8>(hex & 0xFF), alpha};
}

double luminance(SDL_Color c) {
    const auto lin = [](Uint8 v) {
        const double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

SDL_Color mix(SDL_Color a, SDL_Color b, double t) {
    return SDL_Color{to_u8(a.r + (b.r - a.r) * t), to_u8(a.g + (b.g - a.g) * t),
                     to_u8(a.b + (b.b - a.b) * t), to_u8(a.a + (b.a - a.a) * t)};
}

void set_color(SDL_Renderer* r, SDL_Color c) {
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void fill_rect(SDL_Renderer* r, const SDL_Rect& rect, SDL_Color c) {
    set_color(r, c);
    SDL_RenderFillRect(r, &rect);
}

void fill_rounded_rect(SDL_Renderer* r, const SDL_Rect& rect, int radius, SDL_Color c) {
    radius = std::clamp(radius, 0, std::min(rect.w, rect.h) / 2);
    if (radius < 2) {
        fill_rect(r, rect, c);
        return;
    }
    // A quarter-circle coverage mask, 4x4 supersampled, white with alpha.
    SurfacePtr mask(
        SDL_CreateRGBSurfaceWithFormat(0, radius, radius, 32, SDL_PIXELFORMAT_ARGB8888));
    if (!mask) {
        fill_rect(r, rect, c);
        return;
    }
    SDL_LockSurface(mask.get());
    for (int y = 0; y < radius; ++y) {
        auto* row = static_cast<Uint32*>(mask->pixels) + y * (mask->pitch / 4);
        for (int x = 0; x < radius; ++x) {
            int inside = 0;
            for (int sy = 0; sy < 4; ++sy) {
                for (int sx = 0; sx < 4; ++sx) {
                    // Distance from the circle centre at the mask's bottom-right.
                    const double dx = radius - (x + (sx + 0.5) / 4.0);
                    const double dy = radius - (y + (sy + 0.5) / 4.0);
                    if (dx * dx + dy * dy <= static_cast<double>(radius) * radius) ++inside;
                }
            }
            const auto a = static_cast<Uint32>(inside * 255 / 16);
            row[x] = (a << 24) | 0x00FFFFFFu;
        }
    }
    SDL_UnlockSurface(mask.get());
    TexturePtr tex(SDL_CreateTextureFromSurface(r, mask.get()));
    if (!tex) {
        fill_rect(r, rect, c);
        return;
    }
    SDL_SetTextureBlendMode(tex.get(), SDL_BLENDMODE_BLEND);
    SDL_SetTextureColorMod(tex.get(), c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(tex.get(), c.a);
    const int x0 = rect.x, y0 = rect.y, x1 = rect.x + rect.w - radius,
              y1 = rect.y + rect.h - radius;
    const SDL_Rect tl{x0, y0, radius, radius}, tr{x1, y0, radius, radius},
        bl{x0, y1, radius, radius}, br{x1, y1, radius, radius};
    SDL_RenderCopyEx(r, tex.get(), nullptr, &tl, 0, nullptr, SDL_FLIP_NONE);
    SDL_RenderCopyEx(r, tex.get(), nullptr, &tr, 0, nullptr, SDL_FLIP_HORIZONTAL);
    SDL_RenderCopyEx(r, tex.get(), nullptr, &bl, 0, nullptr, SDL_FLIP_VERTICAL);
    SDL_RenderCopyEx(r, tex.get(), nullptr, &br, 0, nullptr,
                     static_cast<SDL_RendererFlip>(SDL_FLIP_HORIZONTAL | SDL_FLIP_VERTICAL));
    set_color(r, c);
    const SDL_Rect mid{rect.x + radius, rect.y, rect.w - 2 * radius, rect.h};
    const SDL_Rect left{rect.x, rect.y + radius, radius, rect.h - 2 * radius};
    const SDL_Rect right{x1, rect.y + radius, radius, rect.h - 2 * radius};
    SDL_RenderFillRect(r, &mid);
    SDL_RenderFillRect(r, &left);
    SDL_RenderFillRect(r, &right);
}

void fill_vertical_gradient(SDL_Renderer* r, const SDL_Rect& rect, SDL_Color top,
                            SDL_Color bottom) {
    for (int y = 0; y < rect.h; ++y) {
        const double t = rect.h > 1 ? static_cast<double>(y) / (rect.h - 1) : 0.0;
        set_color(r, mix(top, bottom, t));
        const SDL_Rect row{rect.x, rect.y + y, rect.w, 1};
        SDL_RenderFillRect(r, &row);
    }
}

SDL_Rect fit_contain(int src_w, int src_h, const SDL_Rect& box) {
    if (src_w <= 0 || src_h <= 0) return box;
    const double scale =
        std::min(static_cast<double>(box.w) / src_w, static_cast<double>(box.h) / src_h);
    const int w = std::max(1, static_cast<int>(std::lround(src_w * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(src_h * scale)));
    return SDL_Rect{box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h};
}

SDL_Rect crop_cover(int src_w, int src_h, const SDL_Rect& box) {
    if (src_w <= 0 || src_h <= 0 || box.w <= 0 || box.h <= 0) return SDL_Rect{0, 0, src_w, src_h};
    const double box_aspect = static_cast<double>(box.w) / box.h;
    const double src_aspect = static_cast<double>(src_w) / src_h;
    if (src_aspect > box_aspect) {  // wider: crop the sides
        const int w = std::max(1, static_cast<int>(std::lround(src_h * box_aspect)));
        return SDL_Rect{(src_w - w) / 2, 0, w, src_h};
    }
    const int h = std::max(1, static_cast<int>(std::lround(src_w / box_aspect)));
    return SDL_Rect{0, (src_h - h) / 2, src_w, h};
}

SurfacePtr prepare_image(SDL_Surface& src, int max_w, int max_h) {
    SurfacePtr img(SDL_ConvertSurfaceFormat(&src, SDL_PIXELFORMAT_ARGB8888, 0));
    if (!img) return nullptr;
    while (img->w / 2 >= max_w && img->h / 2 >= max_h) {
        SurfacePtr half = halve(*img);
        if (!half) return img;
        img = std::move(half);
    }
    if (img->w > max_w || img->h > max_h) {
        const SDL_Rect fit = fit_contain(img->w, img->h, SDL_Rect{0, 0, max_w, max_h});
        SurfacePtr scaled(
            SDL_CreateRGBSurfaceWithFormat(0, fit.w, fit.h, 32, SDL_PIXELFORMAT_ARGB8888));
        if (scaled && SDL_SoftStretchLinear(img.get(), nullptr, scaled.get(), nullptr) == 0) {
            img = std::move(scaled);
        }
    }
    return img;
}

SurfacePtr tiny_copy(SDL_Surface& src, int max_side) {
    SurfacePtr img(SDL_ConvertSurfaceFormat(&src, SDL_PIXELFORMAT_ARGB8888, 0));
    if (!img) return nullptr;
    while (std::max(img->w, img->h) / 2 >= max_side) {
        SurfacePtr half = halve(*img);
        if (!half) break;
        img = std::move(half);
    }
    box_blur(*img, 3);
    return img;
}

TexturePtr make_texture(SDL_Renderer* r, SDL_Surface& s) {
    TexturePtr t(SDL_CreateTextureFromSurface(r, &s));
    if (t) SDL_SetTextureScaleMode(t.get(), SDL_ScaleModeLinear);
    return t;
}

}  // namespace signage::render
