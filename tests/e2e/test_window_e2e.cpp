// Screenshots from a real window, the way screens really run: the player
// draws into an SDL window, full screen on an X server (Xvfb, started here on
// a free display number), against the real server. The same Display backend
// serves full-screen KMS/DRM. A screenshot asked for the console's way and
// the periodic ones arrive, and their pixels are what the X server shows
// (its root window read with XGetImage); a screen whose upload the server
// refuses reports the failure, which staff see at once.

#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

// Last: Xlib's macros (Status, None, Bool, …) must not reach other headers.
#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kWindowPlayer = SIGNAGE_PLAYER_BINARY;

// `name` found on PATH; empty when it is not there.
fs::path program_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto end = dirs.find(':', start);
        const fs::path dir = dirs.substr(start, end == std::string::npos ? end : end - start);
        const fs::path candidate = dir / name;
        if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return {};
}

// An X server of its own: Xvfb on the first free display number (it takes
// the lock itself, -displayfd), with one screen of `size` ("640x360").
class XServer {
  public:
    explicit XServer(const std::string& size) {
        const fs::path xvfb = program_on_path("Xvfb");
        if (xvfb.empty()) {
            throw std::runtime_error("Xvfb is not installed (scripts/setup installs xvfb)");
        }
        process_ = std::make_unique<Process>(
            xvfb, std::vector<std::string>{"-displayfd", "1", "-screen", "0", size + "x24",
                                           "-nolisten", "tcp"});
        auto number = process_->wait_for_line(std::regex("^[0-9]+$"), 20s);
        if (!number) throw std::runtime_error("Xvfb did not report its display number");
        display_ = ":" + *number;
    }
    ~XServer() {
        // Xvfb ends on SIGTERM by the signal itself; that is its clean stop.
        if (process_ && process_->running()) process_->terminate();
    }

    const std::string& display() const { return display_; }

    // What the X server shows: its root window's pixels; nullopt when it
    // cannot be read.
    std::optional<Image> grab() const {
        ::Display* dpy = XOpenDisplay(display_.c_str());
        if (dpy == nullptr) return std::nullopt;
        const int screen = DefaultScreen(dpy);
        const int w = DisplayWidth(dpy, screen);
        const int h = DisplayHeight(dpy, screen);
        XImage* image = XGetImage(dpy, RootWindow(dpy, screen), 0, 0, static_cast<unsigned>(w),
                                  static_cast<unsigned>(h), AllPlanes, ZPixmap);
        std::optional<Image> out;
        if (image != nullptr) {
            Image img;
            img.width = w;
            img.height = h;
            img.rgb.reserve(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
            const auto channel = [](unsigned long pixel, unsigned long mask) {
                int shift = 0;
                while (mask != 0 && (mask & 1) == 0) {
                    mask >>= 1;
                    ++shift;
                }
                return static_cast<std::uint8_t>((pixel >> shift) & 0xff);
            };
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    const unsigned long p = XGetPixel(image, x, y);
                    img.rgb.push_back(channel(p, image->red_mask));
                    img.rgb.push_back(channel(p, image->green_mask));
                    img.rgb.push_back(channel(p, image->blue_mask));
                }
            }
            out = std::move(img);
            XDestroyImage(image);
        }
        XCloseDisplay(dpy);
        return out;
    }

  private:
    std::unique_ptr<Process> process_;
    std::string display_;
};

