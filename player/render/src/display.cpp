#include "render/display.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <spdlog/spdlog.h>

namespace signage::render {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

int clamp_ms(milliseconds ms) {
    if (ms.count() <= 0) return 0;
    if (ms.count() > 24 * 3600 * 1000) return 24 * 3600 * 1000;
    return static_cast<int>(ms.count());
}

// ---------------------------------------------------------------- offscreen

// A software renderer drawing into an ARGB8888 surface, which keeps each
// frame until drawn over (the screen's picture is the surface itself: a
// present is only the flush). Waiting uses poll(2)
// on a self-pipe: SDL_WaitEventTimeout without a video driver would poll the
// queue every millisecond, and a static slide must cost no CPU.
class OffscreenDisplay final : public Display {
  public:
    OffscreenDisplay(SurfacePtr target, RendererPtr renderer, int rfd, int wfd)
        : target_(std::move(target)), renderer_(std::move(renderer)), rfd_(rfd), wfd_(wfd) {}
    ~OffscreenDisplay() override {
        renderer_.reset();
        ::close(rfd_);
        ::close(wfd_);
    }

    SDL_Renderer* renderer() override { return renderer_.get(); }
    SDL_Surface* software_target() override { return target_.get(); }
    bool keeps_frame() const override { return true; }
    Size size() const override { return Size{target_->w, target_->h}; }
    std::string name() const override { return "offscreen"; }

    void present() override {
        SDL_RenderPresent(renderer_.get());  // flushes the command queue into target_
        presented_ = true;
    }

    Result<SurfacePtr> read_frame() override {
        if (!presented_) return make_error(ErrorCode::sdl, "no frame has been presented yet");
        SurfacePtr copy(SDL_ConvertSurfaceFormat(target_.get(), SDL_PIXELFORMAT_RGBA32, 0));
        if (!copy) return sdl_error("SDL_ConvertSurfaceFormat");
        return copy;
    }

    bool wait_event(SDL_Event& event, milliseconds timeout) override {
        const auto deadline = SteadyClock::now() + timeout;
        for (;;) {
            if (SDL_PollEvent(&event) == 1) return true;
            const auto left = std::chrono::ceil<milliseconds>(deadline - SteadyClock::now());
            if (left.count() <= 0) return false;
            pollfd pfd{rfd_, POLLIN, 0};
            const int r = ::poll(&pfd, 1, clamp_ms(left));
            if (r > 0) drain();
        }
    }

    void post_event(SDL_Event event) override {
        SDL_PushEvent(&event);
        const char byte = 1;
        // Non-blocking: a full pipe already guarantees a wake-up.
        [[maybe_unused]] const auto n = ::write(wfd_, &byte, 1);
    }

    Reaction handle_event(const SDL_Event&) override { return Reaction::none; }

  private:
    void drain() {
        char buf[64];
        while (::read(rfd_, buf, sizeof buf) > 0) {
        }
    }

    SurfacePtr target_;
    RendererPtr renderer_;
    int rfd_;
    int wfd_;
    bool presented_ = false;
};

// ---------------------------------------------------------------- window

class WindowDisplay final : public Display {
  public:
    WindowDisplay(WindowPtr window, RendererPtr renderer)
        : window_(std::move(window)), renderer_(std::move(renderer)) {
        SDL_RendererInfo info{};
        software_ = SDL_GetRendererInfo(renderer_.get(), &info) == 0 &&
                    (info.flags & SDL_RENDERER_SOFTWARE) != 0;
        update_size();
    }
    ~WindowDisplay() override {
        renderer_.reset();  // before the window
    }

    SDL_Renderer* renderer() override { return renderer_.get(); }
    SDL_Surface* software_target() override {
        // SDL's software renderer draws into the window's surface.
        if (!software_) return nullptr;
        SDL_Surface* s = SDL_GetWindowSurface(window_.get());
        return s != nullptr && s->w == size_.w && s->h == size_.h ? s : nullptr;
    }
    // SDL's software renderer draws into the window's surface, in this
    // process's memory; a present sends it to the window and keeps it.
    bool keeps_frame() const override { return software_; }
    Size size() const override { return size_; }
    std::string name() const override {
        SDL_RendererInfo info{};
        SDL_GetRendererInfo(renderer_.get(), &info);
        return std::string("window (") + (info.name ? info.name : "?") + ")";
    }

