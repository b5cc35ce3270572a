// The renderer's table of slide types: one entry per type of
// protocol/slide_types.hpp, each drawing in its own file (<type>_slide.cpp).

#include <algorithm>
#include <array>

#include "render/slide_renderer.hpp"

namespace signage::render {

using protocol::SlideType;

// Each defined in its own file (<type>_slide.cpp).
template <>
Status SlideRenderer::draw<SlideType::text>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::image>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::video>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::core_values>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::honor_roll>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::red_black>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::notice>(const DrawCall& call);
template <>
Status SlideRenderer::draw<SlideType::emergency>(const DrawCall& call);

const SlideRenderer::Drawing* SlideRenderer::drawing_for(protocol::SlideType type) {
    static const std::array<Drawing, 8> table = {{
        {SlideType::text, &SlideRenderer::draw<SlideType::text>, true},
        {SlideType::image, &SlideRenderer::draw<SlideType::image>},
        {SlideType::video, &SlideRenderer::draw<SlideType::video>},
        {SlideType::core_values, &SlideRenderer::draw<SlideType::core_values>},
        {SlideType::honor_roll, &SlideRenderer::draw<SlideType::honor_roll>},
        {SlideType::red_black, &SlideRenderer::draw<SlideType::red_black>},
        {SlideType::notice, &SlideRenderer::draw<SlideType::notice>},
        {SlideType::emergency, &SlideRenderer::draw<SlideType::emergency>},
    }};
    auto it = std::find_if(table.begin(), table.end(),
                           [type](const Drawing& d) { return d.type == type; });
    return it == table.end() ? nullptr : &*it;
}

}  // namespace signage::render
