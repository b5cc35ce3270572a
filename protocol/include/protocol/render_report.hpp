#pragma once
// What `signage-player --render … --lines` prints on standard output: one
// JSON object with the slide's laid-out text (for tests and tools), how many
// pages the slide has, and, per field, the characters that none of the
// screen's fonts can show, and the fields the page drawn shows shortened
// because they do not fit whole (the server turns both into warnings in
// previews and at submit). The player writes it with to_json, the server reads it
// with parse_render_report.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace signage::protocol {

struct FieldGlyphs {
    std::string field;   // the field's path, e.g. "entries[2].deed"
    std::string glyphs;  // the characters, each once, in order of appearance
    bool operator==(const FieldGlyphs&) const = default;
};

struct RenderReport {
    // The laid-out text blocks as the renderer reports them:
    // [{"role":"title","font_px":72,"lines":["…"]}, …], a block also with
    // "truncated" and "missing_glyphs" where they apply.
    nlohmann::json blocks = nlohmann::json::array();
    int pages = 1;
    std::vector<FieldGlyphs> missing_glyphs;
    std::vector<std::string> shortened;  // field paths, e.g. "entries[2].deed"
};

// "invalid" naming the field at fault for anything but such an object.
Result<RenderReport> parse_render_report(std::string_view text);
nlohmann::json to_json(const RenderReport& report);

}  // namespace signage::protocol
