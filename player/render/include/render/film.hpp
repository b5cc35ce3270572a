#pragma once
// Film: a video slide's moving picture. The slide is rendered once, like any
// other (backdrop, caption band, QR card), with the film's first frame in
// its place; each frame after that, the film takes the frame due now from
// its decoder (update()) and the compositor has it drawn: straight onto the
// screen in its place (draw()) while the slide is shown alone, or into the
// slide's texture (paint_into()) while the slide is part of a crossfade.
// On the software renderer a frame drawn straight onto the screen is
// cropped or scaled (libyuv) and converted from YUV into the screen's own
// pixels with SDL's arithmetic, as SDL would in a texture (convert_yuv420,
// or SDL's converter where that has no fast way); otherwise it goes
// through a streaming YUV texture (the GPU, or SDL's own converter, turns
// it into RGB). Frames are paced by their presentation times against the
// steady clock from the moment the slide is shown: a frame whose time has
// passed is dropped rather than shown late, so the film never slips
// behind. A film that sounds follows its sound's clock instead
// (render/sound.hpp). What the slide draws over the film (its QR card) is
// kept and drawn again on top of each frame.
//
// Render thread only (the decoder has its own thread).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "render/sdl.hpp"
#include "render/sound.hpp"
#include "render/video.hpp"

namespace signage::render {

// A picture in planar YUV 4:2:0 (I420): its three planes and the bytes
// from one row of each to the next. Rows y and y + 1 share chroma row y / 2.
struct YuvPlanes {
    const std::uint8_t* y = nullptr;
    const std::uint8_t* u = nullptr;
    const std::uint8_t* v = nullptr;
    int y_stride = 0, u_stride = 0, v_stride = 0;
};

// Converts the `w` x `h` picture `src` into 32-bit pixels of `format` at
// `out` (`pitch` bytes a row) exactly as SDL_ConvertPixels converts the same
// picture as IYUV under `mode` (SDL 2's fixed-point arithmetic, byte for
// byte), reading the planes where they are, in one pass. Returns false,
// having written nothing, where it has no fast way: a CPU without AVX2, a
// `format` other than ARGB8888 or XRGB8888, or the automatic mode. Any
// thread.
bool convert_yuv420(const YuvPlanes& src, int w, int h, SDL_YUV_CONVERSION_MODE mode, Uint32 format,
                    std::uint8_t* out, int pitch);

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
    // Takes the frame due at `now` when a new one is due; true when it did
    // (the picture changed). Draws nothing.
    bool update(Clock::time_point now);
    // update(), then paint_into(target): for a slide drawn whole.
    bool update(SDL_Texture* target, Clock::time_point now);
    // Draws the frame on screen, and what the slide has over it, into the
    // current render target, where the slide (of `slide` size) is drawn at
    // `zone`. `direct`, when not null, is the memory the current target is
    // (Display::software_target()): the frame is converted straight into
    // it.
    void draw(const SDL_Rect& zone, Size slide, SDL_Surface* direct);
    // Brings `slide` (the slide's texture) up to the frame on screen, once
    // per frame.
    void paint_into(SDL_Texture* slide);
    // The film's place in its slide.
    const SDL_Rect& rect() const { return dst_; }
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
    std::int64_t frame_number() const { return shown_ ? shown_->number : -1; }
    // The last draw() converted the frame straight into the screen's
    // memory (the software renderer's one-pass path), for tests.
    bool drawn_direct() const { return drawn_direct_; }

  private:
    // The frame on screen into yuv_ (once).
    Status upload();
    // Converts the frame on screen into `surface` at `box`; false when it
    // cannot (another pixel format, a box outside).
    bool convert_into(SDL_Surface* surface, const SDL_Rect& box);
    void draw_overlays(const SDL_Rect& zone, Size slide);
    // When the frame on screen has had its time (0 before the first).
    double shown_end() const { return shown_ ? shown_->t + shown_->duration : 0; }

    SDL_Renderer* renderer_;
    std::unique_ptr<VideoDecoder> decoder_;
    SDL_Rect src_, dst_;
    TexturePtr yuv_;
    std::unique_ptr<VideoFrame> shown_;  // the frame on screen
    std::int64_t uploaded_ = -1;         // the number of the frame in yuv_
    std::int64_t painted_ = -1;          // … and in the slide's texture
    std::vector<std::uint8_t> planes_;   // the frame as drawn in its box (I420), or a band of it
    std::int64_t planes_number_ = -1;    // … which frame that is (-1: a band)
    int planes_w_ = 0, planes_h_ = 0;    // … at which size
    bool drawn_direct_ = false;
    std::vector<std::pair<SDL_Rect, TexturePtr>> overlays_;
    std::optional<Clock::time_point> start_;
    bool sound_clock_ = true;  // the sound, when there is one, is the clock
};

}  // namespace signage::render
