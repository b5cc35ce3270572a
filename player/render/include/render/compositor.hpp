#pragma once
// Compositor: what is on screen, and the crossfade between slides.
//
// A new slide is first rendered completely into its own texture; show() then
// starts a crossfade: each frame draws the old slide opaque and the new one on
// top with rising alpha, so no frame is ever black or half-drawn. A show()
// during a crossfade freezes the frame on screen as the new "old" slide.
//
// Not thread-safe; render thread only.

#include <chrono>
#include <optional>

#include "render/display.hpp"
#include "render/sdl.hpp"

namespace signage::render {

class Compositor {
  public:
    using Clock = std::chrono::steady_clock;

    explicit Compositor(Display& display,
                        std::chrono::milliseconds fade = std::chrono::milliseconds{600});

    // Puts `slide` (an opaque texture of the output size) on screen: at once
    // when nothing is shown yet, else by a crossfade starting at `now`.
    void show(TexturePtr slide, Clock::time_point now);
    // Replaces what is shown without a transition (after a resize re-render).
    void replace(TexturePtr slide);

    // Draws the frame for `now` onto the display's default target (does not
    // present). Finishes the transition when its time is up.
    void draw(Clock::time_point now);

    bool has_content() const { return current_ != nullptr; }
    bool in_transition() const { return previous_ != nullptr; }
    // When the running transition ends; nullopt when none runs.
    std::optional<Clock::time_point> transition_end() const;
    // Alpha (0..255) of the new slide at `now` during a transition.
    std::uint8_t alpha_at(Clock::time_point now) const;

    std::chrono::milliseconds fade() const { return fade_; }
    // Frees every texture (render targets lost or the output resized).
    void clear();

  private:
    TexturePtr freeze_current_frame(Clock::time_point now);

    Display& display_;
    std::chrono::milliseconds fade_;
    TexturePtr current_;
    TexturePtr previous_;  // non-null during a transition
    Clock::time_point start_{};
};

}  // namespace signage::render
