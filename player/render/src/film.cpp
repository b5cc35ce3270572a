#include "render/film.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#define SIGNAGE_YUV_AVX2 1
#endif

#include <libyuv.h>
#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/frame.h>
}

namespace signage::render {

namespace {

// How soon to look again when the decoder has nothing queued yet.
constexpr std::chrono::milliseconds kDecoderBehind{5};
// Rows of a film's frame copied and converted at a time when it is drawn
// straight onto the screen by SDL's converter: about 180 KB at 1920 wide, in
// the cache (even).
constexpr int kBandRows = 64;

// The YUV conversion a film's stream asks for.
SDL_YUV_CONVERSION_MODE yuv_mode_of(const VideoInfo& info) {
    return info.full_range                      ? SDL_YUV_CONVERSION_JPEG
           : info.matrix == ColourMatrix::bt709 ? SDL_YUV_CONVERSION_BT709
                                                : SDL_YUV_CONVERSION_BT601;
}

// SDL's YUV conversion for one film: SDL keeps one mode for the process
// (BT.601 unless told), used when a YUV texture is made (GPU) or filled
// (software), so each film sets its own around those calls.
class YuvMode {
  public:
    explicit YuvMode(const VideoInfo& info) : before_(SDL_GetYUVConversionMode()) {
        SDL_SetYUVConversionMode(yuv_mode_of(info));
    }
    ~YuvMode() { SDL_SetYUVConversionMode(before_); }
    YuvMode(const YuvMode&) = delete;
    YuvMode& operator=(const YuvMode&) = delete;

