// image: an uploaded picture, contained (letterboxed) or cover-cropped, with
// an optional caption band.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

namespace {

Status parse_image(const nlohmann::json& j, const std::string& path, const SlideParseOptions& opt,
                   Slide& s) {
    using namespace slide_read;
    auto it = j.find("media");
    const std::string field = join(path, "media");
    if (it == j.end() || it->is_null()) {
        return make_error(ErrorCode::invalid, "is required for an image slide", field)
            .because(ErrorReason::required);
    }
    if (auto st = read_media_ref(*it, field, opt, s.media); !st) return st;
    if (auto fit = j.find("fit"); fit != j.end() && !fit->is_null()) {
        const std::string ffield = join(path, "fit");
        if (!fit->is_string()) return wrong_type(ffield, "a string", *fit);
        const auto f = fit->get<std::string>();
        if (f == "contain") {
            s.fit = Fit::contain;
        } else if (f == "cover") {
            s.fit = Fit::cover;
        } else {
            return make_error(ErrorCode::invalid, "must be contain or cover, not \"" + f + "\"",
                              ffield)
                .because(ErrorReason::one_of, {{"allowed", "contain, cover"}});
        }
    }
    return read_string(j, "caption", path, SlideLimits::caption_chars, false, s.caption);
}

}  // namespace

SlideTypeSpec image() {
    SlideTypeSpec t;
    t.type = SlideType::image;
    t.name = "image";
    t.label = {"图片", "Image"};
    FieldSpec media = make_field("media", FieldKind::media, {"图片", "Image"}, true);
    FieldSpec fit = make_field("fit", FieldKind::choice, {"缩放方式", "Fit"});
    fit.choices = {{"contain", {"完整显示", "contain"}}, {"cover", {"铺满裁切", "cover"}}};
    fit.default_value = "contain";
    t.fields = {std::move(media), std::move(fit),
                text_field("caption", {"图片说明", "Caption"}, SlideLimits::caption_chars)};
    t.parse = parse_image;
    t.to_json = [](const Slide& s, nlohmann::json& j) {
        j["media"] = s.media;
        j["fit"] = to_string(s.fit);
        if (!s.caption.empty()) j["caption"] = s.caption;
    };
    t.text_fields = [](const Slide& s, TextFields& out) {
        if (!s.caption.empty()) out.emplace_back("caption", s.caption);
    };
    t.media = [](const Slide& s, TypeMedia& out) {
        if (!s.media.empty()) out.lead.push_back(s.media);
    };
    return t;
}

}  // namespace signage::protocol::types
