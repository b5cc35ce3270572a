#pragma once
// Films, probed with FFmpeg (libavformat, libavcodec) by the path of the file
// the upload was spooled to: never read whole into memory. Recognised by
// their bytes, never by a name or a declared type: MP4 and MOV (an ISO base
// media "ftyp" box, or QuickTime's first atoms) and WebM (an EBML header).
//
// The files are untrusted, so probing is bounded: only the demuxer the bytes
// named is used, only the "file" protocol (no network), at most
// kProbeBytes read and kAnalyzeSeconds analysed to find the streams, a
// deadline for the whole probe (an interrupt callback), one decoding thread
// and a pixel cap on the decoder. Decoders are opened only for the codecs
// accepted, after the frame size was checked.
//
// Threading: any thread; each call is independent (call it from a worker).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

struct VideoLimits {
    std::uint64_t max_bytes = 1024ull * 1024 * 1024;  // per upload (1 GiB)
    int max_side = 8192;                              // width or height, in pixels
    std::uint64_t max_pixels = 35'000'000;            // width * height
    std::int64_t max_duration_ms = 60 * 60 * 1000;    // one hour
    std::chrono::milliseconds deadline{30'000};       // for a whole probe
};

inline constexpr std::int64_t kProbeBytes = 8 * 1024 * 1024;
inline constexpr std::int64_t kAnalyzeSeconds = 5;
// The poster frame is taken this far in (or is the first frame of a shorter film)
// and scaled to at most this wide.
inline constexpr std::int64_t kPosterAtMs = 1000;
inline constexpr int kPosterMaxWidth = 640;

// The container a film's first bytes name: "mp4", "mov" or "webm"; nullopt
// when they name none of these (an image, or anything else).
std::optional<std::string> sniff_video_container(std::string_view head);

// video/mp4, video/webm or video/quicktime for a container.
std::string video_content_type(std::string_view container);

struct ProbedVideo {
    VideoInfo info;
    std::string poster_png;  // the poster frame, at most kPosterMaxWidth wide
    int poster_width = 0;
    int poster_height = 0;
};

// Probes the film at `path` (its container as sniff_video_container named
// it), decodes its first frame and draws its poster. Refusals, all with
// field "body": no video stream (422 no_video), a frame over the limits (422
// video_too_big), a length of 0 or over the limit (422 video_duration), a
// video or audio codec not accepted in the container (415 video_codec,
// audio_codec), a file that cannot be read or decoded, cut short or taking
// longer than the deadline (422 video_undecodable).
Result<ProbedVideo> probe_video(const std::filesystem::path& path, const std::string& container,
                                const VideoLimits& limits);

}  // namespace signage::server
