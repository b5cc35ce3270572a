// image: an uploaded picture, contained (letterboxed) or cover-cropped, with
// an optional caption band.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

namespace {

Status parse_image(const nlohmann::json& j, const std::string& path, const SlideParseOptions& opt,
                   Slide& s) {
    return slide_read::read_picture(j, path, opt, "an image slide", s);
}

}  // namespace

void picture_text_fields(const Slide& s, TextFields& out) {
    if (!s.caption.empty()) out.emplace_back("caption", s.caption);
}

void picture_media(const Slide& s, TypeMedia& out) {
    if (!s.media.empty()) out.lead.push_back(s.media);
}

SlideTypeSpec image() {
    SlideTypeSpec t;
    t.type = SlideType::image;
    t.name = "image";
    t.label = {"图片", "Image"};
    FieldSpec media = make_field("media", FieldKind::media, {"图片", "Image"}, true);
    t.fields = {std::move(media), fit_field(),
                text_field("caption", {"图片说明", "Caption"}, SlideLimits::caption_chars)};
    t.parse = parse_image;
    t.to_json = slide_read::picture_to_json;
    t.text_fields = picture_text_fields;
    t.media = picture_media;
    return t;
}

}  // namespace signage::protocol::types
