#pragma once
// Encodes pixels as PNG bytes in memory (stb_image_write), for uploads.

#include <stb_image_write.h>

#include <cstddef>
#include <string>
#include <vector>

namespace signage::test {

// `px` holds w*h pixels of `channels` bytes (3: RGB, 4: RGBA).
inline std::string png_bytes(int w, int h, int channels, const std::vector<unsigned char>& px) {
    std::string out;
    stbi_write_png_to_func(
        [](void* ctx, void* data, int size) {
            static_cast<std::string*>(ctx)->append(static_cast<const char*>(data),
                                                   static_cast<std::size_t>(size));
        },
        &out, w, h, channels, px.data(), w * channels);
    return out;
}

}  // namespace signage::test