  private:
    SDL_YUV_CONVERSION_MODE before_;
};

}  // namespace

// ------------------------------------------------------------ YUV to RGB

namespace {

// SDL 2's YUV to RGB (src/video/yuv2rgb, as in 2.26; test_video holds it to
// the SDL this is linked with), per matrix: fixed point with six
// bits of fraction, R = ((Y - y_shift) * y_factor + (V - 128) * v_r) >> 6,
// G with u_g and v_g, B with u_b, clamped to 0..255; alpha opaque. Its
// SSE2 path (pairs of rows, 32 columns at a time) works in 16-bit lanes
// that wrap; its plain path (the columns right of the last 32, a last odd
// row) in ints, clamped by a 9-bit table that wraps. The two differ only
// where the sums leave 16 bits (Y and U or V outside video range),
// and both are kept here, each where SDL uses it, so that every byte is
// the one SDL would write.
struct YuvCoefficients {
    int y_shift, y_factor, v_r, u_g, v_g, u_b;
};
constexpr YuvCoefficients kYuvJpeg{0, 64, 90, -22, -46, 113};
constexpr YuvCoefficients kYuvBt601{16, 75, 102, -25, -52, 129};
constexpr YuvCoefficients kYuvBt709{16, 75, 115, -14, -34, 135};

// The plain path's clamp: (v >> 6) into 0..255 through a table of 512
// entries indexed with wrap-around.
std::uint32_t clamp_plain(int v) {
    const int i = ((v + 128 * 64) >> 6) & 511;
    return i < 128 ? 0u : i >= 384 ? 255u : static_cast<std::uint32_t>(i - 128);
}

// The plain path over `w` x `h` pixels from the planes' origin (an even
// row and column of the picture).
void convert_plain(const YuvCoefficients& k, const YuvPlanes& src, int w, int h, std::uint8_t* out,
                   int pitch) {
    for (int row = 0; row < h; ++row) {
        const std::uint8_t* y = src.y + static_cast<std::ptrdiff_t>(row) * src.y_stride;
        const std::uint8_t* u = src.u + static_cast<std::ptrdiff_t>(row / 2) * src.u_stride;
        const std::uint8_t* v = src.v + static_cast<std::ptrdiff_t>(row / 2) * src.v_stride;
        std::uint8_t* o = out + static_cast<std::ptrdiff_t>(row) * pitch;
        for (int x = 0; x < w; ++x) {
            const int cu = u[x / 2] - 128, cv = v[x / 2] - 128;
            const int yy = (y[x] - k.y_shift) * k.y_factor;
            const std::uint32_t px = 0xFF000000u | clamp_plain(yy + cv * k.v_r) << 16 |
                                     clamp_plain(yy + cu * k.u_g + cv * k.v_g) << 8 |
                                     clamp_plain(yy + cu * k.u_b);
            std::memcpy(o + static_cast<std::ptrdiff_t>(x) * 4, &px, 4);
        }
    }
}

#if defined(SIGNAGE_YUV_AVX2)
#define SIGNAGE_AVX2 __attribute__((target("avx2")))

// 16 bytes widened to 16-bit lanes.
SIGNAGE_AVX2 __m256i widen(const std::uint8_t* p) {
    return _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

SIGNAGE_AVX2 __m256i lanes(int x) {
    return _mm256_set1_epi16(static_cast<short>(x));
}

// A chroma term of 16 columns (one a lane) for the 32 pixels they cover:
// columns 0-15 (lo) and 16-31 (hi), every lane twice. The 64-bit quarters
// go in the order 0, 2, 1, 3 so that the in-lane unpacks give them in order.
SIGNAGE_AVX2 void spread(__m256i c, __m256i& lo, __m256i& hi) {
    c = _mm256_permute4x64_epi64(c, 0xD8);
    lo = _mm256_unpacklo_epi16(c, c);
    hi = _mm256_unpackhi_epi16(c, c);
}

// One channel of 32 pixels: (chroma + luma) >> 6, saturated to bytes, in
// the order of columns 0-7, 16-23 | 8-15, 24-31.
SIGNAGE_AVX2 __m256i channel(__m256i c_lo, __m256i c_hi, __m256i y_lo, __m256i y_hi) {
    return _mm256_packus_epi16(_mm256_srai_epi16(_mm256_add_epi16(c_lo, y_lo), 6),
                               _mm256_srai_epi16(_mm256_add_epi16(c_hi, y_hi), 6));
}

// 32 bytes of pixels out; `stream`: past the caches (to 32-byte aligned
// memory): a frame is larger than the caches and nothing reads it back
// soon, so its lines are neither read first nor let evict anything.
SIGNAGE_AVX2 void put(__m256i* p, __m256i v, bool stream) {
    if (stream) {
        _mm256_stream_si256(p, v);
    } else {
        _mm256_storeu_si256(p, v);
    }
}

// The SSE2 path's arithmetic on two rows (y0, y1 sharing chroma rows u, v)
// of `w32` pixels (a multiple of 32), 32 at a time in 256-bit registers.
SIGNAGE_AVX2 void convert_rows_avx2(const YuvCoefficients& k, int w32, const std::uint8_t* y0,
                                    const std::uint8_t* y1, const std::uint8_t* u,
                                    const std::uint8_t* v, std::uint8_t* out0, std::uint8_t* out1,
                                    bool stream) {
    const __m256i minus128 = lanes(-128), y_shift = lanes(k.y_shift), y_factor = lanes(k.y_factor);
    const __m256i v_r = lanes(k.v_r), u_g = lanes(k.u_g), v_g = lanes(k.v_g), u_b = lanes(k.u_b);
    const __m256i opaque = _mm256_set1_epi8(static_cast<char>(0xFF));
    for (int x = 0; x < w32; x += 32) {
        const __m256i cu = _mm256_add_epi16(widen(u + x / 2), minus128);
        const __m256i cv = _mm256_add_epi16(widen(v + x / 2), minus128);
        __m256i r_lo, r_hi, g_lo, g_hi, b_lo, b_hi;
        spread(_mm256_mullo_epi16(cv, v_r), r_lo, r_hi);
        spread(_mm256_add_epi16(_mm256_mullo_epi16(cu, u_g), _mm256_mullo_epi16(cv, v_g)), g_lo,
               g_hi);
        spread(_mm256_mullo_epi16(cu, u_b), b_lo, b_hi);
        for (int row = 0; row < 2; ++row) {
            const std::uint8_t* yp = (row == 0 ? y0 : y1) + x;
            auto* op = reinterpret_cast<__m256i*>((row == 0 ? out0 : out1) + x * 4);
            const __m256i y_lo = _mm256_mullo_epi16(_mm256_sub_epi16(widen(yp), y_shift), y_factor);
            const __m256i y_hi =
                _mm256_mullo_epi16(_mm256_sub_epi16(widen(yp + 16), y_shift), y_factor);
            const __m256i r = channel(r_lo, r_hi, y_lo, y_hi);
            const __m256i g = channel(g_lo, g_hi, y_lo, y_hi);
            const __m256i b = channel(b_lo, b_hi, y_lo, y_hi);
            // B, G, R, A in memory (ARGB8888 read as 32-bit words).
            const __m256i bg_lo = _mm256_unpacklo_epi8(b, g), bg_hi = _mm256_unpackhi_epi8(b, g);
            const __m256i ra_lo = _mm256_unpacklo_epi8(r, opaque);
            const __m256i ra_hi = _mm256_unpackhi_epi8(r, opaque);
            const __m256i p0 = _mm256_unpacklo_epi16(bg_lo, ra_lo);  // 0-3 | 8-11
            const __m256i p1 = _mm256_unpackhi_epi16(bg_lo, ra_lo);  // 4-7 | 12-15
            const __m256i p2 = _mm256_unpacklo_epi16(bg_hi, ra_hi);  // 16-19 | 24-27
            const __m256i p3 = _mm256_unpackhi_epi16(bg_hi, ra_hi);  // 20-23 | 28-31
            put(op, _mm256_permute2x128_si256(p0, p1, 0x20), stream);
            put(op + 1, _mm256_permute2x128_si256(p0, p1, 0x31), stream);
            put(op + 2, _mm256_permute2x128_si256(p2, p3, 0x20), stream);
            put(op + 3, _mm256_permute2x128_si256(p2, p3, 0x31), stream);
        }
    }
}
#endif

}  // namespace

bool convert_yuv420(const YuvPlanes& src, int w, int h, SDL_YUV_CONVERSION_MODE mode, Uint32 format,
                    std::uint8_t* out, int pitch) {
#if defined(SIGNAGE_YUV_AVX2)
    static const bool avx2 = __builtin_cpu_supports("avx2") != 0;
    if (!avx2 || w <= 0 || h <= 0) return false;
    if (format != SDL_PIXELFORMAT_ARGB8888 && format != SDL_PIXELFORMAT_XRGB8888) return false;
    const YuvCoefficients* k = mode == SDL_YUV_CONVERSION_JPEG    ? &kYuvJpeg
                               : mode == SDL_YUV_CONVERSION_BT601 ? &kYuvBt601
                               : mode == SDL_YUV_CONVERSION_BT709 ? &kYuvBt709
                                                                  : nullptr;
    if (k == nullptr) return false;
    // As SDL: pairs of rows 32 columns at a time when the picture is 32
    // wide or more, the plain path for a last odd row and the columns
    // right of the last 32.
    const int w32 = w >= 32 ? w & ~31 : 0;
    const bool stream = reinterpret_cast<std::uintptr_t>(out) % 32 == 0 && pitch % 32 == 0;
    if (w32 > 0) {
        int row = 0;
        for (; row + 1 < h; row += 2) {
            const std::ptrdiff_t c = row / 2;
            convert_rows_avx2(*k, w32, src.y + static_cast<std::ptrdiff_t>(row) * src.y_stride,
                              src.y + static_cast<std::ptrdiff_t>(row + 1) * src.y_stride,
                              src.u + c * src.u_stride, src.v + c * src.v_stride,
                              out + static_cast<std::ptrdiff_t>(row) * pitch,
                              out + static_cast<std::ptrdiff_t>(row + 1) * pitch, stream);
        }
        if (stream) _mm_sfence();  // the streamed pixels before any later access
        if (row < h) {
            const std::ptrdiff_t c = row / 2;
            const YuvPlanes last{src.y + static_cast<std::ptrdiff_t>(row) * src.y_stride,
                                 src.u + c * src.u_stride,
                                 src.v + c * src.v_stride,
                                 src.y_stride,
                                 src.u_stride,
                                 src.v_stride};
            convert_plain(*k, last, w32, 1, out + static_cast<std::ptrdiff_t>(row) * pitch, pitch);
        }
    }
    if (w32 < w) {
        const YuvPlanes right{src.y + w32,  src.u + w32 / 2, src.v + w32 / 2,
                              src.y_stride, src.u_stride,    src.v_stride};
        convert_plain(*k, right, w - w32, h, out + static_cast<std::ptrdiff_t>(w32) * 4, pitch);
    }
    return true;
#else
    (void)src, (void)w, (void)h, (void)mode, (void)format, (void)out, (void)pitch;
    return false;
#endif
}

Film::Film(SDL_Renderer* renderer, std::unique_ptr<VideoDecoder> decoder, SDL_Rect src,
           SDL_Rect dst)
    : renderer_(renderer), decoder_(std::move(decoder)), src_(src), dst_(dst) {
    const VideoInfo& info = decoder_->info();
    YuvMode mode(info);
    yuv_.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING,
                                 info.width, info.height));
    if (yuv_) SDL_SetTextureBlendMode(yuv_.get(), SDL_BLENDMODE_NONE);
}

