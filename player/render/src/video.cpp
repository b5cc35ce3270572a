#include "render/video.hpp"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/hwcontext.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include "render/sound.hpp"

namespace signage::render {

void FrameFree::operator()(AVFrame* f) const {
    av_frame_free(&f);
}

namespace {

std::string av_error(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

}  // namespace

// The FFmpeg objects' deleters (named: Impl holds them).
struct FormatClose {
    void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecFree {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct BufferUnref {
    void operator()(AVBufferRef* b) const { av_buffer_unref(&b); }
};
struct SwrFree {
    void operator()(SwrContext* s) const { swr_free(&s); }
};

namespace {

// Packets that fail to decode one after the other before the film counts as broken.
constexpr int kMaxBadPackets = 30;
// Pictures waiting as packets while the sound is decoded ahead (about eight
// seconds at 30 fps; a few MB).
constexpr std::size_t kMaxStash = 256;
// Software decoding begins on one thread and measures the CPU time of its
// first packets (the key frame aside); libavcodec's frame threads are only
// worth their cost when one thread needs more than this share of a frame's
// time.
constexpr int kProbePackets = 4;
constexpr double kThreadsAbove = 0.45;

// The CPU time this thread has used, in seconds.
double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

struct VideoDecoder::Impl {
    std::unique_ptr<AVFormatContext, FormatClose> format;
    std::unique_ptr<AVCodecContext, CodecFree> codec;
    std::unique_ptr<AVPacket, PacketFree> packet{av_packet_alloc()};
    std::unique_ptr<SwsContext, SwsFree> sws;
    int stream = -1;
    AVRational time_base{1, 1};
    std::int64_t start_pts = 0;
    double frame_duration = 1.0 / 25;
    Options options;
    // Decoding state, decoder thread only.
    double loop_offset = 0;  // added to each pass's times
    double pass_end = 0;     // the end of the last frame of this pass
    std::int64_t next_number = 0;
    bool skipping = true;  // before options.start_at_s
    FramePtr held;         // the last frame before start_at_s, shown if nothing comes after
    int bad_packets = 0;
    bool at_eof = false;  // this pass's packets are all read
    // Sound (Options::sound and a sound stream).
    int audio_stream = -1;
    std::unique_ptr<AVCodecContext, CodecFree> audio;
    std::unique_ptr<SwrContext, SwrFree> swr;
    AVRational audio_time_base{1, 1};
    std::deque<std::unique_ptr<AVPacket, PacketFree>> stash;  // pictures waiting
    std::vector<std::int16_t> samples;
    double audio_next_t = 0;  // when a sound frame without a time is due
    // Hardware decoding: what decodes ("software", "VA-API", "V4L2 …"), why
    // no hardware did, and the VA-API surface format to copy frames out of.
    std::string decoding;
    std::string hardware_missing;
    AVPixelFormat hw_format = AV_PIX_FMT_NONE;
    std::unique_ptr<AVBufferRef, BufferUnref> hw_device;
    // A hardware decoder decodes (and may fail: fall_back_to_software);
    // the stream's own libavcodec decoder takes over when it does.
    bool hardware = false;
    const AVCodec* software = nullptr;
    std::string file;                // the film, as the failed hardware is remembered
    int fail_after = 0;              // testing::fail_hardware_after
    std::int64_t device_frames = 0;  // frames the hardware decoder gave
    // Software decoding's threads, and the measure that chooses them: the
    // video packets still to measure on one thread (0: chosen), the CPU
    // time and bytes of those measured after the first, the size of the
    // one being measured, and the film's average packet (bytes; 0: not
    // known).
    int threads = 1;
    int probe_left = 0;
    int probe_counted = 0;
    double probe_cpu_s = 0;
    double probe_bytes = 0;
    int probe_size = 0;
    double mean_packet_bytes = 0;
    // Where this pass's packets begin (the start, or start_at_s), the
    // latest presentation time queued this pass, and after a fall back the
    // one up to which frames were queued already (nullopt: none).
    std::int64_t pass_from = 0;
    std::optional<std::int64_t> last_pts;
    std::optional<std::int64_t> resume_after;
    // After a fall back: the sound is decoded up to here already (the
    // film's time); packets that end before it are left out.
    std::optional<double> sound_resume_at;
};

namespace {

std::atomic<HwDecode> g_hardware{HwDecode::automatic};
std::atomic<int> g_fail_hardware_after{0};
std::atomic<double> g_threads_above{kThreadsAbove};

// The films whose hardware decoding failed in this process, with why:
// they are decoded in software from then on.
std::mutex g_failed_mu;
std::map<std::string, std::string> g_hardware_failed;

std::optional<std::string> hardware_failed_on(const std::string& file) {
    std::lock_guard lock(g_failed_mu);
    const auto it = g_hardware_failed.find(file);
    if (it == g_hardware_failed.end()) return std::nullopt;
    return it->second;
}

void remember_hardware_failed(const std::string& file, const std::string& why) {
    std::lock_guard lock(g_failed_mu);
    g_hardware_failed[file] = why;
}

// The threads software decoding chose for each film in this process: a
// film shown again is not measured again.
std::map<std::string, int> g_threads_chosen;  // under g_failed_mu

std::optional<int> threads_chosen_for(const std::string& file) {
    std::lock_guard lock(g_failed_mu);
    const auto it = g_threads_chosen.find(file);
    if (it == g_threads_chosen.end()) return std::nullopt;
    return it->second;
}

void remember_threads(const std::string& file, int threads) {
    std::lock_guard lock(g_failed_mu);
    g_threads_chosen[file] = threads;
}

// What became of a frame handed to the queue.
enum class FrameHandOff { queued, stop, device_failed };

// Logs how films of `codec` are decoded, once per codec and way.
void log_decoding_once(const std::string& codec, const std::string& how,
                       const std::string& why_not) {
    static std::mutex mu;
    static std::set<std::string> said;
    std::lock_guard lock(mu);
    if (!said.insert(codec + "/" + how).second) return;
    if (how == "software" && !why_not.empty()) {
        spdlog::info("films in {} are decoded in software (no hardware decoder: {})", codec,
                     why_not);
    } else {
        spdlog::info("films in {} are decoded by {}", codec, how);
    }
}

AVPixelFormat pick_hw_format(AVCodecContext* ctx, const AVPixelFormat* offered) {
    const auto want = static_cast<AVPixelFormat>(reinterpret_cast<std::intptr_t>(ctx->opaque));
    for (const AVPixelFormat* p = offered; *p != AV_PIX_FMT_NONE; ++p) {
        if (*p == want) return *p;
    }
    return offered[0];  // the decoder falls back to its software output
}

}  // namespace

void set_hardware_decoding(HwDecode mode) {
    g_hardware = mode;
}

HwDecode hardware_decoding() {
    return g_hardware.load();
}

void testing::fail_hardware_after(int frames) {
    g_fail_hardware_after = std::max(0, frames);
}

void testing::threads_above(double share) {
    g_threads_above = share < 0 ? kThreadsAbove : share;
}

Result<HwDecode> parse_hwdec(std::string_view text) {
    if (text == "auto") return HwDecode::automatic;
    if (text == "none") return HwDecode::none;
    if (text == "vaapi") return HwDecode::vaapi;
    if (text == "v4l2m2m") return HwDecode::v4l2m2m;
    return make_error(ErrorCode::invalid, "must be auto, none, vaapi or v4l2m2m", "hwdec");
}

Status VideoDecoder::open_vaapi(Impl& m, const AVCodec* decoder, const AVStream* st) {
    AVPixelFormat format = AV_PIX_FMT_NONE;
    for (int i = 0;; ++i) {
        const AVCodecHWConfig* config = avcodec_get_hw_config(decoder, i);
        if (config == nullptr) break;
        if (config->device_type == AV_HWDEVICE_TYPE_VAAPI &&
            (config->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) != 0) {
            format = config->pix_fmt;
            break;
        }
    }
    if (format == AV_PIX_FMT_NONE) {
        return make_error(ErrorCode::unavailable, std::string("no support for ") + decoder->name);
    }
    AVBufferRef* device = nullptr;
    int rc = av_hwdevice_ctx_create(&device, AV_HWDEVICE_TYPE_VAAPI, nullptr, nullptr, 0);
    if (rc < 0) return make_error(ErrorCode::unavailable, "no device (" + av_error(rc) + ")");
    std::unique_ptr<AVBufferRef, BufferUnref> owned(device);
    std::unique_ptr<AVCodecContext, CodecFree> ctx(avcodec_alloc_context3(decoder));
    if (!ctx) return make_error(ErrorCode::internal, "out of memory");
    if ((rc = avcodec_parameters_to_context(ctx.get(), st->codecpar)) < 0) {
        return make_error(ErrorCode::unavailable, av_error(rc));
    }
    ctx->hw_device_ctx = av_buffer_ref(device);
    ctx->opaque = reinterpret_cast<void*>(static_cast<std::intptr_t>(format));
    ctx->get_format = &pick_hw_format;
    if ((rc = avcodec_open2(ctx.get(), decoder, nullptr)) < 0) {
        return make_error(ErrorCode::unavailable, "cannot open (" + av_error(rc) + ")");
    }
    m.codec = std::move(ctx);
    m.hw_device = std::move(owned);
    m.hw_format = format;
    m.decoding = "VA-API";
    return {};
}

Status VideoDecoder::open_v4l2m2m(Impl& m, const AVCodec* decoder, const AVStream* st) {
    const std::string name = std::string(decoder->name) + "_v4l2m2m";
    const AVCodec* device = avcodec_find_decoder_by_name(name.c_str());
    if (device == nullptr) {
        return make_error(ErrorCode::unavailable, "this FFmpeg has no " + name);
    }
    std::unique_ptr<AVCodecContext, CodecFree> ctx(avcodec_alloc_context3(device));
    if (!ctx) return make_error(ErrorCode::internal, "out of memory");
    int rc = avcodec_parameters_to_context(ctx.get(), st->codecpar);
    if (rc >= 0) rc = avcodec_open2(ctx.get(), device, nullptr);
    if (rc < 0) return make_error(ErrorCode::unavailable, "no device (" + av_error(rc) + ")");
    m.codec = std::move(ctx);
    m.decoding = "V4L2 (" + name + ")";
    return {};
}

Status VideoDecoder::open_software(Impl& m, int threads) {
    const AVStream* st = m.format->streams[m.stream];
    std::unique_ptr<AVCodecContext, CodecFree> ctx(avcodec_alloc_context3(m.software));
    if (!ctx) return make_error(ErrorCode::internal, "out of memory");
    int rc = avcodec_parameters_to_context(ctx.get(), st->codecpar);
    if (rc < 0) return make_error(ErrorCode::unprocessable, av_error(rc));
    threads = std::max(1, threads);
    ctx->thread_count = threads;
    ctx->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if ((rc = avcodec_open2(ctx.get(), m.software, nullptr)) < 0) {
        return make_error(ErrorCode::unprocessable, "cannot open its decoder: " + av_error(rc));
    }
    m.codec = std::move(ctx);
    m.threads = threads;
    m.hw_format = AV_PIX_FMT_NONE;
    m.hw_device.reset();
    m.hardware = false;
    m.decoding = "software";
    return {};
}

// Finds the film's sound and opens its decoder and resampler; a film
// whose sound cannot be decoded plays silently (logged).
void VideoDecoder::open_sound(Impl& m) {
    AVFormatContext* fc = m.format.get();
    const AVCodec* decoder = nullptr;
    const int index = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, m.stream, &decoder, 0);
    if (index < 0 || decoder == nullptr) return;  // a silent film
    const std::string& label = m.options.label;
    std::unique_ptr<AVCodecContext, CodecFree> ctx(avcodec_alloc_context3(decoder));
    int rc = ctx ? avcodec_parameters_to_context(ctx.get(), fc->streams[index]->codecpar)
                 : AVERROR(ENOMEM);
    if (rc >= 0) rc = avcodec_open2(ctx.get(), decoder, nullptr);
    if (rc < 0) {
        spdlog::warn("film {}: its sound cannot be decoded ({}); it plays silently", label,
                     av_error(rc));
        return;
    }
    SwrContext* swr = nullptr;
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    rc = swr_alloc_set_opts2(&swr, &stereo, AV_SAMPLE_FMT_S16, FilmSound::kRate, &ctx->ch_layout,
                             ctx->sample_fmt, ctx->sample_rate, 0, nullptr);
    std::unique_ptr<SwrContext, SwrFree> resampler(swr);
    if (rc >= 0) rc = swr_init(swr);
    if (rc < 0) {
        spdlog::warn("film {}: its sound cannot be resampled ({}); it plays silently", label,
                     av_error(rc));
        return;
    }
    m.audio_stream = index;
    m.audio = std::move(ctx);
    m.swr = std::move(resampler);
    m.audio_time_base = fc->streams[index]->time_base;
}

VideoDecoder::VideoDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::open(const std::filesystem::path& file,
                                                         const Options& options) {
    auto refuse = [&](const std::string& why) {
        return make_error(
            ErrorCode::unprocessable,
            std::string("film ").append(file.filename().string()).append(": ").append(why));
    };
    // Failures are reported by what they mean to the screen, naming the
    // file; FFmpeg's own lines would only repeat them on stderr.
    static const bool quiet = [] {
        av_log_set_level(AV_LOG_FATAL);
        return true;
    }();
    (void)quiet;
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->file = file.string();
    AVFormatContext* raw = nullptr;
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
    int rc = avformat_open_input(&raw, file.c_str(), nullptr, &opts);
    av_dict_free(&opts);
    if (rc < 0) return refuse("cannot open: " + av_error(rc));
    impl->format.reset(raw);
    if ((rc = avformat_find_stream_info(raw, nullptr)) < 0) {
        return refuse("cannot read its streams: " + av_error(rc));
    }
    const AVCodec* decoder = nullptr;
    impl->stream = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (impl->stream < 0 || decoder == nullptr)
        return refuse("no video stream this screen decodes");
    AVStream* st = raw->streams[impl->stream];
    impl->software = decoder;
    if (options.sound) open_sound(*impl);
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
        const int index = static_cast<int>(i);
        if (index != impl->stream && index != impl->audio_stream) {
            raw->streams[i]->discard = AVDISCARD_ALL;
        }
    }
    // The device's own decoder when it has one, else libavcodec's.
    const HwDecode hw = hardware_decoding();
    std::string why_not;
    auto note = [&](const char* what, const std::string& why) {
        why_not.append(why_not.empty() ? "" : "; ").append(what).append(": ").append(why);
    };
    const int fail_after = g_fail_hardware_after.load();
    if (hw == HwDecode::none) {
        // Software only.
    } else if (auto failed = hardware_failed_on(impl->file)) {
        why_not = "it failed on this film before (" + *failed + ")";
    } else if (fail_after > 0) {
        if (auto st_sw = open_software(*impl, options.threads); !st_sw)
            return refuse(st_sw.error().message);
        impl->hardware = true;
        impl->fail_after = fail_after;
        impl->decoding = "test hardware";
    } else {
        if (hw == HwDecode::automatic || hw == HwDecode::vaapi) {
            if (auto st_va = open_vaapi(*impl, decoder, st); !st_va)
                note("VA-API", st_va.error().message);
        }
        if (!impl->codec && (hw == HwDecode::automatic || hw == HwDecode::v4l2m2m)) {
            if (auto st_v4 = open_v4l2m2m(*impl, decoder, st); !st_v4)
                note("V4L2", st_v4.error().message);
        }
        impl->hardware = impl->codec != nullptr;
    }
    if (!impl->codec) {
        // One thread first, while the first packets say whether it keeps
        // pace (unless this film was measured before).
        const auto chosen = threads_chosen_for(impl->file);
        const bool probe = options.threads > 1 && !chosen;
        const int threads = probe ? 1 : std::min(options.threads, chosen.value_or(options.threads));
        if (auto st_sw = open_software(*impl, threads); !st_sw)
            return refuse(st_sw.error().message);
        impl->hardware_missing = why_not;
        if (probe) impl->probe_left = kProbePackets;
    }
    log_decoding_once(decoder->name, impl->decoding, why_not);
    impl->time_base = st->time_base;
    impl->start_pts = st->start_time == AV_NOPTS_VALUE ? 0 : st->start_time;

    VideoInfo info;
    info.width = st->codecpar->width;
    info.height = st->codecpar->height;
    info.codec = decoder->name;
    switch (st->codecpar->color_space) {
        case AVCOL_SPC_BT709:
            info.matrix = ColourMatrix::bt709;
            break;
        case AVCOL_SPC_BT470BG:
        case AVCOL_SPC_SMPTE170M:
        case AVCOL_SPC_FCC:
            info.matrix = ColourMatrix::bt601;
            break;
        default:  // untagged (or one SDL cannot show): by its size, as players do
            info.matrix = info.height > 576 ? ColourMatrix::bt709 : ColourMatrix::bt601;
    }
    info.full_range = st->codecpar->color_range == AVCOL_RANGE_JPEG ||
                      st->codecpar->format == AV_PIX_FMT_YUVJ420P;
    AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    info.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 25.0;
    impl->frame_duration = 1.0 / std::clamp(info.fps, 1.0, 240.0);
    // The stream's bit rate (else the file's, its sound included).
    const std::int64_t bit_rate =
        st->codecpar->bit_rate > 0 ? st->codecpar->bit_rate : raw->bit_rate;
    if (bit_rate > 0) {
        impl->mean_packet_bytes = static_cast<double>(bit_rate) / 8 * impl->frame_duration;
    }
    if (st->duration != AV_NOPTS_VALUE) {
        info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
    } else if (raw->duration != AV_NOPTS_VALUE) {
        info.duration_s = static_cast<double>(raw->duration) / AV_TIME_BASE;
    }
    if (info.width <= 0 || info.height <= 0) return refuse("its frames have no size");
    impl->pass_from = impl->start_pts;
    if (options.start_at_s > 0) {
        impl->pass_from =
            impl->start_pts + static_cast<std::int64_t>(options.start_at_s / av_q2d(st->time_base));
        av_seek_frame(raw, impl->stream, impl->pass_from, AVSEEK_FLAG_BACKWARD);
    }

    std::unique_ptr<VideoDecoder> d(new VideoDecoder(std::move(impl)));
    d->info_ = info;
    d->decoding_ = d->impl_->decoding;
    d->hardware_missing_ = d->impl_->hardware_missing;
    d->stats_.threads = d->impl_->hardware ? 0 : d->impl_->threads;
    d->has_sound_ = d->impl_->audio != nullptr;
    if (d->has_sound_) d->sound_ = options.sound;
    d->capacity_ = std::max<std::size_t>(2, options.queue);
    d->refill_at_ = std::min(options.refill_at, d->capacity_ - 1);
    d->thread_ = std::thread([p = d.get()] { p->run(); });
    return d;
}

bool VideoDecoder::picture_room() const {
    std::lock_guard lock(mu_);
    // Frame threads hand back pictures a few packets late: keep room for them.
    return queue_.size() + 3 <= capacity_;
}

bool VideoDecoder::decode_sound(const AVPacket* packet) {
    Impl& m = *impl_;
    FilmSound& sound = *sound_;
    if (avcodec_send_packet(m.audio.get(), packet) < 0) return true;  // a bad packet: skipped
    FramePtr frame(av_frame_alloc());
    if (!frame) return false;
    while (avcodec_receive_frame(m.audio.get(), frame.get()) >= 0) {
        std::int64_t pts = frame->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) pts = frame->pts;
        const double video_origin = static_cast<double>(m.start_pts) * av_q2d(m.time_base);
        const double t = pts == AV_NOPTS_VALUE
                             ? m.audio_next_t
                             : static_cast<double>(pts) * av_q2d(m.audio_time_base) - video_origin +
                                   m.loop_offset;
        const int out_max = swr_get_out_samples(m.swr.get(), frame->nb_samples);
        if (out_max <= 0) continue;
        m.samples.resize(static_cast<std::size_t>(out_max) * FilmSound::kChannels);
        std::uint8_t* out[1] = {reinterpret_cast<std::uint8_t*>(m.samples.data())};
        const int got =
            swr_convert(m.swr.get(), out, out_max,
                        const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples);
        av_frame_unref(frame.get());
        if (got <= 0) continue;
        const auto n = static_cast<std::size_t>(got);
        m.audio_next_t = t + static_cast<double>(n) / FilmSound::kRate;
        // Sound far ahead of the device: wait for it to play some.
        std::unique_lock lock(mu_);
        while (!stop_ && sound.room() < n) cv_.wait_for(lock, std::chrono::milliseconds{20});
        if (stop_) return false;
        lock.unlock();
        sound.push(m.samples.data(), n, t);
    }
    return true;
}

VideoDecoder::~VideoDecoder() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void VideoDecoder::run() {
    Impl& m = *impl_;
    FramePtr frame(av_frame_alloc());
    bool draining = false;
    bool frames_this_pass = false;
    std::optional<double> probe_from;  // the thread's CPU time as a measured packet was sent

    // Hands one decoded frame to the queue (waiting for room).
    FramePtr copied(av_frame_alloc());
    std::string device_error;  // why the hardware decoder failed
    auto deliver = [&](AVFrame* f) -> FrameHandOff {
        if (m.hw_format != AV_PIX_FMT_NONE && f->format == m.hw_format) {
            // A VA-API surface: its picture comes to memory first (NV12).
            av_frame_unref(copied.get());
            if (const int rc = av_hwframe_transfer_data(copied.get(), f, 0); rc < 0) {
                device_error = "a frame could not be copied from the device: " + av_error(rc);
                return FrameHandOff::device_failed;
            }
            av_frame_copy_props(copied.get(), f);
            f = copied.get();
        }
        std::int64_t pts = f->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) pts = f->pts;
        if (m.resume_after && pts != AV_NOPTS_VALUE) {
            // Software took over from the hardware: this one was queued before.
            if (pts <= *m.resume_after) return FrameHandOff::queued;
            m.resume_after.reset();
        }
        double t = pts == AV_NOPTS_VALUE
                       ? m.pass_end
                       : static_cast<double>(pts - m.start_pts) * av_q2d(m.time_base);
        if (m.skipping) {
            // A poster: frames before start_at_s are decoded, not shown; the
            // last of them is kept in case the film ends first.
            if (t + m.frame_duration <= m.options.start_at_s) {
                m.held.reset(av_frame_clone(f));
                return FrameHandOff::queued;
            }
            m.skipping = false;
            m.held.reset();
        }
        t = std::max(t, 0.0) + m.loop_offset;
        m.pass_end = std::max(m.pass_end, t + m.frame_duration);
        auto out = std::make_unique<VideoFrame>();
        out->t = t;
        out->duration = m.frame_duration;
        if (f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_YUVJ420P) {
            out->frame.reset(av_frame_clone(f));
        } else {
            // 10-bit, 4:2:2, NV12 … become 8-bit 4:2:0 here, off the render thread.
            m.sws.reset(sws_getCachedContext(
                m.sws.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format),
                f->width, f->height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
            FramePtr conv(av_frame_alloc());
            if (!m.sws || !conv) return FrameHandOff::stop;
            conv->format = AV_PIX_FMT_YUV420P;
            conv->width = f->width;
            conv->height = f->height;
            if (av_frame_get_buffer(conv.get(), 0) < 0) return FrameHandOff::stop;
            sws_scale(m.sws.get(), f->data, f->linesize, 0, f->height, conv->data, conv->linesize);
            conv->color_range = f->color_range;
            out->frame = std::move(conv);
        }
        if (!out->frame) return FrameHandOff::stop;
        std::unique_lock lock(mu_);
        if (queue_.size() >= capacity_) {
            // Full: the next burst begins once the queue is down to refill_at_.
            refilling_ = false;
            cv_.notify_all();  // for wait_decoded()
            cv_.wait(lock, [&] { return stop_ || queue_.size() <= refill_at_; });
            refilling_ = true;
        }
        if (stop_) return FrameHandOff::stop;
        if (pts != AV_NOPTS_VALUE) m.last_pts = std::max(m.last_pts.value_or(pts), pts);
        out->number = m.next_number++;
        decoded_until_ = out->t;
        ++stats_.decoded;
        queue_.push_back(std::move(out));
        cv_.notify_all();
        return FrameHandOff::queued;
    };

    // Frames from the decoder; the test hardware fails on its cue.
    auto receive = [&](AVFrame* f) {
        if (m.hardware && m.fail_after > 0 && m.device_frames >= m.fail_after) {
            return AVERROR_EXTERNAL;
        }
        const int rc = avcodec_receive_frame(m.codec.get(), f);
        if (rc >= 0 && m.hardware) ++m.device_frames;
        return rc;
    };

    auto finish = [&](std::optional<std::string> why) {
        std::lock_guard lock(mu_);
        if (why && !error_) error_ = std::move(why);
        at_end_ = true;
        cv_.notify_all();
    };

    for (;;) {
        {
            std::lock_guard lock(mu_);
            if (stop_) return;
        }
        int rc = 0;
        if (!draining) {
            // The packet for the picture decoder: a stashed one when there
            // is room for its picture, else the next one read.
            AVPacket* video = nullptr;
            bool from_stash = false;
            if (!m.stash.empty() && (m.at_eof || picture_room())) {
                video = m.stash.front().get();
                from_stash = true;
            } else if (m.at_eof) {
                draining = true;  // end of file (or a read error): flush the decoder
                rc = avcodec_send_packet(m.codec.get(), nullptr);
                if (m.audio && !decode_sound(nullptr)) {
                    finish(std::nullopt);
                    return;
                }
            } else if (av_read_frame(m.format.get(), m.packet.get()) < 0) {
                m.at_eof = true;
                continue;
            } else if (m.packet->stream_index == m.audio_stream) {
                const bool ok = sound_decoded_already(m, *m.packet) || decode_sound(m.packet.get());
                av_packet_unref(m.packet.get());
                if (!ok) {
                    finish(std::nullopt);
                    return;
                }
                continue;
            } else if (m.packet->stream_index != m.stream) {
                av_packet_unref(m.packet.get());
                continue;
            } else if (m.audio && (!m.stash.empty() || !picture_room())) {
                // The pictures are far enough ahead: this one waits as a
                // packet while the sound is read on.
                std::unique_ptr<AVPacket, PacketFree> kept(av_packet_alloc());
                if (!kept) {
                    finish("out of memory");
                    return;
                }
                av_packet_move_ref(kept.get(), m.packet.get());
                m.stash.push_back(std::move(kept));
                if (m.stash.size() <= kMaxStash) continue;
                video = m.stash.front().get();  // too many waiting: decode, waiting for room
                from_stash = true;
            } else {
                video = m.packet.get();
            }
            if (video != nullptr) {
                if (m.probe_left > 0) {
                    probe_from = thread_cpu_s();
                    m.probe_size = video->size;
                }
                rc = avcodec_send_packet(m.codec.get(), video);
                if (from_stash) {
                    m.stash.pop_front();
                } else {
                    av_packet_unref(video);
                }
                if (rc < 0 && rc != AVERROR(EAGAIN)) {
                    if (m.hardware) {
                        device_error = "a packet was refused: " + av_error(rc);
                    } else if (++m.bad_packets > kMaxBadPackets) {
                        finish("cannot decode: " + av_error(rc));
                        return;
                    } else {
                        continue;
                    }
                }
            }
        }
        while (device_error.empty()) {
            rc = receive(frame.get());
            if (rc == AVERROR(EAGAIN)) break;
            if (rc == AVERROR_EOF) break;
            if (rc < 0) {
                if (m.hardware) {
                    device_error = "a frame could not be decoded: " + av_error(rc);
                    break;
                }
                if (++m.bad_packets > kMaxBadPackets) {
                    finish("cannot decode: " + av_error(rc));
                    return;
                }
                break;
            }
            m.bad_packets = 0;
            frames_this_pass = true;
            const FrameHandOff handed = deliver(frame.get());
            av_frame_unref(frame.get());
            if (handed == FrameHandOff::stop) {
                finish(std::nullopt);
                return;
            }
        }
        if (probe_from) {
            // The packet's CPU time, its frames handed over: whether one thread does.
            const bool more = probed(m, thread_cpu_s() - *probe_from);
            probe_from.reset();
            std::unique_ptr<AVCodecContext, CodecFree> one(more ? m.codec.release() : nullptr);
            if (!one) {
                // One thread keeps pace.
            } else if (auto opened = open_software(m, m.options.threads); !opened) {
                m.codec = std::move(one);
                note_threads(m, opened.error().message);
            } else {
                // What the one thread decoded comes out first; the frame
                // threads go on from the key frame before the last of it.
                avcodec_send_packet(one.get(), nullptr);
                while (avcodec_receive_frame(one.get(), frame.get()) >= 0) {
                    const FrameHandOff handed = deliver(frame.get());
                    av_frame_unref(frame.get());
                    if (handed != FrameHandOff::queued) {
                        finish(std::nullopt);
                        return;
                    }
                }
                if (const int r = resume_after_queued(m); r < 0) {
                    finish("cannot return to where it was: " + av_error(r));
                    return;
                }
                note_threads(m, "");
                {
                    std::lock_guard lock(mu_);
                    stats_.threads = m.threads;
                }
                draining = false;
                continue;
            }
        }
        if (!device_error.empty()) {
            // The device failed: software goes on from where it was.
            if (!fall_back_to_software(device_error)) {
                finish("cannot decode: " + device_error);
                return;
            }
            device_error.clear();
            draining = false;
            continue;
        }
        if (!draining || rc != AVERROR_EOF) continue;
        // The decoder is empty: the pass is over (and one thread did).
        m.probe_left = 0;
        if (m.skipping && m.held) {
            // The film ended before start_at_s: its last frame is the poster.
            m.skipping = false;
            FramePtr last = std::move(m.held);
            if (deliver(last.get()) != FrameHandOff::queued) {
                finish(std::nullopt);
                return;
            }
        }
        if (!m.options.loop || !frames_this_pass) {
            finish(frames_this_pass ? std::nullopt
                                    : std::optional<std::string>("no frame could be decoded"));
            return;
        }
        // Again from the start; its times go on from the end of this pass.
        rc = av_seek_frame(m.format.get(), m.stream, m.start_pts, AVSEEK_FLAG_BACKWARD);
        if (rc < 0) {
            finish("cannot return to its start: " + av_error(rc));
            return;
        }
        avcodec_flush_buffers(m.codec.get());
        if (m.audio) avcodec_flush_buffers(m.audio.get());
        m.loop_offset = m.pass_end;
        m.pass_from = m.start_pts;
        m.last_pts.reset();
        m.resume_after.reset();
        m.at_eof = false;
        draining = false;
        frames_this_pass = false;
        std::lock_guard lock(mu_);
        ++stats_.loops;
    }
}

int VideoDecoder::resume_after_queued(Impl& m) {
    // Back to the key frame before the last frame queued (or to where this
    // pass began); what was queued already is left out as it comes again.
    const std::int64_t from = m.last_pts.value_or(m.pass_from);
    if (const int rc = av_seek_frame(m.format.get(), m.stream, from, AVSEEK_FLAG_BACKWARD);
        rc < 0) {
        return rc;
    }
    m.resume_after = m.last_pts;
    m.at_eof = false;
    m.bad_packets = 0;
    m.stash.clear();  // read again
    if (m.audio) {
        avcodec_flush_buffers(m.audio.get());
        m.sound_resume_at = m.audio_next_t;
    }
    return 0;
}

bool VideoDecoder::probed(Impl& m, double cpu_s) {
    // The first packet (a key frame, and the decoder setting up) is no
    // measure of the ones after it.
    if (m.probe_left-- < kProbePackets) {
        m.probe_cpu_s += cpu_s;
        m.probe_bytes += m.probe_size;
        ++m.probe_counted;
    }
    if (m.probe_left > 0) return false;
    // Frames queued without a time could not be told apart when they come again.
    const bool can_restart = m.next_number == 0 || m.last_pts.has_value();
    if (probe_per_frame(m) > m.frame_duration * g_threads_above.load() && can_restart) {
        return true;
    }
    note_threads(m, "");
    return false;
}

double VideoDecoder::probe_per_frame(const Impl& m) {
    if (m.probe_counted == 0) return 0;
    return decode_cost_at_mean(m.probe_cpu_s / m.probe_counted, m.probe_bytes / m.probe_counted,
                               m.mean_packet_bytes);
}

double decode_cost_at_mean(double cpu_s, double bytes, double mean_bytes) {
    if (mean_bytes > 0 && bytes > mean_bytes) return cpu_s * mean_bytes / bytes;
    return cpu_s;
}

void VideoDecoder::note_threads(const Impl& m, const std::string& failed) {
    remember_threads(m.file, m.threads);
    const std::string& name = m.options.label.empty() ? m.file : m.options.label;
    const double ms = probe_per_frame(m) * 1e3, of = m.frame_duration * 1e3;
    if (!failed.empty()) {
        spdlog::warn(
            "film {}: decoded on one thread ({:.1f} ms a frame of {:.1f}): {} threads "
            "failed ({})",
            name, ms, of, m.options.threads, failed);
        return;
    }
    // Once per film and choice: a film in the rotation is opened again and again.
    static std::mutex mu;
    static std::set<std::string> said;
    std::lock_guard lock(mu);
    if (!said.insert(m.file + "/" + std::to_string(m.threads)).second) return;
    if (m.threads == 1) {
        spdlog::info("film {}: decoded on one thread ({:.1f} ms a frame of {:.1f})", name, ms, of);
    } else {
        spdlog::info("film {}: decoded on {} threads (one takes {:.1f} ms a frame of {:.1f})", name,
                     m.threads, ms, of);
    }
}

bool VideoDecoder::fall_back_to_software(const std::string& why) {
    Impl& m = *impl_;
    if (!m.hardware) return false;
    const std::string device = m.decoding;
    remember_hardware_failed(m.file, device + ": " + why);
    if (auto opened = open_software(m, m.options.threads); !opened) {
        spdlog::error("film {}: {} failed ({}) and software cannot take over: {}", m.options.label,
                      device, why, opened.error().message);
        return false;
    }
    if (const int rc = resume_after_queued(m); rc < 0) {
        spdlog::error("film {}: {} failed ({}) and its place cannot be found again: {}",
                      m.options.label, device, why, av_error(rc));
        return false;
    }
    const double at =
        m.last_pts ? static_cast<double>(*m.last_pts - m.start_pts) * av_q2d(m.time_base) : 0.0;
    spdlog::warn(
        "film {}: {} decoding failed {:.2f} s into the film ({}); it is decoded in software "
        "from there, and from now on",
        m.options.label.empty() ? m.file : m.options.label, device, at, why);
    std::lock_guard lock(mu_);
    decoding_ = m.decoding;
    hardware_missing_ = device + " failed: " + why;
    ++stats_.fallbacks;
    stats_.threads = m.threads;
    return true;
}

bool VideoDecoder::sound_decoded_already(Impl& m, const AVPacket& packet) {
    if (!m.sound_resume_at) return false;
    if (packet.pts == AV_NOPTS_VALUE) return false;
    const double video_origin = static_cast<double>(m.start_pts) * av_q2d(m.time_base);
    const double end =
        static_cast<double>(packet.pts + std::max<std::int64_t>(0, packet.duration)) *
            av_q2d(m.audio_time_base) -
        video_origin + m.loop_offset;
    if (end <= *m.sound_resume_at + 1e-6) return true;
    m.sound_resume_at.reset();
    return false;
}

std::string VideoDecoder::decoding() const {
    std::lock_guard lock(mu_);
    return decoding_;
}

std::string VideoDecoder::hardware_missing() const {
    std::lock_guard lock(mu_);
    return hardware_missing_;
}

Status VideoDecoder::wait_first(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || at_end_; });
    if (!queue_.empty()) return {};
    if (error_) return make_error(ErrorCode::unprocessable, *error_);
    if (at_end_) return make_error(ErrorCode::unprocessable, "no frame could be decoded");
    return make_error(ErrorCode::unavailable, "no frame decoded in time");
}

