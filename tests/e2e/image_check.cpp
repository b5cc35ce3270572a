#include "image_check.hpp"

#include <stb_image.h>

#include <cstdlib>
#include <memory>

namespace signage::test {

namespace {

std::optional<Image> image_from(stbi_uc* pixels, int w, int h) {
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> data(pixels, &stbi_image_free);
    if (!data) return std::nullopt;
    Image img;
    img.width = w;
    img.height = h;
    img.rgb.assign(data.get(),
                   data.get() + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    return img;
}

}  // namespace

std::optional<Image> Image::load(const std::filesystem::path& path) {
    int w = 0, h = 0, n = 0;
    stbi_uc* pixels = stbi_load(path.c_str(), &w, &h, &n, 3);
    return image_from(pixels, w, h);
}

std::optional<Image> Image::decode(const std::string& bytes) {
    int w = 0, h = 0, n = 0;
    stbi_uc* pixels = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                            static_cast<int>(bytes.size()), &w, &h, &n, 3);
    return image_from(pixels, w, h);
}

double Image::share_of(std::uint8_t r, std::uint8_t g, std::uint8_t b, int tolerance) const {
    if (rgb.empty()) return 0;
    std::size_t hits = 0;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        if (std::abs(rgb[i] - r) <= tolerance && std::abs(rgb[i + 1] - g) <= tolerance &&
            std::abs(rgb[i + 2] - b) <= tolerance) {
            ++hits;
        }
    }
    return static_cast<double>(hits) / static_cast<double>(rgb.size() / 3);
}

double Image::share_darker_than(int level) const {
    if (rgb.empty()) return 0;
    std::size_t hits = 0;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        if (rgb[i] < level && rgb[i + 1] < level && rgb[i + 2] < level) ++hits;
    }
    return static_cast<double>(hits) / static_cast<double>(rgb.size() / 3);
}

double Image::mean_abs_diff(const Image& other) const {
    if (width != other.width || height != other.height || rgb.empty()) return 255;
    double sum = 0;
    for (std::size_t i = 0; i < rgb.size(); ++i) sum += std::abs(rgb[i] - other.rgb[i]);
    return sum / static_cast<double>(rgb.size());
}

double Image::differing_share(const Image& other, int level) const {
    if (width != other.width || height != other.height || rgb.empty()) return 1;
    std::size_t differ = 0;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        if (std::abs(rgb[i] - other.rgb[i]) > level ||
            std::abs(rgb[i + 1] - other.rgb[i + 1]) > level ||
            std::abs(rgb[i + 2] - other.rgb[i + 2]) > level) {
            ++differ;
        }
    }
    return static_cast<double>(differ) / static_cast<double>(rgb.size() / 3);
}

}  // namespace signage::test
