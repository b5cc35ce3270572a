#include "render/chrome.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "render/draw.hpp"
#include "render/text_layout.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

namespace {

const char* const kDefaultSlogan = "讲文明 树新风";
const char* const kTickerLabel = "通知";
// Characters per ticker texture piece: short enough that no texture passes
// 4096 px even at 4K scale.
constexpr std::size_t kPieceChars = 24;

// One line of text laid out in a box that is as wide as needed.
Result<TextBlock> header_line(FontCache& fonts, std::string_view text, Weight weight, int max_px,
                              int min_px, int max_w, const std::string& role) {
    TextStyle st = make_style(weight, max_px, min_px, 1.2, Align::left);
    st.max_lines = 1;
    return layout_text(fonts, text, st, SDL_Rect{0, 0, std::max(1, max_w), max_px * 2}, role);
}

// Moves a one-line block so its left edge is at x and its ink is centred in
// the band [top, top + h).
void put_line(TextBlock& b, int x, int top, int h) {
    move_block(b, x - b.box.x, 0);
    center_ink_vertically(b, top, h);
}

Status emit(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout, const TextBlock& b,
            SDL_Color c) {
    if (auto st = draw_block(r, fonts, b, c); !st) return st;
    note_block(layout, b);
    layout.blocks.push_back(b);
    return {};
}

}  // namespace

// ---------------------------------------------------------------- header

ScreenHeader::ScreenHeader(SDL_Renderer* renderer, FontCache& fonts)
    : renderer_(renderer), fonts_(fonts) {}

void ScreenHeader::set_settings(const protocol::GroupSettings& settings) {
    if (settings.unit_name != settings_.unit_name || settings.slogan != settings_.slogan) {
        dirty_ = true;
    }
    settings_ = settings;
}

ScreenHeader::WallClock::time_point ScreenHeader::next_change(WallClock::time_point now) {
    return std::chrono::floor<std::chrono::minutes>(now) + std::chrono::minutes{1};
}

Result<bool> ScreenHeader::update(const ScreenLayout& screen, WallClock::time_point now,
                                  std::chrono::seconds local_offset) {
    if (!screen.has_header()) return false;
    const Size size{screen.header.w, screen.header.h};
    const auto minute = std::chrono::floor<std::chrono::minutes>(now);
    const protocol::Timestamp minute_s{minute.time_since_epoch()};
    if (!dirty_ && texture_ && size == size_ && screen.scale == scale_ && minute_s == minute_) {
        return false;
    }
    if (auto st = render(screen, minute_s, local_offset); !st) return st.error();
    dirty_ = false;
    size_ = size;
    scale_ = screen.scale;
    minute_ = minute_s;
    return true;
}

Status ScreenHeader::render(const ScreenLayout& screen, protocol::Timestamp minute,
                            std::chrono::seconds local_offset) {
    const int W = screen.header.w, H = screen.header.h;
    TexturePtr tex(
        SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, W, H));
    if (!tex) return sdl_error("SDL_CreateTexture (header)");
    TargetGuard guard(renderer_, tex.get());
    if (!guard.ok()) return sdl_error("SDL_SetRenderTarget (header)");
    SlideLayout layout;
    const Scaler sc{screen.scale};
    const bool landscape = screen.screen.w >= screen.screen.h;

    const int rule = sc(4);
    fill_vertical_gradient(renderer_, SDL_Rect{0, 0, W, H - rule}, kRed, kRedDeep);
    fill_rect(renderer_, SDL_Rect{0, H - rule, W, rule}, kGold);
    layout.background = kRed;

    const int pad = sc(landscape ? 48 : 44);
    const std::string slogan = settings_.slogan.empty() ? kDefaultSlogan : settings_.slogan;
    const std::string date = format_cn_date(minute, local_offset);
    const std::string time = format_hh_mm(minute, local_offset);
    const int band = H - rule;

    // Rows: landscape has one; portrait two (unit + time, slogan + date).
    const int row1_top = 0;
    const int row1_h = landscape ? band : band * 3 / 5;
    const int row2_top = landscape ? 0 : row1_h - sc(6);
    const int row2_h = landscape ? band : band - row1_h;

    auto tb =
        header_line(fonts_, time, Weight::bold, sc(landscape ? 58 : 62), sc(40), W / 3, "time");
    if (!tb) return tb.error();
    put_line(*tb, W - pad - tb->width, row1_top, row1_h);

    auto db =
        header_line(fonts_, date, Weight::regular, sc(landscape ? 34 : 34), sc(28), W / 2, "date");
    if (!db) return db.error();
    const int date_right = landscape ? tb->lines.front().rect.x - sc(32) : W - pad;
    put_line(*db, date_right - db->width, row2_top, row2_h);

    int left = pad;
    if (!settings_.unit_name.empty()) {
        const int unit_max_w = landscape ? W * 3 / 10 : tb->lines.front().rect.x - pad - sc(60);
        auto ub = header_line(fonts_, settings_.unit_name, Weight::bold, sc(landscape ? 44 : 48),
                              sc(32), unit_max_w - sc(36), "unit");
        if (!ub) return ub.error();
        put_line(*ub, pad + sc(36), row1_top, row1_h);
        fill_diamond(renderer_, pad + sc(10), row1_top + row1_h / 2, sc(11), kGold);
        if (auto st = emit(renderer_, fonts_, layout, *ub, kPaper); !st) return st;
        if (landscape) left = ub->lines.front().rect.x + ub->width + sc(60);
    }

    const int slogan_right =
        landscape ? db->lines.front().rect.x - sc(60) : date_right - db->width - sc(40);
    const int slogan_w = slogan_right - left;
    if (slogan_w > sc(120)) {
        auto sb = header_line(fonts_, slogan, Weight::display, sc(landscape ? 42 : 36), sc(28),
                              slogan_w, "slogan");
        if (!sb) return sb.error();
        const int x = landscape ? left + (slogan_w - sb->width) / 2 : left;
        put_line(*sb, x, row2_top, row2_h);
        if (auto st = emit(renderer_, fonts_, layout, *sb, kGoldLight); !st) return st;
    }
    if (auto st = emit(renderer_, fonts_, layout, *db, kCreamText); !st) return st;
    if (auto st = emit(renderer_, fonts_, layout, *tb, kGoldLight); !st) return st;

    texture_ = std::move(tex);
    ++version_;
    layout_ = std::move(layout);
    return {};
}

