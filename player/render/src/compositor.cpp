#include "render/compositor.hpp"

#include <algorithm>
#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// `texture` (a render target) read into a new surface of `format`.
SurfacePtr read_texture(SDL_Renderer* r, SDL_Texture* texture, Uint32 format) {
    const Size s = texture_size(texture);
    SurfacePtr out(SDL_CreateRGBSurfaceWithFormat(0, s.w, s.h, 32, format));
    if (!out) return nullptr;
    SDL_Texture* previous_target = SDL_GetRenderTarget(r);
    if (SDL_SetRenderTarget(r, texture) != 0) return nullptr;
    const int read = SDL_RenderReadPixels(r, nullptr, format, out->pixels, out->pitch);
    SDL_SetRenderTarget(r, previous_target);
    if (read != 0) return nullptr;
    return out;
}

// x / 255 for 0 <= x <= 255 * 255, without a division.
constexpr Uint32 div255(Uint32 x) {
    return (x + 1 + (x >> 8)) >> 8;
}

// One pixel of the crossfade: `over` (ARGB8888) at alpha mod `m` blended
// onto `under`, with SDL's arithmetic for SDL_BLENDMODE_BLEND with an alpha
// mod (SDL_blit_auto.c): sa = a_over * m / 255; each colour
// c = c_over * sa / 255 + (255 - sa) * c_under / 255; alpha
// sa + (255 - sa) * a_under / 255; in integers.
constexpr Uint32 crossfade_pixel(Uint32 under, Uint32 over, Uint32 m) {
    const Uint32 sa = div255((over >> 24) * m);
    const Uint32 isa = 255 - sa;
    Uint32 out = (sa + div255(isa * (under >> 24))) << 24;
    for (int shift = 0; shift < 24; shift += 8) {
        const Uint32 c =
            div255(((over >> shift) & 0xFFu) * sa) + div255(isa * ((under >> shift) & 0xFFu));
        out |= c << shift;
    }
    return out;
}

#if defined(__SSE2__)
// x / 255 in each 16-bit lane (x <= 255 * 255).
inline __m128i div255_epu16(__m128i x) {
    const __m128i one = _mm_set1_epi16(1);
    return _mm_srli_epi16(_mm_add_epi16(_mm_add_epi16(x, one), _mm_srli_epi16(x, 8)), 8);
}

// crossfade_pixel on two pixels widened to 16-bit lanes (B G R A B G R A).
inline __m128i crossfade_2px(__m128i under, __m128i over, __m128i m) {
    const __m128i ff = _mm_set1_epi16(255);
    const __m128i alpha_lanes = _mm_set_epi16(-1, 0, 0, 0, -1, 0, 0, 0);
    // Each pixel's alpha in its four lanes.
    const __m128i oa = _mm_shufflehi_epi16(_mm_shufflelo_epi16(over, 0xFF), 0xFF);
    const __m128i sa = div255_epu16(_mm_mullo_epi16(oa, m));
    const __m128i isa = _mm_sub_epi16(ff, sa);
    __m128i src = div255_epu16(_mm_mullo_epi16(over, sa));
    src = _mm_or_si128(_mm_andnot_si128(alpha_lanes, src), _mm_and_si128(alpha_lanes, sa));
    return _mm_add_epi16(src, div255_epu16(_mm_mullo_epi16(under, isa)));
}
#endif

#if defined(__x86_64__)
#define SIGNAGE_AVX2 __attribute__((target("avx2")))
// div255_epu16 and crossfade_2px on eight pixels, for a CPU with AVX2 (asked
// at run time: the build targets plain x86-64).
SIGNAGE_AVX2 inline __m256i div255_avx2(__m256i x) {
    const __m256i one = _mm256_set1_epi16(1);
    return _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(x, one), _mm256_srli_epi16(x, 8)),
                             8);
}

SIGNAGE_AVX2 inline __m256i crossfade_4px_avx2(__m256i under, __m256i over, __m256i m) {
    const __m256i ff = _mm256_set1_epi16(255);
    const __m256i alpha_lanes =
        _mm256_set_epi16(-1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0);
    const __m256i oa = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(over, 0xFF), 0xFF);
    const __m256i sa = div255_avx2(_mm256_mullo_epi16(oa, m));
    const __m256i isa = _mm256_sub_epi16(ff, sa);
    __m256i src = div255_avx2(_mm256_mullo_epi16(over, sa));
    src = _mm256_or_si256(_mm256_andnot_si256(alpha_lanes, src), _mm256_and_si256(alpha_lanes, sa));
    return _mm256_add_epi16(src, div255_avx2(_mm256_mullo_epi16(under, isa)));
}

