#pragma once
// Film: a video slide's moving picture. The slide is rendered once, like any
// other (backdrop, caption band, QR card), with the film's first frame in
// its place; the compositor then asks the film, each frame, to draw the
// frame due now into that place of the slide's texture. Frames are uploaded
// to a streaming YUV texture (the GPU, or SDL's own converter, turns them
// into RGB) and paced by their presentation times against the steady clock
// from the moment the slide is shown: a frame whose time has passed is
// dropped rather than shown late, so the film never slips behind. A film
// that sounds follows its sound's clock instead (render/sound.hpp). What the
// slide draws over the film (its QR card) is kept and drawn again on top of
// each frame.
//
// Render thread only (the decoder has its own thread).

#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "render/sdl.hpp"
#include "render/sound.hpp"
#include "render/video.hpp"

namespace signage::render {

class Film {
  public:
    using Clock = std::chrono::steady_clock;

    // Frames of `decoder` go from `src` (a crop of the film's frame, or all
    // of it) to `dst` in the slide's texture.
    Film(SDL_Renderer* renderer, std::unique_ptr<VideoDecoder> decoder, SDL_Rect src, SDL_Rect dst);

    // Draws the first frame into the current render target (the slide being
    // rendered). Fails when the film has no frame.
    Status draw_first();
    // Keeps what the current render target shows at `rect` (drawn over the
    // film) to draw again over each frame.
    void keep_overlay(const SDL_Rect& rect);

    // The film's clock starts: its frame at time t is due at now + t.
    void start(Clock::time_point now);
    bool started() const { return start_.has_value(); }
    // Draws the frame due at `now` into `target` when a new one is due;
    // true when it drew.
    bool update(SDL_Texture* target, Clock::time_point now);
    // When the next frame is due (or, with none decoded yet, a moment from
    // now; at the end, when the last frame's time is up); nullopt before
    // start() and once ended.
    std::optional<Clock::time_point> next_due(Clock::time_point now) const;
    // A film that does not loop has shown its last frame for its time.
    bool ended(Clock::time_point now) const;
    // Seconds of the film shown by `now`: what its sound has played while
    // it sounds, the steady clock otherwise.
    double elapsed(Clock::time_point now) const;
    // The film's sound (nullptr for a silent film, one shown without it, or
    // once its sound was released).
    std::shared_ptr<FilmSound> sound() const;
    // Its sound stops being the clock (it no longer plays: the film is going
    // out); the steady clock goes on from where the sound was.
    void release_sound(Clock::time_point now);

    const VideoDecoder& decoder() const { return *decoder_; }
    VideoDecoder& decoder() { return *decoder_; }
    // The number of the frame on screen (0 the first), for tests.
    std::int64_t frame_number() const { return frame_number_; }

  private:
    Status upload_and_draw(const VideoFrame& frame);

    SDL_Renderer* renderer_;
    std::unique_ptr<VideoDecoder> decoder_;
    SDL_Rect src_, dst_;
    TexturePtr yuv_;
    std::vector<std::pair<SDL_Rect, TexturePtr>> overlays_;
    std::optional<Clock::time_point> start_;
    bool sound_clock_ = true;  // the sound, when there is one, is the clock
    double shown_end_ = 0;     // when the frame on screen has had its time
    std::int64_t frame_number_ = -1;
};

}  // namespace signage::render
