#include "media/video_probe.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include <png.h>
#include <spdlog/spdlog.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace signage::server {
namespace {

struct FormatClose {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFree {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct ScaleFree {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;

// FFmpeg's own messages go to the server's log, at debug level: an upload's
// refusal is told to its uploader, not logged as a fault.
void log_to_spdlog(void* avcl, int level, const char* fmt, va_list args) {
    if (level > AV_LOG_WARNING || !spdlog::should_log(spdlog::level::debug)) return;
    std::array<char, 512> line{};
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, args, line.data(), static_cast<int>(line.size()),
                        &print_prefix);
    std::string text(line.data());
    while (!text.empty() && text.back() == '\n') text.pop_back();
    spdlog::debug("ffmpeg: {}", text);
}

void route_ffmpeg_log() {
    static std::once_flag once;
    std::call_once(once, [] {
        av_log_set_level(AV_LOG_WARNING);
        av_log_set_callback(log_to_spdlog);
    });
}

// The deadline of one probe, checked by FFmpeg between its reads.
struct Deadline {
    std::chrono::steady_clock::time_point at;
    bool passed() const { return std::chrono::steady_clock::now() > at; }
};

int interrupt_after_deadline(void* opaque) {
    return static_cast<const Deadline*>(opaque)->passed() ? 1 : 0;
}

std::string av_error_text(int err) {
    std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
    av_strerror(err, text.data(), text.size());
    return text.data();
}

Error undecodable(const std::string& why) {
    return make_error(ErrorCode::unprocessable, "media: the film cannot be read: " + why, "body")
        .because(ErrorReason::video_undecodable);
}

// Why FFmpeg failed: its error, or the probe's deadline.
Error av_failure(const char* what, int err, const Deadline& deadline,
                 std::chrono::milliseconds limit) {
    if (deadline.passed()) {
        return undecodable(std::string(what)
                               .append(" took longer than ")
                               .append(std::to_string(limit.count() / 1000))
                               .append(" s"));
    }
    return undecodable(std::string(what).append(": ").append(av_error_text(err)));
}

// The name people know a codec by ("ProRes", "H.264").
std::string codec_display_name(AVCodecID id) {
    switch (id) {
        case AV_CODEC_ID_H264:
            return "H.264";
        case AV_CODEC_ID_HEVC:
            return "H.265";
        case AV_CODEC_ID_VP8:
            return "VP8";
        case AV_CODEC_ID_VP9:
            return "VP9";
        case AV_CODEC_ID_AV1:
            return "AV1";
        case AV_CODEC_ID_PRORES:
            return "ProRes";
        case AV_CODEC_ID_MPEG4:
            return "MPEG-4 Part 2";
        case AV_CODEC_ID_MJPEG:
            return "Motion JPEG";
        case AV_CODEC_ID_AAC:
            return "AAC";
        case AV_CODEC_ID_OPUS:
            return "Opus";
        case AV_CODEC_ID_VORBIS:
            return "Vorbis";
        case AV_CODEC_ID_MP3:
            return "MP3";
        case AV_CODEC_ID_AC3:
            return "AC-3";
        default:
            break;
    }
    const AVCodecDescriptor* d = avcodec_descriptor_get(id);
    if (d && d->long_name) return d->long_name;
    return avcodec_get_name(id);
}

std::string display_names(const std::vector<AVCodecID>& ids) {
    std::string out;
    for (AVCodecID id : ids) {
        if (!out.empty()) out += ", ";
        out += codec_display_name(id);
    }
    return out;
}

std::string container_display_name(std::string_view container) {
    return container == "webm" ? "WebM" : container == "mov" ? "MOV" : "MP4";
}

// The codecs a container may carry: `all` of its kind, or those of `container`.
const std::vector<AVCodecID>& video_codecs(std::string_view container) {
    static const std::vector<AVCodecID> iso{AV_CODEC_ID_H264, AV_CODEC_ID_HEVC};
    static const std::vector<AVCodecID> webm{AV_CODEC_ID_VP8, AV_CODEC_ID_VP9};
    static const std::vector<AVCodecID> all{AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_VP8,
                                            AV_CODEC_ID_VP9};
    if (container.empty()) return all;
    return container == "webm" ? webm : iso;
}

const std::vector<AVCodecID>& audio_codecs(std::string_view container) {
    static const std::vector<AVCodecID> iso{AV_CODEC_ID_AAC};
    static const std::vector<AVCodecID> webm{AV_CODEC_ID_OPUS, AV_CODEC_ID_VORBIS};
    return container == "webm" ? webm : iso;
}

bool listed(const std::vector<AVCodecID>& ids, AVCodecID id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

Status check_video_codec(AVCodecID id, const std::string& container) {
    const auto& all = video_codecs("");
    const auto& here = video_codecs(container);
    if (listed(here, id)) return {};
    const std::string name = codec_display_name(id);
    // "…; H.264, H.265, VP8, VP9 are", or for an accepted codec in another
    // container: "… is not supported in MP4; H.264, H.265 are".
    const bool elsewhere = listed(all, id);
    const std::string supported = display_names(elsewhere ? here : all);
    std::string message =
        std::string("media: video codec ").append(name).append(" is not supported");
    if (elsewhere) message.append(" in ").append(container_display_name(container));
    message.append("; ").append(supported).append(" are");
    return make_error(ErrorCode::unsupported_media_type, message, "body")
        .because(ErrorReason::video_codec, {{"codec", name}, {"supported", supported}});
}

Status check_audio_codec(AVCodecID id, const std::string& container) {
    const auto& here = audio_codecs(container);
    if (listed(here, id)) return {};
    const std::string name = codec_display_name(id);
    const std::string supported = display_names(here);
    return make_error(ErrorCode::unsupported_media_type,
                      std::string("media: audio codec ")
                          .append(name)
                          .append(" is not supported in ")
                          .append(container_display_name(container))
                          .append("; ")
                          .append(supported)
                          .append(here.size() == 1 ? " is" : " are")
                          .append(" (or no sound)"),
                      "body")
        .because(ErrorReason::audio_codec, {{"codec", name}, {"supported", supported}});
}

Status check_frame_size(int width, int height, const VideoLimits& limits) {
    const auto pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
    if (width <= limits.max_side && height <= limits.max_side && pixels <= limits.max_pixels) {
        return {};
    }
    return make_error(ErrorCode::unprocessable,
                      std::string("media: the film's frames are ")
                          .append(std::to_string(width))
                          .append("x")
                          .append(std::to_string(height))
                          .append(" pixels; the limit is ")
                          .append(std::to_string(limits.max_side))
                          .append(" a side and ")
                          .append(std::to_string(limits.max_pixels))
                          .append(" pixels"),
                      "body")
        .because(ErrorReason::video_too_big, {{"width", width},
                                              {"height", height},
                                              {"max_side", limits.max_side},
                                              {"max_pixels", limits.max_pixels}});
}

Status check_duration(std::int64_t duration_ms, const VideoLimits& limits) {
    if (duration_ms <= 0) {
        return make_error(ErrorCode::unprocessable, "media: the film has no length", "body")
            .because(ErrorReason::video_empty);
    }
    if (duration_ms > limits.max_duration_ms) {
        const std::int64_t seconds = (duration_ms + 999) / 1000;
        const std::int64_t max_seconds = limits.max_duration_ms / 1000;
        return make_error(ErrorCode::unprocessable,
                          std::string("media: the film lasts ")
                              .append(std::to_string(seconds))
                              .append(" s; the limit is ")
                              .append(std::to_string(max_seconds))
                              .append(" s"),
                          "body")
            .because(ErrorReason::video_too_long,
                     {{"seconds", seconds}, {"max_seconds", max_seconds}});
    }
    return {};
}

// The film's video stream: the first that is not a still (a cover picture).
int video_stream_of(const AVFormatContext& fc) {
    for (unsigned i = 0; i < fc.nb_streams; ++i) {
        const AVStream& st = *fc.streams[i];
        if (st.codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            (st.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

// Where the stream's last indexed sample ends in the file (0: no index).
std::int64_t indexed_end(AVStream& stream) {
    std::int64_t end = 0;
    const int count = avformat_index_get_entries_count(&stream);
    for (int i = 0; i < count; ++i) {
        const AVIndexEntry* e = avformat_index_get_entry(&stream, i);
        if (e && e->pos >= 0) end = std::max(end, e->pos + e->size);
    }
    return end;
}

std::int64_t duration_ms_of(const AVFormatContext& fc, const AVStream& video) {
    if (fc.duration != AV_NOPTS_VALUE && fc.duration > 0) {
        return av_rescale(fc.duration, 1000, AV_TIME_BASE);
    }
    if (video.duration != AV_NOPTS_VALUE && video.duration > 0) {
        return av_rescale_q(video.duration, video.time_base, AVRational{1, 1000});
    }
    return 0;
}

// Reads the video stream's packets into the decoder until it gives a frame
// whose time is at least `from_ts` (AV_NOPTS_VALUE: the first frame); the
// last frame decoded when the stream ends first; null when none decodes.
struct FrameReader {
    AVFormatContext& fc;
    AVCodecContext& dec;
    int stream;

    Result<FramePtr> read(std::int64_t from_ts, const Deadline& deadline,
                          std::chrono::milliseconds limit) {
        std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
        FramePtr frame(av_frame_alloc());
        FramePtr last;
        if (!packet || !frame) return make_error(ErrorCode::internal, "out of memory");
        bool draining = false;
        for (;;) {
            if (deadline.passed()) return av_failure("decoding", AVERROR_EXIT, deadline, limit);
            int err = avcodec_receive_frame(&dec, frame.get());
            if (err == 0) {
                const std::int64_t ts = frame->best_effort_timestamp;
                if (from_ts == AV_NOPTS_VALUE || ts == AV_NOPTS_VALUE || ts >= from_ts) {
                    return frame;
                }
                last.reset(av_frame_clone(frame.get()));
                av_frame_unref(frame.get());
                continue;
            }
            if (err == AVERROR_EOF) return last;
            if (err != AVERROR(EAGAIN)) return av_failure("decoding", err, deadline, limit);
            if (draining) return last;
            err = av_read_frame(&fc, packet.get());
            if (err == AVERROR_EOF) {
                draining = true;
                avcodec_send_packet(&dec, nullptr);
                continue;
            }
            if (err < 0) return av_failure("reading", err, deadline, limit);
            if (packet->stream_index == stream) {
                err = avcodec_send_packet(&dec, packet.get());
                if (err < 0 && err != AVERROR(EAGAIN)) {
                    av_packet_unref(packet.get());
                    return av_failure("decoding", err, deadline, limit);
                }
            }
            av_packet_unref(packet.get());
        }
    }
};

// The colour matrix a screen shows `frame` with (player/render/src/video.cpp),
// as libswscale names it: the one its stream says (BT.709, or BT.601 for
// BT.470BG, SMPTE 170M and FCC), by its size when untagged or another
// (BT.709 above 576 lines, as players do).
int screen_matrix(const AVFrame& frame) {
    switch (frame.colorspace) {
        case AVCOL_SPC_BT709:
            return SWS_CS_ITU709;
        case AVCOL_SPC_BT470BG:
        case AVCOL_SPC_SMPTE170M:
        case AVCOL_SPC_FCC:
            return SWS_CS_ITU601;
        default:
            return frame.height > 576 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    }
}

// Whether `frame` uses the full 0..255 range (JPEG) rather than video
// range (16..235), as the screen reads it.
bool full_range(const AVFrame& frame) {
    const auto format = static_cast<AVPixelFormat>(frame.format);
    return frame.color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P ||
           format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P;
}

// The frame as a PNG at most kPosterMaxWidth wide (libswscale, libpng), in
// the colours a screen shows it with: libswscale would otherwise read every
// film as BT.601 video range.
Status draw_poster(const AVFrame& frame, ProbedVideo& out) {
    const int width = std::min(frame.width, kPosterMaxWidth);
    const int height = std::max(
        1, static_cast<int>(std::lround(static_cast<double>(frame.height) * width / frame.width)));
    std::unique_ptr<SwsContext, ScaleFree> scale(
        sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), width,
                       height, AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr));
    if (!scale) return undecodable("its frames cannot be converted to RGB");
    // RGB out is full range; brightness 0, contrast and saturation 1 (16.16).
    if (sws_setColorspaceDetails(scale.get(), sws_getCoefficients(screen_matrix(frame)),
                                 full_range(frame) ? 1 : 0, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                                 0, 1 << 16, 1 << 16) < 0) {
        spdlog::warn("media: a poster's colours cannot be set; it is drawn as BT.601");
    }
    const auto stride = static_cast<std::size_t>(width) * 3;
    std::vector<std::uint8_t> rgb(stride * static_cast<std::size_t>(height));
    std::array<std::uint8_t*, 4> planes{rgb.data(), nullptr, nullptr, nullptr};
    std::array<int, 4> strides{static_cast<int>(stride), 0, 0, 0};
    if (sws_scale(scale.get(), frame.data, frame.linesize, 0, frame.height, planes.data(),
                  strides.data()) != height) {
        return undecodable("its poster frame cannot be scaled");
    }
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb.data(),
                                   static_cast<png_int_32>(stride), nullptr)) {
        return make_error(ErrorCode::internal, std::string("poster PNG: ").append(image.message));
    }
    out.poster_png.resize(size);
    if (!png_image_write_to_memory(&image, out.poster_png.data(), &size, 0, rgb.data(),
                                   static_cast<png_int_32>(stride), nullptr)) {
        return make_error(ErrorCode::internal, std::string("poster PNG: ").append(image.message));
    }
    out.poster_png.resize(size);
    out.poster_width = width;
    out.poster_height = height;
    return {};
}

}  // namespace

std::optional<std::string> sniff_video_container(std::string_view head) {
    if (head.size() >= 4 && head.substr(0, 4) == "\x1a\x45\xdf\xa3") return "webm";
    if (head.size() < 12) return std::nullopt;
    const std::string_view box = head.substr(4, 4);
    if (box == "ftyp") return head.substr(8, 4) == "qt  " ? "mov" : "mp4";
    // QuickTime files older than the ftyp box begin with one of these atoms.
    for (const char* atom : {"moov", "mdat", "wide", "free", "skip", "pnot"}) {
        if (box == atom) return "mov";
    }
    return std::nullopt;
}

std::string video_content_type(std::string_view container) {
    return container == "webm"  ? "video/webm"
           : container == "mov" ? "video/quicktime"
                                : "video/mp4";
}

Result<ProbedVideo> probe_video(const std::filesystem::path& path, const std::string& container,
                                const VideoLimits& limits) {
    route_ffmpeg_log();
    const Deadline deadline{std::chrono::steady_clock::now() + limits.deadline};
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) return make_error(ErrorCode::internal, "out of memory");
    raw->interrupt_callback.callback = interrupt_after_deadline;
    raw->interrupt_callback.opaque = const_cast<Deadline*>(&deadline);
    raw->probesize = kProbeBytes;
    raw->max_analyze_duration = kAnalyzeSeconds * AV_TIME_BASE;
    // Only the demuxer the bytes named; only local files (a playlist or a
    // reference inside the film never reaches the network).
    const AVInputFormat* format = av_find_input_format(container == "webm" ? "matroska" : "mov");
    AVDictionary* options = nullptr;
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    // Only the decoders of accepted codecs ever see its data, finding the
    // streams included (other codecs are named from the container).
    av_dict_set(&options, "codec_whitelist",
                "h264,hevc,vp8,libvpx,vp9,libvpx-vp9,aac,opus,libopus,vorbis,libvorbis", 0);
    int err = avformat_open_input(&raw, path.c_str(), format, &options);
    av_dict_free(&options);
    if (err < 0) return av_failure("opening it", err, deadline, limits.deadline);
    std::unique_ptr<AVFormatContext, FormatClose> fc(raw);
    fc->flags |= AVFMT_FLAG_DISCARD_CORRUPT;
    // The decoders that find the streams' facts work on one thread each,
    // under the pixel cap.
    std::vector<AVDictionary*> stream_options(fc->nb_streams, nullptr);
    for (AVDictionary*& o : stream_options) {
        av_dict_set(&o, "threads", "1", 0);
        av_dict_set_int(&o, "max_pixels", static_cast<std::int64_t>(limits.max_pixels), 0);
    }
    err = avformat_find_stream_info(fc.get(), stream_options.data());
    for (AVDictionary*& o : stream_options) av_dict_free(&o);
    if (err < 0) return av_failure("finding its streams", err, deadline, limits.deadline);

