#pragma once
// Looks at PNGs the player wrote: what a person would see on the screen.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace signage::test {

struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;  // width * height * 3

    // Reads a PNG or JPEG; nullopt when the file is missing or not an image
    // (for example while it is being replaced).
    static std::optional<Image> load(const std::filesystem::path& path);

    // Share of pixels (0..1) within `tolerance` of the colour on every channel.
    double share_of(std::uint8_t r, std::uint8_t g, std::uint8_t b, int tolerance = 8) const;
    // Share of pixels darker than `level` on every channel.
    double share_darker_than(int level) const;
    // Mean absolute difference per channel against an image of the same size;
    // 255 when the sizes differ.
    double mean_abs_diff(const Image& other) const;
};

}  // namespace signage::test