// ---------------------------------------------------------------- ticker

Ticker::Ticker(SDL_Renderer* renderer, FontCache& fonts) : renderer_(renderer), fonts_(fonts) {}

void Ticker::set_texts(const std::vector<std::string>& texts, Clock::time_point now) {
    std::vector<std::string> kept;
    for (const auto& t : texts) {
        if (t.find_first_not_of(" \t\r\n") != std::string::npos) kept.push_back(t);
    }
    if (kept == texts_) return;
    texts_ = std::move(kept);
    start_ = now;
    dirty_ = true;
}

Status Ticker::set_rect(const SDL_Rect& rect, double scale) {
    rect_ = rect;
    scale_ = scale;
    const Scaler sc{scale_};
    if (dirty_ || rendered_h_ != rect.h || rendered_scale_ != scale) {
        if (auto st = render_strip(); !st) return st;
    }
    const int label_area = label_w_ + sc(24);
    clip_ = SDL_Rect{rect.x + label_area, rect.y, std::max(0, rect.w - label_area), rect.h};
    return {};
}

Status Ticker::render_strip() {
    pieces_.clear();
    separators_.clear();
    warnings_.clear();
    cycle_w_ = 0;
    const Scaler sc{scale_};
    text_px_ = std::max(1, static_cast<int>(std::lround(rect_.h * 0.6)));
    auto font_r = fonts_.get(Weight::regular, text_px_);
    if (!font_r) return font_r.error();
    TTF_Font* font = font_r->get();

    // The 通知 label.
    {
        auto bold = fonts_.get(Weight::bold, std::max(1, static_cast<int>(rect_.h * 0.5)));
        if (!bold) return bold.error();
        SurfacePtr s(TTF_RenderUTF8_Blended(bold->get(), kTickerLabel, kRedDeep));
        if (!s) return sdl_error("TTF_RenderUTF8_Blended (ticker label)");
        label_.reset(SDL_CreateTextureFromSurface(renderer_, s.get()));
        if (!label_) return sdl_error("SDL_CreateTextureFromSurface (ticker label)");
        label_w_ = s->w + 2 * sc(26) + sc(14);
    }

    // Whole pixels, so every piece starts on a pixel of its tile.
    const double sep_w = std::round(text_px_ * 2.2);
    double x = 0;
    for (const auto& text : texts_) {
        // Missing glyphs are reported, not drawn as empty boxes silently.
        for (std::size_t i = 0; i < text.size();) {
            const char32_t cp = next_code_point(text, i);
            if (cp > 0x20 && cp != 0x3000 && TTF_GlyphIsProvided32(font, cp) == 0) {
                std::string ch;
                append_utf8(ch, cp);
                const std::string w = "ticker: no glyph in the font for " + ch;
                if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) {
                    warnings_.push_back(w);
                    spdlog::warn("{}", w);
                }
            }
        }
        std::string flat = text;
        std::replace(flat.begin(), flat.end(), '\n', ' ');
        std::replace(flat.begin(), flat.end(), '\r', ' ');
        std::size_t i = 0;
        while (i < flat.size()) {
            const std::size_t begin = i;
            for (std::size_t n = 0; n < kPieceChars && i < flat.size(); ++n)
                next_code_point(flat, i);
            const std::string chunk = flat.substr(begin, i - begin);
            SurfacePtr s(TTF_RenderUTF8_Blended(font, chunk.c_str(), kCreamText));
            if (!s) return sdl_error("TTF_RenderUTF8_Blended (ticker)");
            TexturePtr t(SDL_CreateTextureFromSurface(renderer_, s.get()));
            if (!t) return sdl_error("SDL_CreateTextureFromSurface (ticker)");
            SDL_SetTextureBlendMode(t.get(), SDL_BLENDMODE_BLEND);
            pieces_.push_back(Piece{std::move(t), s->w, s->h, x});
            x += s->w;
        }
        separators_.push_back(x + sep_w / 2);
        x += sep_w;
    }
    cycle_w_ = x;
    rendered_h_ = rect_.h;
    rendered_scale_ = scale_;
    dirty_ = false;
    drop_tiles();
    return {};
}

