// notice: one line on the ticker (跑马灯) while it is valid, not in the rotation.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

SlideTypeSpec notice() {
    SlideTypeSpec t;
    t.type = SlideType::notice;
    t.name = "notice";
    t.label = {"通知（跑马灯）", "Notice (ticker)"};
    t.in_rotation = false;
    const std::string max = std::to_string(SlideLimits::notice_chars);
    t.fields = {
        text_field("body",
                   {std::string("通知内容（一行，最多 ").append(max).append(" 字）"),
                    std::string("Notice (one line, up to ").append(max).append(" characters)")},
                   SlideLimits::notice_chars, true)};
    t.parse = [](const nlohmann::json& j, const std::string& path, const SlideParseOptions&,
                 Slide& s) -> Status {
        if (auto st = slide_read::read_body(j, path, SlideLimits::notice_chars, false, s); !st) {
            return st;
        }
        return slide_read::require_nonempty(s.body, slide_read::join(path, "body"));
    };
    t.to_json = slide_read::body_to_json;
    t.text_fields = slide_read::body_text;
    return t;
}

}  // namespace signage::protocol::types
