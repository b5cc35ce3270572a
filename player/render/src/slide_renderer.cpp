#include "render/slide_renderer.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/image_header.hpp"
#include "render/draw.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

nlohmann::json SlideLayout::to_json() const {
    return blocks_to_json(blocks);
}

Result<std::vector<MissingGlyphs>> slide_missing_glyphs(FontCache& fonts,
                                                        const protocol::Slide& slide) {
    std::vector<FontPtr> faces;
    for (Weight w : {Weight::regular, Weight::bold, Weight::display}) {
        auto font = fonts.get(w, 32);
        if (!font) return font.error();
        faces.push_back(*font);
    }
    std::vector<MissingGlyphs> out;
    for (const auto& [field, text] : slide.text_fields()) {
        std::vector<char32_t> seen;
        MissingGlyphs found{field, {}};
        for (std::size_t i = 0; i < text.size();) {
            const char32_t cp = next_code_point(text, i);
            if (cp < 0x20 || cp == U' ' || cp == 0x3000) continue;
            if (std::find(seen.begin(), seen.end(), cp) != seen.end()) continue;
            seen.push_back(cp);
            const bool lacking = std::any_of(faces.begin(), faces.end(), [cp](const FontPtr& f) {
                return TTF_GlyphIsProvided32(f.get(), static_cast<Uint32>(cp)) == 0;
            });
            if (lacking) append_utf8(found.glyphs, cp);
        }
        if (!found.glyphs.empty()) out.push_back(std::move(found));
    }
    return out;
}

SlideRenderer::SlideRenderer(SDL_Renderer* renderer, FontCache& fonts, MediaResolver resolve_media)
    : renderer_(renderer), fonts_(fonts), resolve_media_(std::move(resolve_media)) {}

double SlideRenderer::scale_for(Size size) {
    return std::min(size.w, size.h) / 1080.0;
}

Result<RenderedSlide> SlideRenderer::render(const protocol::Slide& slide, Size size,
                                            const RenderOptions& options) {
    RenderedSlide out;
    out.texture.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888,
                                        SDL_TEXTUREACCESS_TARGET, size.w, size.h));
    if (!out.texture) return sdl_error("SDL_CreateTexture (slide)");
    SDL_SetTextureBlendMode(out.texture.get(), SDL_BLENDMODE_BLEND);
    TargetGuard guard(renderer_, out.texture.get());
    if (!guard.ok()) return sdl_error("SDL_SetRenderTarget");
    SDL_SetRenderDrawColor(renderer_, kSlate.r, kSlate.g, kSlate.b, 255);
    SDL_RenderClear(renderer_);

    const Drawing* drawing = drawing_for(slide.type);
    if (drawing == nullptr) {
        return make_error(ErrorCode::internal,
                          std::string("no drawing for slide type ").append(to_string(slide.type)));
    }
    out.layout.pages = std::max(1, slide.pages_at(options.now, options.local_offset));
    out.layout.page = std::clamp(options.page, 0, out.layout.pages - 1);
    if (drawing->pages_itself) out.layout.page = std::max(0, options.page);
    const Status st = (this->*drawing->draw)(
        DrawCall{slide, size, options, out.layout, &out.reveal_base, &out.film});
    if (!st) return st.error();
    return out;
}

TexturePtr SlideRenderer::copy_target(Size size) {
    SDL_Texture* target = SDL_GetRenderTarget(renderer_);
    if (target == nullptr) return nullptr;
    TexturePtr copy(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                      size.w, size.h));
    if (!copy) return nullptr;
    SDL_SetTextureBlendMode(target, SDL_BLENDMODE_NONE);
    if (SDL_SetRenderTarget(renderer_, copy.get()) == 0) {
        SDL_RenderCopy(renderer_, target, nullptr, nullptr);
    }
    SDL_SetRenderTarget(renderer_, target);
    SDL_SetTextureBlendMode(target, SDL_BLENDMODE_BLEND);
    SDL_SetTextureBlendMode(copy.get(), SDL_BLENDMODE_BLEND);
    return copy;
}

