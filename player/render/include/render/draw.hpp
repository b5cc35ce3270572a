#pragma once
// Small drawing helpers on top of SDL_Renderer: filled shapes with
// anti-aliased rounded corners, gradients, images fitted to boxes.

#include "render/sdl.hpp"

namespace signage::render {

void set_color(SDL_Renderer* r, SDL_Color c);
void fill_rect(SDL_Renderer* r, const SDL_Rect& rect, SDL_Color c);
// Rounded rectangle with anti-aliased corners of `radius` px.
void fill_rounded_rect(SDL_Renderer* r, const SDL_Rect& rect, int radius, SDL_Color c);
// Vertical gradient from `top` to `bottom`.
void fill_vertical_gradient(SDL_Renderer* r, const SDL_Rect& rect, SDL_Color top, SDL_Color bottom);

// The largest rect of aspect src_w:src_h inside `box`, centred ("contain").
SDL_Rect fit_contain(int src_w, int src_h, const SDL_Rect& box);
// The centred source crop of aspect box.w:box.h ("cover").
SDL_Rect crop_cover(int src_w, int src_h, const SDL_Rect& box);

// Converts `src` to ARGB8888 and, when it is larger than max_w x max_h,
// shrinks it (halving steps, then linear) to fit inside: big photos are
// scaled once in memory instead of by every draw.
SurfacePtr prepare_image(SDL_Surface& src, int max_w, int max_h);
// A small, smoothed copy (≤ `max_side` px on its longer side) to be stretched
// up as a blurred backdrop.
SurfacePtr tiny_copy(SDL_Surface& src, int max_side);

// A texture from a surface with linear scaling; nullptr on failure.
TexturePtr make_texture(SDL_Renderer* r, SDL_Surface& s);

// Colour helpers.
SDL_Color rgb(std::uint32_t hex, std::uint8_t alpha = 255);
double luminance(SDL_Color c);                      // relative luminance 0..1
SDL_Color mix(SDL_Color a, SDL_Color b, double t);  // a*(1-t) + b*t

}  // namespace signage::render
