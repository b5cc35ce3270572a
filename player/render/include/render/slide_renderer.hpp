#pragma once
// SlideRenderer: draws one protocol::Slide into a texture of the output size.
// Designed for 1920x1080 and 1080x1920 and scaled to other sizes (lengths
// scale with the shorter side / 1080).
//
//   text         header band (campaign red, gold rule) with the title, body
//                below with generous margins, dark on warm white; both
//                auto-fitted (body down to 40 px at 1080p)
//   image        contain (over a blurred, darkened copy of the image, or the
//                slide's background colour) or cover (centre-cropped); an
//                optional caption band
//   core_values  the 24 characters in their three levels with their labels,
//                gold on red, plus the full 倡导… sentence
//
// A background colour set on the slide replaces the designed default; a
// background image is drawn cover-fit under a scrim. A missing or corrupt
// image never fails a render: the slide is drawn without it and a warning is
// logged and recorded.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/slide.hpp"
#include "render/fonts.hpp"
#include "render/sdl.hpp"
#include "render/text_layout.hpp"

namespace signage::render {

// Maps a media reference of a slide (a sha256 in manifests, a local path in
// --render files) to a file to load. An empty path: not available.
using MediaResolver = std::function<std::filesystem::path(const std::string& ref)>;

// What was drawn where, for --lines and for tests.
struct SlideLayout {
    std::vector<TextBlock> blocks;
    std::optional<SDL_Rect> image_rect;  // where the slide's image landed (clipped to the output)
    SDL_Color background{};              // the dominant background colour
    std::vector<std::string> warnings;   // missing media, missing glyphs, truncation

    nlohmann::json to_json() const;  // blocks_to_json(blocks)
};

struct RenderedSlide {
    TexturePtr texture;  // output-sized render target texture, opaque
    SlideLayout layout;
};

class SlideRenderer {
  public:
    // `renderer` must support render targets (both display backends do).
    SlideRenderer(SDL_Renderer* renderer, FontCache& fonts, MediaResolver resolve_media);

    // Renders `slide` at `size`. Errors only for SDL failures (out of memory,
    // no fonts); content problems are warnings in the layout.
    Result<RenderedSlide> render(const protocol::Slide& slide, Size size);

    // The scale factor for `size`: shorter side / 1080.
    static double scale_for(Size size);

  private:
    Status draw_text_slide(const protocol::Slide& slide, Size size, SlideLayout& layout);
    Status draw_image_slide(const protocol::Slide& slide, Size size, SlideLayout& layout);
    Status draw_core_values_slide(const protocol::Slide& slide, Size size, SlideLayout& layout);
    // Draws a background image cover-fit with a dark scrim; false when the
    // image is unavailable (a warning is recorded).
    bool draw_background_media(const std::string& ref, Size size, SlideLayout& layout);
    SurfacePtr load_image(const std::string& ref, SlideLayout& layout);

    SDL_Renderer* renderer_;
    FontCache& fonts_;
    MediaResolver resolve_media_;
};

// The exact core-values text (shared/domain/CONTENT.md).
struct CoreValuesLevel {
    const char* level;  // 国家层面
    const char* label;  // 价值目标
    const char* values[4];
};
extern const CoreValuesLevel kCoreValues[3];
extern const char* const kCoreValuesSentence;  // 倡导富强、民主、…友善。
extern const char* const kCoreValuesTitle;     // 社会主义核心价值观

}  // namespace signage::render
