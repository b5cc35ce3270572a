#include "render/compositor.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

namespace signage::render {

namespace {

TexturePtr make_target(SDL_Renderer* r, int w, int h) {
    return TexturePtr(
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h));
}

Size texture_size(SDL_Texture* t) {
    Size s;
    SDL_QueryTexture(t, nullptr, nullptr, &s.w, &s.h);
    return s;
}

}  // namespace

Compositor::Compositor(Display& display, std::chrono::milliseconds fade)
    : display_(display), fade_(fade) {}

void Compositor::set_layout(const ScreenLayout& layout) {
    layout_ = layout;
    layout_set_ = true;
    ++scene_;
    scratch_.reset();
    if (ticker_ && layout_.has_ticker()) {
        if (auto st = ticker_->set_rect(layout_.ticker, layout_.scale); !st) {
            spdlog::warn("ticker: {}", st.error().message);
        }
    }
}

Status Compositor::set_ticker(Ticker* ticker) {
    ticker_ = ticker;
    if (ticker_ && layout_.has_ticker()) return ticker_->set_rect(layout_.ticker, layout_.scale);
    return {};
}

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

Compositor::Clock::time_point Compositor::reveal_start() const {
    // The reveal waits for the crossfade into the slide to finish.
    return previous_ ? start_ + fade_ : shown_at_;
}

std::optional<Compositor::Clock::time_point> Compositor::reveal_end() const {
    if (!reveal_base_ || reveal_rects_.empty()) return std::nullopt;
    return reveal_start() + kRevealStep * static_cast<int>(reveal_rects_.size() - 1) + kRevealFade;
}

bool Compositor::animating(Clock::time_point now) const {
    if (emergency_ || cover_) return false;
    if (previous_) return true;
    if (const auto end = reveal_end(); end && now < *end) return true;
    if (film_ && !film_->ended(now)) return true;
    return ticker_ != nullptr && layout_.has_ticker() && !ticker_->empty();
}

std::optional<Compositor::Clock::time_point> Compositor::next_frame_due(
    Clock::time_point now) const {
    if (!animating(now)) return std::nullopt;
    const bool moving = previous_ || (reveal_end() && now < *reveal_end()) ||
                        (ticker_ != nullptr && layout_.has_ticker() && !ticker_->empty());
    std::optional<Clock::time_point> due;
    if (moving) due = now + kFrameInterval;
    for (const Film* f : {film_.get(), previous_ ? previous_film_.get() : nullptr}) {
        if (f == nullptr) continue;
        if (auto t = f->next_due(now); t && (!due || *t < *due)) due = *t;
    }
    return due;
}

TexturePtr Compositor::freeze_current_frame(Clock::time_point now) {
    SDL_Renderer* r = display_.renderer();
    const Size s = current_ ? texture_size(current_.get()) : layout_.main_size();
    TexturePtr frozen = make_target(r, s.w, s.h);
    if (!frozen) return nullptr;
    SDL_Texture* previous_target = SDL_GetRenderTarget(r);
    if (SDL_SetRenderTarget(r, frozen.get()) != 0) return nullptr;
    draw_main(now, SDL_Rect{0, 0, s.w, s.h});
    SDL_SetRenderTarget(r, previous_target);
    return frozen;
}

void Compositor::show(TexturePtr slide, Clock::time_point now) {
    if (!slide) return;
    ++scene_;
    if (!current_ || fade_.count() <= 0) {
        current_ = std::move(slide);
        previous_.reset();
        previous_film_.reset();
        film_.reset();
    } else {
        if (previous_) {
            // Interrupting a crossfade: the mixed frame on screen becomes "old".
            TexturePtr frozen = freeze_current_frame(now);
            previous_ = frozen ? std::move(frozen) : std::move(current_);
            previous_film_ = frozen ? nullptr : std::move(film_);
        } else {
            previous_ = std::move(current_);
            previous_film_ = std::move(film_);
        }
        film_.reset();
        current_ = std::move(slide);
        start_ = now;
    }
    shown_at_ = now;
    reveal_base_.reset();
    reveal_rects_.clear();
}