void Ticker::drop_tiles() {
    tiles_.clear();
    label_band_.reset();
    tiles_painted_ = 0;
}

void Ticker::use_tiles(bool on) {
    tiles_on_ = on;
    if (!on) drop_tiles();
}

double Ticker::offset_at(Clock::time_point now) const {
    const double t = std::chrono::duration<double>(now - start_).count();
    return std::max(0.0, t) * speed();
}

double Ticker::start_x(double offset_px) const {
    const Scaler sc{scale_};
    return std::floor(clip_.x + sc(24) - offset_px);
}

void Ticker::draw_band(const SDL_Rect& r) {
    const Scaler sc{scale_};
    fill_vertical_gradient(renderer_, r, rgb(0x9E0B22), rgb(0x6E0717));
    fill_rect(renderer_, SDL_Rect{r.x, r.y, r.w, sc(4)}, kGold);
}

double Ticker::first_loop_x(double x0, double left) const {
    return x0 + std::floor((left - x0) / cycle_w_) * cycle_w_;
}

void Ticker::draw_background(const SDL_Rect& r) {
    const Scaler sc{scale_};
    draw_band(r);
    // The label: a gold tag with 通知, pointing right.
    const int tag_h = r.h - sc(4);
    const SDL_Rect tag{r.x, r.y + sc(4), label_w_ - sc(14), tag_h};
    fill_rect(renderer_, tag, kGold);
    const auto fx = static_cast<float>(tag.x + tag.w);
    const auto fy = static_cast<float>(tag.y);
    const auto th = static_cast<float>(tag_h);
    fill_triangle(renderer_, {fx, fy}, {fx + static_cast<float>(sc(14)), fy + th / 2.0f},
                  {fx, fy + th}, kGold);
    if (label_) {
        int w = 0, h = 0;
        SDL_QueryTexture(label_.get(), nullptr, nullptr, &w, &h);
        const SDL_Rect dst{tag.x + (tag.w - w) / 2, tag.y + (tag.h - h) / 2, w, h};
        SDL_RenderCopy(renderer_, label_.get(), nullptr, &dst);
    }
}

void Ticker::paint_loop(double origin_x, int top, double left, double right) {
    const float h = static_cast<float>(rect_.h);
    for (const auto& p : pieces_) {
        const double px = origin_x + p.x;
        if (px + p.w <= left || px >= right) continue;
        const SDL_FRect dst{static_cast<float>(px),
                            static_cast<float>(top + (rect_.h - p.h) / 2) + h * 0.03f,
                            static_cast<float>(p.w), static_cast<float>(p.h)};
        SDL_RenderCopyF(renderer_, p.texture.get(), nullptr, &dst);
    }
    const int diamond = std::max(2, static_cast<int>(std::lround(text_px_ * 0.22)));
    const float mid_y = static_cast<float>(top) + h / 2.0f + h * 0.03f;
    for (double sx : separators_) {
        const double cx = origin_x + sx;
        if (cx + diamond <= left || cx - diamond >= right) continue;
        const auto fx = static_cast<float>(cx);
        const auto fr = static_cast<float>(diamond);
        fill_triangle(renderer_, {fx, mid_y - fr}, {fx + fr, mid_y}, {fx, mid_y + fr}, kGold);
        fill_triangle(renderer_, {fx, mid_y - fr}, {fx, mid_y + fr}, {fx - fr, mid_y}, kGold);
    }
}

Status Ticker::draw(Clock::time_point now) {
    return draw_at(offset_at(now));
}

