#include "render/fonts.hpp"

#include <system_error>

namespace signage::render {
namespace {

const char* const kNotoDir = "/usr/share/fonts/opentype/noto/";

bool file_exists(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}

}  // namespace

FontSet FontSet::defaults(const std::filesystem::path& regular_override, long index) {
    FontSet set;
    const std::filesystem::path dir = kNotoDir;
    set.regular = {dir / "NotoSansCJK-Regular.ttc", 2};
    set.bold = {dir / "NotoSansCJK-Bold.ttc", 2};
    set.display = {dir / "NotoSerifCJK-Bold.ttc", 2};
    if (!regular_override.empty()) {
        set.regular = {regular_override, index};
        std::string name = regular_override.filename().string();
        const auto pos = name.find("Regular");
        std::filesystem::path bold = regular_override;
        if (pos != std::string::npos) {
            name.replace(pos, 7, "Bold");
            bold = regular_override.parent_path() / name;
        }
        set.bold = file_exists(bold) ? FontFace{bold, index} : set.regular;
    }
    if (!file_exists(set.bold.path)) set.bold = set.regular;
    if (!file_exists(set.display.path)) set.display = set.bold;
    return set;
}

Status FontSet::check() const {
    for (const FontFace* f : {&regular, &bold, &display}) {
        if (!file_exists(f->path)) {
            return make_error(ErrorCode::not_found,
                              "font file not found: " + f->path.string() +
                                  " (install fonts-noto-cjk or pass --font)",
                              "font");
        }
    }
    return {};
}

FontCache::FontCache(FontSet fonts) : fonts_(std::move(fonts)) {}

Result<FontPtr> FontCache::get(Weight weight, int px) {
    if (px < 1) px = 1;
    Slot& slot = slots_[static_cast<int>(weight)];
    if (slot.font) {
        if (slot.px != px) {
            if (TTF_SetFontSize(slot.font.get(), px) != 0) return sdl_error("TTF_SetFontSize");
            slot.px = px;
        }
        return slot.font;
    }
    const FontFace& face = weight == Weight::regular ? fonts_.regular
                           : weight == Weight::bold  ? fonts_.bold
                                                     : fonts_.display;
    TTF_Font* raw = TTF_OpenFontIndex(face.path.c_str(), px, face.index);
    if (!raw) return sdl_error("TTF_OpenFontIndex " + face.path.string());
    slot.font = FontPtr(raw, SdlDeleter{});
    slot.px = px;
    return slot.font;
}

char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    int len = 0;
    char32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07u;
    } else {
        ++i;
        return 0xFFFD;
    }
    if (i + static_cast<std::size_t>(len) > s.size()) {
        i = s.size();
        return 0xFFFD;
    }
    for (int k = 1; k < len; ++k) {
        const unsigned char cc = byte(i + static_cast<std::size_t>(k));
        if ((cc & 0xC0) != 0x80) {
            i += static_cast<std::size_t>(k);
            return 0xFFFD;
        }
        cp = (cp << 6) | (cc & 0x3Fu);
    }
    i += static_cast<std::size_t>(len);
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace signage::render
