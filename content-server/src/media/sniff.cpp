#include "media/sniff.hpp"

#include <csetjmp>
#include <cstring>

#include <jpeglib.h>
#include <png.h>

namespace signage::server {
namespace {

// Each reader keeps its library's longjmp inside one function whose frame
// holds nothing with a destructor.

struct PngSource {
    const unsigned char* data;
    std::size_t size;
    std::size_t at;
};

void png_read_memory(png_structp png, png_bytep out, png_size_t n) {
    auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
    if (n > src->size - src->at) png_error(png, "truncated");
    std::memcpy(out, src->data + src->at, n);
    src->at += n;
}

void png_quiet(png_structp, png_const_charp) {}

// The IHDR's size once the header up to the image data reads cleanly
// (chunk lengths, CRCs, the header's fields); false otherwise.
bool png_size(const unsigned char* data, std::size_t size, int& w, int& h) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, png_quiet);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        return false;
    }
    PngSource src{data, size, 0};
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    png_set_read_fn(png, &src, png_read_memory);
    png_read_info(png, info);
    const auto width = png_get_image_width(png, info);
    const auto height = png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, nullptr);
    // libpng refuses sizes over its limit (1,000,000 a side) by itself.
    w = static_cast<int>(width);
    h = static_cast<int>(height);
    return true;
}

struct JpegError {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
    std::longjmp(reinterpret_cast<JpegError*>(cinfo->err)->jump, 1);
}

void jpeg_quiet(j_common_ptr, int) {}

// The frame's size once the markers up to the first scan read cleanly; false
// otherwise.
bool jpeg_size(const unsigned char* data, std::size_t size, int& w, int& h) {
    jpeg_decompress_struct cinfo{};
    JpegError err{};
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_fail;
    err.mgr.emit_message = jpeg_quiet;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    const int header = jpeg_read_header(&cinfo, TRUE);
    const JDIMENSION width = cinfo.image_width;
    const JDIMENSION height = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    if (header != JPEG_HEADER_OK || width > 65500 || height > 65500) return false;
    w = static_cast<int>(width);
    h = static_cast<int>(height);
    return true;
}

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

}  // namespace

Result<ImageInfo> sniff_image(std::string_view bytes) {
    static constexpr std::string_view png_magic{"\x89PNG\r\n\x1a\n", 8};
    static constexpr std::string_view jpeg_magic{"\xFF\xD8\xFF", 3};
    ImageInfo info;
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    bool read = false;
    if (starts_with(bytes, png_magic)) {
        info.content_type = "image/png";
        read = png_size(data, bytes.size(), info.width, info.height);
    } else if (starts_with(bytes, jpeg_magic)) {
        info.content_type = "image/jpeg";
        read = jpeg_size(data, bytes.size(), info.width, info.height);
    } else {
        return make_error(ErrorCode::unsupported_media_type,
                          "only PNG and JPEG images are accepted", "body")
            .because(ErrorReason::not_image);
    }
    if (!read || info.width <= 0 || info.height <= 0) {
        return make_error(ErrorCode::unsupported_media_type,
                          "the " + info.content_type + " header cannot be read", "body")
            .because(ErrorReason::not_image);
    }
    return info;
}

}  // namespace signage::server