bool VideoDecoder::wait_decoded(double t, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
        return at_end_ || (!refilling_ && queue_.size() > refill_at_) ||
               (decoded_until_ >= t && !queue_.empty());
    });
}

std::unique_ptr<VideoFrame> VideoDecoder::take(double t) {
    std::unique_ptr<VideoFrame> out;
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        while (!queue_.empty() && queue_.front()->t <= t) {
            if (out) ++stats_.dropped;
            out = std::move(queue_.front());
            queue_.pop_front();
        }
        if (out) ++stats_.presented;
        // Decoding waits for this (and only this) to begin its next burst.
        wake = out != nullptr && queue_.size() <= refill_at_;
    }
    if (wake) cv_.notify_all();
    return out;
}

std::unique_ptr<VideoFrame> VideoDecoder::take_first() {
    std::unique_ptr<VideoFrame> out;
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        if (queue_.empty()) return nullptr;
        out = std::move(queue_.front());
        queue_.pop_front();
        ++stats_.presented;
        wake = queue_.size() <= refill_at_;
    }
    if (wake) cv_.notify_all();
    return out;
}

std::optional<double> VideoDecoder::next_time() const {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return std::nullopt;
    return queue_.front()->t;
}

bool VideoDecoder::finished() const {
    std::lock_guard lock(mu_);
    return at_end_ && queue_.empty();
}

std::optional<std::string> VideoDecoder::error() const {
    std::lock_guard lock(mu_);
    return error_;
}

VideoStats VideoDecoder::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

}  // namespace signage::render
