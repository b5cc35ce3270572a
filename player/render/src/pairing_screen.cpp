// The pairing page of a screen that has no device token yet.

#include "render/pairing_screen.hpp"

#include <algorithm>

#include "render/draw.hpp"
#include "render/slide_renderer.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

namespace {

Status pairing_text(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout, const std::string& text,
                    Weight weight, int max_px, int min_px, const SDL_Rect& box,
                    const std::string& role, SDL_Color color) {
    TextStyle st = make_style(weight, max_px, min_px, 1.2, Align::center);
    st.max_lines = 1;
    auto b = place_text(r, fonts, layout, text, st, box, role, color, true);
    if (!b) return b.error();
    return {};
}

}  // namespace

Result<TexturePtr> render_pairing_page(SDL_Renderer* renderer, FontCache& fonts,
                                       const PairingView& view, Size size) {
    TexturePtr texture(SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888,
                                         SDL_TEXTUREACCESS_TARGET, size.w, size.h));
    if (!texture) return sdl_error("SDL_CreateTexture (pairing)");
    TargetGuard guard(renderer, texture.get());
    if (!guard.ok()) return sdl_error("SDL_SetRenderTarget");
    SDL_Renderer* r = renderer;
    const int W = size.w, H = size.h;
    const bool landscape = W >= H;
    const Scaler sc{SlideRenderer::scale_for(size)};
    SlideLayout layout;

    fill_vertical_gradient(r, SDL_Rect{0, 0, W, H}, kRed, kRedDeep);
    // Faint gold rings in a corner, as on the campaign's posters.
    for (int i = 0; i < 4; ++i) {
        const int rad = sc(260 + 90 * i);
        fill_rounded_rect(r, SDL_Rect{-rad, H - rad, 2 * rad, 2 * rad}, rad,
                          rgb(0xE9B949, static_cast<std::uint8_t>(18)));
    }
    const int margin = sc(landscape ? 96 : 64);

    // The pill, then the instruction.
    const SDL_Rect pill{(W - sc(360)) / 2, sc(landscape ? 70 : 150), sc(360), sc(72)};
    fill_rounded_rect(r, pill, pill.h / 2, kGold);
    if (auto st = pairing_text(r, fonts, layout, "屏幕配对", Weight::bold, sc(40), sc(28), pill,
                               "tag", kRedDeep);
        !st) {
        return st.error();
    }
    const int title_top = pill.y + pill.h + sc(landscape ? 36 : 80);
    const int title_h = sc(landscape ? 130 : 150);
    if (auto st = pairing_text(
            r, fonts, layout, "请在管理后台输入配对码", Weight::bold, sc(landscape ? 96 : 84),
            sc(48), SDL_Rect{margin, title_top, W - 2 * margin, title_h}, "title", kGoldLight);
        !st) {
        return st.error();
    }

    // The code: six cream tiles with one digit each, as large as fits; in
    // landscape one row (a wider gap between the groups of three), in
    // portrait two rows of three.
    const int gap = sc(landscape ? 28 : 36);
    const int group_gap = sc(64);
    const int avail_w = W - 2 * margin;
    const int per_row = landscape ? 6 : 3;
    const int row_gaps = landscape ? 4 * gap + group_gap : 2 * gap;
    const int tile_w = std::min(sc(landscape ? 230 : 250), (avail_w - row_gaps) / per_row);
    const int tile_h = tile_w * 4 / 3;
    const int row_w = per_row * tile_w + row_gaps;
    const int tiles_top = title_top + title_h + sc(landscape ? 40 : 90);
    const std::string code = view.code.size() == 6 ? view.code : std::string(6, ' ');
    int x = (W - row_w) / 2;
    int tile_y = tiles_top;
    for (int i = 0; i < 6; ++i) {
        if (!landscape && i == 3) {
            x = (W - row_w) / 2;
            tile_y += tile_h + gap;
        }
        const SDL_Rect tile{x, tile_y, tile_w, tile_h};
        fill_rounded_rect(r, SDL_Rect{tile.x, tile.y + sc(8), tile.w, tile.h}, sc(24),
                          rgb(0x000000, 70));
        fill_rounded_rect(r, tile, sc(24), kPaper);
        fill_rect(r, SDL_Rect{tile.x + sc(20), tile.y + tile.h - sc(26), tile.w - sc(40), sc(6)},
                  kGold);
        if (code[static_cast<std::size_t>(i)] != ' ') {
            TextStyle ds = make_style(Weight::bold, tile_h * 3 / 4, tile_h / 3, 1.0, Align::center);
            ds.max_lines = 1;
            if (auto b = place_text(r, fonts, layout, code.substr(static_cast<std::size_t>(i), 1),
                                    ds, tile, "digit", kRedDeep, true);
                !b) {
                return b.error();
            }
        }
        x += tile_w + (landscape && i == 2 ? group_gap : gap);
    }

    int y = tile_y + tile_h + sc(landscape ? 40 : 90);
    const std::string status = !view.status.empty()
                                   ? view.status
                                   : std::string("配对码到期前会自动更换，请以屏幕上显示的为准");
    if (auto st = pairing_text(r, fonts, layout, status, Weight::regular, sc(44), sc(28),
                               SDL_Rect{margin, y, W - 2 * margin, sc(64)}, "status", kCreamText);
        !st) {
        return st.error();
    }
    y += sc(landscape ? 90 : 130);

    // How: three short steps on a dark card.
    const std::string steps[3] = {"登录管理后台，在“屏幕”中选择“配对新屏幕”",
                                  "输入上方六位配对码，填写屏幕名称并选择分组",
                                  "确认后本屏自动开始播放，无需重启"};
    const int footer_h = sc(landscape ? 80 : 110);
    const int card_bottom = H - footer_h - sc(landscape ? 20 : 60);
    const int step_h = std::min(sc(landscape ? 64 : 90), (card_bottom - y - sc(40)) / 3);
    if (step_h > sc(30)) {
        const SDL_Rect card{margin + sc(landscape ? 180 : 0), y,
                            W - 2 * margin - sc(landscape ? 360 : 0), 3 * step_h + sc(40)};
        fill_rounded_rect(r, card, sc(24), rgb(0x000000, 60));
        for (int i = 0; i < 3; ++i) {
            const SDL_Rect row{card.x + sc(30), card.y + sc(20) + i * step_h, card.w - sc(60),
                               step_h};
            const int d = std::min(sc(48), step_h - sc(12));
            const SDL_Rect disc{row.x, row.y + (row.h - d) / 2, d, d};
            fill_rounded_rect(r, disc, d / 2, kGold);
            if (auto st = pairing_text(r, fonts, layout, std::to_string(i + 1), Weight::bold,
                                       d * 6 / 10, d / 3, disc, "step_number", kRedDeep);
                !st) {
                return st.error();
            }
            TextStyle ss =
                make_style(Weight::regular, sc(landscape ? 40 : 36), sc(24), 1.2, Align::left);
            ss.max_lines = 1;
            if (auto b = place_text(r, fonts, layout, steps[i], ss,
                                    SDL_Rect{disc.x + d + sc(24), row.y, row.w - d - sc(24), row.h},
                                    "step", kPaper, true);
                !b) {
                return b.error();
            }
        }
    }

    // The footer: which server this screen asks.
    const SDL_Rect footer{0, H - footer_h, W, footer_h};
    fill_rect(r, footer, rgb(0x000000, 70));
    if (auto st = pairing_text(r, fonts, layout, std::string("服务器  ") + view.server,
                               Weight::regular, sc(landscape ? 40 : 36), sc(24),
                               SDL_Rect{margin, footer.y, W - 2 * margin, footer.h}, "server",
                               kCreamText);
        !st) {
        return st.error();
    }
    return texture;
}

}  // namespace signage::render
