#include "render/slide_renderer.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "render/draw.hpp"
#include "slide_kit.hpp"

namespace signage::render {

const CoreValuesLevel kCoreValues[3] = {
    {"国家层面", "价值目标", {"富强", "民主", "文明", "和谐"}},
    {"社会层面", "价值取向", {"自由", "平等", "公正", "法治"}},
    {"公民个人层面", "价值准则", {"爱国", "敬业", "诚信", "友善"}},
};
const char* const kCoreValuesSentence =
    "倡导富强、民主、文明、和谐，倡导自由、平等、公正、法治，倡导爱国、敬业、诚信、友善。";
const char* const kCoreValuesTitle = "社会主义核心价值观";

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

    out.layout.pages = std::max(1, slide.pages_at(options.now, options.local_offset));
    out.layout.page = std::clamp(options.page, 0, out.layout.pages - 1);
    // Text pages depend on the layout: the text slide clamps its own.
    if (slide.type == protocol::SlideType::text) out.layout.page = std::max(0, options.page);
    Status st;
    switch (slide.type) {
        case protocol::SlideType::text:
            st = draw_text_slide(slide, size, out.layout);
            break;
        case protocol::SlideType::image:
            st = draw_image_slide(slide, size, out.layout);
            break;
        case protocol::SlideType::core_values:
            st = draw_core_values_slide(slide, size, out.layout, &out.reveal_base);
            break;
        case protocol::SlideType::honor_roll:
            st = draw_honor_roll_slide(slide, size, out.layout);
            break;
        case protocol::SlideType::red_black:
            st = draw_red_black_slide(slide, size, options, out.layout);
            break;
        case protocol::SlideType::notice:
            st = draw_notice_slide(slide, size, out.layout);
            break;
        case protocol::SlideType::emergency:
            st = draw_emergency_slide(slide, size, options, out.layout);
            break;
    }
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
    SurfacePtr img(IMG_Load(path.c_str()));
    if (!img) {
        layout.warnings.push_back("media " + ref + " cannot be decoded");
        spdlog::warn("media {} ({}) cannot be decoded ({}); drawing the slide without it", ref,
                     path.string(), IMG_GetError());
        return nullptr;
    }
    return img;
}

bool SlideRenderer::draw_background_media(const std::string& ref, Size size, SlideLayout& layout) {
    const SDL_Rect screen{0, 0, size.w, size.h};
    if (!draw_photo(ref, screen, layout)) return false;
    fill_rect(renderer_, screen, rgb(0x000000, 150));  // scrim: text stays legible
    layout.background = kSlate;
    return true;
}

// ---------------------------------------------------------------- text

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

