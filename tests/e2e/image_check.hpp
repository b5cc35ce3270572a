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
    // The same from the file's bytes.
    static std::optional<Image> decode(const std::string& bytes);

    // Share of pixels (0..1) within `tolerance` of the colour on every channel.
    double share_of(std::uint8_t r, std::uint8_t g, std::uint8_t b, int tolerance = 8) const;
    // Share of pixels darker than `level` on every channel.
    double share_darker_than(int level) const;
    // Mean absolute difference per channel against an image of the same size;
    // 255 when the sizes differ.
    double mean_abs_diff(const Image& other) const;
    // Share of pixels (0..1) that differ from `other`'s by more than `level`
    // on some channel; 1 when the sizes differ.
    double differing_share(const Image& other, int level = 32) const;
};

// Two pictures of a 640x360 screen show the same thing when less than this
// share of their pixels differ (differing_share). The allowance is the
// header's clock, for two frames taken at different times: a minute ticking
// over changes up to 0.16 % of the pixels (the date and weekday too at
// midnight). A picture drawn by --render at the frame's own time differs by
// nothing. The same slide under another title of the same length changes
// 0.8 % (four characters) to 1.5 % (eight), and the tests check such a decoy
// each time.
constexpr double kSameScreen = 0.003;
// A decoy must differ by at least this much to prove kSameScreen tells
// slides apart.
constexpr double kClearlyOtherScreen = 2 * kSameScreen;

}  // namespace signage::test