// The player as a screen runs it: a full-screen window on `x`.
std::unique_ptr<Process> start_window_player(const XServer& x, const std::string& url,
                                             const std::string& token, const fs::path& cache,
                                             const fs::path& log,
                                             const std::vector<std::string>& extra) {
    ProcessOptions opt;
    opt.stderr_file = log;
    opt.env = {{"DISPLAY", x.display()}, {"SDL_VIDEODRIVER", "x11"}};
    opt.unset_env = {"WAYLAND_DISPLAY"};
    // SDL 2.26 (Debian 12) opens libdbus for a window and never shuts it
    // down (SDL_HINT_SHUTDOWN_DBUS_ON_QUIT came in 2.30): in sanitizer
    // builds tests/lsan.supp (LSAN_OPTIONS, inherited) names libdbus's own
    // buffers among the system libraries' one-time caches.
#if defined(__SANITIZE_ADDRESS__)
    // Beyond that, a window player that talked to a server leaves 112 bytes
    // (two calloc calls) in a library SDL loads for the window at run time
    // and unloads at exit, so LeakSanitizer can name no library for them and
    // no suppression can match. Leak checking of the player's own code is
    // done by the offscreen players of the other tests, which run the same
    // code but the display backend; this test checks the frames.
    const char* asan = std::getenv("ASAN_OPTIONS");
    opt.env.emplace_back("ASAN_OPTIONS", (asan && *asan ? std::string(asan) + ":" : std::string()) +
                                             "detect_leaks=0");
#endif
    // No --snapshot: a screen in service keeps no frame for one.
    std::vector<std::string> args{"--server",     url,      "--token", token,         "--cache",
                                  cache.string(), "--size", "640x360", "--fullscreen"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<Process>(kWindowPlayer, args, opt);
}

// The mean difference per channel between a screenshot and the X server's
// screen read just after it: the same frame read back differs only where the
// header's clock ticked over in between.
constexpr double kSamePixels = 0.5;

const json kGreenSlide = {{"type", "text"},    {"title", "文明出行"},    {"body", "礼让斑马线。"},
                          {"duration_s", 600}, {"public_service", true}, {"background", "#0b6e4f"}};

// True once the published green slide is fully on the X server's screen
// (green, and the crossfade over: two reads of the root window 200 ms apart
// are the same) and the screen "gate" waits on its long-poll (so a request
// reaches it at once).
bool green_and_waiting(const XServer& x, HttpClient& staff) {
    std::optional<Image> previous;
    const bool shown = wait_until(
        [&] {
            auto now = x.grab();
            const bool settled = now && now->share_of(0x0b, 0x6e, 0x4f) > 0.3 && previous &&
                                 now->mean_abs_diff(*previous) == 0;
            previous = std::move(now);
            return settled;
        },
        30s, 200ms);
    return shown &&
           wait_until([&] { return screen_named(staff, "gate").at("waiting") == true; }, 10s);
}

// A screen "gate" in group "lobby" playing the published green slide in a
// full-screen window of its own X server, fully on screen and waiting on its
// long-poll.
struct WindowScreen {
    explicit WindowScreen(const ServerOptions& options = {}) : server(options) {
        slide_id = approve_slide(editor, reviewer, kGreenSlide);
        REQUIRE(reviewer.post("/api/v1/publish").status == 200);
        id = screen_named(editor, "gate").at("id").get<std::string>();
        player = start_window_player(x, server.url(), token, dir / "cache", log,
                                     {"--screenshot-seconds", "0"});
        REQUIRE(green_and_waiting(x, editor));
    }

    XServer x{"640x360"};
    ServerFixture server;
    HttpClient editor = server.client(server.add_staff("erin", "editor"));
    HttpClient reviewer = server.client(server.add_staff("rita", "reviewer"));
    std::string token = server.add_screen("gate", "lobby");
    std::string slide_id;
    std::string id;  // the screen's
    TempDir dir;
    fs::path log = dir / "player.log";
    ShowOnFailure shown_log{"player log", log};
    std::unique_ptr<Process> player;
};

}  // namespace

