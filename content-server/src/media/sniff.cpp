#include "media/sniff.hpp"

#include "common/image_header.hpp"

namespace signage::server {

Result<ImageInfo> sniff_image(std::string_view bytes) {
    const auto format = image::format_of(bytes);
    if (!format) {
        return make_error(ErrorCode::unsupported_media_type,
                          "only PNG and JPEG images and MP4, WebM and MOV films are accepted",
                          "body")
            .because(ErrorReason::not_image);
    }
    ImageInfo info;
    info.content_type = *format == image::Format::png ? "image/png" : "image/jpeg";
    const auto header = image::read_header(bytes);
    if (!header) {
        return make_error(ErrorCode::unsupported_media_type,
                          "the " + info.content_type + " header cannot be read", "body")
            .because(ErrorReason::not_image);
    }
    info.width = header->width;
    info.height = header->height;
    return info;
}

Status check_image_decodes(std::string_view bytes, const ImageInfo& info) {
    const auto format = info.content_type == "image/png" ? image::Format::png : image::Format::jpeg;
    if (image::decodes(bytes, format)) return {};
    return make_error(ErrorCode::unprocessable,
                      std::string("the ")
                          .append(info.content_type)
                          .append(" image's data is cut short or damaged: it does not decode"),
                      "body")
        .because(ErrorReason::image_undecodable);
}

}  // namespace signage::server
