#pragma once
// Helpers shared by the rendering tests (test_render.cpp, test_screens.cpp):
// SDL set-up, temporary folders, files, child processes, local media.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace signage::render::testkit