    const int vi = video_stream_of(*fc);
    if (vi < 0) {
        return make_error(ErrorCode::unprocessable,
                          "media: the file has no pictures (sound only, or nothing)", "body")
            .because(ErrorReason::no_video);
    }
    AVStream& video = *fc->streams[vi];
    const AVCodecParameters& par = *video.codecpar;
    if (par.width <= 0 || par.height <= 0) return undecodable("its frame size is unknown");
    // The frame size first: no decoder is opened for frames over the limit.
    if (auto st = check_frame_size(par.width, par.height, limits); !st) return st.error();
    ProbedVideo out;
    VideoInfo& info = out.info;
    info.container = container;
    info.width = par.width;
    info.height = par.height;
    info.duration_ms = duration_ms_of(*fc, video);
    if (auto st = check_duration(info.duration_ms, limits); !st) return st.error();
    if (auto st = check_video_codec(par.codec_id, container); !st) return st.error();
    info.codec = avcodec_get_name(par.codec_id);
    const int ai = av_find_best_stream(fc.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (ai >= 0) {
        const AVCodecID audio = fc->streams[ai]->codecpar->codec_id;
        if (auto st = check_audio_codec(audio, container); !st) return st.error();
        info.audio = avcodec_get_name(audio);
    }
    const AVRational rate = av_guess_frame_rate(fc.get(), &video, nullptr);
    if (rate.num > 0 && rate.den > 0) info.fps = std::round(av_q2d(rate) * 1000.0) / 1000.0;
    if (const char* pf = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par.format))) {
        info.pixel_format = pf;
    }
    info.bit_rate = par.bit_rate > 0 ? par.bit_rate : std::max<std::int64_t>(0, fc->bit_rate);

