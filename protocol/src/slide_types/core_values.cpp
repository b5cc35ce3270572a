// core_values: the 24 characters of the core socialist values in their three
// levels; the screen draws them, the slide has no fields of its own.
#include "slide_types/types.hpp"

namespace signage::protocol::types {

SlideTypeSpec core_values() {
    SlideTypeSpec t;
    t.type = SlideType::core_values;
    t.name = "core_values";
    t.label = {"核心价值观", "Core values"};
    t.hint = {"核心价值观幻灯片无需填写内容，屏幕会按三个层面显示 24 字。",
              "Nothing to fill in: the screen draws the 24 characters in three levels."};
    t.parse = [](const nlohmann::json&, const std::string&, const SlideParseOptions&,
                 Slide&) -> Status { return {}; };
    t.to_json = [](const Slide&, nlohmann::json&) {};
    t.text_fields = [](const Slide&, TextFields&) {};
    return t;
}

}  // namespace signage::protocol::types