SurfacePtr SlideRenderer::load_image(const std::string& ref, SlideLayout& layout) {
    const std::filesystem::path path =
        resolve_media_ ? resolve_media_(ref) : std::filesystem::path{};
    if (path.empty()) {
        layout.warnings.push_back("media " + ref + " is not available");
        spdlog::warn("media {} is not available; drawing the slide without it", ref);
        return nullptr;
    }
    // Undecodable, unreadable or over the pixel cap: the same fallback.
    const auto fallback = [&](const std::string& why) {
        layout.warnings.push_back("media " + ref + " cannot be decoded");
        spdlog::warn("media {} ({}) cannot be decoded ({}); drawing the slide without it", ref,
                     path.string(), why);
        return nullptr;
    };
    auto bytes = read_file(path);
    if (!bytes) return fallback(bytes.error().message);
    // The header first: SDL_image would allocate width x height x 4 bytes
    // before reading a single row.
    const auto header = image::read_header(*bytes);
    if (!header) return fallback("not a PNG or JPEG with a readable header");
    if (image::pixels(*header) > image::kMaxPixels) {
        return fallback(std::to_string(header->width)
                            .append("x")
                            .append(std::to_string(header->height))
                            .append(" pixels, over the limit of ")
                            .append(std::to_string(image::kMaxPixels)));
    }
    SDL_RWops* rw = SDL_RWFromConstMem(bytes->data(), static_cast<int>(bytes->size()));
    SurfacePtr img(rw ? IMG_Load_RW(rw, 1) : nullptr);
    if (!img) return fallback(IMG_GetError());
    return img;
}

bool SlideRenderer::draw_background_media(const std::string& ref, Size size, SlideLayout& layout) {
    const SDL_Rect screen{0, 0, size.w, size.h};
    if (!draw_photo(ref, screen, layout)) return false;
    fill_rect(renderer_, screen, rgb(0x000000, 150));  // scrim: text stays legible
    layout.background = kSlate;
    return true;
}

Result<TextBlock> SlideRenderer::page_text_block(std::string_view text, const TextStyle& style,
                                                 SDL_Rect box, int page, SlideLayout& layout) {
    auto all = layout_text_at(fonts_, text, style, style.min_px, box.w, -1, "body");
    if (!all) return all.error();
    // Greedy pages: a line starts a new page when it would end below the box.
    std::vector<std::size_t> starts{0};
    int top = all->lines.empty() ? 0 : all->lines.front().rect.y;
    for (std::size_t i = 1; i < all->lines.size(); ++i) {
        const SDL_Rect& r = all->lines[i].rect;
        if (r.y + r.h - top > box.h) {
            starts.push_back(i);
            top = r.y;
        }
    }
    layout.pages = static_cast<int>(starts.size());
    layout.page = std::clamp(page, 0, layout.pages - 1);
    const std::size_t from = starts[static_cast<std::size_t>(layout.page)];
    const std::size_t to = static_cast<std::size_t>(layout.page) + 1 < starts.size()
                               ? starts[static_cast<std::size_t>(layout.page) + 1]
                               : all->lines.size();
    std::vector<LaidOutLine> lines(all->lines.begin() + static_cast<std::ptrdiff_t>(from),
                                   all->lines.begin() + static_cast<std::ptrdiff_t>(to));
    const int page_top = lines.empty() ? 0 : lines.front().rect.y;
    all->lines = std::move(lines);
    all->box = box;
    all->truncated = false;
    int width = 0, bottom = 0;
    for (auto& line : all->lines) {
        line.rect.x += box.x;
        line.rect.y += box.y - page_top;
        width = std::max(width, line.rect.w);
        bottom = std::max(bottom, line.rect.y + line.rect.h - box.y);
    }
    all->width = width;
    all->height = bottom;
    return all;
}

void SlideRenderer::draw_page_number(SlideLayout& layout, SDL_Rect footer, SDL_Color color) {
    if (layout.pages <= 1) return;
    const int px = std::max(12, footer.h * 30 / 88);
    TextStyle style = make_style(Weight::bold, px, px, 1.2, Align::center);
    style.max_lines = 1;
    const std::string label =
        std::to_string(layout.page + 1) + " / " + std::to_string(layout.pages);
    auto nb = layout_text(fonts_, label, style, footer, "page");
    if (!nb) return;
    center_ink_vertically(*nb, footer.y, footer.h);
    if (draw_block(renderer_, fonts_, *nb, color)) layout.blocks.push_back(std::move(*nb));
}

}  // namespace signage::render