TEST_CASE(
    "e2e window: screenshots of a full-screen window, asked for and periodic, are the picture "
    "the X server shows",
    "[e2e][health][window]") {
    WindowScreen screen;
    XServer& x = screen.x;
    HttpClient& editor = screen.editor;
    const std::string& id = screen.id;
    const fs::path& log = screen.log;
    const TempDir& dir = screen.dir;

    // Asked for the console's way: it arrives, and the request says so.
    const AskedScreenshot asked = ask_screenshot(editor, id);
    const auto renderer = log_lines(log, std::regex("display window"));
    std::printf("window screenshot arrived %lld ms after the request (%s)\n",
                static_cast<long long>(asked.latency.count()),
                renderer.empty() ? "?" : renderer.front().c_str());
    REQUIRE(asked.arrived);
    CHECK(asked.latency < 2000ms);
    // The server stores the picture, then marks the request: the console,
    // which waits for the mark and then fetches the picture, always gets it.
    CHECK(wait_until(
        [&] {
            return editor.get("/api/v1/screens/" + id + "/screenshot-requests/" + asked.id)
                       .json()
                       .at("state") == "arrived";
        },
        2s, 10ms));
    HttpResponse shot = asked.shot;

    // Its pixels are what the X server shows now, and the slide drawn alone;
    // the same slide under another title is clearly not it.
    auto img = Image::decode(shot.body);
    REQUIRE(img);
    CHECK(img->width == 640);
    CHECK(img->height == 360);
    std::optional<Image> on_screen = x.grab();
    REQUIRE(on_screen);
    ScreenRender what =
        published_slide(screen.reviewer, screen.slide_id, "lobby", asked.arrived_at);
    const Image expected = render_screen(kWindowPlayer, what, dir.path(), "expected");
    what.slide["title"] = "垃圾分类";
    const Image decoy = render_screen(kWindowPlayer, what, dir.path(), "decoy");
    INFO("pixels differing from the X server's screen: "
         << img->differing_share(*on_screen) << " (mean difference "
         << img->mean_abs_diff(*on_screen) << " levels), from the slide drawn alone: "
         << img->differing_share(expected) << ", from the decoy: " << img->differing_share(decoy));
    std::printf(
        "window screenshot vs the X server's screen: %.5f of the pixels differ, mean "
        "difference %.3f levels\n",
        img->differing_share(*on_screen), img->mean_abs_diff(*on_screen));
    CHECK(img->differing_share(*on_screen) < kSameScreen);
    // The very pixels, not a frame a moment earlier (a crossfade's ghost
    // stays under the per-pixel threshold but not under this).
    CHECK(img->mean_abs_diff(*on_screen) < kSamePixels);
    CHECK(img->differing_share(expected) < kSameScreen);
    CHECK(img->differing_share(decoy) > kClearlyOtherScreen);
    CHECK(count_log_lines(log, std::regex("cannot read the frame")) == 0);
    CHECK(screen.player->terminate() == 0);

    // Periodic ones, nobody asking, from a window too.
    const auto log2 = dir / "player2.log";
    ShowOnFailure shown_log2("second player log", log2);
    const std::string before = shot.header("signage-taken-at");
    auto periodic = start_window_player(x, screen.server.url(), screen.token, dir / "cache", log2,
                                        {"--screenshot-seconds", "1"});
    REQUIRE(wait_until(
        [&] {
            shot = editor.get("/api/v1/screens/" + id + "/screenshot");
            return shot.status == 200 && shot.header("signage-taken-at") != before &&
                   shot.header("signage-screenshot-id").empty();
        },
        20s));
    img = Image::decode(shot.body);
    REQUIRE(img);
    REQUIRE(wait_until(
        [&] {
            on_screen = x.grab();
            return on_screen && on_screen->share_of(0x0b, 0x6e, 0x4f) > 0.3;
        },
        10s));
    INFO("periodic: pixels differing from the X server's screen: "
         << img->differing_share(*on_screen));
    CHECK(img->differing_share(*on_screen) < kSameScreen);
    CHECK(img->mean_abs_diff(*on_screen) < kSamePixels);
    CHECK(periodic->terminate() == 0);
}

TEST_CASE(
    "e2e window: a screen whose screenshot the server refuses reports the failure, and staff "
    "see it long before the time limit",
    "[e2e][health][window]") {
    // Far too small for any 640x360 frame.
    ServerOptions options;
    options.args = {"--max-screenshot-bytes", "2000"};
    WindowScreen screen(options);
    HttpClient& editor = screen.editor;
    const std::string& id = screen.id;

    const auto asked = std::chrono::steady_clock::now();
    auto req = editor.post("/api/v1/screens/" + id + "/screenshot");
    REQUIRE(req.status == 202);
    const json first = req.json();
    const std::string shot_id = first.at("id").get<std::string>();
    const int limit_s = first.at("timeout_s").get<int>();
    json state;
    ShowOnFailure shown_state("the request as staff see it", [&] { return state.dump(2); });
    REQUIRE(wait_until(
        [&] {
            state = editor.get("/api/v1/screens/" + id + "/screenshot-requests/" + shot_id).json();
            return state.at("state") != "pending";
        },
        std::chrono::seconds(limit_s + 5), 20ms));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - asked);
    std::printf("the refused screenshot was reported failed %lld ms after the request\n",
                static_cast<long long>(took.count()));
    CHECK(state.at("state") == "failed");
    CHECK(state.at("reason") == "upload");
    CHECK(took < std::chrono::seconds(limit_s) / 3);
    // Nothing was stored.
    CHECK(editor.get("/api/v1/screens/" + id + "/screenshot").status == 404);
    CHECK(screen.player->terminate() == 0);
}