    // A film cut short: its index names samples past the end of the file.
    std::error_code ec;
    const auto file_size = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
    if (const std::int64_t end = indexed_end(video); !ec && end > file_size) {
        return undecodable(std::string("it is cut short: its index reaches byte ")
                               .append(std::to_string(end))
                               .append(" of ")
                               .append(std::to_string(file_size)));
    }

    // The first frame must decode: a film cut short or damaged is refused.
    const AVCodec* codec = avcodec_find_decoder(par.codec_id);
    if (!codec) return undecodable("this server has no decoder for it");
    std::unique_ptr<AVCodecContext, CodecFree> dec(avcodec_alloc_context3(codec));
    if (!dec) return make_error(ErrorCode::internal, "out of memory");
    if ((err = avcodec_parameters_to_context(dec.get(), &par)) < 0) {
        return av_failure("its decoder settings", err, deadline, limits.deadline);
    }
    dec->thread_count = 1;
    dec->max_pixels = static_cast<std::int64_t>(limits.max_pixels);
    if ((err = avcodec_open2(dec.get(), codec, nullptr)) < 0) {
        return av_failure("opening its decoder", err, deadline, limits.deadline);
    }
    for (unsigned i = 0; i < fc->nb_streams; ++i) {
        fc->streams[i]->discard = static_cast<int>(i) == vi ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    }
    FrameReader reader{*fc, *dec, vi};
    auto first = reader.read(AV_NOPTS_VALUE, deadline, limits.deadline);
    if (!first) return first.error();
    if (!*first) return undecodable("no frame of it decodes");
    if (auto st = check_frame_size((*first)->width, (*first)->height, limits); !st) {
        return st.error();
    }

    // The poster: the frame about a second in, or the first of a shorter film.
    FramePtr poster = std::move(*first);
    if (info.duration_ms > kPosterAtMs) {
        const std::int64_t target =
            av_rescale_q(kPosterAtMs, AVRational{1, 1000}, video.time_base) +
            (video.start_time == AV_NOPTS_VALUE ? 0 : video.start_time);
        if (av_seek_frame(fc.get(), vi, target, AVSEEK_FLAG_BACKWARD) >= 0) {
            avcodec_flush_buffers(dec.get());
            auto later = reader.read(target, deadline, limits.deadline);
            if (later && *later) poster = std::move(*later);
        }
    }
    if (deadline.passed()) return av_failure("reading it", AVERROR_EXIT, deadline, limits.deadline);
    if (auto st = draw_poster(*poster, out); !st) return st.error();
    return out;
}

}  // namespace signage::server
