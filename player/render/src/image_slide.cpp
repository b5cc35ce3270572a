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

template <>
Status SlideRenderer::draw<protocol::SlideType::image>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const SDL_Rect screen{0, 0, W, H};
    const int margin = sc(72);

    SurfacePtr img = slide.media.empty() ? nullptr : load_image(slide.media, layout);
    const bool cover = slide.fit == protocol::Fit::cover;

    // Caption layout first: with contain, the image sits above the band.
    std::optional<TextBlock> caption;
    int band_h = 0;
    if (!slide.caption.empty()) {
        TextStyle style = make_style(Weight::bold, sc(60), sc(40), 1.35, Align::center);
        style.max_lines = 2;
        style.balance = true;
        auto cb =
            layout_text(fonts_, slide.caption, style,
                        SDL_Rect{margin, 0, W - 2 * margin, sc(60 * 1.35 * 2 + 10)}, "caption");
        if (!cb) return cb.error();
        band_h = ink_height(*cb) + 2 * sc(40);
        caption = std::move(*cb);
    }

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
    } else if (!slide.title.empty() && !caption) {
        // Without its image, the slide still says what it is about.
        TextStyle style = make_style(Weight::bold, sc(110), sc(48), 1.3, Align::center);
        style.balance = true;
        const SDL_Rect box{margin, margin, W - 2 * margin, H - 2 * margin};
        auto tb = layout_text(fonts_, slide.title, style, box, "title");
        if (!tb) return tb.error();
        center_ink_vertically(*tb, box.y, box.h);
        if (auto st = draw_block(renderer_, fonts_, *tb, kPaper); !st) return st;
        note_block(layout, *tb);
        layout.blocks.push_back(std::move(*tb));
    }

    if (caption) {
        const int band_y = H - band_h;
        fill_rect(renderer_, SDL_Rect{0, band_y, W, band_h}, rgb(0x101216, cover ? 190 : 215));
        fill_rect(renderer_, SDL_Rect{0, band_y, W, sc(6)}, kGold);
        center_ink_vertically(*caption, band_y + sc(3), band_h);
        if (auto st = draw_block(renderer_, fonts_, *caption, kPaper); !st) return st;
        note_block(layout, *caption);
        layout.blocks.push_back(std::move(*caption));
    }
    if (slide.qr) {
        // Over the image, above the caption band.
        const Size card = qr_card_size(size, *slide.qr);
        const SDL_Rect at{W - sc(48) - card.w, H - band_h - sc(40) - card.h, card.w, card.h};
        return draw_qr_card(*slide.qr, at, size, layout);
    }
    return {};
}

}  // namespace signage::render
