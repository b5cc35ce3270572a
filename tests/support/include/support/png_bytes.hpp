#pragma once
// Encodes pixels as PNG bytes in memory (stb_image_write), for uploads.

#include <stb_image_write.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace signage::test {

// Appends what stb writes to the std::string at `ctx`.
inline void append_to_string(void* ctx, void* data, int size) {
    static_cast<std::string*>(ctx)->append(static_cast<const char*>(data),
                                           static_cast<std::size_t>(size));
}

// `px` holds w*h pixels of `channels` bytes (3: RGB, 4: RGBA). Needs the stb
// library (PkgConfig::STB) at link time; throws when encoding fails.
inline std::string png_bytes(int w, int h, int channels, const std::vector<unsigned char>& px) {
    std::string out;
    if (stbi_write_png_to_func(append_to_string, &out, w, h, channels, px.data(), w * channels) ==
        0) {
        throw std::runtime_error("stbi_write_png_to_func failed");
    }
    return out;
}

// A PNG of random noise: it does not compress, so it is about w*h*3 bytes;
// the same seed gives the same picture.
inline std::string noise_png(int w, int h, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    for (auto& b : px) b = static_cast<unsigned char>(rng());
    return png_bytes(w, h, 3, px);
}

}  // namespace signage::test
