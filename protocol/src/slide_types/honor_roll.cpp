// honor_roll (光荣榜): people with photo, category, level, unit, period and
// deed; the screen shows kHonorCardsPerPage cards a page.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

namespace {

Status read_honor_entry(const nlohmann::json& e, const std::string& path,
                        const SlideParseOptions& opt, HonorEntry& out) {
    using namespace slide_read;
    if (auto st = check_keys(e, path,
                             {"name", "photo", "category", "level", "unit", "period", "deed"}, opt);
        !st) {
        return st;
    }
    using L = SlideLimits;
    for (auto [name, max, target] : {std::tuple{"name", L::name_chars, &out.name},
                                     std::tuple{"category", L::category_chars, &out.category},
                                     std::tuple{"level", L::category_chars, &out.level},
                                     std::tuple{"unit", L::short_field_chars, &out.unit},
                                     std::tuple{"period", L::category_chars, &out.period}}) {
        if (auto st = read_string(e, name, path, max, false, *target); !st) return st;
    }
    if (auto st = read_string(e, "deed", path, L::deed_chars, true, out.deed); !st) return st;
    if (auto st = require_nonempty(out.name, path + ".name"); !st) return st;
    if (auto it = e.find("photo"); it != e.end() && !it->is_null()) {
        if (auto st = read_media_ref(*it, path + ".photo", opt, out.photo); !st) return st;
    }
    return {};
}

Status parse_honor_roll(const nlohmann::json& j, const std::string& path,
                        const SlideParseOptions& opt, Slide& s) {
    using namespace slide_read;
    if (auto st = read_array(j, "entries", path, SlideLimits::max_entries,
                             [&](const nlohmann::json& e, const std::string& p) -> Status {
                                 HonorEntry entry;
                                 if (auto bad = read_honor_entry(e, p, opt, entry); !bad) {
                                     return bad;
                                 }
                                 s.entries.push_back(std::move(entry));
                                 return {};
                             });
        !st) {
        return st;
    }
    if (s.entries.empty()) {
        return make_error(ErrorCode::invalid, "an honour roll needs at least one entry",
                          join(path, "entries"))
            .because(ErrorReason::too_few, {{"min", 1}});
    }
    return {};
}

}  // namespace

SlideTypeSpec honor_roll() {
    using L = SlideLimits;
    SlideTypeSpec t;
    t.type = SlideType::honor_roll;
    t.name = "honor_roll";
    t.label = {"光荣榜", "Honour roll"};
    FieldSpec entries =
        make_field("entries", FieldKind::entries, {"光荣榜人员", "People on the roll"}, true);
    entries.min_entries = 1;
    entries.max_entries = L::max_entries;
    entries.entry_fields = {
        text_field("name", {"姓名", "Name"}, L::name_chars, true),
        make_field("photo", FieldKind::media, {"照片", "Photo"}),
        text_field("category", {"类别", "Category"}, L::category_chars),
        text_field("level", {"级别", "Level"}, L::category_chars),
        text_field("unit", {"单位", "Unit"}, L::short_field_chars),
        text_field("period", {"期次", "Period"}, L::category_chars),
        multiline_field("deed", {"事迹", "Deed"}, L::deed_chars),
    };
    t.fields = {std::move(entries)};
    t.parse = parse_honor_roll;
    t.to_json = [](const Slide& s, nlohmann::json& j) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : s.entries) {
            nlohmann::json o = {{"name", e.name}};
            slide_read::put_texts(o, {{"photo", &e.photo},
                                      {"category", &e.category},
                                      {"level", &e.level},
                                      {"unit", &e.unit},
                                      {"period", &e.period},
                                      {"deed", &e.deed}});
            list.push_back(std::move(o));
        }
        j["entries"] = std::move(list);
    };
    t.text_fields = [](const Slide& s, TextFields& out) {
        for (std::size_t i = 0; i < s.entries.size(); ++i) {
            const HonorEntry& e = s.entries[i];
            slide_read::add_texts(out, "entries[" + std::to_string(i) + "].",
                                  {{"name", &e.name},
                                   {"category", &e.category},
                                   {"level", &e.level},
                                   {"unit", &e.unit},
                                   {"period", &e.period},
                                   {"deed", &e.deed}});
        }
    };
    t.media = [](const Slide& s, TypeMedia& out) {
        for (const auto& e : s.entries) {
            if (!e.photo.empty()) out.rest.push_back(e.photo);
        }
    };
    t.pages_at = [](const Slide& s, Timestamp, std::chrono::seconds) {
        return slide_read::pages_for(s.entries.size(), kHonorCardsPerPage);
    };
    return t;
}

}  // namespace signage::protocol::types
