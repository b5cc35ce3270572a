#include "render/film.hpp"

#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/frame.h>
}

namespace signage::render {

namespace {

// How soon to look again when the decoder has nothing queued yet.
constexpr std::chrono::milliseconds kDecoderBehind{5};

}  // namespace

Film::Film(SDL_Renderer* renderer, std::unique_ptr<VideoDecoder> decoder, SDL_Rect src,
           SDL_Rect dst)
    : renderer_(renderer), decoder_(std::move(decoder)), src_(src), dst_(dst) {
    const VideoInfo& info = decoder_->info();
    yuv_.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING,
                                 info.width, info.height));
    if (yuv_) SDL_SetTextureBlendMode(yuv_.get(), SDL_BLENDMODE_NONE);
}

Status Film::upload_and_draw(const VideoFrame& frame) {
    if (!yuv_) return sdl_error("SDL_CreateTexture (film)");
    const AVFrame* f = frame.frame.get();
    if (f->width != decoder_->info().width || f->height != decoder_->info().height) {
        // A film whose frame size changes midway: its texture follows.
        yuv_.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING,
                                     f->width, f->height));
        if (!yuv_) return sdl_error("SDL_CreateTexture (film)");
        SDL_SetTextureBlendMode(yuv_.get(), SDL_BLENDMODE_NONE);
    }
    if (SDL_UpdateYUVTexture(yuv_.get(), nullptr, f->data[0], f->linesize[0], f->data[1],
                             f->linesize[1], f->data[2], f->linesize[2]) != 0) {
        return sdl_error("SDL_UpdateYUVTexture");
    }
    SDL_RenderCopy(renderer_, yuv_.get(), &src_, &dst_);
    for (const auto& [rect, texture] : overlays_) {
        SDL_RenderCopy(renderer_, texture.get(), nullptr, &rect);
    }
    frame_number_ = frame.number;
    shown_end_ = frame.t + frame.duration;
    return {};
}

Status Film::draw_first() {
    if (auto st = decoder_->wait_first(); !st) return st;
    auto frame = decoder_->take_first();
    if (!frame) return make_error(ErrorCode::unprocessable, "no frame could be decoded");
    return upload_and_draw(*frame);
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

bool Film::update(SDL_Texture* target, Clock::time_point now) {
    if (!start_) return false;
    auto frame = decoder_->take(elapsed(now));
    if (!frame) return false;
    SDL_Texture* previous = SDL_GetRenderTarget(renderer_);
    if (SDL_SetRenderTarget(renderer_, target) != 0) return false;
    if (auto st = upload_and_draw(*frame); !st) spdlog::warn("film: {}", st.error().message);
    SDL_SetRenderTarget(renderer_, previous);
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
    return at(shown_end_);
}

bool Film::ended(Clock::time_point now) const {
    return start_ && decoder_->finished() && elapsed(now) >= shown_end_;
}

}  // namespace signage::render
