#pragma once
// VideoDecoder: a film file decoded ahead on a thread of its own (libavformat
// and libavcodec; frame threads when one thread is not enough), its frames kept as planar YUV 4:2:0
// in a short queue for the render thread to present by presentation time. No SDL.
//
// Time is the film's own, in seconds from its first frame: a looping film
// goes on counting (its second pass starts at its duration), so the one who
// presents it needs only one clock. The render thread take()s the newest
// frame due at the time it draws; frames it passed over count as dropped.
// The queue holds a fraction of a second (refilled in bursts: see
// Options::queue), so memory stays flat whatever the film's length. A film
// with sound (Options::sound) has it decoded on the same thread, resampled
// to 48 kHz stereo; while the picture queue is full, the film's next
// pictures wait as packets so the sound never runs dry.
//
// Threading: open() and the destructor on any one thread; take(),
// next_time(), finished(), error() and stats() from the presenting thread
// while the decoder thread runs.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.hpp"

struct AVCodec;
struct AVFrame;
struct AVPacket;
struct AVStream;

namespace signage::render {

class FilmSound;

// Hardware decoding, for every film this process opens: `automatic` tries
// VA-API, then V4L2 mem-to-mem (the device's own decoder), then decodes in
// software; each way taken is logged once per codec, with why the hardware
// was not used. Set once at start (signage-player --hwdec).
//
// A hardware decoder that fails while it decodes (a frame it cannot
// decode or hand over to memory: a hung device, surfaces run out) hands
// the film over to software decoding at once, from the frame after the
// last one decoded: the decoder seeks back to the key frame before it and
// leaves out what was shown already, so the screen sees each frame once
// and never a gap. That is logged once, and the film (its file) is
// decoded in software for the rest of this process's life, loops and
// later showings included.
enum class HwDecode { automatic, none, vaapi, v4l2m2m };
void set_hardware_decoding(HwDecode mode);
HwDecode hardware_decoding();
// "auto", "none", "vaapi", "v4l2m2m"; an error naming `hwdec` otherwise.
Result<HwDecode> parse_hwdec(std::string_view text);

// The CPU time one thread would need for a packet of the film's average
// size, from the time it took for the opening packets (`cpu_s` each, on
// average, of `bytes` each): scaled down in proportion to the bytes when
// those are larger than `mean_bytes` (a rate control spends its buffer at
// the start: a camera's film converted as the server converts opens with
// packets five times its average), never scaled up; `cpu_s` as it is when
// the average is not known (0). An estimate on the light side, as part of
// a frame's decoding does not grow with its bytes; the threshold it is
// held against leaves room for that.
double decode_cost_at_mean(double cpu_s, double bytes, double mean_bytes);

namespace testing {
// For tests only (a build machine has no decoding hardware): films opened
// after this call, unless hardware decoding is `none` or failed on them
// before, are decoded as by a hardware decoder, named "test hardware"
// (libavcodec's own decoder, one thread), that fails once it has decoded
// `frames` frames, as a device does when it hangs. 0 turns it off.
void fail_hardware_after(int frames);
// For tests only: frame threads take over when one thread needs more than
// `share` of a frame's time to decode (0.45 unless told; 0: always).
void threads_above(double share);
}  // namespace testing

struct FrameFree {
    void operator()(AVFrame* f) const;
};
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;

// One decoded picture: planar YUV 4:2:0 (AV_PIX_FMT_YUV420P, full or video
// range as the film says).
struct VideoFrame {
    FramePtr frame;
    double t = 0;             // when it is due, seconds from the film's start
    double duration = 0;      // how long it shows
    std::int64_t number = 0;  // 0, 1, 2, … in presentation order, loops counting on
};

// How a film's YUV becomes RGB: the matrix its stream says (untagged: BT.709
// above 576 lines, BT.601 up to them), and whether it uses the full 0..255
// range (JPEG) or video range (16..235).
enum class ColourMatrix { bt601, bt709 };

struct VideoInfo {
    int width = 0, height = 0;
    ColourMatrix matrix = ColourMatrix::bt709;
    bool full_range = false;
    double fps = 0;         // the stream's average frame rate
    double duration_s = 0;  // one pass
    std::string codec;      // "h264", "hevc", "vp9", …
};

struct VideoStats {
    std::int64_t decoded = 0;    // frames out of the decoder
    std::int64_t presented = 0;  // frames take() handed out
    std::int64_t dropped = 0;    // frames take() passed over: their time had gone by
    std::int64_t loops = 0;      // passes begun again
    std::int64_t fallbacks = 0;  // hardware decoding failed and software took over (0 or 1)
    int threads = 0;             // libavcodec's threads decoding in software (0: hardware)
};

class VideoDecoder {
  public:
    struct Options {
        bool loop = false;      // start again at the end, for ever
        double start_at_s = 0;  // the first frame is the one showing at this time (posters)
        // Frames decoded ahead, at most (a 1080p frame is 3 MB). A silent
        // film is decoded in bursts: once the queue is full, decoding waits
        // until the presenting thread has taken it down to `refill_at`
        // frames, then decodes until it is full again. A few runs of
        // several frames a second cost less CPU than a short run for each
        // frame (a thread that wakes finds its caches cold), and the frames
        // left at `refill_at` cover the start of the next run.
        std::size_t queue = 12;
        std::size_t refill_at = 6;
        // libavcodec's threads, at most: software decoding starts on one and
        // measures the CPU time of its first packets (scaled down to the
        // film's average packet when they are larger); frame threads take
        // over (from the key frame before what one thread queued) only when
        // one thread needs more than 45% of a frame's time. The choice is
        // logged and kept for the film's later showings in this process.
        int threads = 2;
        std::string label;  // how the log names the film
        // The film's sound goes here (decoded, as 48 kHz stereo) when set
        // and the film has any; see has_sound().
        std::shared_ptr<FilmSound> sound;
    };

