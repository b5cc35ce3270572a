#pragma once
// Fonts: which faces the player draws with, and a cache of opened sizes.
//
// Default faces are Debian's fonts-noto-cjk: Noto Sans CJK SC (face index 2
// of the .ttc collections), regular and bold, and Noto Serif CJK SC bold as
// the display face of campaign slides when installed.

#include <cstdint>
#include <filesystem>
#include <list>
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

// Opened fonts by (weight, pixel size), least recently used evicted beyond
// `capacity`. A size is SDL_ttf's point size at 72 dpi, i.e. the em in pixels.
// Not thread-safe; use from the render thread. Must die before SdlRuntime.
class FontCache {
  public:
    explicit FontCache(FontSet fonts, std::size_t capacity = 24);

    Result<FontPtr> get(Weight weight, int px);
    const FontSet& fonts() const { return fonts_; }

  private:
    struct Entry {
        Weight weight;
        int px;
        FontPtr font;
    };
    FontSet fonts_;
    std::size_t capacity_;
    std::list<Entry> entries_;  // most recently used first
};

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD on bad input.
char32_t next_code_point(std::string_view s, std::size_t& i);
// Appends the UTF-8 form of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace signage::render
