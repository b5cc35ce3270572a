// The table of slide types (one file each in slide_types/), the common
// fields' descriptions, and the descriptors' JSON.
#include "protocol/slide_types.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "slide_types/types.hpp"

namespace signage::protocol {

using nlohmann::json;

namespace types {

FieldSpec make_field(std::string name, FieldKind kind, Label label, bool required) {
    FieldSpec f;
    f.name = std::move(name);
    f.kind = kind;
    f.label = std::move(label);
    f.required = required;
    return f;
}

FieldSpec text_field(std::string name, Label label, std::size_t max_chars, bool required) {
    FieldSpec f = make_field(std::move(name), FieldKind::text, std::move(label), required);
    f.max_chars = max_chars;
    return f;
}

FieldSpec multiline_field(std::string name, Label label, std::size_t max_chars, bool required) {
    FieldSpec f = text_field(std::move(name), std::move(label), max_chars, required);
    f.kind = FieldKind::multiline_text;
    return f;
}

FieldSpec fit_field() {
    FieldSpec fit = make_field("fit", FieldKind::choice, {"缩放方式", "Fit"});
    fit.choices = {{"contain", {"完整显示", "contain"}}, {"cover", {"铺满裁切", "cover"}}};
    fit.default_value = "contain";
    return fit;
}

// Each defined in its own file (slide_types/<type>.cpp).
SlideTypeSpec text();
SlideTypeSpec image();
SlideTypeSpec video();
SlideTypeSpec core_values();
SlideTypeSpec honor_roll();
SlideTypeSpec red_black();
SlideTypeSpec notice();
SlideTypeSpec emergency();

}  // namespace types

const std::vector<SlideTypeSpec>& slide_types() {
    // In SlideType order.
    static const std::vector<SlideTypeSpec> table = {
        types::text(),       types::image(),     types::video(),  types::core_values(),
        types::honor_roll(), types::red_black(), types::notice(), types::emergency(),
    };
    return table;
}

const SlideTypeSpec& slide_type(SlideType type) {
    return slide_types().at(static_cast<std::size_t>(type));
}

const SlideTypeSpec* find_slide_type(std::string_view name) {
    const auto& all = slide_types();
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& t) { return t.name == name; });
    return it == all.end() ? nullptr : &*it;
}

const std::vector<FieldSpec>& common_slide_fields() {
    using namespace types;
    using L = SlideLimits;
    static const std::vector<FieldSpec> fields = [] {
        FieldSpec duration =
            make_field("duration_s", FieldKind::integer, {"播放时长（秒）", "Duration (seconds)"});
        duration.min = L::min_duration_s;
        duration.max = L::max_duration_s;
        duration.default_value = std::to_string(L::default_duration_s);
        FieldSpec priority = make_field(
            "priority", FieldKind::integer,
            {std::string("优先级（0–").append(std::to_string(L::max_priority)).append("）"),
             std::string("Priority (0–").append(std::to_string(L::max_priority)).append(")")});
        priority.max = L::max_priority;
        priority.default_value = "0";
        // Chosen by the editor every time: nothing is preset, so nothing counts
        // toward the public-service share by mistake.
        FieldSpec purpose = make_field("purpose", FieldKind::choice, {"内容性质", "Purpose"}, true);
        purpose.choices = {
            {"public_service",
             {"公益广告（计入公益占比）", "Public-service ad (counts toward the share)"}},
            {"notice", {"通知公告", "Notice"}},
            {"other", {"其他", "Other"}}};
        return std::vector<FieldSpec>{
            text_field("title", {"标题", "Title"}, L::title_chars),
            std::move(duration),
            text_field("category", {"分类", "Category"}, L::category_chars),
            make_field("valid_from", FieldKind::date, {"开始日期", "Valid from"}),
            make_field("valid_until", FieldKind::date, {"结束日期", "Valid until"}),
            std::move(priority),
            std::move(purpose),
        };
    }();
    return fields;
}

std::string_view to_string(FieldKind kind) {
    switch (kind) {
        case FieldKind::text:
            return "text";
        case FieldKind::multiline_text:
            return "multiline_text";
        case FieldKind::integer:
            return "integer";
        case FieldKind::boolean:
            return "boolean";
        case FieldKind::choice:
            return "choice";
        case FieldKind::media:
            return "media";
        case FieldKind::video:
            return "video";
        case FieldKind::date:
            return "date";
        case FieldKind::entries:
            return "entries";
    }
    return "text";
}

namespace {

json label_json(const Label& l) {
    return {{"zh-CN", l.zh_cn}, {"en", l.en}};
}

json field_json(const FieldSpec& f) {
    json j = {{"name", f.name},
              {"kind", to_string(f.kind)},
              {"required", f.required},
              {"label", label_json(f.label)}};
    if (f.max_chars > 0) j["max_chars"] = f.max_chars;
    if (f.kind == FieldKind::integer) {
        j["min"] = f.min;
        j["max"] = f.max;
    }
    if (f.kind == FieldKind::entries) {
        j["min_entries"] = f.min_entries;
        j["max_entries"] = f.max_entries;
        json entry = json::array();
        for (const auto& e : f.entry_fields) entry.push_back(field_json(e));
        j["entry_fields"] = std::move(entry);
    }
    if (!f.choices.empty()) {
        json choices = json::array();
        for (const auto& c : f.choices) {
            choices.push_back({{"value", c.value}, {"label", label_json(c.label)}});
        }
        j["choices"] = std::move(choices);
    }
    if (!f.default_value.empty()) {
        if (f.kind == FieldKind::boolean) {
            j["default"] = f.default_value == "true";
        } else if (f.kind == FieldKind::integer) {
            j["default"] = std::stoll(f.default_value);
        } else {
            j["default"] = f.default_value;
        }
    }
    if (f.advanced) j["advanced"] = true;
    return j;
}

}  // namespace

json slide_types_json() {
    json common = json::array();
    for (const auto& f : common_slide_fields()) common.push_back(field_json(f));
    json types = json::array();
    for (const auto& t : slide_types()) {
        json fields = json::array();
        for (const auto& f : t.fields) fields.push_back(field_json(f));
        json o = {{"name", t.name},
                  {"label", label_json(t.label)},
                  {"in_rotation", t.in_rotation},
                  {"fields", std::move(fields)}};
        if (!t.hint.zh_cn.empty()) o["hint"] = label_json(t.hint);
        types.push_back(std::move(o));
    }
    return {{"common_fields", std::move(common)}, {"types", std::move(types)}};
}

}  // namespace signage::protocol
