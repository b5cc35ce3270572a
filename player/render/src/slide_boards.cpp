// What the boards (honour rolls, red/black lists) share: the paper and
// title band, and photos cover-cropped into a frame.

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

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

}  // namespace signage::render