Status SlideRenderer::draw_text_slide(const protocol::Slide& slide, Size size,
                                      SlideLayout& layout) {
    const int requested_page = layout.page;
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const bool landscape = W >= H;
    const int margin =
        std::max(sc(64), static_cast<int>(std::lround(W * (landscape ? 0.05 : 0.067))));

    SDL_Color bg = slide.background.color ? opaque(*slide.background.color) : kCream;
    bool media_bg = false;
    if (!slide.background.media.empty()) {
        media_bg = draw_background_media(slide.background.media, size, layout);
    }
    if (!media_bg) {
        fill_rect(renderer_, SDL_Rect{0, 0, W, H}, bg);
        layout.background = bg;
    }
    const bool light = !media_bg && luminance(bg) > 0.35;
    const SDL_Color text_color = light ? kInk : kPaper;
    const SDL_Color muted = media_bg ? rgb(0xD8D2C8) : mix(text_color, bg, 0.45);
    // The band stays campaign red unless the page itself is reddish.
    const bool reddish = bg.r > 150 && bg.g < 90 && bg.b < 90;
    SDL_Color band = reddish ? mix(bg, kBlack, 0.3) : kRed;
    if (media_bg) band.a = 225;

    const std::string& title = slide.title;
    const std::string& body = slide.body;
    const int rule_h = sc(10);

    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        // Title only: a poster line in the middle of the page.
        fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, sc(28)}, band, mix(band, kBlack, 0.15));
        fill_rect(renderer_, SDL_Rect{0, sc(28), W, rule_h}, kGold);
        if (!title.empty()) {
            TextStyle style = make_style(Weight::bold, sc(140), sc(56), 1.3, Align::center);
            style.paragraph_gap = 0.5;
            style.balance = true;
            SDL_Rect box{margin, sc(120), W - 2 * margin, H - sc(240)};
            const auto card = reserve_qr(slide, size, box, sc(48));
            auto tb = layout_text(fonts_, title, style, box, "title");
            if (!tb) return tb.error();
            center_ink_vertically(*tb, box.y, box.h);
            if (auto st = draw_block(renderer_, fonts_, *tb, text_color); !st) return st;
            note_block(layout, *tb);
            layout.blocks.push_back(std::move(*tb));
            if (card) return draw_qr_card(*slide.qr, *card, size, layout);
        }
        return {};
    }

    // Header band with the title.
    int band_h = sc(28);
    std::optional<TextBlock> title_block;
    if (!title.empty()) {
        TextStyle style = make_style(Weight::bold, sc(92), sc(56), 1.28, Align::left);
        style.balance = true;
        const int max_title_h = static_cast<int>(H * (landscape ? 0.30 : 0.22));
        auto tb = layout_text(fonts_, title, style,
                              SDL_Rect{margin, 0, W - 2 * margin, max_title_h}, "title");
        if (!tb) return tb.error();
        const int pad = sc(48);
        band_h = std::max(sc(160), ink_height(*tb) + 2 * pad);
        center_ink_vertically(*tb, 0, band_h);
        title_block = std::move(*tb);
    }
    fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, band_h}, band, mix(band, kBlack, 0.18));
    fill_rect(renderer_, SDL_Rect{0, band_h, W, rule_h}, kGold);
    if (title_block) {
        // A gold accent bar left of the title's first line.
        const int bar_w = sc(10);
        const int first_line_bottom = title_block->lines.front().rect.y + title_block->ascent +
                                      static_cast<int>(std::lround(0.12 * title_block->font_px));
        fill_rect(renderer_,
                  SDL_Rect{margin - sc(34), title_block->ink_top(), bar_w,
                           first_line_bottom - title_block->ink_top()},
                  kGoldLight);
        if (auto st = draw_block(renderer_, fonts_, *title_block, kPaper); !st) return st;
        note_block(layout, *title_block);
        layout.blocks.push_back(std::move(*title_block));
    }

    // Footer: a hairline, the category, and the 公益广告 mark.
    const int footer_h = sc(88);
    const int footer_y = H - footer_h;
    fill_rect(renderer_, SDL_Rect{margin, footer_y, W - 2 * margin, std::max(1, sc(2))},
              mix(muted, bg, 0.4));
    const int small_px = sc(30);
    if (!slide.category.empty()) {
        TextStyle style = make_style(Weight::regular, small_px, small_px, 1.2, Align::left);
        style.max_lines = 1;
        auto cb =
            layout_text(fonts_, slide.category, style,
                        SDL_Rect{margin, footer_y, (W - 2 * margin) / 2, footer_h}, "category");
        if (!cb) return cb.error();
        center_ink_vertically(*cb, footer_y, footer_h);
        if (auto st = draw_block(renderer_, fonts_, *cb, muted); !st) return st;
        layout.blocks.push_back(std::move(*cb));
    }
    if (slide.public_service) {
        TextStyle style = make_style(Weight::bold, small_px, small_px, 1.2, Align::left);
        style.max_lines = 1;
        auto pb = layout_text(fonts_, "公益广告", style, SDL_Rect{0, 0, W / 2, footer_h}, "mark");
        if (!pb) return pb.error();
        const int pad_x = sc(18);
        const int tag_w = pb->width + 2 * pad_x;
        const int tag_h = ink_height(*pb) + 2 * sc(12);
        const SDL_Rect tag{W - margin - tag_w, footer_y + (footer_h - tag_h) / 2, tag_w, tag_h};
        fill_rounded_rect(renderer_, tag, sc(8), band.a == 255 ? band : kRed);
        move_block(*pb, tag.x + pad_x - pb->box.x, 0);
        center_ink_vertically(*pb, tag.y, tag.h);
        if (auto st = draw_block(renderer_, fonts_, *pb, kPaper); !st) return st;
        layout.blocks.push_back(std::move(*pb));
    }

    // Body.
    const int body_top = band_h + rule_h + sc(56);
    const int body_bottom = footer_y - sc(28);
    SDL_Rect body_box{margin, body_top, W - 2 * margin, std::max(sc(40), body_bottom - body_top)};
    const auto card = reserve_qr(slide, size, body_box, sc(48));
    TextStyle style = make_style(Weight::regular, sc(80), sc(40), 1.6, Align::left);
    style.paragraph_gap = 0.55;
    style.justify = true;
    auto bb = layout_text(fonts_, body, style, body_box, "body");
    if (!bb) return bb.error();
    if (bb->truncated) {
        // Too long even at the minimum size: page through it (nothing is cut).
        auto paged = page_text_block(body, style, body_box, requested_page, layout);
        if (!paged) return paged.error();
        bb = std::move(paged);
        draw_page_number(layout, SDL_Rect{margin, footer_y, W - 2 * margin, footer_h}, muted);
    } else if (bb->height < body_box.h) {
        // Optical placement: a third of the free space above, two thirds below.
        move_block(*bb, 0, (body_box.h - bb->height) / 3);
    }
    if (auto st = draw_block(renderer_, fonts_, *bb, text_color); !st) return st;
    note_block(layout, *bb);
    layout.blocks.push_back(std::move(*bb));
    if (card) return draw_qr_card(*slide.qr, *card, size, layout);
    return {};
}

