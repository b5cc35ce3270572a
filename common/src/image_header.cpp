#include "common/image_header.hpp"

#include <csetjmp>
#include <cstring>
#include <vector>

#include <jpeglib.h>
// after jpeglib.h, which it needs
#include <jerror.h>
#include <png.h>

namespace signage::image {
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

// Reads a PNG the way a screen's libpng does: the IHDR's size once the
// header up to the image data reads cleanly (chunk lengths, CRCs, the
// header's fields); with `row`, also every row into that one reused buffer
// and on to IEND. False when any of it fails. `row` is the caller's, so this
// frame holds nothing with a destructor.
bool png_read(const unsigned char* data, std::size_t size, int& w, int& h,
              std::vector<unsigned char>* row) {
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
    // libpng refuses sizes over its limit (1,000,000 a side) by itself.
    w = static_cast<int>(png_get_image_width(png, info));
    h = static_cast<int>(png_get_image_height(png, info));
    if (row != nullptr) {
        const int passes = png_set_interlace_handling(png);
        png_read_update_info(png, info);
        row->resize(png_get_rowbytes(png, info));
        const png_uint_32 height = png_get_image_height(png, info);
        for (int pass = 0; pass < passes; ++pass) {
            for (png_uint_32 y = 0; y < height; ++y) png_read_row(png, row->data(), nullptr);
        }
        png_read_end(png, nullptr);
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

struct JpegError {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
    bool data_ended = false;  // libjpeg made up the rest of a cut-short file
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
    std::longjmp(reinterpret_cast<JpegError*>(cinfo->err)->jump, 1);
}

// Notes a file cut short: libjpeg pads it with grey and only warns.
void jpeg_note_eof(j_common_ptr cinfo, int level) {
    auto* err = reinterpret_cast<JpegError*>(cinfo->err);
    if (level < 0 && err->mgr.msg_code == JWRN_JPEG_EOF) err->data_ended = true;
}

// Reads a JPEG: the frame's size once the markers up to the first scan read
// cleanly; with `row`, also every scanline into that one reused buffer, a
// file cut short counting as a failure. False when any of it fails.
bool jpeg_read(const unsigned char* data, std::size_t size, int& w, int& h,
               std::vector<unsigned char>* row) {
    jpeg_decompress_struct cinfo{};
    JpegError err{};
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_fail;
    err.mgr.emit_message = jpeg_note_eof;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    const int header = jpeg_read_header(&cinfo, TRUE);
    const JDIMENSION width = cinfo.image_width;
    const JDIMENSION height = cinfo.image_height;
    if (header != JPEG_HEADER_OK || width > 65500 || height > 65500) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    w = static_cast<int>(width);
    h = static_cast<int>(height);
    if (row != nullptr) {
        jpeg_start_decompress(&cinfo);
        row->resize(static_cast<std::size_t>(cinfo.output_width) *
                    static_cast<std::size_t>(cinfo.output_components));
        JSAMPROW rows[1] = {row->data()};
        while (cinfo.output_scanline < cinfo.output_height && !err.data_ended) {
            jpeg_read_scanlines(&cinfo, rows, 1);
        }
        if (!err.data_ended) jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return row == nullptr || !err.data_ended;
}

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

}  // namespace

std::optional<Format> format_of(std::string_view bytes) {
    static constexpr std::string_view png_magic{"\x89PNG\r\n\x1a\n", 8};
    static constexpr std::string_view jpeg_magic{"\xFF\xD8\xFF", 3};
    if (starts_with(bytes, png_magic)) return Format::png;
    if (starts_with(bytes, jpeg_magic)) return Format::jpeg;
    return std::nullopt;
}

std::optional<Header> read_header(std::string_view bytes) {
    const auto format = format_of(bytes);
    if (!format) return std::nullopt;
    Header h;
    h.format = *format;
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const bool read = *format == Format::png
                          ? png_read(data, bytes.size(), h.width, h.height, nullptr)
                          : jpeg_read(data, bytes.size(), h.width, h.height, nullptr);
    if (!read || h.width <= 0 || h.height <= 0) return std::nullopt;
    return h;
}

bool decodes(std::string_view bytes, Format format) {
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    std::vector<unsigned char> row;
    int w = 0, h = 0;
    return format == Format::png ? png_read(data, bytes.size(), w, h, &row)
                                 : jpeg_read(data, bytes.size(), w, h, &row);
}

std::uint64_t pixels(const Header& h) {
    return static_cast<std::uint64_t>(h.width) * static_cast<std::uint64_t>(h.height);
}

}  // namespace signage::image
