// video: a film in the main zone, contained (black bars, or the slide's
// background colour) or cover-cropped, above an optional caption band (the
// film never runs under the band). On the screen (RenderOptions::live_video)
// the slide is drawn with the film's first frame, decoded before the switch,
// and the film plays in that place once the slide is shown; a film that
// cannot be decoded fails the render. Elsewhere (previews, --render) the
// poster frame kPosterAt into the film is drawn, and a missing or broken film
// is a warning with the title drawn instead.

#include <spdlog/spdlog.h>

#include "render/draw.hpp"
#include "render/film.hpp"
#include "render/slide_renderer.hpp"
#include "render/sound.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

template <>
Status SlideRenderer::draw<protocol::SlideType::video>(const DrawCall& call) {
    const protocol::Slide& slide = call.slide;
    const Size size = call.size;
    SlideLayout& layout = call.layout;
    const bool live = call.options.live_video;
    const SDL_Rect screen{0, 0, size.w, size.h};

    auto band = layout_caption(slide, size);
    if (!band) return band.error();
    const SDL_Color backdrop =
        slide.background.color ? opaque(*slide.background.color) : rgb(0x000000);
    fill_rect(renderer_, screen, backdrop);
    layout.background = backdrop;

    // The film, opened and its first (or poster) frame decoded now.
    std::unique_ptr<VideoDecoder> decoder;
    std::string why;
    const std::filesystem::path path =
        resolve_media_ && !slide.media.empty() ? resolve_media_(slide.media) : "";
    if (path.empty()) {
        why = "film " + slide.media + " is not available";
    } else {
        VideoDecoder::Options opt;
        opt.loop = live && slide.play == protocol::VideoPlay::loop;
        opt.start_at_s = live ? 0.0 : kPosterAt;
        opt.label = slide.id.empty() ? slide.media : slide.id;
        if (live && slide.audio && call.options.film_sound) {
            opt.sound = std::make_shared<FilmSound>();
        }
        auto opened = VideoDecoder::open(path, opt);
        if (opened) {
            decoder = std::move(*opened);
        } else {
            why = opened.error().message;
        }
    }
    std::shared_ptr<Film> film;
    if (decoder) {
        const VideoInfo info = decoder->info();
        const SDL_Rect box{0, 0, size.w, size.h - band->height};
        const bool cover = slide.fit == protocol::Fit::cover;
        const SDL_Rect src = cover ? crop_cover(info.width, info.height, box)
                                   : SDL_Rect{0, 0, info.width, info.height};
        const SDL_Rect dst = cover ? box : fit_contain(info.width, info.height, box);
        film = std::make_shared<Film>(renderer_, std::move(decoder), src, dst);
        if (auto st = film->draw_first(); !st) {
            why = st.error().message;
            film.reset();
        } else {
            layout.image_rect = dst;
        }
    }
    if (!film) {
        if (live) return make_error(ErrorCode::unprocessable, why);
        layout.warnings.push_back(why);
        if (!band->text) {
            if (auto st = draw_title_instead(slide, size, layout); !st) return st;
        }
    }
    if (auto st = draw_caption(*band, size, false, layout); !st) return st;
    if (slide.qr) {
        const Scaler sc{scale_for(size)};
        const Size card = qr_card_size(size, *slide.qr);
        const SDL_Rect at{size.w - sc(48) - card.w, size.h - band->height - sc(40) - card.h, card.w,
                          card.h};
        if (auto st = draw_qr_card(*slide.qr, at, size, layout); !st) return st;
        if (film) film->keep_overlay(at);
    }
    if (live && call.film != nullptr) *call.film = std::move(film);
    return {};
}

}  // namespace signage::render
