#pragma once
// PNG and JPEG as the screens decode them (libpng, libjpeg-turbo, under
// SDL_image): what a file is by its bytes, its pixel size from its header
// alone, and whether its data decodes whole. Used by the server on uploads
// and by the player before it lets SDL_image allocate a picture.

#include <cstdint>
#include <optional>
#include <string_view>

namespace signage::image {

enum class Format { png, jpeg };

struct Header {
    Format format = Format::png;
    int width = 0;   // > 0
    int height = 0;  // > 0
};

// The most pixels (width * height) a picture may have: 8K UHD. The server's
// default upload limit, and the player's cap on what it decodes (a decoded
// picture takes 4 bytes a pixel: 133 MB at this size).
inline constexpr std::uint64_t kMaxPixels = 7680ull * 4320;

// PNG or JPEG by the first bytes; nullopt for anything else.
std::optional<Format> format_of(std::string_view bytes);

// The format and pixel size, once the header reads cleanly (PNG: chunk
// lengths and CRCs up to the image data; JPEG: the markers up to the first
// scan). Reads no pixel data. nullopt when it does not.
std::optional<Header> read_header(std::string_view bytes);

// Whether the whole image decodes, read one row at a time (memory: one row,
// whatever its size; time: in proportion to its pixels, so check them
// first): false when the data is cut short or damaged.
bool decodes(std::string_view bytes, Format format);

std::uint64_t pixels(const Header& h);

}  // namespace signage::image
