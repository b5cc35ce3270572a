// emergency: full screen over everything until its valid_until, which it
// therefore requires; not in the rotation.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

SlideTypeSpec emergency() {
    SlideTypeSpec t;
    t.type = SlideType::emergency;
    t.name = "emergency";
    t.label = {"紧急通知", "Emergency"};
    t.hint = {"紧急通知会中断所有其他内容，直到结束日期；结束日期必填。",
              "An emergency pre-empts everything else until it ends; \"Valid until\" is required."};
    t.in_rotation = false;
    t.fields = {
        multiline_field("body", {"紧急通知内容", "Emergency message"}, SlideLimits::body_chars)};
    t.parse = [](const nlohmann::json& j, const std::string& path, const SlideParseOptions&,
                 Slide& s) -> Status {
        if (auto st = slide_read::read_body(j, path, SlideLimits::body_chars, true, s); !st) {
            return st;
        }
        if (auto st = slide_read::require_title_or_body(
                s, path, "an emergency notice needs a title or a body");
            !st) {
            return st;
        }
        if (s.valid_until.empty()) {
            return make_error(ErrorCode::invalid,
                              "is required: an emergency notice holds the screen until it",
                              slide_read::join(path, "valid_until"))
                .because(ErrorReason::required);
        }
        return {};
    };
    t.to_json = slide_read::body_to_json;
    t.text_fields = slide_read::body_text;
    return t;
}

}  // namespace signage::protocol::types