    void present() override {
        if (keep_next_) {
            // Read before SDL_RenderPresent: afterwards the back buffer's
            // content is undefined (flipped, swapped or cleared by the driver).
            keep_next_ = false;
            kept_.reset();  // never a stale frame for this one
            SurfacePtr s = make_rgba_surface(size_.w, size_.h);
            if (s && SDL_RenderReadPixels(renderer_.get(), nullptr, SDL_PIXELFORMAT_RGBA32,
                                          s->pixels, s->pitch) == 0) {
                kept_ = std::move(s);
                kept_error_.clear();
            } else {
                kept_error_ = std::string("SDL_RenderReadPixels: ").append(SDL_GetError());
                spdlog::warn("reading the frame back failed: {}", kept_error_);
            }
        }
        SDL_RenderPresent(renderer_.get());
        if (!shown_) {
            // The window appears only once it has a finished frame: never black.
            SDL_ShowWindow(window_.get());
            shown_ = true;
        }
    }

    void present_changed(const std::vector<SDL_Rect>& changed) override {
        if (!software_ || !shown_ || keep_next_) {
            present();
            return;
        }
        // The window's surface holds the whole frame: the window system
        // gets the rects that changed (XShmPutImage of the ticker's band,
        // not of the 8 MB screen).
        SDL_RenderFlush(renderer_.get());
        if (changed.empty()) return;
        if (SDL_UpdateWindowSurfaceRects(window_.get(), changed.data(),
                                         static_cast<int>(changed.size())) != 0) {
            SDL_RenderPresent(renderer_.get());  // e.g. a surface not yet renewed after a resize
        }
    }

    Result<SurfacePtr> read_frame() override {
        if (!kept_) {
            return make_error(ErrorCode::sdl, kept_error_.empty()
                                                  ? "no kept frame (call keep_next_frame() first)"
                                                  : kept_error_);
        }
        SurfacePtr copy(SDL_DuplicateSurface(kept_.get()));
        if (!copy) return sdl_error("SDL_DuplicateSurface");
        return copy;
    }
    void keep_next_frame() override { keep_next_ = true; }

    bool wait_event(SDL_Event& event, milliseconds timeout) override {
        return SDL_WaitEventTimeout(&event, clamp_ms(timeout)) == 1;
    }
    void post_event(SDL_Event event) override { SDL_PushEvent(&event); }

    Reaction handle_event(const SDL_Event& event) override {
        if (event.type == SDL_RENDER_TARGETS_RESET || event.type == SDL_RENDER_DEVICE_RESET) {
            return Reaction::rerender;
        }
        if (event.type != SDL_WINDOWEVENT) return Reaction::none;
        switch (event.window.event) {
            case SDL_WINDOWEVENT_SIZE_CHANGED:
            case SDL_WINDOWEVENT_RESIZED: {
                const Size before = size_;
                update_size();
                return before == size_ ? Reaction::redraw : Reaction::rerender;
            }
            case SDL_WINDOWEVENT_EXPOSED:
            case SDL_WINDOWEVENT_RESTORED:
            case SDL_WINDOWEVENT_SHOWN:
                return Reaction::redraw;
            default:
                return Reaction::none;
        }
    }

  private:
    void update_size() {
        int w = 0, h = 0;
        if (SDL_GetRendererOutputSize(renderer_.get(), &w, &h) == 0 && w > 0 && h > 0) {
            size_ = Size{w, h};
        }
    }

    WindowPtr window_;
    RendererPtr renderer_;
    bool software_ = false;
    Size size_{};
    bool shown_ = false;
    bool keep_next_ = false;
    SurfacePtr kept_;
    std::string kept_error_;  // why the last frame asked for could not be kept
};

}  // namespace

Result<std::unique_ptr<Display>> make_offscreen_display(Size size) {
    SurfacePtr target(
        SDL_CreateRGBSurfaceWithFormat(0, size.w, size.h, 32, SDL_PIXELFORMAT_ARGB8888));
    if (!target) return sdl_error("SDL_CreateRGBSurfaceWithFormat");
    RendererPtr renderer(SDL_CreateSoftwareRenderer(target.get()));
    if (!renderer) return sdl_error("SDL_CreateSoftwareRenderer");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        return make_error(ErrorCode::io, std::string("pipe2: ") + std::strerror(errno));
    }
    return std::unique_ptr<Display>(
        new OffscreenDisplay(std::move(target), std::move(renderer), fds[0], fds[1]));
}

