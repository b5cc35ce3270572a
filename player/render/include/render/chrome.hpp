#pragma once
// Screen chrome: the header (unit name, date, time, slogan) and the ticker
// (跑马灯) around the main zone. Both render their text once into textures;
// drawing a frame only copies textures.
//
// Not thread-safe; render thread only. Both keep the SDL_Renderer and the
// FontCache they are given, which must outlive them.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/manifest.hpp"
#include "render/fonts.hpp"
#include "render/screen_layout.hpp"
#include "render/sdl.hpp"
#include "render/slide_renderer.hpp"

namespace signage::render {

// The header bar. Its texture is rendered again only when the minute, the
// size or the settings change: call update() each loop turn (cheap when
// nothing changed) and wake up at next_change() to keep the clock right.
class ScreenHeader {
  public:
    using WallClock = std::chrono::system_clock;

    ScreenHeader(SDL_Renderer* renderer, FontCache& fonts);

    // Unit name and slogan from the group's settings. An empty slogan shows
    // the campaign's default (讲文明 树新风); an empty unit name is left out.
    void set_settings(const protocol::GroupSettings& settings);

    // Brings the texture up to date for the header of `screen` (its
    // header rect and scale) at wall time `now`, local time being UTC +
    // `local_offset`. True when it was rendered anew (the caller should
    // present a new frame). Nothing to do without a header rect.
    Result<bool> update(const ScreenLayout& screen, WallClock::time_point now,
                        std::chrono::seconds local_offset = std::chrono::hours{8});

    // The header texture (opaque, `size` of the last update), or null
    // before the first update. Owned by the header; valid until the next
    // update() that returns true.
    SDL_Texture* texture() const { return texture_.get(); }
    // Counts the textures rendered: a new number means a new picture.
    std::uint64_t version() const { return version_; }
    // The text as laid out at the last update (roles "unit", "slogan",
    // "date", "time"); warnings for missing glyphs.
    const SlideLayout& layout() const { return layout_; }

    // The start of the minute after `now`: when the clock must change.
    static WallClock::time_point next_change(WallClock::time_point now);

  private:
    Status render(const ScreenLayout& screen, protocol::Timestamp minute,
                  std::chrono::seconds local_offset);

    SDL_Renderer* renderer_;
    FontCache& fonts_;
    protocol::GroupSettings settings_;
    bool dirty_ = true;
    Size size_{};
    double scale_ = 0;
    protocol::Timestamp minute_{};
    TexturePtr texture_;
    std::uint64_t version_ = 0;
    SlideLayout layout_;
};

// The scrolling notice line. The texts are joined with a ◆ separator and
// rendered once into textures (pieces of a few dozen characters, so no
// texture exceeds a GPU's size limit). One loop of the strip (every text and
// its separator, on the band's background) is painted into opaque tiles
// kTileWidth px wide as they scroll into view; a frame copies the label and
// the two or three tiles it shows, with no blending, at a position computed
// from the elapsed time, at a constant speed (150 px/s at 1080p scale), on
// whole pixels (every renderer puts it in the same place and the text stays
// sharp under linear filtering), looping seamlessly: the first text
// follows the last one's separator. Tiles no longer shown are painted again
// for the part that comes into view, so a long ticker holds only a screen's
// width of tiles. A renderer that cannot draw into textures gets the strip
// painted each frame instead.
class Ticker {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr double kSpeedAt1080 = 150.0;  // px/s at scale 1
    static constexpr int kTileWidth = 1024;        // px of the loop per tile

    Ticker(SDL_Renderer* renderer, FontCache& fonts);

    // Replaces the texts (empty ones are skipped). An unchanged list keeps
    // the strip and its position; a changed one starts again at `now`.
    void set_texts(const std::vector<std::string>& texts, Clock::time_point now);
    const std::vector<std::string>& texts() const { return texts_; }
    bool empty() const { return texts_.empty(); }

