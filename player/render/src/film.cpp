#include "render/film.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <libyuv.h>
#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/frame.h>
}

namespace signage::render {

namespace {

// How soon to look again when the decoder has nothing queued yet.
constexpr std::chrono::milliseconds kDecoderBehind{5};
// Rows of a film's frame copied and converted at a time when it is drawn
// straight onto the screen: about 180 KB at 1920 wide, in the cache (even).
constexpr int kBandRows = 64;

// SDL's YUV conversion for one film: SDL keeps one mode for the process
// (BT.601 unless told), used when a YUV texture is made (GPU) or filled
// (software), so each film sets its own around those calls.
class YuvMode {
  public:
    explicit YuvMode(const VideoInfo& info) : before_(SDL_GetYUVConversionMode()) {
        SDL_SetYUVConversionMode(info.full_range                      ? SDL_YUV_CONVERSION_JPEG
                                 : info.matrix == ColourMatrix::bt709 ? SDL_YUV_CONVERSION_BT709
                                                                      : SDL_YUV_CONVERSION_BT601);
    }
    ~YuvMode() { SDL_SetYUVConversionMode(before_); }
    YuvMode(const YuvMode&) = delete;
    YuvMode& operator=(const YuvMode&) = delete;

  private:
    SDL_YUV_CONVERSION_MODE before_;
};

}  // namespace

Film::Film(SDL_Renderer* renderer, std::unique_ptr<VideoDecoder> decoder, SDL_Rect src,
           SDL_Rect dst)
    : renderer_(renderer), decoder_(std::move(decoder)), src_(src), dst_(dst) {
    const VideoInfo& info = decoder_->info();
    YuvMode mode(info);
    yuv_.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING,
                                 info.width, info.height));
    if (yuv_) SDL_SetTextureBlendMode(yuv_.get(), SDL_BLENDMODE_NONE);
}

Status Film::upload() {
    if (!shown_) return make_error(ErrorCode::unprocessable, "no frame yet");
    if (uploaded_ == shown_->number) return {};
    if (!yuv_) return sdl_error("SDL_CreateTexture (film)");
    YuvMode mode(decoder_->info());
    const AVFrame* f = shown_->frame.get();
    if (f->width != decoder_->info().width || f->height != decoder_->info().height) {
        // A film whose frame size changes midway: its texture follows.
        int w = 0, h = 0;
        SDL_QueryTexture(yuv_.get(), nullptr, nullptr, &w, &h);
        if (w != f->width || h != f->height) {
            yuv_.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV,
                                         SDL_TEXTUREACCESS_STREAMING, f->width, f->height));
            if (!yuv_) return sdl_error("SDL_CreateTexture (film)");
            SDL_SetTextureBlendMode(yuv_.get(), SDL_BLENDMODE_NONE);
        }
    }
    if (SDL_UpdateYUVTexture(yuv_.get(), nullptr, f->data[0], f->linesize[0], f->data[1],
                             f->linesize[1], f->data[2], f->linesize[2]) != 0) {
        return sdl_error("SDL_UpdateYUVTexture");
    }
    uploaded_ = shown_->number;
    return {};
}

