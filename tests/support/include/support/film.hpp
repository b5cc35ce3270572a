#pragma once
// Films for tests, made on the spot by the `ffmpeg` program from its lavfi
// test sources (a moving test card, a sine tone): any container, codec,
// frame size and length the installed encoders can make.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace signage::test {

struct FilmSpec {
    // {"webm", "libvpx-vp9", "libopus", 640, 360}: what is left out is as below.
    FilmSpec(std::string container_ = "mp4", std::string video_ = "libx264",
             std::string audio_ = {}, int width_ = 320, int height_ = 240, double seconds_ = 2,
             int frames_ = 0, std::string source_ = "testsrc2", int rate_ = 25,
             std::vector<std::string> options_ = {})
        : container(std::move(container_)),
          video(std::move(video_)),
          audio(std::move(audio_)),
          width(width_),
          height(height_),
          seconds(seconds_),
          frames(frames_),
          source(std::move(source_)),
          rate(rate_),
          options(std::move(options_)) {}

    std::string container;  // the file's extension: mp4, webm, mov, m4a, …
    std::string video;      // FFmpeg encoder; "" for none (sound only)
    std::string audio;      // FFmpeg encoder; "" for a silent film
    int width;
    int height;
    double seconds;                    // length
    int frames;                        // more than 0: only this many frames
    std::string source;                // lavfi picture source ("color=black" is cheap)
    int rate;                          // frames a second
    std::vector<std::string> options;  // further output options ({"-b:v", "20M"})
};

// Makes the film into `dir` (a new file each call) and returns its path;
// throws std::runtime_error when ffmpeg is missing or fails (its message in
// the exception).
std::filesystem::path make_film(const std::filesystem::path& dir, const FilmSpec& spec);

}  // namespace signage::test
