#pragma once
// Compositor: what is on screen. Each frame it draws the header, the main
// zone and the ticker (render/screen_layout.hpp), or an emergency notice over
// the whole screen.
//
// Main zone: a new slide is first rendered completely into its own texture
// (at layout().main size); show() then starts a crossfade: each frame draws
// the old slide opaque and the new one on top with rising alpha, so no frame
// is ever black or half-drawn. A show() during a crossfade freezes the frame
// on screen as the new "old" slide. A slide with a reveal (core values: its
// three levels, SlideLayout::reveal) starts with those regions covered by
// its reveal_base and uncovers them one after the other once the crossfade
// is over (kRevealStep apart, each fading in over kRevealFade); the last
// frame of a reveal is exactly the slide's texture. On the software
// renderer a crossfade without films is blended in one pass straight into
// the screen's surface, with SDL's arithmetic (the same pixels).
//
// A video slide's film (RenderedSlide::film) starts when its slide is shown
// (the crossfade's start) and takes each of its frames when due. Shown
// alone, the slide is drawn around the film's box and the frame straight
// into the box (on the software renderer, converted into the screen's own
// pixels: one pass a frame); under a crossfade both films paint their
// frames into their slides' textures, and the film going out keeps playing.
// On a display that keeps its frame (Display::keeps_frame(): the software
// renderer), a slide shown alone (with or without a film) is drawn whole
// once; after that a frame draws the ticker, the header when its picture
// changed (the clock's minute), and, when a film has a new picture, the
// film's box, and nothing else; changed() says which rects those were, so
// the display presents only them (Display::present_changed()). Anything
// that changes what is shown (show, replace, an emergency, a cover, a
// layout, another header, redraw_all()) makes the next frame whole again.
//
// When to draw: next_frame_due() says when the next frame is needed: every
// kFrameInterval while a crossfade, a reveal or the ticker runs, at each
// film frame's time; nullopt when the picture is still (a static slide with
// no ticker costs no CPU). While a film plays (and nothing fades), the
// ticker steps with the film's pictures, 24 to 30 a second, instead of 60:
// a second screen's worth of drawing and presenting for no new picture
// would be most of what the film costs beyond its decoding. A film that
// holds a picture longer than kTickerWithFilmInterval (a still part of a
// film with variable frame rate) does not stop the ticker.
// The header's clock is not the compositor's business: its owner wakes up at
// ScreenHeader::next_change() and redraws when update() returns true.
//
// Not thread-safe; render thread only.

#include <chrono>
#include <optional>
#include <vector>

#include "render/chrome.hpp"
#include "render/display.hpp"
#include "render/screen_layout.hpp"
#include "render/sdl.hpp"
#include "render/slide_renderer.hpp"
#include "render/sound.hpp"

namespace signage::render {

class Compositor {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kFrameInterval{16};
    static constexpr std::chrono::milliseconds kTickerWithFilmInterval{50};
    static constexpr std::chrono::milliseconds kRevealStep{450};
    static constexpr std::chrono::milliseconds kRevealFade{600};

    explicit Compositor(Display& display,
                        std::chrono::milliseconds fade = std::chrono::milliseconds{600});
    ~Compositor();
    Compositor(const Compositor&) = delete;
    Compositor& operator=(const Compositor&) = delete;

    // Where the zones are. Default: the whole output is the main zone, with
    // no header and no ticker. Textures shown later should be rendered at
    // layout.main_size(); others are stretched to the main zone.
    void set_layout(const ScreenLayout& layout);
    const ScreenLayout& layout() const { return layout_; }
    // The chrome, not owned (must outlive the compositor or be unset with
    // nullptr). The header is drawn from its current texture (keep it
    // updated); the ticker is placed at layout().ticker.
    void set_header(const ScreenHeader* header) {
        header_ = header;
        ++scene_;
    }
    Status set_ticker(Ticker* ticker);

    // Puts `slide` (an opaque texture of the main zone's size) on screen: at
    // once when nothing is shown yet, else by a crossfade starting at `now`.
    void show(TexturePtr slide, Clock::time_point now);
    // The same for a rendered slide, with its reveal when it has one.
    void show(RenderedSlide slide, Clock::time_point now);
    // Replaces what is shown without a transition (after a resize re-render).
    void replace(TexturePtr slide);

    // An emergency notice (a texture of the whole output's size) covers the
    // screen, header and ticker included, at once, until clear_emergency();
    // the rotation underneath keeps its state.
    void show_emergency(TexturePtr full_screen);
    void clear_emergency() {
        emergency_.reset();
        ++scene_;
    }
    // A page of the whole output's size over everything, emergencies
    // included (the pairing page of a screen without a token). clear()
    // leaves it; clear_cover() removes it.
    void show_cover(TexturePtr full_screen) {
        cover_ = std::move(full_screen);
        ++scene_;
    }
    void clear_cover() {
        cover_.reset();
        ++scene_;
    }
    bool has_cover() const { return cover_ != nullptr; }
    bool has_emergency() const { return emergency_ != nullptr; }

    // Draws the frame for `now` onto the display's default target (does not
    // present). Finishes the transition and the reveal when their time is up.
    void draw(Clock::time_point now);
    // What the last draw() drew, on a display that keeps its frame
    // (Display::keeps_frame()): the rest of the output still shows the
    // frame before, so presenting these rects (Display::present_changed())
    // shows the new frame. nullopt: the whole output.
    const std::optional<std::vector<SDL_Rect>>& changed() const { return changed_; }
    // The next draw() draws everything (the display lost its picture).
    void redraw_all() { ++scene_; }

