// Uploaded images (media and screenshots): the server sniffs them and decodes
// them whole, the screen decodes them with SDL_image. Never crash; only PNG
// and JPEG are accepted, by their bytes; an accepted image has a positive
// size; what the server's decode refuses is a 422 on "body"; and what the
// screen's decoder reads, it reads at that size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <SDL.h>
#include <SDL_image.h>

#include "media/sniff.hpp"

using namespace signage::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto info = sniff_image(bytes);
    if (!info) {
        const auto& e = info.error();
        if (e.field != "body" || e.message.empty()) std::abort();
        if (e.code != signage::ErrorCode::unsupported_media_type &&
            e.code != signage::ErrorCode::too_large)
            std::abort();
        return 0;
    }
    const bool png = bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
    const bool jpeg = bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3);
    if ((!png && !jpeg) || info->content_type != (png ? "image/png" : "image/jpeg")) std::abort();
    if (info->width <= 0 || info->height <= 0) std::abort();
    // Decode only small pictures, to keep runs fast; the header gave the size.
    if (static_cast<long long>(info->width) * info->height > 1024LL * 1024) return 0;
    const auto decoded = check_image_decodes(bytes, *info);
    if (!decoded) {
        const auto& e = decoded.error();
        if (e.code != signage::ErrorCode::unprocessable || e.field != "body" ||
            e.reason != signage::ErrorReason::image_undecodable)
            std::abort();
    }
    SDL_RWops* rw = SDL_RWFromConstMem(data, static_cast<int>(size));
    if (!rw) return 0;
    SDL_Surface* surface = IMG_LoadTyped_RW(rw, 1, png ? "PNG" : "JPG");
    // What both read, they read at the same size. (Some damaged files that
    // libpng or libjpeg decode whole are still refused by SDL_image; the
    // screen then draws its fallback, as for any undecodable image.)
    if (surface) {
        const bool same = surface->w == info->width && surface->h == info->height;
        SDL_FreeSurface(surface);
        if (!same) std::abort();
    }
    return 0;
}
