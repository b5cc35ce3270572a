#include "render/compositor.hpp"

#include <algorithm>
#include <cmath>

namespace signage::render {

Compositor::Compositor(Display& display, std::chrono::milliseconds fade)
    : display_(display), fade_(fade) {}

std::optional<Compositor::Clock::time_point> Compositor::transition_end() const {
    if (!previous_) return std::nullopt;
    return start_ + fade_;
}

std::uint8_t Compositor::alpha_at(Clock::time_point now) const {
    if (!previous_ || fade_.count() <= 0) return 255;
    const double t = std::clamp(
        std::chrono::duration<double>(now - start_) / std::chrono::duration<double>(fade_), 0.0,
        1.0);
    const double eased = t * t * (3.0 - 2.0 * t);  // smoothstep
    return static_cast<std::uint8_t>(std::lround(eased * 255.0));
}

TexturePtr Compositor::freeze_current_frame(Clock::time_point now) {
    SDL_Renderer* r = display_.renderer();
    const Size s = display_.size();
    TexturePtr frozen(
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, s.w, s.h));
    if (!frozen) return nullptr;
    SDL_Texture* previous_target = SDL_GetRenderTarget(r);
    if (SDL_SetRenderTarget(r, frozen.get()) != 0) return nullptr;
    draw(now);
    SDL_SetRenderTarget(r, previous_target);
    return frozen;
}

void Compositor::show(TexturePtr slide, Clock::time_point now) {
    if (!slide) return;
    if (!current_ || fade_.count() <= 0) {
        current_ = std::move(slide);
        previous_.reset();
        return;
    }
    if (previous_) {
        // Interrupting a crossfade: the mixed frame on screen becomes "old".
        TexturePtr frozen = freeze_current_frame(now);
        previous_ = frozen ? std::move(frozen) : std::move(current_);
    } else {
        previous_ = std::move(current_);
    }
    current_ = std::move(slide);
    start_ = now;
}

void Compositor::replace(TexturePtr slide) {
    current_ = std::move(slide);
    previous_.reset();
}

void Compositor::clear() {
    current_.reset();
    previous_.reset();
}

void Compositor::draw(Clock::time_point now) {
    SDL_Renderer* r = display_.renderer();
    if (previous_ && now >= start_ + fade_) previous_.reset();
    if (!current_) {
        SDL_SetRenderDrawColor(r, 0x2A, 0x2F, 0x36, 255);
        SDL_RenderClear(r);
        return;
    }
    if (previous_) {
        // Old slide opaque underneath, new slide on top with rising alpha:
        // every pixel is always fully covered, never black.
        SDL_SetTextureBlendMode(previous_.get(), SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(previous_.get(), 255);
        SDL_RenderCopy(r, previous_.get(), nullptr, nullptr);
        SDL_SetTextureBlendMode(current_.get(), SDL_BLENDMODE_BLEND);
        SDL_SetTextureAlphaMod(current_.get(), alpha_at(now));
        SDL_RenderCopy(r, current_.get(), nullptr, nullptr);
        return;
    }
    SDL_SetTextureBlendMode(current_.get(), SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(current_.get(), 255);
    SDL_RenderCopy(r, current_.get(), nullptr, nullptr);
}

}  // namespace signage::render