namespace {

// The renderer the environment asks for (SDL_RENDER_DRIVER), if any.
std::string wanted_renderer() {
    const char* hint = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    return hint != nullptr ? hint : "";
}

// An OpenGL renderer whose GL is drawn by the CPU (Mesa's llvmpipe,
// softpipe or swrast: a machine without a usable GPU); its name, else "".
std::string gl_drawn_by_cpu(SDL_Renderer* renderer) {
    SDL_RendererInfo info{};
    if (SDL_GetRendererInfo(renderer, &info) != 0 || info.name == nullptr ||
        std::strncmp(info.name, "opengl", 6) != 0) {
        return "";
    }
    using GetString = const unsigned char* (*)(unsigned int);
    constexpr unsigned int kGlRenderer = 0x1F01;  // GL_RENDERER
    auto get = reinterpret_cast<GetString>(SDL_GL_GetProcAddress("glGetString"));
    const unsigned char* name = get != nullptr ? get(kGlRenderer) : nullptr;
    const std::string gl = name != nullptr ? reinterpret_cast<const char*>(name) : "";
    for (const char* cpu : {"llvmpipe", "softpipe", "swrast"}) {
        if (gl.find(cpu) != std::string::npos) return gl;
    }
    return "";
}

// A GPU the kernel drives: a DRM device (/dev/dri/card* or renderD*), or
// NVIDIA's own device nodes.
bool has_gpu_device() {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/dev/dri", ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("card", 0) == 0 || name.rfind("renderD", 0) == 0) return true;
    }
    return std::filesystem::exists("/dev/nvidia0", ec);
}

Result<WindowPtr> open_window(const WindowOptions& options) {
    Uint32 flags = SDL_WINDOW_HIDDEN | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    WindowPtr window(SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED,
                                      SDL_WINDOWPOS_CENTERED, options.size.w, options.size.h,
                                      flags));
    if (!window) return sdl_error("SDL_CreateWindow");
    return window;
}

}  // namespace

Result<std::unique_ptr<Display>> make_window_display(const WindowOptions& options) {
    const std::string wanted = wanted_renderer();
    auto window = open_window(options);
    if (!window) return window.error();
    RendererPtr renderer;
    // Why the renderer that runs was chosen, for the log.
    std::string why = "SDL_RENDER_DRIVER=" + wanted;
    if (wanted.empty() && !has_gpu_device()) {
        // Without a GPU, OpenGL is drawn by the CPU (llvmpipe): SDL's own
        // software renderer costs less, and asking for GL first would load
        // Mesa and LLVM (about 50 MB resident) only to drop them.
        why = "no GPU (no device under /dev/dri)";
    } else if (wanted != "software") {
        renderer.reset(SDL_CreateRenderer(
            window->get(), -1,
            SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC | SDL_RENDERER_TARGETTEXTURE));
        if (!renderer) {
            why = std::string("no accelerated renderer (") + SDL_GetError() + ")";
            spdlog::warn("{}, using software", why);
        } else if (const std::string gl = wanted.empty() ? gl_drawn_by_cpu(renderer.get()) : "";
                   !gl.empty()) {
            // OpenGL without a GPU costs more CPU than SDL's own software
            // renderer for what a screen draws. A new window: the GL one
            // keeps its context.
            why = "OpenGL here is " + gl + ", drawn by the CPU";
            renderer.reset();
            window->reset();
            window = open_window(options);
            if (!window) return window.error();
        } else if (wanted.empty()) {
            why = "accelerated, with a GPU";
        }
    }
    if (!renderer) {
        // The window's pixels go to the X server (or Wayland) as they are,
        // not through an OpenGL texture SDL would otherwise make for them.
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        renderer.reset(SDL_CreateRenderer(window->get(), -1,
                                          SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE));
    }
    if (!renderer) return sdl_error("SDL_CreateRenderer");
    SDL_RendererInfo info{};
    SDL_GetRendererInfo(renderer.get(), &info);
    spdlog::info("renderer: {} ({})", info.name != nullptr ? info.name : "?", why);
    if (options.fullscreen) SDL_ShowCursor(SDL_DISABLE);
    return std::unique_ptr<Display>(new WindowDisplay(std::move(*window), std::move(renderer)));
}

}  // namespace signage::render
