#include "media/sniff.hpp"

#include <climits>

#include <stb_image.h>

namespace signage::server {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

}  // namespace

Result<ImageInfo> sniff_image(std::string_view bytes) {
    static constexpr std::string_view png_magic{"\x89PNG\r\n\x1a\n", 8};
    static constexpr std::string_view jpeg_magic{"\xFF\xD8\xFF", 3};
    ImageInfo info;
    if (starts_with(bytes, png_magic)) {
        info.content_type = "image/png";
    } else if (starts_with(bytes, jpeg_magic)) {
        info.content_type = "image/jpeg";
    } else {
        return make_error("unsupported_media_type", "only PNG and JPEG images are accepted",
                          "body");
    }
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
        return make_error("too_large", "the image is too large", "body");
    }
    int w = 0, h = 0, comp = 0;
    if (stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                              static_cast<int>(bytes.size()), &w, &h, &comp) == 0 ||
        w <= 0 || h <= 0) {
        return make_error("unsupported_media_type",
                          "the " + info.content_type + " header cannot be read", "body");
    }
    info.width = w;
    info.height = h;
    return info;
}

}  // namespace signage::server