    bool has_content() const { return current_ != nullptr; }
    // The film playing in the slide on screen, if any.
    const Film* film() const { return film_.get(); }
    // Films sound through `out` (nullptr: silent); it must outlive the
    // compositor. Only the film on screen sounds, and nothing while an
    // emergency or a cover is shown.
    void set_sound_out(SoundOut* out) { sound_out_ = out; }
    bool in_transition() const { return previous_ != nullptr; }
    // When the running transition ends; nullopt when none runs.
    std::optional<Clock::time_point> transition_end() const;
    // Alpha (0..255) of the new slide at `now` during a transition.
    std::uint8_t alpha_at(Clock::time_point now) const;
    // When the running reveal ends; nullopt when none runs.
    std::optional<Clock::time_point> reveal_end() const;
    // Something moves at `now`: a crossfade, a reveal or a scrolling ticker
    // (not while an emergency covers the screen).
    bool animating(Clock::time_point now) const;
    // When the next frame must be drawn: now + kFrameInterval while
    // animating (the next film picture's time, or now +
    // kTickerWithFilmInterval, while a film plays), nullopt when the
    // picture is still.
    std::optional<Clock::time_point> next_frame_due(Clock::time_point now) const;

    std::chrono::milliseconds fade() const { return fade_; }
    // Frees every texture (render targets lost or the output resized).
    void clear();

  private:
    TexturePtr freeze_current_frame(Clock::time_point now);
    // The current slide as it looks at `now` (mid-reveal: composed into
    // scratch_), or the slide texture itself.
    SDL_Texture* current_image(Clock::time_point now);
    // Draws the main zone at `dst`: what it drew (dst, or a film's box), or
    // nullopt when the display still shows it.
    std::optional<SDL_Rect> draw_main(Clock::time_point now, const SDL_Rect& dst);
    // The crossfade's frame at `dst` in one pass straight onto the software
    // renderer's surface (previous_ under `image`); false when it cannot
    // be (a GPU renderer, films, stretched slides): SDL blends then.
    bool crossfade_direct(SDL_Texture* image, Clock::time_point now, const SDL_Rect& dst);
    // The film's box on screen for the current slide drawn at `dst`.
    SDL_Rect film_box(const SDL_Rect& dst) const;
    // The current slide but its film's box, at `dst`.
    void draw_around_film(const SDL_Rect& dst);
    Clock::time_point reveal_start() const;

    Display& display_;
    std::chrono::milliseconds fade_;
    ScreenLayout layout_;
    bool layout_set_ = false;
    const ScreenHeader* header_ = nullptr;
    Ticker* ticker_ = nullptr;
    TexturePtr current_;
    TexturePtr previous_;                  // non-null during a transition
    std::shared_ptr<Film> film_;           // plays in current_
    std::shared_ptr<Film> previous_film_;  // plays in previous_ during the transition
    SoundOut* sound_out_ = nullptr;
    std::shared_ptr<FilmSound> sounding_;  // what sound_out_ plays
    void update_sound(Clock::time_point now);
    Clock::time_point start_{};
    Clock::time_point shown_at_{};
    // The reveal of the current slide.
    TexturePtr reveal_base_;  // non-null while a reveal is pending or runs
    std::vector<SDL_Rect> reveal_rects_;
    TexturePtr scratch_;
    std::vector<Uint8> scratch_covers_;  // the covers scratch_ was composed with
    std::uint64_t scratch_version_ = 0;  // counts scratch_'s compositions
    // The crossfade's two pictures as pixels of the software target's
    // format, read once a crossfade.
    struct FadePixels {
        const SDL_Texture* under = nullptr;
        const SDL_Texture* over = nullptr;
        std::uint64_t over_version = 0;
        Uint32 format = 0;
        SurfacePtr under_pixels;
        SurfacePtr over_pixels;
    };
    std::optional<FadePixels> fade_pixels_;
    TexturePtr emergency_;
    TexturePtr cover_;
    // What the display still shows while a film plays alone on it
    // (Display::keeps_frame()): the slide around the film, and the film's
    // picture numbered `frame`, as of scene_ `scene`, in `dst`, on `pixels`.
    // Whatever else reaches the screen (a crossfade, a reveal, a cover, an
    // emergency, nothing) starts with a change that counts in scene_, so a
    // kept frame from before it never matches again.
    struct Kept {
        std::uint64_t scene = 0;
        SDL_Rect dst{};
        const void* pixels = nullptr;
        std::int64_t frame = -1;
    };
    std::optional<Kept> kept_;
    // The header the display still shows: drawn as of scene_ `scene` on
    // `pixels`, from `header`'s picture numbered `version`.
    struct KeptHeader {
        std::uint64_t scene = 0;
        const void* pixels = nullptr;
        const ScreenHeader* header = nullptr;
        std::uint64_t version = 0;
        bool operator==(const KeptHeader&) const = default;
    };
    std::optional<KeptHeader> kept_header_;
    std::optional<std::vector<SDL_Rect>> changed_;
    std::uint64_t scene_ = 0;  // counts the changes to what is shown
};

}  // namespace signage::render