    // Opens `file`, finds its video stream and starts decoding on a thread.
    // Fails ("unprocessable") when it is no film this build can decode.
    static Result<std::unique_ptr<VideoDecoder>> open(const std::filesystem::path& file,
                                                      const Options& options);
    ~VideoDecoder();
    VideoDecoder(const VideoDecoder&) = delete;
    VideoDecoder& operator=(const VideoDecoder&) = delete;

    const VideoInfo& info() const { return info_; }
    // What decodes its pictures now: "software", "VA-API" or "V4L2
    // (h264_v4l2m2m)"; "software" once a hardware decoder failed.
    std::string decoding() const;
    // Why no hardware decoder decodes ("" when one does, or none was
    // tried): why each was not used, or why the one used failed.
    std::string hardware_missing() const;
    // The film has sound and Options::sound receives it.
    bool has_sound() const { return has_sound_; }
    const std::shared_ptr<FilmSound>& sound() const { return sound_; }

    // Waits (at most `timeout`) until the first frame is decoded; fails when
    // the film has no frame it can decode.
    Status wait_first(std::chrono::milliseconds timeout = std::chrono::seconds{10});
    // Waits (at most `timeout`) until every frame due at `t` is decoded, the
    // film ended or failed; false on timeout. For tests and benchmarks that
    // step a clock of their own.
    bool wait_decoded(double t, std::chrono::milliseconds timeout);

    // The newest frame due at `t` (t >= frame.t) not handed out yet, or
    // nullptr when none is due; older ones still queued are dropped.
    std::unique_ptr<VideoFrame> take(double t);
    // The oldest queued frame, whenever it is due (the first one, drawn
    // before the film starts); nullptr when none is queued.
    std::unique_ptr<VideoFrame> take_first();
    // When the next queued frame is due; nullopt when none is queued.
    std::optional<double> next_time() const;
    // The decoder reached the end of a film that does not loop (or failed),
    // and every frame was handed out or dropped.
    bool finished() const;
    // Why decoding stopped early, if it did.
    std::optional<std::string> error() const;
    VideoStats stats() const;

  private:
    struct Impl;
    explicit VideoDecoder(std::unique_ptr<Impl> impl);
    static void open_sound(Impl& m);
    static Status open_vaapi(Impl& m, const AVCodec* decoder, const AVStream* st);
    static Status open_v4l2m2m(Impl& m, const AVCodec* decoder, const AVStream* st);
    static Status open_software(Impl& m, int threads);
    void run();
    // The hardware decoder failed (`why`): software decoding takes over
    // from the frame after the last one queued. False when the film was
    // decoded in software already, or software cannot take over.
    bool fall_back_to_software(const std::string& why);
    // Decoding goes on from the key frame before the last frame queued (or
    // where this pass began), leaving out the frames queued already as they
    // come again; an FFmpeg error code when that place cannot be found.
    static int resume_after_queued(Impl& m);
    // One more of the first packets took `cpu_s` on one thread; true once
    // they are measured and one thread is too slow (frame threads take over).
    static bool probed(Impl& m, double cpu_s);
    // What one of the measured packets took, on average (seconds).
    static double probe_per_frame(const Impl& m);
    // Remembers how many threads decode the film (later showings are not
    // measured again) and logs it, once per film and choice, or that frame
    // threads `failed` to open.
    static void note_threads(const Impl& m, const std::string& failed);
    // After a fall back: the sound of `packet` was decoded before it.
    static bool sound_decoded_already(Impl& m, const AVPacket& packet);
    bool picture_room() const;
    // Decodes a sound packet (nullptr: the end) into the film's sound;
    // false to stop.
    bool decode_sound(const AVPacket* packet);

    std::unique_ptr<Impl> impl_;
    VideoInfo info_;
    std::string decoding_;          // under mu_
    std::string hardware_missing_;  // under mu_
    bool has_sound_ = false;
    std::shared_ptr<FilmSound> sound_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::unique_ptr<VideoFrame>> queue_;
    std::size_t capacity_ = 12;
    std::size_t refill_at_ = 6;
    bool refilling_ = true;  // false while decoding waits for the queue to drain to refill_at_
    bool stop_ = false;
    bool at_end_ = false;  // no more frames will come
    double decoded_until_ = -1;
    std::optional<std::string> error_;
    VideoStats stats_;
    std::thread thread_;
};

}  // namespace signage::render
