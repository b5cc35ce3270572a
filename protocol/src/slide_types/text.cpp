// text: a title band and a body (blank lines between paragraphs); the body
// pages on screen when it is too long for one page at the smallest size.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

SlideTypeSpec text() {
    SlideTypeSpec t;
    t.type = SlideType::text;
    t.name = "text";
    t.label = {"文字", "Text"};
    t.fields = {multiline_field("body",
                                {"正文（空行分段）", "Body (blank line between paragraphs)"},
                                SlideLimits::body_chars)};
    t.parse = [](const nlohmann::json& j, const std::string& path, const SlideParseOptions&,
                 Slide& s) -> Status {
        if (auto st = slide_read::read_body(j, path, SlideLimits::body_chars, true, s); !st) {
            return st;
        }
        return slide_read::require_title_or_body(s, path, "a text slide needs a title or a body");
    };
    t.to_json = slide_read::body_to_json;
    t.text_fields = slide_read::body_text;
    return t;
}

}  // namespace signage::protocol::types