// ---------------------------------------------------------------- image

Status SlideRenderer::draw_image_slide(const protocol::Slide& slide, Size size,
                                       SlideLayout& layout) {
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const SDL_Rect screen{0, 0, W, H};
    const int margin = sc(72);

    SurfacePtr img = slide.media.empty() ? nullptr : load_image(slide.media, layout);
    const bool cover = slide.fit == protocol::Fit::cover;

    // Caption layout first: with contain, the image sits above the band.
    std::optional<TextBlock> caption;
    int band_h = 0;
    if (!slide.caption.empty()) {
        TextStyle style = make_style(Weight::bold, sc(60), sc(40), 1.35, Align::center);
        style.max_lines = 2;
        style.balance = true;
        auto cb =
            layout_text(fonts_, slide.caption, style,
                        SDL_Rect{margin, 0, W - 2 * margin, sc(60 * 1.35 * 2 + 10)}, "caption");
        if (!cb) return cb.error();
        band_h = ink_height(*cb) + 2 * sc(40);
        caption = std::move(*cb);
    }

    // Backdrop.
    if (slide.background.color) {
        fill_rect(renderer_, screen, opaque(*slide.background.color));
        layout.background = opaque(*slide.background.color);
    } else if (!slide.background.media.empty() &&
               draw_background_media(slide.background.media, size, layout)) {
        // drawn
    } else if (img && !cover) {
        // A blurred, darkened copy of the image itself fills the letterbox.
        SurfacePtr tiny = tiny_copy(*img, 48);
        TexturePtr t = tiny ? make_texture(renderer_, *tiny) : nullptr;
        if (t) {
            const SDL_Rect src = crop_cover(tiny->w, tiny->h, screen);
            SDL_RenderCopy(renderer_, t.get(), &src, &screen);
            fill_rect(renderer_, screen, rgb(0x000000, 120));
        } else {
            fill_rect(renderer_, screen, kSlate);
        }
        layout.background = kSlate;
    } else {
        fill_vertical_gradient(renderer_, screen, rgb(0x343A42), rgb(0x1B1E23));
        layout.background = rgb(0x2A2F36);
    }

    if (img) {
        SDL_Rect dst;
        if (cover) {
            const double scale =
                std::max(static_cast<double>(W) / img->w, static_cast<double>(H) / img->h);
            SurfacePtr fitted = prepare_image(*img, static_cast<int>(std::ceil(img->w * scale)),
                                              static_cast<int>(std::ceil(img->h * scale)));
            TexturePtr t = fitted ? make_texture(renderer_, *fitted) : nullptr;
            if (!t) return sdl_error("image texture");
            const SDL_Rect src = crop_cover(fitted->w, fitted->h, screen);
            dst = screen;
            SDL_RenderCopy(renderer_, t.get(), &src, &dst);
        } else {
            const SDL_Rect box{0, 0, W, H - band_h};
            dst = fit_contain(img->w, img->h, box);
            SurfacePtr fitted = prepare_image(*img, dst.w, dst.h);
            TexturePtr t = fitted ? make_texture(renderer_, *fitted) : nullptr;
            if (!t) return sdl_error("image texture");
            SDL_RenderCopy(renderer_, t.get(), nullptr, &dst);
        }
        layout.image_rect = dst;
    } else if (!slide.title.empty() && !caption) {
        // Without its image, the slide still says what it is about.
        TextStyle style = make_style(Weight::bold, sc(110), sc(48), 1.3, Align::center);
        style.balance = true;
        const SDL_Rect box{margin, margin, W - 2 * margin, H - 2 * margin};
        auto tb = layout_text(fonts_, slide.title, style, box, "title");
        if (!tb) return tb.error();
        center_ink_vertically(*tb, box.y, box.h);
        if (auto st = draw_block(renderer_, fonts_, *tb, kPaper); !st) return st;
        note_block(layout, *tb);
        layout.blocks.push_back(std::move(*tb));
    }

    if (caption) {
        const int band_y = H - band_h;
        fill_rect(renderer_, SDL_Rect{0, band_y, W, band_h}, rgb(0x101216, cover ? 190 : 215));
        fill_rect(renderer_, SDL_Rect{0, band_y, W, sc(6)}, kGold);
        center_ink_vertically(*caption, band_y + sc(3), band_h);
        if (auto st = draw_block(renderer_, fonts_, *caption, kPaper); !st) return st;
        note_block(layout, *caption);
        layout.blocks.push_back(std::move(*caption));
    }
    if (slide.qr) {
        // Over the image, above the caption band.
        const Size card = qr_card_size(size, *slide.qr);
        const SDL_Rect at{W - sc(48) - card.w, H - band_h - sc(40) - card.h, card.w, card.h};
        return draw_qr_card(*slide.qr, at, size, layout);
    }
    return {};
}