void Compositor::show(RenderedSlide slide, Clock::time_point now) {
    TexturePtr base = std::move(slide.reveal_base);
    std::vector<SDL_Rect> rects = slide.layout.reveal;
    show(std::move(slide.texture), now);
    if (slide.film) {
        film_ = std::move(slide.film);
        film_->start(now);
    }
    if (base && !rects.empty()) {
        reveal_base_ = std::move(base);
        reveal_rects_ = std::move(rects);
    }
}

void Compositor::replace(TexturePtr slide) {
    ++scene_;
    current_ = std::move(slide);
    previous_.reset();
    film_.reset();
    previous_film_.reset();
    reveal_base_.reset();
    reveal_rects_.clear();
}

void Compositor::show_emergency(TexturePtr full_screen) {
    if (full_screen) emergency_ = std::move(full_screen);
    ++scene_;
}

void Compositor::clear() {
    ++scene_;
    current_.reset();
    previous_.reset();
    film_.reset();
    previous_film_.reset();
    reveal_base_.reset();
    reveal_rects_.clear();
    scratch_.reset();
    emergency_.reset();
    update_sound(Clock::now());
}

SDL_Texture* Compositor::current_image(Clock::time_point now) {
    if (!reveal_base_) return current_.get();
    const auto end = reveal_end();
    if (!end || now >= *end) {
        // Done: from now on the slide itself, exactly.
        reveal_base_.reset();
        reveal_rects_.clear();
        return current_.get();
    }
    SDL_Renderer* r = display_.renderer();
    const Size s = texture_size(current_.get());
    if (!scratch_ || texture_size(scratch_.get()) != s) scratch_ = make_target(r, s.w, s.h);
    if (!scratch_) return current_.get();
    SDL_Texture* previous_target = SDL_GetRenderTarget(r);
    if (SDL_SetRenderTarget(r, scratch_.get()) != 0) return current_.get();
    SDL_SetTextureBlendMode(current_.get(), SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(current_.get(), 255);
    SDL_RenderCopy(r, current_.get(), nullptr, nullptr);
    SDL_SetTextureBlendMode(reveal_base_.get(), SDL_BLENDMODE_BLEND);
    const auto t0 = reveal_start();
    for (std::size_t i = 0; i < reveal_rects_.size(); ++i) {
        const auto begin = t0 + kRevealStep * static_cast<int>(i);
        const double p = std::clamp(
            std::chrono::duration<double>(now - begin) / std::chrono::duration<double>(kRevealFade),
            0.0, 1.0);
        const double eased = p * p * (3.0 - 2.0 * p);
        const auto cover = static_cast<Uint8>(std::lround((1.0 - eased) * 255.0));
        if (cover == 0) continue;
        SDL_SetTextureAlphaMod(reveal_base_.get(), cover);
        const SDL_Rect& rc = reveal_rects_[i];
        SDL_RenderCopy(r, reveal_base_.get(), &rc, &rc);
    }
    SDL_SetRenderTarget(r, previous_target);
    return scratch_.get();
}

std::optional<SDL_Rect> Compositor::draw_main(Clock::time_point now, const SDL_Rect& dst) {
    SDL_Renderer* r = display_.renderer();
    if (previous_ && now >= start_ + fade_) {
        previous_.reset();
        previous_film_.reset();
    }
    // The films take their frames due now.
    if (film_ && current_) film_->update(now);
    if (previous_film_ && previous_) previous_film_->update(now);
    if (!current_) {
        SDL_SetRenderDrawColor(r, 0x2A, 0x2F, 0x36, 255);
        SDL_RenderFillRect(r, &dst);
        return dst;
    }
    if (!previous_ && !reveal_base_) {
        // The slide alone (with its film, if it has one). On a display that
        // keeps its frame, once drawn it stays: only a film's new picture is
        // drawn, straight onto the screen in its box.
        const bool on_screen = SDL_GetRenderTarget(r) == nullptr;
        SDL_Surface* direct = on_screen ? display_.software_target() : nullptr;
        const bool keeps = on_screen && display_.keeps_frame();
        const Kept now_shown{scene_, dst, direct != nullptr ? direct->pixels : nullptr,
                             film_ ? film_->frame_number() : -1};
        if (keeps && kept_ && kept_->scene == now_shown.scene &&
            kept_->pixels == now_shown.pixels && SDL_RectEquals(&kept_->dst, &dst)) {
            // The screen still shows the slide (and the film's last picture).
            if (!film_ || kept_->frame == now_shown.frame) return std::nullopt;
            film_->draw(dst, texture_size(current_.get()), direct);
            kept_->frame = now_shown.frame;
            return film_box(dst);
        }
        if (film_) {
            // The slide around the film, then the film's frame in its place.
            draw_around_film(dst);
            film_->draw(dst, texture_size(current_.get()), direct);
        } else {
            SDL_SetTextureBlendMode(current_.get(), SDL_BLENDMODE_NONE);
            SDL_SetTextureAlphaMod(current_.get(), 255);
            SDL_RenderCopy(r, current_.get(), nullptr, &dst);
        }
        if (keeps) {
            kept_ = now_shown;
        } else {
            kept_.reset();
        }
        return dst;
    }
    // Slides drawn whole (crossfades, reveals) carry their films' frames.
    if (film_ && current_) film_->paint_into(current_.get());
    if (previous_film_ && previous_) previous_film_->paint_into(previous_.get());
    SDL_Texture* image = current_image(now);
    if (previous_) {
        // Old slide opaque underneath, new slide on top with rising alpha:
        // every pixel is always fully covered, never black.
        SDL_SetTextureBlendMode(previous_.get(), SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(previous_.get(), 255);
        SDL_RenderCopy(r, previous_.get(), nullptr, &dst);
        SDL_SetTextureBlendMode(image, SDL_BLENDMODE_BLEND);
        SDL_SetTextureAlphaMod(image, alpha_at(now));
        SDL_RenderCopy(r, image, nullptr, &dst);
        return dst;
    }
    SDL_SetTextureBlendMode(image, SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(image, 255);
    SDL_RenderCopy(r, image, nullptr, &dst);
    return dst;
}

SDL_Rect Compositor::film_box(const SDL_Rect& dst) const {
    const Size s = texture_size(current_.get());
    if (s.w != dst.w || s.h != dst.h) return dst;  // stretched: the film is drawn scaled
    SDL_Rect box = film_->rect();
    const SDL_Rect all{0, 0, s.w, s.h};
    if (!SDL_IntersectRect(&box, &all, &box)) return SDL_Rect{dst.x, dst.y, 0, 0};
    return SDL_Rect{dst.x + box.x, dst.y + box.y, box.w, box.h};
}

void Compositor::draw_around_film(const SDL_Rect& dst) {
    SDL_Renderer* r = display_.renderer();
    SDL_Texture* slide = current_.get();
    SDL_SetTextureBlendMode(slide, SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(slide, 255);
    const Size s = texture_size(slide);
    if (s.w != dst.w || s.h != dst.h) {
        // Stretched: whole, the film over it (no seams where parts meet).
        SDL_RenderCopy(r, slide, nullptr, &dst);
        return;
    }
    SDL_Rect box = film_->rect();
    SDL_Rect all{0, 0, s.w, s.h};
    if (!SDL_IntersectRect(&box, &all, &box)) box = SDL_Rect{0, 0, 0, 0};
    // Above, below, left and right of the film's box.
    const SDL_Rect parts[] = {
        {0, 0, s.w, box.y},
        {0, box.y + box.h, s.w, s.h - box.y - box.h},
        {0, box.y, box.x, box.h},
        {box.x + box.w, box.y, s.w - box.x - box.w, box.h},
    };
    for (const SDL_Rect& part : parts) {
        if (part.w <= 0 || part.h <= 0) continue;
        const SDL_Rect to{dst.x + part.x, dst.y + part.y, part.w, part.h};
        SDL_RenderCopy(r, slide, &part, &to);
    }
}

Compositor::~Compositor() {
    if (sound_out_ != nullptr && sounding_) sound_out_->play(nullptr);
}

void Compositor::update_sound(Clock::time_point now) {
    if (sound_out_ == nullptr) return;
    std::shared_ptr<FilmSound> want;
    if (!cover_ && !emergency_ && film_) want = film_->sound();
    if (want == sounding_) return;
    // The film that sounded goes on by the steady clock from where its
    // sound was (under a crossfade, or an emergency).
    for (Film* f : {film_.get(), previous_film_.get()}) {
        if (f != nullptr && sounding_ && f->sound() == sounding_) f->release_sound(now);
    }
    sound_out_->play(want);
    sounding_ = std::move(want);
}

void Compositor::draw(Clock::time_point now) {
    update_sound(now);
    changed_.reset();  // the whole output, unless found narrower below
    SDL_Renderer* r = display_.renderer();
    const Size out = display_.size();
    if (cover_) {
        SDL_SetTextureBlendMode(cover_.get(), SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(cover_.get(), 255);
        SDL_RenderCopy(r, cover_.get(), nullptr, nullptr);
        return;
    }
    if (emergency_) {
        SDL_SetTextureBlendMode(emergency_.get(), SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(emergency_.get(), 255);
        SDL_RenderCopy(r, emergency_.get(), nullptr, nullptr);
        return;
    }
    const bool on_screen = SDL_GetRenderTarget(r) == nullptr;
    const bool keeps = on_screen && display_.keeps_frame();
    std::vector<SDL_Rect> changed;
    if (!layout_set_ || layout_.screen != out) {
        // No layout (or one for another output size): the main zone is the
        // whole screen.
        if (auto drawn = draw_main(now, SDL_Rect{0, 0, out.w, out.h})) changed.push_back(*drawn);
        if (keeps) changed_ = std::move(changed);
        return;
    }
    if (layout_.has_header()) {
        // Drawn again when its picture changed, or anything else did.
        const SDL_Surface* direct = on_screen ? display_.software_target() : nullptr;
        const KeptHeader now_shown{scene_, direct != nullptr ? direct->pixels : nullptr, header_,
                                   header_ != nullptr ? header_->version() : 0};
        if (!keeps || kept_header_ != now_shown) {
            if (header_ && header_->texture()) {
                SDL_SetTextureBlendMode(header_->texture(), SDL_BLENDMODE_NONE);
                SDL_RenderCopy(r, header_->texture(), nullptr, &layout_.header);
            } else {
                SDL_SetRenderDrawColor(r, 0xC8, 0x10, 0x2E, 255);
                SDL_RenderFillRect(r, &layout_.header);
            }
            changed.push_back(layout_.header);
        }
        kept_header_ = keeps ? std::optional<KeptHeader>(now_shown) : std::nullopt;
    }
    if (auto drawn = draw_main(now, layout_.main)) changed.push_back(*drawn);
    if (layout_.has_ticker()) {
        if (ticker_) {
            if (auto st = ticker_->draw(now); !st) {
                spdlog::warn("ticker: {}", st.error().message);
            }
        } else {
            SDL_SetRenderDrawColor(r, 0x8E, 0x0A, 0x1E, 255);
            SDL_RenderFillRect(r, &layout_.ticker);
        }
        changed.push_back(layout_.ticker);
    }
    if (keeps) changed_ = std::move(changed);
}

}  // namespace signage::render
