#include "protocol/render_report.hpp"
#include "common/json_input.hpp"

namespace signage::protocol {

using nlohmann::json;

Result<RenderReport> parse_render_report(std::string_view text) {
    const json j = signage::read_json(text);
    if (!j.is_object()) return make_error(ErrorCode::invalid, "is not a JSON object", "report");
    RenderReport r;
    if (auto blocks = j.find("blocks"); blocks != j.end()) {
        if (!blocks->is_array()) return make_error(ErrorCode::invalid, "is a list", "blocks");
        r.blocks = *blocks;
    }
    if (auto pages = j.find("pages"); pages != j.end()) {
        if (!pages->is_number_integer() || pages->get<std::int64_t>() < 1 ||
            pages->get<std::int64_t>() > 10000) {
            return make_error(ErrorCode::invalid, "is a whole number from 1 to 10000", "pages");
        }
        r.pages = pages->get<int>();
    }
    if (auto missing = j.find("missing_glyphs"); missing != j.end()) {
        if (!missing->is_array())
            return make_error(ErrorCode::invalid, "is a list", "missing_glyphs");
        for (std::size_t i = 0; i < missing->size(); ++i) {
            const json& m = (*missing)[i];
            const std::string at = "missing_glyphs[" + std::to_string(i) + "]";
            if (!m.is_object() || !m.contains("field") || !m["field"].is_string() ||
                !m.contains("glyphs") || !m["glyphs"].is_string()) {
                return make_error(ErrorCode::invalid, "is {\"field\": text, \"glyphs\": text}", at);
            }
            r.missing_glyphs.push_back(
                {m["field"].get<std::string>(), m["glyphs"].get<std::string>()});
        }
    }
    if (auto cut = j.find("shortened"); cut != j.end()) {
        if (!cut->is_array()) return make_error(ErrorCode::invalid, "is a list", "shortened");
        for (std::size_t i = 0; i < cut->size(); ++i) {
            const json& f = (*cut)[i];
            if (!f.is_string() || f.get_ref<const std::string&>().empty() ||
                f.get_ref<const std::string&>().size() > 200) {
                return make_error(ErrorCode::invalid, "is a field path of 1 to 200 characters",
                                  "shortened[" + std::to_string(i) + "]");
            }
            r.shortened.push_back(f.get<std::string>());
        }
    }
    return r;
}

json to_json(const RenderReport& report) {
    json missing = json::array();
    for (const FieldGlyphs& g : report.missing_glyphs) {
        missing.push_back({{"field", g.field}, {"glyphs", g.glyphs}});
    }
    return {{"blocks", report.blocks},
            {"pages", report.pages},
            {"missing_glyphs", missing},
            {"shortened", report.shortened}};
}

}  // namespace signage::protocol