namespace {

// `r` (in a slide of `slide` size) where the slide is drawn at `zone`.
SDL_Rect place(const SDL_Rect& r, Size slide, const SDL_Rect& zone) {
    if (slide.w == zone.w && slide.h == zone.h)
        return SDL_Rect{zone.x + r.x, zone.y + r.y, r.w, r.h};
    const double sx = static_cast<double>(zone.w) / slide.w;
    const double sy = static_cast<double>(zone.h) / slide.h;
    const int x0 = zone.x + static_cast<int>(std::lround(r.x * sx));
    const int y0 = zone.y + static_cast<int>(std::lround(r.y * sy));
    const int x1 = zone.x + static_cast<int>(std::lround((r.x + r.w) * sx));
    const int y1 = zone.y + static_cast<int>(std::lround((r.y + r.h) * sy));
    return SDL_Rect{x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

bool Film::convert_into(SDL_Surface* surface, const SDL_Rect& box) {
    if (box.w <= 0 || box.h <= 0 || box.x < 0 || box.y < 0 || box.x + box.w > surface->w ||
        box.y + box.h > surface->h || surface->format->BytesPerPixel != 4) {
        return false;
    }
    const AVFrame* f = shown_->frame.get();
    if (src_.x < 0 || src_.y < 0 || src_.w <= 0 || src_.h <= 0 || src_.x + src_.w > f->width ||
        src_.y + src_.h > f->height) {
        return false;
    }
    const std::uint8_t* y =
        f->data[0] + static_cast<std::ptrdiff_t>(src_.y) * f->linesize[0] + src_.x;
    const std::uint8_t* u =
        f->data[1] + static_cast<std::ptrdiff_t>(src_.y / 2) * f->linesize[1] + src_.x / 2;
    const std::uint8_t* v =
        f->data[2] + static_cast<std::ptrdiff_t>(src_.y / 2) * f->linesize[2] + src_.x / 2;
    const bool scaled = src_.w != box.w || src_.h != box.h;
    // The picture in the box as I420 blocks (the layout SDL's converter
    // reads): a scaled picture (bilinear) as one, kept while the frame is
    // on screen; a cropped one a band of rows at a time, each converted
    // while the cache still holds it.
    if (scaled && (planes_number_ != shown_->number || planes_w_ != box.w || planes_h_ != box.h)) {
        planes_number_ = -1;
        const int cw = (box.w + 1) / 2, ch = (box.h + 1) / 2;
        const std::size_t luma = static_cast<std::size_t>(box.w) * static_cast<std::size_t>(box.h);
        const std::size_t chroma = static_cast<std::size_t>(cw) * static_cast<std::size_t>(ch);
        planes_.resize(luma + 2 * chroma);
        std::uint8_t* py = planes_.data();
        std::uint8_t* pu = py + luma;
        std::uint8_t* pv = pu + chroma;
        if (libyuv::I420Scale(y, f->linesize[0], u, f->linesize[1], v, f->linesize[2], src_.w,
                              src_.h, py, box.w, pu, cw, pv, cw, box.w, box.h,
                              libyuv::kFilterBilinear) != 0) {
            return false;
        }
        planes_number_ = shown_->number;
        planes_w_ = box.w;
        planes_h_ = box.h;
    }
    // What was drawn before (the slide around the film, the header) lands
    // in the surface first; what is drawn after goes over the film.
    SDL_RenderFlush(renderer_);
    if (SDL_MUSTLOCK(surface) && SDL_LockSurface(surface) != 0) return false;
    auto* out = static_cast<std::uint8_t*>(surface->pixels) +
                static_cast<std::ptrdiff_t>(box.y) * surface->pitch + box.x * 4;
    // SDL's own conversion, as in the film's YUV texture: the film looks
    // the same as in its slide, a preview or a crossfade.
    const Uint32 format = surface->format->format;
    int converted = 0;
    {
        YuvMode mode(decoder_->info());
        if (scaled) {
            converted = SDL_ConvertPixels(box.w, box.h, SDL_PIXELFORMAT_IYUV, planes_.data(), box.w,
                                          format, out, surface->pitch);
        } else {
            // Bands of an even number of rows: each starts on a row of chroma.
            const int cw = (box.w + 1) / 2;
            planes_number_ = -1;
            planes_.resize(static_cast<std::size_t>(box.w + cw) * kBandRows);
            for (int row = 0; row < box.h && converted == 0; row += kBandRows) {
                const int h = std::min(kBandRows, box.h - row);
                std::uint8_t* py = planes_.data();
                std::uint8_t* pu = py + static_cast<std::ptrdiff_t>(box.w) * h;
                std::uint8_t* pv = pu + static_cast<std::ptrdiff_t>(cw) * ((h + 1) / 2);
                const std::ptrdiff_t c = row / 2;
                converted =
                    libyuv::I420Copy(y + row * f->linesize[0], f->linesize[0],
                                     u + c * f->linesize[1], f->linesize[1], v + c * f->linesize[2],
                                     f->linesize[2], py, box.w, pu, cw, pv, cw, box.w, h);
                if (converted == 0) {
                    converted = SDL_ConvertPixels(box.w, h, SDL_PIXELFORMAT_IYUV, py, box.w, format,
                                                  out + row * surface->pitch, surface->pitch);
                }
            }
        }
    }
    if (SDL_MUSTLOCK(surface)) SDL_UnlockSurface(surface);
    return converted == 0;
}

void Film::draw_overlays(const SDL_Rect& zone, Size slide) {
    for (const auto& [rect, texture] : overlays_) {
        const SDL_Rect at = place(rect, slide, zone);
        SDL_RenderCopy(renderer_, texture.get(), nullptr, &at);
    }
}

void Film::draw(const SDL_Rect& zone, Size slide, SDL_Surface* direct) {
    if (!shown_) return;
    const SDL_Rect box = place(dst_, slide, zone);
    drawn_direct_ = direct != nullptr && convert_into(direct, box);
    if (!drawn_direct_) {
        if (auto st = upload(); !st) {
            spdlog::warn("film: {}", st.error().message);
            return;
        }
        SDL_RenderCopy(renderer_, yuv_.get(), &src_, &box);
    }
    draw_overlays(zone, slide);
}

void Film::paint_into(SDL_Texture* slide) {
    if (!shown_ || painted_ == shown_->number) return;
    if (auto st = upload(); !st) {
        spdlog::warn("film: {}", st.error().message);
        return;
    }
    SDL_Texture* previous = SDL_GetRenderTarget(renderer_);
    if (SDL_SetRenderTarget(renderer_, slide) != 0) return;
    int w = 0, h = 0;
    SDL_QueryTexture(slide, nullptr, nullptr, &w, &h);
    SDL_RenderCopy(renderer_, yuv_.get(), &src_, &dst_);
    draw_overlays(SDL_Rect{0, 0, w, h}, Size{w, h});
    SDL_SetRenderTarget(renderer_, previous);
    painted_ = shown_->number;
}

Status Film::draw_first() {
    if (auto st = decoder_->wait_first(); !st) return st;
    auto frame = decoder_->take_first();
    if (!frame) return make_error(ErrorCode::unprocessable, "no frame could be decoded");
    shown_ = std::move(frame);
    if (auto st = upload(); !st) return st;
    SDL_RenderCopy(renderer_, yuv_.get(), &src_, &dst_);
    // The slide (the current render target) has it; its overlays come after.
    painted_ = shown_->number;
    return {};
}

void Film::keep_overlay(const SDL_Rect& rect) {
    SDL_Texture* target = SDL_GetRenderTarget(renderer_);
    if (target == nullptr || rect.w <= 0 || rect.h <= 0) return;
    TexturePtr copy(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                      rect.w, rect.h));
    if (!copy) return;
    SDL_SetTextureBlendMode(target, SDL_BLENDMODE_NONE);
    if (SDL_SetRenderTarget(renderer_, copy.get()) == 0) {
        SDL_RenderCopy(renderer_, target, &rect, nullptr);
    }
    SDL_SetRenderTarget(renderer_, target);
    SDL_SetTextureBlendMode(target, SDL_BLENDMODE_BLEND);
    SDL_SetTextureBlendMode(copy.get(), SDL_BLENDMODE_NONE);
    overlays_.emplace_back(rect, std::move(copy));
}

void Film::start(Clock::time_point now) {
    if (!start_) start_ = now;
}

double Film::elapsed(Clock::time_point now) const {
    if (!start_) return 0;
    if (sound_clock_ && decoder_->sound()) {
        if (auto t = decoder_->sound()->clock(now)) return *t;
    }
    return std::chrono::duration<double>(now - *start_).count();
}

std::shared_ptr<FilmSound> Film::sound() const {
    // Once released (its film went out, or an emergency covered it) a
    // sound never plays again: it would be behind the pictures.
    return sound_clock_ ? decoder_->sound() : nullptr;
}

void Film::release_sound(Clock::time_point now) {
    if (!start_ || !sound_clock_) return;
    const double t = elapsed(now);
    sound_clock_ = false;
    start_ = now - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
}

bool Film::update(Clock::time_point now) {
    if (!start_) return false;
    auto frame = decoder_->take(elapsed(now));
    if (!frame) return false;
    shown_ = std::move(frame);
    return true;
}

bool Film::update(SDL_Texture* target, Clock::time_point now) {
    if (!update(now)) return false;
    paint_into(target);
    return true;
}

std::optional<Film::Clock::time_point> Film::next_due(Clock::time_point now) const {
    if (!start_ || ended(now)) return std::nullopt;
    // At `t` on the film's clock, which may be its sound's.
    auto at = [&](double t) {
        return now + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(std::max(0.0, t - elapsed(now))));
    };
    if (auto t = decoder_->next_time()) return at(*t);
    if (!decoder_->finished()) return now + kDecoderBehind;
    return at(shown_end());
}

bool Film::ended(Clock::time_point now) const {
    return start_ && decoder_->finished() && elapsed(now) >= shown_end();
}

}  // namespace signage::render
