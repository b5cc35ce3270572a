#pragma once
// Recognises images by their bytes, never by a name or a declared type: PNG and
// JPEG only, with their pixel size read from the header by the libraries the
// screens decode them with (libpng, libjpeg-turbo, under SDL_image). An
// upload is then decoded whole (after its pixel size was checked against the
// limit), so that a file with a good header and no picture is refused.

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

// Decodes the whole image `sniff_image` recognised, one row at a time (memory:
// one row, whatever the size): "unprocessable" (422, field "body", reason
// image_undecodable) when its data is cut short or damaged. Check the pixel
// size first: decoding takes time in proportion to it.
Status check_image_decodes(std::string_view bytes, const ImageInfo& info);

}  // namespace signage::server