Status Ticker::draw_at(double offset_px) {
    if (rect_.w <= 0 || rect_.h <= 0) return {};
    if (dirty_) {
        if (auto st = render_strip(); !st) return st;
    }
    ++draws_;
    if (pieces_.empty() || cycle_w_ <= 0) {
        draw_background(rect_);
        return {};
    }
    if (tiles_on_) {
        auto st = draw_from_tiles(offset_px);
        if (st) return {};
        spdlog::warn("ticker: painting the strip every frame: {}", st.error().message);
        use_tiles(false);
    }
    paint_directly(offset_px);
    return {};
}

void Ticker::paint_directly(double offset_px) {
    draw_background(rect_);
    const ClipGuard clip(renderer_, clip_);
    const double left = clip_.x, right = clip_.x + clip_.w;
    for (double base = first_loop_x(start_x(offset_px), left); base < right; base += cycle_w_) {
        paint_loop(base, rect_.y, left, right);
    }
}

Status Ticker::paint_label_band() {
    const int w = clip_.x - rect_.x;
    TexturePtr t(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w,
                                   rect_.h));
    if (!t) return sdl_error("SDL_CreateTexture (ticker label)");
    SDL_SetTextureBlendMode(t.get(), SDL_BLENDMODE_NONE);
    if (SDL_SetRenderTarget(renderer_, t.get()) != 0) return sdl_error("SDL_SetRenderTarget");
    draw_background(SDL_Rect{0, 0, w, rect_.h});
    label_band_ = std::move(t);
    return {};
}

Status Ticker::paint_tile(Tile& t, int index) {
    const int w = std::min<int>(kTileWidth, static_cast<int>(std::ceil(cycle_w_)));
    if (!t.texture) {
        t.texture.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888,
                                          SDL_TEXTUREACCESS_TARGET, w, rect_.h));
        if (!t.texture) return sdl_error("SDL_CreateTexture (ticker tile)");
        SDL_SetTextureBlendMode(t.texture.get(), SDL_BLENDMODE_NONE);
    }
    if (SDL_SetRenderTarget(renderer_, t.texture.get()) != 0) {
        return sdl_error("SDL_SetRenderTarget");
    }
    draw_band(SDL_Rect{0, 0, w, rect_.h});
    const double from = static_cast<double>(index) * kTileWidth;
    paint_loop(-from, 0, 0, w);
    t.index = index;
    ++tiles_painted_;
    return {};
}

Result<SDL_Texture*> Ticker::tile(int index) {
    for (auto& t : tiles_) {
        if (t.index == index) {
            t.used = draws_;
            return t.texture.get();
        }
    }
    // A tile this frame does not show is painted over; else a new one.
    Tile* free = nullptr;
    for (auto& t : tiles_) {
        if (t.used != draws_ && (!free || t.used < free->used)) free = &t;
    }
    if (!free) free = &tiles_.emplace_back();
    free->used = draws_;
    if (auto st = paint_tile(*free, index); !st) return st.error();
    return free->texture.get();
}

Status Ticker::draw_from_tiles(double offset_px) {
    copies_.clear();
    const double left = clip_.x, right = clip_.x + clip_.w;
    const int per_loop = static_cast<int>(std::ceil(cycle_w_ / kTileWidth));
    for (double base = first_loop_x(start_x(offset_px), left); base < right; base += cycle_w_) {
        for (int i = 0; i < per_loop; ++i) {
            const double from = static_cast<double>(i) * kTileWidth;
            const double tx = base + from;
            const int w =
                static_cast<int>(std::ceil(std::min<double>(kTileWidth, cycle_w_ - from)));
            if (tx + w <= left || tx >= right) continue;
            copies_.push_back(TileCopy{i, tx, w, nullptr});
        }
    }
    // Mark what stays, then paint what is missing into tiles not shown now.
    for (const auto& c : copies_) {
        for (auto& t : tiles_) {
            if (t.index == c.index) t.used = draws_;
        }
    }
    {
        const TargetGuard guard(renderer_);
        if (!label_band_) {
            if (auto st = paint_label_band(); !st) return st;
        }
        for (auto& c : copies_) {
            auto t = tile(c.index);
            if (!t) return t.error();
            c.texture = *t;
        }
    }

    const SDL_Rect band{rect_.x, rect_.y, clip_.x - rect_.x, rect_.h};
    SDL_RenderCopy(renderer_, label_band_.get(), nullptr, &band);
    const ClipGuard clip(renderer_, clip_);
    for (const auto& c : copies_) {
        const SDL_Rect src{0, 0, c.w, rect_.h};
        const SDL_FRect dst{static_cast<float>(c.x), static_cast<float>(rect_.y),
                            static_cast<float>(c.w), static_cast<float>(rect_.h)};
        SDL_RenderCopyF(renderer_, c.texture, &src, &dst);
    }
    return {};
}

}  // namespace signage::render