// The row's pixels eight at a time; returns how many it did. The 256-bit
// unpacks and packs work within each 128-bit half, so pixels come out in the
// order they went in.
SIGNAGE_AVX2 int crossfade_row_avx2(const Uint32* __restrict under, const Uint32* __restrict over,
                                    Uint32 m, Uint32* __restrict out, int n) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i mm = _mm256_set1_epi16(static_cast<short>(m));
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(under + i));
        const __m256i o = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(over + i));
        const __m256i lo =
            crossfade_4px_avx2(_mm256_unpacklo_epi8(u, zero), _mm256_unpacklo_epi8(o, zero), mm);
        const __m256i hi =
            crossfade_4px_avx2(_mm256_unpackhi_epi8(u, zero), _mm256_unpackhi_epi8(o, zero), mm);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_packus_epi16(lo, hi));
    }
    return i;
}
#undef SIGNAGE_AVX2
#endif

// One row of `n` pixels of the crossfade (crossfade_pixel), eight at a time
// with AVX2, four with SSE2.
void crossfade_row(const Uint32* __restrict under, const Uint32* __restrict over, Uint32 m,
                   Uint32* __restrict out, int n) {
    int i = 0;
#if defined(__x86_64__)
    static const bool avx2 = __builtin_cpu_supports("avx2") != 0;
    if (avx2) i = crossfade_row_avx2(under, over, m, out, n);
#endif
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    const __m128i mm = _mm_set1_epi16(static_cast<short>(m));
    for (; i + 4 <= n; i += 4) {  // what AVX2 left, or all of it
        const __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i*>(under + i));
        const __m128i o = _mm_loadu_si128(reinterpret_cast<const __m128i*>(over + i));
        const __m128i lo =
            crossfade_2px(_mm_unpacklo_epi8(u, zero), _mm_unpacklo_epi8(o, zero), mm);
        const __m128i hi =
            crossfade_2px(_mm_unpackhi_epi8(u, zero), _mm_unpackhi_epi8(o, zero), mm);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packus_epi16(lo, hi));
    }
#endif
    for (; i < n; ++i) out[i] = crossfade_pixel(under[i], over[i], m);
}

// The crossfade's frame in one pass: `over` at alpha mod `m` on `under`
// (ARGB8888 pictures the size of `at`) into `dst` (ARGB8888, or XRGB8888
// whose top byte nobody reads) at `at`.
void crossfade_into(const SDL_Surface& under, const SDL_Surface& over, Uint8 m, SDL_Surface& dst,
                    const SDL_Rect& at) {
    const auto row = [](const SDL_Surface& s, int y) {
        return static_cast<Uint8*>(s.pixels) + static_cast<std::ptrdiff_t>(y) * s.pitch;
    };
    for (int y = 0; y < at.h; ++y) {
        crossfade_row(reinterpret_cast<const Uint32*>(row(under, y)),
                      reinterpret_cast<const Uint32*>(row(over, y)), m,
                      reinterpret_cast<Uint32*>(row(dst, at.y + y)) + at.x, at.w);
    }
}

}  // namespace

Compositor::Compositor(Display& display, std::chrono::milliseconds fade)
    : display_(display), fade_(fade) {}

void Compositor::set_layout(const ScreenLayout& layout) {
    layout_ = layout;
    layout_set_ = true;
    ++scene_;
    scratch_.reset();
    fade_pixels_.reset();
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
    const bool fading = previous_ || (reveal_end() && now < *reveal_end());
    const bool ticker = ticker_ != nullptr && layout_.has_ticker() && !ticker_->empty();
    const bool film_plays = film_ && !film_->ended(now);
    std::optional<Clock::time_point> due;
    if (fading) {
        due = now + kFrameInterval;
    } else if (ticker) {
        // While a film plays, the ticker steps with the film's pictures.
        due = now + (film_plays ? kTickerWithFilmInterval : kFrameInterval);
    }
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
    fade_pixels_.reset();
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
    scratch_covers_.clear();
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
    fade_pixels_.reset();
    current_ = std::move(slide);
    previous_.reset();
    film_.reset();
    previous_film_.reset();
    reveal_base_.reset();
    reveal_rects_.clear();
    scratch_covers_.clear();
}

void Compositor::show_emergency(TexturePtr full_screen) {
    if (full_screen) emergency_ = std::move(full_screen);
    ++scene_;
}

