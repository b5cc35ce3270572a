#pragma once
// SlideRenderer: draws one protocol::Slide into a texture of the output size.
// Designed for 1920x1080 and 1080x1920 and scaled to other sizes (lengths
// scale with the shorter side / 1080).
//
// Each slide type has its drawing in its own file (<type>_slide.cpp), which
// says how it looks; slide_drawings.cpp is the table of them.
//
// Any slide with a `qr` gets a QR code on a white card in the bottom-right
// corner of its content, with its label under it; the content makes room.
//
// A background colour set on the slide replaces the designed default; a
// background image is drawn cover-fit under a scrim. A missing or corrupt
// image never fails a render: the slide is drawn without it and a warning is
// logged and recorded.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/slide.hpp"
#include "render/film.hpp"
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
    // Fields shown shortened because they do not fit whole (a deed cut at a
    // clause end), as paths: "entries[2].deed".
    std::vector<std::string> shortened;
    // Regions the compositor uncovers one after the other when the slide is
    // shown (core_values: its three levels), in order. Empty: no reveal.
    std::vector<SDL_Rect> reveal;
    std::optional<SDL_Rect> qr_rect;  // the QR card (white, quiet zone included)
    int page = 0;                     // the page drawn (0-based) ...
    int pages = 1;                    // ... of this many

    nlohmann::json to_json() const;  // blocks_to_json(blocks)
};

struct RenderedSlide {
    TexturePtr texture;  // output-sized render target texture, opaque
    SlideLayout layout;
    // With a reveal: the slide as it looks before the reveal (the regions of
    // layout.reveal not drawn yet), same size as `texture`; else null.
    TexturePtr reveal_base;
    // A video slide rendered with RenderOptions::live_video: its film, to
    // play at layout.image_rect of `texture` once shown; else null.
    std::shared_ptr<Film> film;
};

// What to draw of a slide, and when.
struct RenderOptions {
    int page = 0;  // 0-based; clamped to the slide's pages at `now`
    // Red/black entries not valid at `now` are left out; emergency slides
    // show their expiry in local time.
    protocol::Timestamp now =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::chrono::seconds local_offset{std::chrono::hours{8}};  // the screen's zone (UTC+8)
    // Video slides: false draws the poster (the frame kPosterAt into the
    // film, as the server's poster is); true draws the first frame and
    // returns the film to play (RenderedSlide::film), and a film that
    // cannot be decoded fails the render instead of drawing without it.
    bool live_video = false;
    // A live video slide with `audio` on decodes its sound too (the screen
    // has a sound device and the group's volume is above 0).
    bool film_sound = false;
};

// Where in a film its poster frame is (or its last frame, when shorter).
inline constexpr double kPosterAt = 1.0;

class SlideRenderer {
  public:
    // `renderer` must support render targets (both display backends do).
    SlideRenderer(SDL_Renderer* renderer, FontCache& fonts, MediaResolver resolve_media);

    // Renders page `options.page` of `slide` at `size`. Errors only for SDL
    // failures (out of memory, no fonts); content problems are warnings in
    // the layout.
    Result<RenderedSlide> render(const protocol::Slide& slide, Size size,
                                 const RenderOptions& options = {});

    // The scale factor for `size`: shorter side / 1080.
    static double scale_for(Size size);
    // The size of the QR card (white square with the code and its quiet
    // zone, the label under it) on a slide of `size`.
    static Size qr_card_size(Size size, const protocol::QrCode& qr);

  private:
    // What a slide type's drawing is given: the slide, the output size, the
    // options, the layout to fill (`layout.page`: the page asked for), and
    // where a drawing with a reveal leaves the slide before it.
    struct DrawCall {
        const protocol::Slide& slide;
        Size size;
        const RenderOptions& options;
        SlideLayout& layout;
        TexturePtr* reveal_base;
        std::shared_ptr<Film>* film;
    };
    // One slide type's drawing: an entry of the table in slide_drawings.cpp.
    struct Drawing {
        protocol::SlideType type;
        Status (SlideRenderer::*draw)(const DrawCall& call);
        // Its pages depend on the layout (a text body too long for one page
        // at the minimum size): it sets layout.pages and clamps the page itself.
        bool pages_itself = false;
    };
    // The table: nullptr for a type without a drawing.
    static const Drawing* drawing_for(protocol::SlideType type);