// ---------------------------------------------------------------- core values

Status SlideRenderer::draw_core_values_slide(const protocol::Slide& slide, Size size,
                                             SlideLayout& layout, TexturePtr* reveal_base) {
    const int W = size.w, H = size.h;
    const Scaler sc{scale_for(size)};
    const bool landscape = W >= H;
    const SDL_Rect screen{0, 0, W, H};

    const SDL_Color top = slide.background.color ? opaque(*slide.background.color) : kRed;
    const SDL_Color bottom = slide.background.color ? mix(top, kBlack, 0.3) : kRedDeep;
    bool media_bg = false;
    if (!slide.background.media.empty()) {
        media_bg = draw_background_media(slide.background.media, size, layout);
    }
    if (!media_bg) {
        fill_vertical_gradient(renderer_, screen, top, bottom);
        layout.background = mix(top, bottom, 0.5);
    }
    // A double gold frame, as on printed campaign boards.
    stroke_rect(renderer_, SDL_Rect{sc(26), sc(26), W - 2 * sc(26), H - 2 * sc(26)}, sc(4),
                rgb(0xE9B949, 230));
    stroke_rect(renderer_, SDL_Rect{sc(40), sc(40), W - 2 * sc(40), H - 2 * sc(40)},
                std::max(1, sc(1.5)), rgb(0xE9B949, 150));

    const int margin = landscape ? sc(110) : sc(76);
    const int inner_w = W - 2 * margin;
    // With a QR code: the card in the bottom-right corner, the slogan and
    // (landscape) the tiles keep clear of it.
    std::optional<SDL_Rect> card;
    int content_right = W - margin;
    if (slide.qr) {
        const Size cs = qr_card_size(size, *slide.qr);
        card = SDL_Rect{W - margin - cs.w, H - sc(landscape ? 70 : 96) - cs.h, cs.w, cs.h};
        if (landscape) content_right = card->x - sc(40);
    }
    const int slogan_w = card ? card->x - sc(40) - margin : inner_w;

    // Title and ornament.
    const std::string title = slide.title.empty() ? kCoreValuesTitle : slide.title;
    TextStyle title_style =
        make_style(Weight::display, sc(landscape ? 112 : 100), sc(56), 1.25, Align::center);
    title_style.max_lines = 2;
    title_style.balance = true;
    auto tb = layout_text(fonts_, title, title_style,
                          SDL_Rect{margin, 0, inner_w, sc(landscape ? 150 : 280)}, "title");
    if (!tb) return tb.error();
    move_block(*tb, 0, sc(landscape ? 92 : 120) - tb->ink_top());
    if (auto st = draw_block(renderer_, fonts_, *tb, kGoldLight); !st) return st;
    const int ornament_y = tb->ink_bottom() + sc(36);
    note_block(layout, *tb);
    layout.blocks.push_back(std::move(*tb));
    {
        const int half = sc(landscape ? 260 : 220);
        const int gap = sc(22);
        fill_rect(renderer_, SDL_Rect{W / 2 - half, ornament_y - sc(1), half - gap, sc(3)}, kGold);
        fill_rect(renderer_, SDL_Rect{W / 2 + gap, ornament_y - sc(1), half - gap, sc(3)}, kGold);
        fill_diamond(renderer_, W / 2, ornament_y, sc(10), kGold);
    }

    // The full sentence at the foot.
    TextStyle slogan_style =
        make_style(Weight::regular, sc(landscape ? 40 : 44), sc(30), 1.5, Align::center);
    slogan_style.max_lines = 3;
    slogan_style.balance = true;
    auto sb = layout_text(fonts_, kCoreValuesSentence, slogan_style,
                          SDL_Rect{margin, 0, slogan_w, sc(44 * 1.5 * 3)}, "slogan");
    if (!sb) return sb.error();
    move_block(*sb, 0, H - sc(landscape ? 84 : 110) - sb->ink_bottom());
    const int slogan_top = sb->ink_top();
    if (auto st = draw_block(renderer_, fonts_, *sb, kCreamText); !st) return st;
    note_block(layout, *sb);

    // The three levels.
    const int region_top = ornament_y + sc(landscape ? 50 : 70);
    const int region_bottom =
        std::min(slogan_top, card && !landscape ? card->y : slogan_top) - sc(landscape ? 50 : 70);
    if (card) {
        if (auto st = draw_qr_card(*slide.qr, *card, size, layout); !st) return st;
    }
    // Everything but the levels is drawn: that is how the slide looks
    // before the compositor's reveal.
    if (reveal_base != nullptr) *reveal_base = copy_target(size);

    const int region_h = region_bottom - region_top;
    const SDL_Color panel = rgb(0x000000, 46);

    const auto draw_value_tile = [&](const SDL_Rect& tile, const char* word, TextBlock& values) {
        fill_rounded_rect(renderer_, SDL_Rect{tile.x, tile.y + sc(6), tile.w, tile.h}, sc(20),
                          rgb(0x3A0008, 70));  // shadow
        fill_rounded_rect(renderer_, tile, sc(20), kTile);
        fill_rect(renderer_, SDL_Rect{tile.x + sc(20), tile.y + sc(10), tile.w - sc(40), sc(2)},
                  rgb(0xFFF3CF));  // highlight
        const int px =
            std::min(static_cast<int>(tile.h * 0.6), static_cast<int>((tile.w - sc(28)) / 2.1));
        TextStyle st =
            make_style(Weight::display, px, std::max(sc(40), px * 2 / 3), 1.2, Align::center);
        st.max_lines = 1;
        auto vb = layout_text(fonts_, word, st, SDL_Rect{tile.x, tile.y, tile.w, tile.h}, "value");
        if (!vb) return Status(vb.error());
        center_ink_vertically(*vb, tile.y, tile.h);
        if (auto s = draw_block(renderer_, fonts_, *vb, kTileText); !s) return s;
        values.font_px = vb->font_px;
        values.weight = vb->weight;
        values.ascent = vb->ascent;
        for (auto& l : vb->lines) values.lines.push_back(l);
        for (auto& g : vb->missing_glyphs) values.missing_glyphs.push_back(g);
        return Status{};
    };

    if (landscape) {
        const int row_gap = sc(30);
        const int row_h = (region_h - 2 * row_gap) / 3;
        const int label_w = sc(330);
        const int tiles_x = margin + label_w + sc(40);
        const int tile_gap = sc(30);
        const int tile_w = (content_right - tiles_x - 3 * tile_gap) / 4;
        for (int i = 0; i < 3; ++i) {
            const auto& lv = kCoreValues[i];
            const int y = region_top + i * (row_h + row_gap);
            layout.reveal.push_back(SDL_Rect{margin - sc(4), y - sc(4),
                                             content_right - margin + sc(8), row_h + sc(16)});
            const SDL_Rect label_panel{margin, y, label_w, row_h};
            fill_rounded_rect(renderer_, label_panel, sc(20), panel);
            stroke_rect(renderer_, label_panel, std::max(1, sc(2)), rgb(0xE9B949, 120));

            TextStyle level_style = make_style(Weight::bold, sc(50), sc(36), 1.2, Align::center);
            level_style.max_lines = 1;
            TextStyle label_style = make_style(Weight::regular, sc(40), sc(32), 1.2, Align::center);
            label_style.max_lines = 1;
            const SDL_Rect inner{label_panel.x + sc(16), y, label_w - sc(32), row_h};
            auto lb = layout_text(fonts_, lv.level, level_style, inner, "level");
            if (!lb) return lb.error();
            auto ab = layout_text(fonts_, lv.label, label_style, inner, "level_label");
            if (!ab) return ab.error();
            const int divider_gap = sc(22);
            const int stack_h = ink_height(*lb) + 2 * divider_gap + ink_height(*ab);
            const int stack_top = y + (row_h - stack_h) / 2;
            move_block(*lb, 0, stack_top - lb->ink_top());
            move_block(*ab, 0, lb->ink_bottom() + 2 * divider_gap - ab->ink_top());
            fill_rect(renderer_,
                      SDL_Rect{label_panel.x + label_w / 4, lb->ink_bottom() + divider_gap,
                               label_w / 2, std::max(1, sc(2))},
                      kGold);
            if (auto st = draw_block(renderer_, fonts_, *lb, kCreamText); !st) return st;
            if (auto st = draw_block(renderer_, fonts_, *ab, kGoldLight); !st) return st;
            note_block(layout, *lb);
            note_block(layout, *ab);

            TextBlock values;
            values.role = "values";
            for (int k = 0; k < 4; ++k) {
                const SDL_Rect tile{tiles_x + k * (tile_w + tile_gap), y, tile_w, row_h};
                if (auto st = draw_value_tile(tile, lv.values[k], values); !st) return st;
            }
            note_block(layout, values);
            layout.blocks.push_back(std::move(*lb));
            layout.blocks.push_back(std::move(*ab));
            layout.blocks.push_back(std::move(values));
        }
    } else {
        const int header_h = sc(64);
        const int header_gap = sc(14);
        const int section_gap = sc(40);
        const int tile_gap = sc(22);
        const int section_h = (region_h - 2 * section_gap) / 3;
        const int tile_h = (section_h - header_h - header_gap - tile_gap) / 2;
        const int tile_w = (inner_w - tile_gap) / 2;
        for (int i = 0; i < 3; ++i) {
            const auto& lv = kCoreValues[i];
            const int y = region_top + i * (section_h + section_gap);
            layout.reveal.push_back(
                SDL_Rect{margin - sc(4), y - sc(4), inner_w + sc(8), section_h + sc(12)});
            TextStyle level_style = make_style(Weight::bold, sc(50), sc(40), 1.2, Align::left);
            level_style.max_lines = 1;
            TextStyle label_style = make_style(Weight::regular, sc(44), sc(36), 1.2, Align::left);
            label_style.max_lines = 1;
            const SDL_Rect wide{0, y, inner_w, header_h};
            auto lb = layout_text(fonts_, lv.level, level_style, wide, "level");
            if (!lb) return lb.error();
            auto ab = layout_text(fonts_, lv.label, label_style, wide, "level_label");
            if (!ab) return ab.error();
            const int dot_gap = sc(26);
            const int total = lb->width + 2 * dot_gap + ab->width;
            const int x0 = (W - total) / 2;
            move_block(*lb, x0 - lb->box.x, 0);
            move_block(*ab, x0 + lb->width + 2 * dot_gap - ab->box.x, 0);
            center_ink_vertically(*lb, y, header_h);
            center_ink_vertically(*ab, y, header_h);
            const int mid_y = y + header_h / 2;
            fill_diamond(renderer_, x0 + lb->width + dot_gap, mid_y, sc(8), kGold);
            // Rules either side of the header.
            const int rule_gap = sc(28);
            fill_rect(renderer_,
                      SDL_Rect{margin, mid_y, std::max(0, x0 - rule_gap - margin), sc(2)},
                      rgb(0xE9B949, 170));
            const int right = x0 + total + rule_gap;
            fill_rect(renderer_, SDL_Rect{right, mid_y, std::max(0, W - margin - right), sc(2)},
                      rgb(0xE9B949, 170));
            if (auto st = draw_block(renderer_, fonts_, *lb, kCreamText); !st) return st;
            if (auto st = draw_block(renderer_, fonts_, *ab, kGoldLight); !st) return st;
            note_block(layout, *lb);
            note_block(layout, *ab);

            TextBlock values;
            values.role = "values";
            const int tiles_y = y + header_h + header_gap;
            for (int k = 0; k < 4; ++k) {
                const SDL_Rect tile{margin + (k % 2) * (tile_w + tile_gap),
                                    tiles_y + (k / 2) * (tile_h + tile_gap), tile_w, tile_h};
                if (auto st = draw_value_tile(tile, lv.values[k], values); !st) return st;
            }
            note_block(layout, values);
            layout.blocks.push_back(std::move(*lb));
            layout.blocks.push_back(std::move(*ab));
            layout.blocks.push_back(std::move(values));
        }
    }
    layout.blocks.push_back(std::move(*sb));
    return {};
}

}  // namespace signage::render