void Compositor::clear() {
    ++scene_;
    fade_pixels_.reset();
    current_.reset();
    previous_.reset();
    film_.reset();
    previous_film_.reset();
    reveal_base_.reset();
    reveal_rects_.clear();
    scratch_covers_.clear();
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
        scratch_covers_.clear();
        return current_.get();
    }
    // How much of each region the reveal's base still covers.
    std::vector<Uint8> covers(reveal_rects_.size());
    const auto t0 = reveal_start();
    for (std::size_t i = 0; i < reveal_rects_.size(); ++i) {
        const auto begin = t0 + kRevealStep * static_cast<int>(i);
        const double p = std::clamp(
            std::chrono::duration<double>(now - begin) / std::chrono::duration<double>(kRevealFade),
            0.0, 1.0);
        const double eased = p * p * (3.0 - 2.0 * p);
        covers[i] = static_cast<Uint8>(std::lround((1.0 - eased) * 255.0));
    }
    SDL_Renderer* r = display_.renderer();
    const Size s = texture_size(current_.get());
    if (scratch_ && texture_size(scratch_.get()) == s && scratch_covers_ == covers) {
        return scratch_.get();  // the same picture as last frame (e.g. under the crossfade)
    }
    // Composed before for this slide: only the regions whose cover changed
    // are composed again (the rest of scratch_ is the slide already).
    bool partly =
        scratch_ && texture_size(scratch_.get()) == s && scratch_covers_.size() == covers.size();
    for (std::size_t i = 0; partly && i < reveal_rects_.size(); ++i) {
        for (std::size_t j = i + 1; j < reveal_rects_.size(); ++j) {
            if (SDL_HasIntersection(&reveal_rects_[i], &reveal_rects_[j])) partly = false;
        }
    }
    if (!partly) scratch_ = make_target(r, s.w, s.h);
    const std::vector<Uint8> before = partly ? scratch_covers_ : std::vector<Uint8>{};
    scratch_covers_.clear();
    ++scratch_version_;
    if (!scratch_) return current_.get();
    SDL_Texture* previous_target = SDL_GetRenderTarget(r);
    if (SDL_SetRenderTarget(r, scratch_.get()) != 0) return current_.get();
    SDL_SetTextureBlendMode(current_.get(), SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(current_.get(), 255);
    if (!partly) SDL_RenderCopy(r, current_.get(), nullptr, nullptr);
    SDL_SetTextureBlendMode(reveal_base_.get(), SDL_BLENDMODE_BLEND);
    for (std::size_t i = 0; i < reveal_rects_.size(); ++i) {
        const SDL_Rect& rc = reveal_rects_[i];
        if (partly) {
            if (before[i] == covers[i]) continue;
            SDL_RenderCopy(r, current_.get(), &rc, &rc);
        }
        if (covers[i] == 0) continue;
        SDL_SetTextureAlphaMod(reveal_base_.get(), covers[i]);
        SDL_RenderCopy(r, reveal_base_.get(), &rc, &rc);
    }
    SDL_SetRenderTarget(r, previous_target);
    scratch_covers_ = std::move(covers);
    return scratch_.get();
}

std::optional<SDL_Rect> Compositor::draw_main(Clock::time_point now, const SDL_Rect& dst) {
    SDL_Renderer* r = display_.renderer();
    if (previous_ && now >= start_ + fade_) {
        previous_.reset();
        previous_film_.reset();
        fade_pixels_.reset();
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
        if (crossfade_direct(image, now, dst)) return dst;
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

bool Compositor::crossfade_direct(SDL_Texture* image, Clock::time_point now, const SDL_Rect& dst) {
    // Straight onto the software renderer's surface, for slides without
    // films (whose frames change the slides' pictures each frame) drawn at
    // their own size.
    SDL_Renderer* r = display_.renderer();
    if (film_ || previous_film_ || SDL_GetRenderTarget(r) != nullptr) return false;
    SDL_Surface* direct = display_.software_target();
    if (direct == nullptr) return false;
    // At full alpha SDL blends without the alpha mod, by other arithmetic
    // (and fast): its way then.
    const Uint8 alpha = alpha_at(now);
    if (alpha == 255) return false;
    const Uint32 format = direct->format->format;
    if (format != SDL_PIXELFORMAT_ARGB8888 && format != SDL_PIXELFORMAT_XRGB8888) return false;
    const Size under = texture_size(previous_.get()), over = texture_size(image);
    if (under.w != dst.w || under.h != dst.h || over != under) return false;
    if (dst.x < 0 || dst.y < 0 || dst.x + dst.w > direct->w || dst.y + dst.h > direct->h) {
        return false;
    }
    // The two pictures, read once a crossfade (or when the slide's
    // reveal picture changes).
    if (!fade_pixels_ || fade_pixels_->under != previous_.get() || fade_pixels_->over != image ||
        fade_pixels_->over_version != scratch_version_ || fade_pixels_->format != format) {
        FadePixels px{previous_.get(),
                      image,
                      scratch_version_,
                      format,
                      read_texture(r, previous_.get(), SDL_PIXELFORMAT_ARGB8888),
                      read_texture(r, image, SDL_PIXELFORMAT_ARGB8888)};
        if (!px.under_pixels || !px.over_pixels) {
            fade_pixels_.reset();
            return false;
        }
        fade_pixels_ = std::move(px);
    }
    SDL_RenderFlush(r);  // what is queued comes first (it lies outside the main zone)
    if (SDL_MUSTLOCK(direct) && SDL_LockSurface(direct) != 0) return false;
    crossfade_into(*fade_pixels_->under_pixels, *fade_pixels_->over_pixels, alpha, *direct, dst);
    if (SDL_MUSTLOCK(direct)) SDL_UnlockSurface(direct);
    return true;
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