    // The drawing of one slide type: an explicit specialisation in the type's
    // own file (<type>_slide.cpp), declared and registered in slide_drawings.cpp.
    template <protocol::SlideType type>
    Status draw(const DrawCall& call);

    // Shared by the drawings.
    Result<TextBlock> page_text_block(std::string_view text, const TextStyle& style, SDL_Rect box,
                                      int page, SlideLayout& layout);
    void draw_page_number(SlideLayout& layout, SDL_Rect footer, SDL_Color color);
    // The background and title band of a board (honour roll, red/black);
    // returns the area left for its content.
    Result<SDL_Rect> draw_board(const protocol::Slide& slide, Size size, const char* default_title,
                                SlideLayout& layout);
    // Draws a card but its deed; the box left for the deed (h <= 0: none).
    Result<SDL_Rect> draw_honor_card(const protocol::HonorEntry& entry, const SDL_Rect& card,
                                     Size size, bool compact, SlideLayout& layout);
    // Draws the page's cards from entry `first` in `rects`, then their deeds.
    struct HonorCards {
        bool shortened = false;       // a deed did not fit whole
        std::size_t shown_bytes = 0;  // of the deeds, as drawn
    };
    Result<HonorCards> draw_honor_cards(const protocol::Slide& slide, std::size_t first,
                                        const std::vector<SDL_Rect>& rects, Size size, bool compact,
                                        SlideLayout& layout);
    // Draws `ref` cover-cropped into `frame`; false when it is unavailable.
    bool draw_photo(const std::string& ref, const SDL_Rect& frame, SlideLayout& layout);
    Status draw_list_column(bool red, const std::vector<const protocol::ListEntry*>& rows,
                            bool mask_names, const SDL_Rect& column, Size size,
                            SlideLayout& layout);
    // Draws the slide's QR card at `card` (of qr_card_size()).
    Status draw_qr_card(const protocol::QrCode& qr, const SDL_Rect& card, Size size,
                        SlideLayout& layout);
    // The caption band of an image or video slide (under its picture): its
    // text laid out, and its height (0: no caption).
    struct CaptionBand {
        std::optional<TextBlock> text;
        int height = 0;
    };
    Result<CaptionBand> layout_caption(const protocol::Slide& slide, Size size);
    // Draws the band at the bottom (translucent over a cover-fit picture).
    Status draw_caption(CaptionBand& band, Size size, bool translucent, SlideLayout& layout);
    // The title in large type, for a picture slide whose picture is missing.
    Status draw_title_instead(const protocol::Slide& slide, Size size, SlideLayout& layout);
    // Draws a background image cover-fit with a dark scrim; false when the
    // image is unavailable (a warning is recorded).
    bool draw_background_media(const std::string& ref, Size size, SlideLayout& layout);
    SurfacePtr load_image(const std::string& ref, SlideLayout& layout);
    // A copy of the current render target (the slide drawn so far).
    TexturePtr copy_target(Size size);

    SDL_Renderer* renderer_;
    FontCache& fonts_;
    MediaResolver resolve_media_;
};

// Characters of one text field that the screen's fonts cannot draw.
struct MissingGlyphs {
    std::string field;   // as validation names it: "title", "entries[2].deed"
    std::string glyphs;  // the characters, each once, in the order they appear
};

// Every text field of `slide` (protocol::Slide::text_fields: all pages, all
// entries) checked against every face the renderer draws with (regular,
// bold, display): a character counts as missing when one of them lacks it,
// since which face draws a field depends on the slide type and the layout.
// Errors only when a face cannot be opened.
Result<std::vector<MissingGlyphs>> slide_missing_glyphs(FontCache& fonts,
                                                        const protocol::Slide& slide);

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