Status Film::upload() {
    if (!shown_) return make_error(ErrorCode::unprocessable, "no frame yet");
    if (uploaded_ == shown_->number) return {};
    if (!yuv_) return sdl_error("SDL_CreateTexture (film)");
    YuvMode mode(decoder_->info());
    const AVFrame* f = shown_->frame.get();
    if (f->width != decoder_->info().width || f->height != decoder_->info().height) {
        // A film whose frame size changes midway: its texture follows.
        int w = 0, h = 0;
        SDL_QueryTexture(yuv_.get(), nullptr, nullptr, &w, &h);
        if (w != f->width || h != f->height) {
            yuv_.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_IYUV,
                                         SDL_TEXTUREACCESS_STREAMING, f->width, f->height));
            if (!yuv_) return sdl_error("SDL_CreateTexture (film)");
            SDL_SetTextureBlendMode(yuv_.get(), SDL_BLENDMODE_NONE);
        }
    }
    if (SDL_UpdateYUVTexture(yuv_.get(), nullptr, f->data[0], f->linesize[0], f->data[1],
                             f->linesize[1], f->data[2], f->linesize[2]) != 0) {
        return sdl_error("SDL_UpdateYUVTexture");
    }
    uploaded_ = shown_->number;
    return {};
}

namespace {

// `r` (in a slide of `slide` size) where the slide is drawn at `zone`.
SDL_Rect place(const SDL_Rect& r, Size slide, const SDL_Rect& zone) {
    if (slide.w == zone.w && slide.h == zone.h)
        return SDL_Rect{zone.x + r.x, zone.y + r.y, r.w, r.h};
    const double sx = static_cast<double>(zone.w) / slide.w;
    const double sy = static_cast<double>(zone.h) / slide.h;
    const int x0 = zone.x + static_cast<int>(std::lround(r.x * sx));
    const int y0 = zone.y + static_cast<int>(std::lround(r.y * sy));
    const int x1 = zone.x + static_cast<int>(std::lround((r.x + r.w) * sx));
    const int y1 = zone.y + static_cast<int>(std::lround((r.y + r.h) * sy));
    return SDL_Rect{x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

bool Film::convert_into(SDL_Surface* surface, const SDL_Rect& box) {
    if (box.w <= 0 || box.h <= 0 || box.x < 0 || box.y < 0 || box.x + box.w > surface->w ||
        box.y + box.h > surface->h || surface->format->BytesPerPixel != 4) {
        return false;
    }
    const AVFrame* f = shown_->frame.get();
    if (src_.x < 0 || src_.y < 0 || src_.w <= 0 || src_.h <= 0 || src_.x + src_.w > f->width ||
        src_.y + src_.h > f->height) {
        return false;
    }
    const std::uint8_t* y =
        f->data[0] + static_cast<std::ptrdiff_t>(src_.y) * f->linesize[0] + src_.x;
    const std::uint8_t* u =
        f->data[1] + static_cast<std::ptrdiff_t>(src_.y / 2) * f->linesize[1] + src_.x / 2;
    const std::uint8_t* v =
        f->data[2] + static_cast<std::ptrdiff_t>(src_.y / 2) * f->linesize[2] + src_.x / 2;
    const bool scaled = src_.w != box.w || src_.h != box.h;
    // A scaled picture (bilinear) is made as I420 blocks (the layout SDL's
    // converter reads), kept while the frame is on screen; a cropped one is
    // read where it is in the frame.
    if (scaled && (planes_number_ != shown_->number || planes_w_ != box.w || planes_h_ != box.h)) {
        planes_number_ = -1;
        const int cw = (box.w + 1) / 2, ch = (box.h + 1) / 2;
        const std::size_t luma = static_cast<std::size_t>(box.w) * static_cast<std::size_t>(box.h);
        const std::size_t chroma = static_cast<std::size_t>(cw) * static_cast<std::size_t>(ch);
        planes_.resize(luma + 2 * chroma);
        std::uint8_t* py = planes_.data();
        std::uint8_t* pu = py + luma;
        std::uint8_t* pv = pu + chroma;
        if (libyuv::I420Scale(y, f->linesize[0], u, f->linesize[1], v, f->linesize[2], src_.w,
                              src_.h, py, box.w, pu, cw, pv, cw, box.w, box.h,
                              libyuv::kFilterBilinear) != 0) {
            return false;
        }
        planes_number_ = shown_->number;
        planes_w_ = box.w;
        planes_h_ = box.h;
    }
    // What was drawn before (the slide around the film, the header) lands
    // in the surface first; what is drawn after goes over the film.
    SDL_RenderFlush(renderer_);
    if (SDL_MUSTLOCK(surface) && SDL_LockSurface(surface) != 0) return false;
    auto* out = static_cast<std::uint8_t*>(surface->pixels) +
                static_cast<std::ptrdiff_t>(box.y) * surface->pitch + box.x * 4;
    // SDL's own conversion, as in the film's YUV texture: the film looks
    // the same as in its slide, a preview or a crossfade. In one pass from
    // where the picture is when convert_yuv420 can; else through SDL's
    // converter, which reads I420 in one block.
    const Uint32 format = surface->format->format;
    const SDL_YUV_CONVERSION_MODE mode = yuv_mode_of(decoder_->info());
    const int cw = (box.w + 1) / 2;
    const YuvPlanes picture =
        scaled ? YuvPlanes{planes_.data(),
                           planes_.data() + static_cast<std::ptrdiff_t>(box.w) * box.h,
                           planes_.data() + static_cast<std::ptrdiff_t>(box.w) * box.h +
                               static_cast<std::ptrdiff_t>(cw) * ((box.h + 1) / 2),
                           box.w,
                           cw,
                           cw}
               : YuvPlanes{y, u, v, f->linesize[0], f->linesize[1], f->linesize[2]};
    int converted =
        convert_yuv420(picture, box.w, box.h, mode, format, out, surface->pitch) ? 0 : -1;
    if (converted != 0) {
        YuvMode sdl_mode(decoder_->info());
        if (scaled) {
            converted = SDL_ConvertPixels(box.w, box.h, SDL_PIXELFORMAT_IYUV, planes_.data(), box.w,
                                          format, out, surface->pitch);
        } else {
            // The crop copied a band of rows at a time, each converted while
            // the cache holds it; an even number of rows, so that each band
            // starts on a row of chroma.
            planes_number_ = -1;
            planes_.resize(static_cast<std::size_t>(box.w + cw) * kBandRows);
            converted = 0;
            for (int row = 0; row < box.h && converted == 0; row += kBandRows) {
                const int h = std::min(kBandRows, box.h - row);
                std::uint8_t* py = planes_.data();
                std::uint8_t* pu = py + static_cast<std::ptrdiff_t>(box.w) * h;
                std::uint8_t* pv = pu + static_cast<std::ptrdiff_t>(cw) * ((h + 1) / 2);
                const std::ptrdiff_t c = row / 2;
                converted =
                    libyuv::I420Copy(y + row * f->linesize[0], f->linesize[0],
                                     u + c * f->linesize[1], f->linesize[1], v + c * f->linesize[2],
                                     f->linesize[2], py, box.w, pu, cw, pv, cw, box.w, h);
                if (converted == 0) {
                    converted = SDL_ConvertPixels(box.w, h, SDL_PIXELFORMAT_IYUV, py, box.w, format,
                                                  out + row * surface->pitch, surface->pitch);
                }
            }
        }
    }
    if (SDL_MUSTLOCK(surface)) SDL_UnlockSurface(surface);
    return converted == 0;
}

void Film::draw_overlays(const SDL_Rect& zone, Size slide) {
    for (const auto& [rect, texture] : overlays_) {
        const SDL_Rect at = place(rect, slide, zone);
        SDL_RenderCopy(renderer_, texture.get(), nullptr, &at);
    }
}

void Film::draw(const SDL_Rect& zone, Size slide, SDL_Surface* direct) {
    if (!shown_) return;
    const SDL_Rect box = place(dst_, slide, zone);
    drawn_direct_ = direct != nullptr && convert_into(direct, box);
    if (!drawn_direct_) {
        if (auto st = upload(); !st) {
            spdlog::warn("film: {}", st.error().message);
            return;
        }
        SDL_RenderCopy(renderer_, yuv_.get(), &src_, &box);
    }
    draw_overlays(zone, slide);
}

void Film::paint_into(SDL_Texture* slide) {
    if (!shown_ || painted_ == shown_->number) return;
    if (auto st = upload(); !st) {
        spdlog::warn("film: {}", st.error().message);
        return;
    }
    SDL_Texture* previous = SDL_GetRenderTarget(renderer_);
    if (SDL_SetRenderTarget(renderer_, slide) != 0) return;
    int w = 0, h = 0;
    SDL_QueryTexture(slide, nullptr, nullptr, &w, &h);
    SDL_RenderCopy(renderer_, yuv_.get(), &src_, &dst_);
    draw_overlays(SDL_Rect{0, 0, w, h}, Size{w, h});
    SDL_SetRenderTarget(renderer_, previous);
    painted_ = shown_->number;
}

Status Film::draw_first() {
    if (auto st = decoder_->wait_first(); !st) return st;
    auto frame = decoder_->take_first();
    if (!frame) return make_error(ErrorCode::unprocessable, "no frame could be decoded");
    shown_ = std::move(frame);
    if (auto st = upload(); !st) return st;
    SDL_RenderCopy(renderer_, yuv_.get(), &src_, &dst_);
    // The slide (the current render target) has it; its overlays come after.
    painted_ = shown_->number;
    return {};
}

void Film::keep_overlay(const SDL_Rect& rect) {
    SDL_Texture* target = SDL_GetRenderTarget(renderer_);
    if (target == nullptr || rect.w <= 0 || rect.h <= 0) return;
    TexturePtr copy(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                      rect.w, rect.h));
    if (!copy) return;
    SDL_SetTextureBlendMode(target, SDL_BLENDMODE_NONE);
    if (SDL_SetRenderTarget(renderer_, copy.get()) == 0) {
        SDL_RenderCopy(renderer_, target, &rect, nullptr);
    }
    SDL_SetRenderTarget(renderer_, target);
    SDL_SetTextureBlendMode(target, SDL_BLENDMODE_BLEND);
    SDL_SetTextureBlendMode(copy.get(), SDL_BLENDMODE_NONE);
    overlays_.emplace_back(rect, std::move(copy));
}

void Film::start(Clock::time_point now) {
    if (!start_) start_ = now;
}

double Film::elapsed(Clock::time_point now) const {
    if (!start_) return 0;
    if (sound_clock_ && decoder_->sound()) {
        if (auto t = decoder_->sound()->clock(now)) return *t;
    }
    return std::chrono::duration<double>(now - *start_).count();
}

std::shared_ptr<FilmSound> Film::sound() const {
    // Once released (its film went out, or an emergency covered it) a
    // sound never plays again: it would be behind the pictures.
    return sound_clock_ ? decoder_->sound() : nullptr;
}

void Film::release_sound(Clock::time_point now) {
    if (!start_ || !sound_clock_) return;
    const double t = elapsed(now);
    sound_clock_ = false;
    start_ = now - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
}

bool Film::update(Clock::time_point now) {
    if (!start_) return false;
    auto frame = decoder_->take(elapsed(now));
    if (!frame) return false;
    shown_ = std::move(frame);
    return true;
}

bool Film::update(SDL_Texture* target, Clock::time_point now) {
    if (!update(now)) return false;
    paint_into(target);
    return true;
}

std::optional<Film::Clock::time_point> Film::next_due(Clock::time_point now) const {
    if (!start_ || ended(now)) return std::nullopt;
    // At `t` on the film's clock, which may be its sound's.
    auto at = [&](double t) {
        return now + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(std::max(0.0, t - elapsed(now))));
    };
    if (auto t = decoder_->next_time()) return at(*t);
    if (!decoder_->finished()) return now + kDecoderBehind;
    return at(shown_end());
}

bool Film::ended(Clock::time_point now) const {
    return start_ && decoder_->finished() && elapsed(now) >= shown_end();
}

}  // namespace signage::render
