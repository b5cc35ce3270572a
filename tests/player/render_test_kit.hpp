#pragma once
// Helpers shared by the rendering tests (test_render.cpp, test_screens.cpp):
// SDL set-up, temporary folders, files, child processes, local media, and
// the comparison of a frame with its golden image.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/random.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/png.hpp"
#include "render/sdl.hpp"
#include "render/slide_renderer.hpp"

namespace signage::render::testkit {

namespace fs = std::filesystem;

// SDL, SDL_ttf and SDL_image, initialised once for the test program.
struct SdlOnce {
    SdlOnce() {
        static auto rt = SdlRuntime::init(false);
        REQUIRE(rt.ok());
    }
};

// A fresh folder under the system's temporary directory, removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("signage-render-test-" + random_hex(6));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

inline std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_text(const fs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary);
    out << s;
}

// Runs `cmd` with the shell; its exit code, or -1 when it did not exit.
inline int run_command(const std::string& cmd) {
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What zbarimg reads in `frame` (saved as `png`, the result next to it),
// without line ends; the test fails when zbarimg finds nothing.
inline std::string zbar_decode(SDL_Surface& frame, const fs::path& png) {
    REQUIRE(save_png_atomic(frame, png).ok());
    const fs::path out = png.string() + ".txt";
    REQUIRE(run_command("zbarimg --raw -q " + png.string() + " > " + out.string() +
                        " 2>/dev/null") == 0);
    std::string decoded = read_text(out);
    while (!decoded.empty() && (decoded.back() == '\n' || decoded.back() == '\r')) {
        decoded.pop_back();
    }
    return decoded;
}

// Media references are local file paths (relative to `base` when given).
inline MediaResolver path_resolver(const fs::path& base = {}) {
    return [base](const std::string& ref) {
        fs::path p = base.empty() ? fs::path(ref) : base / ref;
        return fs::exists(p) ? p : fs::path{};
    };
}

// A slide rendered on the offscreen display and read back.
struct Shot {
    SurfacePtr frame;  // RGBA32
    SlideLayout layout;
};

inline Shot render_shot(const protocol::Slide& slide, Size size, const RenderOptions& options = {},
                        MediaResolver resolver = path_resolver()) {
    auto display = make_offscreen_display(size);
    REQUIRE(display.ok());
    FontCache fonts(FontSet::defaults());
    SlideRenderer renderer((*display)->renderer(), fonts, std::move(resolver));
    auto rendered = renderer.render(slide, size, options);
    REQUIRE(rendered.ok());
    SDL_SetTextureBlendMode(rendered->texture.get(), SDL_BLENDMODE_NONE);
    SDL_RenderCopy((*display)->renderer(), rendered->texture.get(), nullptr, nullptr);
    (*display)->present();
    auto frame = (*display)->read_frame();
    REQUIRE(frame.ok());
    REQUIRE((*frame)->w == size.w);
    REQUIRE((*frame)->h == size.h);
    return Shot{std::move(*frame), std::move(rendered->layout)};
}

// ---------------------------------------------------------------- golden images

// The largest difference of `a` and `b` in R, G or B.
inline int channel_diff(SDL_Color a, SDL_Color b) {
    return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

// A named part of a frame that must match its golden image on its own, so
// that a small element (a badge, a label, the clock) cannot go missing or
// move inside the whole frame's budget.
struct GoldenElement {
    std::string role;  // "mark", "qr", "header time", "button A", ...
    std::string name;  // the role and the start of the text, for messages
    SDL_Rect rect{};
};

// What may differ from a golden image. Rendering is deterministic: the
// offscreen display is SDL's software renderer, and with the same Debian 12
// packages every one of the 30 golden frames came out bit-identical (0
// differing pixels, largest channel difference 0) against the committed
// golden, between two runs of the Release build, and between the Release
// build and the ASan/UBSan Debug build (cmake --preset asan). The budget
// sits just above that: a channel off by 1 or 2 anywhere, and up to 16
// stray pixels outside the elements, pass; a uniform drift of 3 or more, or
// any missing, moved or recoloured element (recolouring the quiz's 24x29
// countdown changes 198 pixels), does not.
struct GoldenBudget {
    int tolerance = 2;        // a pixel differs when a channel is off by more
    long frame_pixels = 16;   // differing pixels allowed in the whole frame
    long element_pixels = 0;  // ... and inside any one element
};

struct GoldenVerdict {
    long frame_pixels = 0;                               // differing pixels in the whole frame
    std::vector<std::pair<std::string, long>> elements;  // role, differing pixels inside
    std::vector<std::string> failures;                   // each budget exceeded, by name
    bool same() const { return failures.empty(); }
    // Differing pixels inside the first element of `role`; -1 if none has it.
    long element_pixels(const std::string& role) const {
        for (const auto& [r, n] : elements) {
            if (r == role) return n;
        }
        return -1;
    }
};

// Compares `frame` with `golden` (both RGBA32): the whole frame, then each
// of `elements` on its own. With `diff` (frame-sized), marks the differing
// pixels in magenta over a light grey copy of the frame.
inline GoldenVerdict compare_with_golden(const SDL_Surface& frame, const SDL_Surface& golden,
                                         const std::vector<GoldenElement>& elements,
                                         const GoldenBudget& budget = {},
                                         SDL_Surface* diff = nullptr) {
    GoldenVerdict v;
    if (frame.w != golden.w || frame.h != golden.h) {
        v.failures.push_back("the frame is " + std::to_string(frame.w) + "x" +
                             std::to_string(frame.h) + ", the golden image " +
                             std::to_string(golden.w) + "x" + std::to_string(golden.h));
        return v;
    }
    std::vector<unsigned char> differs(static_cast<std::size_t>(frame.w) * frame.h);
    for (int y = 0; y < frame.h; ++y) {
        for (int x = 0; x < frame.w; ++x) {
            const SDL_Color a = pixel_at(frame, x, y);
            const bool d = channel_diff(a, pixel_at(golden, x, y)) > budget.tolerance;
            differs[static_cast<std::size_t>(y) * frame.w + x] = d ? 1 : 0;
            v.frame_pixels += d ? 1 : 0;
            if (diff != nullptr) {
                auto* p = static_cast<Uint8*>(diff->pixels) + y * diff->pitch + x * 4;
                const auto grey = static_cast<Uint8>((a.r + a.g + a.b) / 12 + 150);
                p[0] = d ? 255 : grey;
                p[1] = d ? 0 : grey;
                p[2] = d ? 255 : grey;
                p[3] = 255;
            }
        }
    }
    const std::string per_channel =
        " differ by more than " + std::to_string(budget.tolerance) + " in a channel (at most ";
    if (v.frame_pixels > budget.frame_pixels) {
        v.failures.push_back("whole frame: " + std::to_string(v.frame_pixels) + " pixels" +
                             per_channel + std::to_string(budget.frame_pixels) + " may)");
    }
    const SDL_Rect all{0, 0, frame.w, frame.h};
    for (const auto& e : elements) {
        SDL_Rect r{};
        long n = 0;
        if (SDL_IntersectRect(&e.rect, &all, &r) == SDL_TRUE) {
            for (int y = r.y; y < r.y + r.h; ++y) {
                for (int x = r.x; x < r.x + r.w; ++x) {
                    n += differs[static_cast<std::size_t>(y) * frame.w + x];
                }
            }
        }
        v.elements.emplace_back(e.role, n);
        if (n > budget.element_pixels) {
            v.failures.push_back(e.name + " at " + std::to_string(e.rect.x) + "," +
                                 std::to_string(e.rect.y) + " " + std::to_string(e.rect.w) + "x" +
                                 std::to_string(e.rect.h) + ": " + std::to_string(n) + " pixels" +
                                 per_channel + std::to_string(budget.element_pixels) + " may)");
        }
    }
    return v;
}

// Fraction of the pixels of `a` and `b` (same size) that differ by more
// than `tolerance` in some channel.
inline double differing_fraction(const SDL_Surface& a, const SDL_Surface& b, int tolerance) {
    const GoldenVerdict v = compare_with_golden(a, b, {}, GoldenBudget{tolerance, 0, 0});
    return static_cast<double>(v.frame_pixels) / (static_cast<double>(a.w) * a.h);
}

// The first `n` characters of UTF-8 `s`, "…" when cut.
inline std::string text_head(const std::string& s, std::size_t n = 12) {
    std::size_t i = 0;
    for (std::size_t chars = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80 && chars++ == n) return s.substr(0, i) + "…";
    }
    return s;
}

// The elements of a rendered layout drawn at `origin`: each text block (the
// extent of its lines), the QR card and the image; roles get `prefix`.
inline std::vector<GoldenElement> layout_elements(const SlideLayout& layout,
                                                  SDL_Point origin = {0, 0},
                                                  const std::string& prefix = {}) {
    std::vector<GoldenElement> out;
    const auto add = [&](const std::string& role, const std::string& text, SDL_Rect r) {
        r.x += origin.x;
        r.y += origin.y;
        const std::string name = text.empty() ? role : role + " “" + text_head(text) + "”";
        out.push_back(GoldenElement{prefix + role, prefix + name, r});
    };
    for (const auto& b : layout.blocks) {
        SDL_Rect extent{};
        std::string text;
        for (const auto& l : b.lines) {
            if (l.rect.w <= 0 || l.rect.h <= 0) continue;
            if (extent.w == 0) {
                extent = l.rect;
            } else {
                SDL_UnionRect(&extent, &l.rect, &extent);
            }
            text += l.text;
        }
        if (extent.w > 0) add(b.role, text, extent);
    }
    if (layout.qr_rect) add("qr", "", *layout.qr_rect);
    if (layout.image_rect) add("image", "", *layout.image_rect);
    return out;
}

}  // namespace signage::render::testkit
