#pragma once
// Fonts: which faces the player draws with, and a cache of opened sizes.
//
// Default faces are Debian's fonts-noto-cjk: Noto Sans CJK SC (face index 2
// of the .ttc collections), regular and bold, and Noto Serif CJK SC bold as
// the display face of campaign slides when installed.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.hpp"
#include "render/sdl.hpp"

namespace signage::render {

enum class Weight { regular, bold, display };

struct FontFace {
    std::filesystem::path path;
    long index = 0;  // face index inside a .ttc collection
};

struct FontSet {
    FontFace regular;
    FontFace bold;
    FontFace display;

    // The Noto CJK SC defaults. `regular_override` (from --font or the
    // SIGNAGE_FONT environment variable) replaces the regular face; the bold
    // face is then the same file with "Regular" replaced by "Bold" when that
    // exists, else the regular face itself. `index` applies to the override.
    static FontSet defaults(const std::filesystem::path& regular_override = {}, long index = 2);
    // An "not_found" error naming the first face whose file does not exist.
    Status check() const;
};

using FontPtr = std::shared_ptr<TTF_Font>;

// One opened face per weight, resized on demand. A size is SDL_ttf's point
// size at 72 dpi, i.e. the em in pixels.
//
// A CJK face costs about 3 MB once FreeType has parsed it, and each further
// size opened as its own face would cost as much again, so the cache opens
// each weight once and changes its size with TTF_SetFontSize (which also
// empties that face's glyph cache). The font that get() returns is therefore
// at `px` only until the next get() of the same weight with another size:
// use it right away. Memory stays flat however many sizes the slides use.
// Not thread-safe; use from the render thread. Must die before SdlRuntime.
class FontCache {
  public:
    explicit FontCache(FontSet fonts);

    Result<FontPtr> get(Weight weight, int px);
    const FontSet& fonts() const { return fonts_; }

  private:
    struct Slot {
        FontPtr font;
        int px = 0;
    };
    FontSet fonts_;
    Slot slots_[3];  // by Weight
};

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD on bad input.
char32_t next_code_point(std::string_view s, std::size_t& i);
// Appends the UTF-8 form of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace signage::render
