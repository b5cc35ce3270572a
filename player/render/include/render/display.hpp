#pragma once
// Display: the one interface through which the player reaches a screen (in
// the spirit of mpv's video/out/vo.h). A backend owns the SDL_Renderer to draw
// with, knows the output size, presents frames, reads the presented frame
// back, and waits for events.
//
// Backends:
//   offscreen  an SDL software renderer on an SDL_Surface; needs no video
//              driver at all (tests, --render, --headless screens).
//   window     SDL_CreateWindow + an accelerated renderer with vsync (falling
//              back to software), optionally fullscreen; resizes handled.
//
// Threading: everything runs on the thread that created the display, except
// post_event(), which any thread may call.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "render/sdl.hpp"

namespace signage::render {

class Display {
  public:
    virtual ~Display() = default;

    // The renderer to draw with. Owned by the display; valid for its lifetime.
    virtual SDL_Renderer* renderer() = 0;
    // The memory the renderer's default target is, when it draws in
    // software into a surface the caller may also write (after
    // SDL_RenderFlush; what it draws after comes on top); nullptr otherwise
    // (a GPU renderer). Valid until the next present() or resize.
    virtual SDL_Surface* software_target() { return nullptr; }
    // The default target still holds what was drawn after present() (the
    // software renderer's surface: offscreen, or a window's), so a frame
    // may draw only what changed. False for a GPU renderer, whose back
    // buffer is undefined once presented.
    virtual bool keeps_frame() const { return false; }
    // Output size in pixels (the window's drawable size for the window backend).
    virtual Size size() const = 0;

    // Shows what was drawn since the last present(). With vsync this blocks
    // until the next refresh.
    virtual void present() = 0;
    // The same, told that only `changed` (output pixels) differ from the
    // frame presented before (Compositor::changed()). A window on the
    // software renderer sends only those rects to the window system
    // (SDL_UpdateWindowSurfaceRects); others present the whole frame.
    virtual void present_changed(const std::vector<SDL_Rect>& changed) {
        (void)changed;
        present();
    }
    // A new RGBA32 copy of the frame most recently presented, or an error.
    // The offscreen backend always can; the window backend (also full-screen
    // KMS/DRM) only for a frame presented after keep_next_frame(), which it
    // reads back before presenting it (reading a GPU frame back is costly,
    // and a back buffer is undefined once presented).
    virtual Result<SurfacePtr> read_frame() = 0;
    // Asks the backend to keep a copy of the next presented frame.
    virtual void keep_next_frame() {}

    // Waits up to `timeout` for an event; true and `event` filled when one
    // arrived. Costs no CPU while waiting.
    virtual bool wait_event(SDL_Event& event, std::chrono::milliseconds timeout) = 0;
    // Queues `event` and wakes wait_event(). Thread-safe.
    virtual void post_event(SDL_Event event) = 0;
    // Lets the backend react to an event it owns (window resize, exposure,
    // render targets lost) and says what the caller must do about it.
    enum class Reaction {
        none,
        redraw,    // draw and present the current frame again
        rerender,  // the output size changed or textures were lost: render
                   // every slide texture anew, then redraw
    };
    virtual Reaction handle_event(const SDL_Event& event) = 0;

    virtual std::string name() const = 0;
};

// An offscreen display of `size`. Needs SdlRuntime (events only).
Result<std::unique_ptr<Display>> make_offscreen_display(Size size);

struct WindowOptions {
    Size size{1920, 1080};  // window size when not fullscreen
    bool fullscreen = false;
    std::string title = "civic-signage";
};
// A window display. Needs SdlRuntime with video.
Result<std::unique_ptr<Display>> make_window_display(const WindowOptions& options);

}  // namespace signage::render