    // Where the ticker goes and the screen's scale; renders the strip when
    // the texts, the rect's height or the scale changed.
    Status set_rect(const SDL_Rect& rect, double scale);
    const SDL_Rect& rect() const { return rect_; }
    // The part of rect() the text scrolls in (right of the 通知 label).
    const SDL_Rect& text_clip() const { return clip_; }

    // Draws the ticker for time `now` onto the current target.
    Status draw(Clock::time_point now);
    // Draws with the text scrolled `offset_px` from its start position.
    Status draw_at(double offset_px);

    // Pixels scrolled at `now` since the texts were set.
    double offset_at(Clock::time_point now) const;
    double speed() const { return kSpeedAt1080 * scale_; }  // px/s
    // Width of one loop (every text and its separator), 0 before set_rect().
    double cycle_width() const { return cycle_w_; }
    // The x (in screen coordinates, a whole pixel) where the start of the
    // loop is drawn at `offset_px` (its first copy; later copies follow
    // every cycle_width(), a whole number of pixels too).
    double start_x(double offset_px) const;

    // Missing glyphs found while rendering the strip.
    const std::vector<std::string>& warnings() const { return warnings_; }

    // Draws from tiles (the default, while the renderer can draw into
    // textures) or paints the strip every frame.
    void use_tiles(bool on);
    bool uses_tiles() const { return tiles_on_; }
    // Tile textures held now, and how many were painted since the strip
    // was rendered.
    std::size_t tiles_held() const { return tiles_.size(); }
    std::uint64_t tiles_painted() const { return tiles_painted_; }

  private:
    struct Piece {
        TexturePtr texture;
        int w = 0;
        int h = 0;
        double x = 0;  // from the start of the loop
    };
    struct Tile {
        int index = -1;  // which kTileWidth-wide part of the loop it holds
        TexturePtr texture;
        std::uint64_t used = 0;  // the draw that last showed it
    };
    struct TileCopy {
        int index;  // the part of the loop
        double x;   // where it goes on the screen
        int w;
        SDL_Texture* texture;
    };
    Status render_strip();
    // The band's gradient and its gold rule in `r`.
    void draw_band(const SDL_Rect& r);
    // The band's background, the gold rule and the 通知 tag in `r`.
    void draw_background(const SDL_Rect& r);
    // Where the copy of the loop under the screen's `left` edge starts, for
    // loops starting at x0 + k * cycle_width() (the one before it shows at
    // most its last separator's background).
    double first_loop_x(double x0, double left) const;
    // The pieces and separators of one loop that fall in [left, right),
    // with the loop starting at x = `origin_x` and the band's top at `top`.
    void paint_loop(double origin_x, int top, double left, double right);
    void paint_directly(double offset_px);
    Status draw_from_tiles(double offset_px);
    // The tile holding part `index` of the loop, painted if it is not held.
    Result<SDL_Texture*> tile(int index);
    Status paint_tile(Tile& t, int index);
    Status paint_label_band();
    void drop_tiles();

    SDL_Renderer* renderer_;
    FontCache& fonts_;
    std::vector<std::string> texts_;
    Clock::time_point start_{};
    SDL_Rect rect_{};
    SDL_Rect clip_{};
    double scale_ = 1.0;
    bool dirty_ = true;
    int rendered_h_ = 0;
    double rendered_scale_ = 0;
    std::vector<Piece> pieces_;
    std::vector<double> separators_;  // centre x of each ◆, from the start of the loop
    double cycle_w_ = 0;
    int text_px_ = 0;
    TexturePtr label_;  // the 通知 tag
    int label_w_ = 0;
    std::vector<std::string> warnings_;
    bool tiles_on_ = true;
    std::vector<Tile> tiles_;
    std::vector<TileCopy> copies_;  // this frame's, kept for its memory
    TexturePtr label_band_;         // the band left of text_clip(), painted once
    std::uint64_t draws_ = 0;
    std::uint64_t tiles_painted_ = 0;
};

}  // namespace signage::render
