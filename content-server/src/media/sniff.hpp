#pragma once
// Recognises images by their bytes, never by a name or a declared type: PNG and
// JPEG only, with their pixel size read from the header by the libraries the
// screens decode them with (libpng, libjpeg-turbo, under SDL_image).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace signage::server {

struct ImageInfo {
    std::string content_type;  // image/png or image/jpeg
    int width = 0;
    int height = 0;
};

// "unsupported_media_type" (field "body") for anything but a readable PNG or
// JPEG header.
Result<ImageInfo> sniff_image(std::string_view bytes);

}  // namespace signage::server
