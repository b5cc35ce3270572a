// The renderer's table of slide types: one entry per type of
// protocol/slide_types.hpp, each drawing in its own file (<type>_slide.cpp).

#include <algorithm>
#include <array>

#include "render/slide_renderer.hpp"

namespace signage::render {

const SlideRenderer::Drawing* SlideRenderer::drawing_for(protocol::SlideType type) {
    using protocol::SlideType;
    static const std::array<Drawing, 7> table = {{
        {SlideType::text, &SlideRenderer::draw_text_slide, true},
        {SlideType::image, &SlideRenderer::draw_image_slide},
        {SlideType::core_values, &SlideRenderer::draw_core_values_slide},
        {SlideType::honor_roll, &SlideRenderer::draw_honor_roll_slide},
        {SlideType::red_black, &SlideRenderer::draw_red_black_slide},
        {SlideType::notice, &SlideRenderer::draw_notice_slide},
        {SlideType::emergency, &SlideRenderer::draw_emergency_slide},
    }};
    auto it = std::find_if(table.begin(), table.end(),
                           [type](const Drawing& d) { return d.type == type; });
    return it == table.end() ? nullptr : &*it;
}

}  // namespace signage::render
