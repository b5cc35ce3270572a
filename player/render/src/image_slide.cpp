// image: contain (over a blurred, darkened copy of the image, or the slide's
// background colour) or cover (centre-cropped); an optional caption band.

#include <algorithm>
#include <cmath>
#include <optional>

#include <spdlog/spdlog.h>

#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

Result<SlideRenderer::CaptionBand> SlideRenderer::layout_caption(const protocol::Slide& slide,
                                                                 Size size) {
    CaptionBand band;
    if (slide.caption.empty()) return band;
    const Scaler sc{scale_for(size)};
    const int margin = sc(72);
    TextStyle style = make_style(Weight::bold, sc(60), sc(40), 1.35, Align::center);
    style.max_lines = 2;
    style.balance = true;
    auto cb =
        layout_text(fonts_, slide.caption, style,
                    SDL_Rect{margin, 0, size.w - 2 * margin, sc(60 * 1.35 * 2 + 10)}, "caption");
    if (!cb) return cb.error();
    band.height = ink_height(*cb) + 2 * sc(40);
    band.text = std::move(*cb);
    return band;
}

Status SlideRenderer::draw_caption(CaptionBand& band, Size size, bool translucent,
                                   SlideLayout& layout) {
    if (!band.text) return {};
    const Scaler sc{scale_for(size)};
    const int band_y = size.h - band.height;
    fill_rect(renderer_, SDL_Rect{0, band_y, size.w, band.height},
              rgb(0x101216, translucent ? 190 : 215));
    fill_rect(renderer_, SDL_Rect{0, band_y, size.w, sc(6)}, kGold);
    center_ink_vertically(*band.text, band_y + sc(3), band.height);
    if (auto st = draw_block(renderer_, fonts_, *band.text, kPaper); !st) return st;
    note_block(layout, *band.text);
    layout.blocks.push_back(std::move(*band.text));
    band.text.reset();
    return {};
}

Status SlideRenderer::draw_title_instead(const protocol::Slide& slide, Size size,
                                         SlideLayout& layout) {
    if (slide.title.empty()) return {};
    const Scaler sc{scale_for(size)};
    const int margin = sc(72);
    TextStyle style = make_style(Weight::bold, sc(110), sc(48), 1.3, Align::center);
    style.balance = true;
    const SDL_Rect box{margin, margin, size.w - 2 * margin, size.h - 2 * margin};
    auto tb = layout_text(fonts_, slide.title, style, box, "title");
    if (!tb) return tb.error();
    center_ink_vertically(*tb, box.y, box.h);
    if (auto st = draw_block(renderer_, fonts_, *tb, kPaper); !st) return st;
    note_block(layout, *tb);
    layout.blocks.push_back(std::move(*tb));
    return {};
}

template <>
Status SlideRenderer::draw<protocol::SlideType::image>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const SDL_Rect screen{0, 0, W, H};

    SurfacePtr img = slide.media.empty() ? nullptr : load_image(slide.media, layout);
    const bool cover = slide.fit == protocol::Fit::cover;

    // Caption layout first: with contain, the image sits above the band.
    auto band = layout_caption(slide, size);
    if (!band) return band.error();
    const int band_h = band->height;

    // Backdrop.
    if (slide.background.color) {
        fill_rect(renderer_, screen, opaque(*slide.background.color));
        layout.background = opaque(*slide.background.color);
    } else if (!slide.background.media.empty() &&
               draw_background_media(slide.background.media, size, layout)) {
        // drawn
    } else if (img && !cover) {
        // A blurred, darkened copy of the image itself fills the letterbox.
        SurfacePtr tiny = tiny_copy(*img, 48);
        TexturePtr t = tiny ? make_texture(renderer_, *tiny) : nullptr;
        if (t) {
            const SDL_Rect src = crop_cover(tiny->w, tiny->h, screen);
            SDL_RenderCopy(renderer_, t.get(), &src, &screen);
            fill_rect(renderer_, screen, rgb(0x000000, 120));
        } else {
            fill_rect(renderer_, screen, kSlate);
        }
        layout.background = kSlate;
    } else {
        fill_vertical_gradient(renderer_, screen, rgb(0x343A42), rgb(0x1B1E23));
        layout.background = rgb(0x2A2F36);
    }

    if (img) {
        SDL_Rect dst;
        if (cover) {
            const double scale =
                std::max(static_cast<double>(W) / img->w, static_cast<double>(H) / img->h);
            SurfacePtr fitted = prepare_image(*img, static_cast<int>(std::ceil(img->w * scale)),
                                              static_cast<int>(std::ceil(img->h * scale)));
            TexturePtr t = fitted ? make_texture(renderer_, *fitted) : nullptr;
            if (!t) return sdl_error("image texture");
            const SDL_Rect src = crop_cover(fitted->w, fitted->h, screen);
            dst = screen;
            SDL_RenderCopy(renderer_, t.get(), &src, &dst);
        } else {
            const SDL_Rect box{0, 0, W, H - band_h};
            dst = fit_contain(img->w, img->h, box);
            SurfacePtr fitted = prepare_image(*img, dst.w, dst.h);
            TexturePtr t = fitted ? make_texture(renderer_, *fitted) : nullptr;
            if (!t) return sdl_error("image texture");
            SDL_RenderCopy(renderer_, t.get(), nullptr, &dst);
        }
        layout.image_rect = dst;
    } else if (!band->text) {
        // Without its image, the slide still says what it is about.
        if (auto st = draw_title_instead(slide, size, layout); !st) return st;
    }
    if (auto st = draw_caption(*band, size, cover, layout); !st) return st;
    if (slide.qr) {
        // Over the image, above the caption band.
        const Size card = qr_card_size(size, *slide.qr);
        const SDL_Rect at{W - sc(48) - card.w, H - band_h - sc(40) - card.h, card.w, card.h};
        return draw_qr_card(*slide.qr, at, size, layout);
    }
    return {};
}

}  // namespace signage::render
