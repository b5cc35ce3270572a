#include "render/video.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

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

namespace {

// Packets that fail to decode one after the other before the film counts as broken.
constexpr int kMaxBadPackets = 30;

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
};

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
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
        if (static_cast<int>(i) != impl->stream) raw->streams[i]->discard = AVDISCARD_ALL;
    }
    impl->codec.reset(avcodec_alloc_context3(decoder));
    if (!impl->codec) return refuse("out of memory");
    if ((rc = avcodec_parameters_to_context(impl->codec.get(), st->codecpar)) < 0) {
        return refuse(av_error(rc));
    }
    impl->codec->thread_count = std::max(1, options.threads);
    impl->codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if ((rc = avcodec_open2(impl->codec.get(), decoder, nullptr)) < 0) {
        return refuse("cannot open its decoder: " + av_error(rc));
    }
    impl->time_base = st->time_base;
    impl->start_pts = st->start_time == AV_NOPTS_VALUE ? 0 : st->start_time;

    VideoInfo info;
    info.width = st->codecpar->width;
    info.height = st->codecpar->height;
    info.codec = decoder->name;
    AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    info.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 25.0;
    impl->frame_duration = 1.0 / std::clamp(info.fps, 1.0, 240.0);
    if (st->duration != AV_NOPTS_VALUE) {
        info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
    } else if (raw->duration != AV_NOPTS_VALUE) {
        info.duration_s = static_cast<double>(raw->duration) / AV_TIME_BASE;
    }
    if (info.width <= 0 || info.height <= 0) return refuse("its frames have no size");
    if (options.start_at_s > 0) {
        const auto ts =
            impl->start_pts + static_cast<std::int64_t>(options.start_at_s / av_q2d(st->time_base));
        av_seek_frame(raw, impl->stream, ts, AVSEEK_FLAG_BACKWARD);
    }

    std::unique_ptr<VideoDecoder> d(new VideoDecoder(std::move(impl)));
    d->info_ = info;
    d->capacity_ = std::max<std::size_t>(2, options.queue);
    d->thread_ = std::thread([p = d.get()] { p->run(); });
    return d;
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

    // Hands one decoded frame to the queue (waiting for room); false to stop.
    auto deliver = [&](AVFrame* f) -> bool {
        std::int64_t pts = f->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) pts = f->pts;
        double t = pts == AV_NOPTS_VALUE
                       ? m.pass_end
                       : static_cast<double>(pts - m.start_pts) * av_q2d(m.time_base);
        if (m.skipping) {
            // A poster: frames before start_at_s are decoded, not shown; the
            // last of them is kept in case the film ends first.
            if (t + m.frame_duration <= m.options.start_at_s) {
                m.held.reset(av_frame_clone(f));
                return true;
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
            if (!m.sws || !conv) return false;
            conv->format = AV_PIX_FMT_YUV420P;
            conv->width = f->width;
            conv->height = f->height;
            if (av_frame_get_buffer(conv.get(), 0) < 0) return false;
            sws_scale(m.sws.get(), f->data, f->linesize, 0, f->height, conv->data, conv->linesize);
            conv->color_range = f->color_range;
            out->frame = std::move(conv);
        }
        if (!out->frame) return false;
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || queue_.size() < capacity_; });
        if (stop_) return false;
        out->number = m.next_number++;
        decoded_until_ = out->t;
        ++stats_.decoded;
        queue_.push_back(std::move(out));
        cv_.notify_all();
        return true;
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
            rc = av_read_frame(m.format.get(), m.packet.get());
            if (rc < 0) {
                draining = true;  // end of file (or a read error): flush the decoder
                rc = avcodec_send_packet(m.codec.get(), nullptr);
            } else if (m.packet->stream_index != m.stream) {
                av_packet_unref(m.packet.get());
                continue;
            } else {
                rc = avcodec_send_packet(m.codec.get(), m.packet.get());
                av_packet_unref(m.packet.get());
                if (rc < 0 && rc != AVERROR(EAGAIN)) {
                    if (++m.bad_packets > kMaxBadPackets) {
                        finish("cannot decode: " + av_error(rc));
                        return;
                    }
                    continue;
                }
            }
        }
        for (;;) {
            rc = avcodec_receive_frame(m.codec.get(), frame.get());
            if (rc == AVERROR(EAGAIN)) break;
            if (rc == AVERROR_EOF) break;
            if (rc < 0) {
                if (++m.bad_packets > kMaxBadPackets) {
                    finish("cannot decode: " + av_error(rc));
                    return;
                }
                break;
            }
            m.bad_packets = 0;
            frames_this_pass = true;
            const bool ok = deliver(frame.get());
            av_frame_unref(frame.get());
            if (!ok) {
                finish(std::nullopt);
                return;
            }
        }
        if (!draining || rc != AVERROR_EOF) continue;
        // The decoder is empty: the pass is over.
        if (m.skipping && m.held) {
            // The film ended before start_at_s: its last frame is the poster.
            m.skipping = false;
            FramePtr last = std::move(m.held);
            if (!deliver(last.get())) {
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
        m.loop_offset = m.pass_end;
        draining = false;
        frames_this_pass = false;
        std::lock_guard lock(mu_);
        ++stats_.loops;
    }
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
        return at_end_ || queue_.size() >= capacity_ || (decoded_until_ >= t && !queue_.empty());
    });
}

std::unique_ptr<VideoFrame> VideoDecoder::take(double t) {
    std::unique_ptr<VideoFrame> out;
    {
        std::lock_guard lock(mu_);
        while (!queue_.empty() && queue_.front()->t <= t) {
            if (out) ++stats_.dropped;
            out = std::move(queue_.front());
            queue_.pop_front();
        }
        if (out) ++stats_.presented;
    }
    if (out) cv_.notify_all();
    return out;
}

std::unique_ptr<VideoFrame> VideoDecoder::take_first() {
    std::unique_ptr<VideoFrame> out;
    {
        std::lock_guard lock(mu_);
        if (queue_.empty()) return nullptr;
        out = std::move(queue_.front());
        queue_.pop_front();
        ++stats_.presented;
    }
    cv_.notify_all();
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
