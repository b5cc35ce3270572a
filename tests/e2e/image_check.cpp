#include "image_check.hpp"

#include <stb_image.h>

#include <cstdlib>
#include <memory>

namespace signage::test {

std::optional<Image> Image::load(const std::filesystem::path& path) {
    int w = 0, h = 0, n = 0;
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> data(
        stbi_load(path.c_str(), &w, &h, &n, 3), &stbi_image_free);
    if (!data) return std::nullopt;
    Image img;
    img.width = w;
    img.height = h;
    img.rgb.assign(data.get(),
                   data.get() + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    return img;
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

}  // namespace signage::test
