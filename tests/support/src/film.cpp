#include "support/film.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "common/fs.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace signage::test {
namespace {

std::filesystem::path ffmpeg_program() {
    auto found = find_on_path("ffmpeg");
    if (found.empty()) {
        throw std::runtime_error("make_film: the ffmpeg program is not on PATH (scripts/setup)");
    }
    return found;
}

// The options that make each encoder quick and its output widely playable.
std::vector<std::string> encoder_options(const std::string& encoder) {
    if (encoder == "libx264") return {"-preset", "ultrafast", "-pix_fmt", "yuv420p"};
    if (encoder == "libx265") {
        return {"-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"};
    }
    if (encoder == "libvpx" || encoder == "libvpx-vp9") {
        return {"-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "yuv420p"};
    }
    if (encoder == "mjpeg") return {"-pix_fmt", "yuvj420p"};
    return {};
}

}  // namespace

std::filesystem::path make_film(const std::filesystem::path& dir, const FilmSpec& spec) {
    static std::atomic<int> counter{0};
    const auto out = dir / (std::string("film-")
                                .append(std::to_string(++counter))
                                .append("-")
                                .append(spec.video.empty() ? "sound" : spec.video)
                                .append(".")
                                .append(spec.container));
    const std::string seconds = std::to_string(spec.seconds);
    std::vector<std::string> args{"-v", "error", "-y"};
    if (!spec.video.empty()) {
        args.insert(args.end(), {"-f", "lavfi", "-i",
                                 std::string(spec.source)
                                     .append(spec.source.find('=') == std::string::npos ? "=" : ":")
                                     .append("size=")
                                     .append(std::to_string(spec.width))
                                     .append("x")
                                     .append(std::to_string(spec.height))
                                     .append(":rate=")
                                     .append(std::to_string(spec.rate))});
    }
    if (!spec.audio.empty()) {
        args.insert(args.end(), {"-f", "lavfi", "-i", "sine=frequency=440"});
    }
    args.insert(args.end(), {"-t", seconds});
    if (spec.frames > 0) args.insert(args.end(), {"-frames:v", std::to_string(spec.frames)});
    if (!spec.video.empty()) {
        args.insert(args.end(), {"-c:v", spec.video});
        for (auto& o : encoder_options(spec.video)) args.push_back(o);
    }
    if (!spec.audio.empty()) args.insert(args.end(), {"-c:a", spec.audio});
    args.insert(args.end(), spec.options.begin(), spec.options.end());
    args.push_back(out.string());

    const auto log = std::filesystem::path(out.string() + ".log");
    ProcessOptions options;
    options.stderr_file = log;
    Process ffmpeg(ffmpeg_program(), args, options);
    const auto status = ffmpeg.wait(std::chrono::minutes(2));
    std::string errors;
    std::error_code ec;
    if (std::filesystem::exists(log, ec)) errors = read_text_file(log);
    std::filesystem::remove(log, ec);
    if (!status || *status != 0 || !std::filesystem::is_regular_file(out, ec)) {
        if (!status) ffmpeg.kill9();
        throw std::runtime_error("make_film: ffmpeg failed making " + out.filename().string() +
                                 ": " + errors);
    }
    return out;
}

}  // namespace signage::test
