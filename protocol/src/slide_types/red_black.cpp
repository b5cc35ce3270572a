// red_black (红黑榜): a red (praised) and a black (exposed) list; each entry
// is published for a period that must end; names and plates are masked
// unless mask_names is false. The screen shows kRedBlackRowsPerPage rows a
// page of the entries valid at the time.
#include <algorithm>

#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

namespace {

Status read_list_entry(const nlohmann::json& e, const std::string& path,
                       const SlideParseOptions& opt, ListEntry& out) {
    using namespace slide_read;
    if (auto st = check_keys(
            e, path, {"name", "kind", "plate", "reason", "decided_by", "valid_from", "valid_until"},
            opt);
        !st) {
        return st;
    }
    using L = SlideLimits;
    for (auto [name, max, target] :
         {std::tuple{"name", L::short_field_chars, &out.name},
          std::tuple{"plate", L::plate_chars, &out.plate},
          std::tuple{"reason", L::reason_chars, &out.reason},
          std::tuple{"decided_by", L::short_field_chars, &out.decided_by}}) {
        if (auto st = read_string(e, name, path, max, false, *target); !st) return st;
    }
    if (auto st = require_nonempty(out.name, path + ".name"); !st) return st;
    if (auto it = e.find("kind"); it != e.end() && !it->is_null()) {
        const std::string field = path + ".kind";
        const std::string k = it->is_string() ? it->get<std::string>() : std::string{};
        if (k == "person") {
            out.kind = ListEntry::Kind::person;
        } else if (k == "household") {
            out.kind = ListEntry::Kind::household;
        } else if (k == "firm") {
            out.kind = ListEntry::Kind::firm;
        } else {
            return make_error(ErrorCode::invalid, "must be person, household or firm", field)
                .because(ErrorReason::one_of, {{"allowed", "person, household, firm"}});
        }
    }
    if (auto st = read_period(e, path, out.valid_from, out.valid_until); !st) return st;
    if (out.valid_until.empty()) {
        return make_error(ErrorCode::invalid,
                          "is required: every red/black entry ends with its publication period",
                          path + ".valid_until")
            .because(ErrorReason::required);
    }
    return {};
}

std::string_view kind_name(ListEntry::Kind k) {
    switch (k) {
        case ListEntry::Kind::household:
            return "household";
        case ListEntry::Kind::firm:
            return "firm";
        case ListEntry::Kind::person:
            break;
    }
    return "person";
}

Status parse_red_black(const nlohmann::json& j, const std::string& path,
                       const SlideParseOptions& opt, Slide& s) {
    using namespace slide_read;
    for (const auto& column : {std::pair{"red", &s.red}, std::pair{"black", &s.black}}) {
        auto* list = column.second;  // a plain variable: lambdas may capture it
        const char* name = column.first;
        if (auto st = read_array(j, name, path, SlideLimits::max_entries,
                                 [&](const nlohmann::json& e, const std::string& p) -> Status {
                                     ListEntry entry;
                                     if (auto bad = read_list_entry(e, p, opt, entry); !bad) {
                                         return bad;
                                     }
                                     list->push_back(std::move(entry));
                                     return {};
                                 });
            !st) {
            return st;
        }
    }
    if (s.red.empty() && s.black.empty()) {
        return make_error(ErrorCode::invalid, "a red/black list needs at least one entry",
                          join(path, "red"))
            .because(ErrorReason::too_few, {{"min", 1}});
    }
    return read_bool(j, "mask_names", path, s.mask_names);
}

nlohmann::json list_json(const std::vector<ListEntry>& entries) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) {
        nlohmann::json o = {{"name", e.name}, {"kind", kind_name(e.kind)}};
        slide_read::put_texts(o, {{"plate", &e.plate},
                                  {"reason", &e.reason},
                                  {"decided_by", &e.decided_by},
                                  {"valid_from", &e.valid_from},
                                  {"valid_until", &e.valid_until}});
        out.push_back(std::move(o));
    }
    return out;
}

FieldSpec list_field(std::string name, Label label) {
    using L = SlideLimits;
    FieldSpec list = make_field(std::move(name), FieldKind::entries, std::move(label));
    list.max_entries = L::max_entries;
    FieldSpec kind = make_field("kind", FieldKind::choice, {"类别", "Kind"});
    kind.choices = {{"person", {"个人", "person"}},
                    {"household", {"家庭", "household"}},
                    {"firm", {"单位", "firm"}}};
    kind.default_value = "person";
    FieldSpec from = make_field("valid_from", FieldKind::date, {"公示开始", "Shown from"});
    from.advanced = true;
    list.entry_fields = {
        text_field("name", {"名称", "Name"}, L::short_field_chars, true),
        std::move(kind),
        text_field("plate", {"车牌", "Plate"}, L::plate_chars),
        text_field("reason", {"事由", "Reason"}, L::reason_chars),
        text_field("decided_by", {"认定单位", "Decided by"}, L::short_field_chars),
        std::move(from),
        make_field("valid_until", FieldKind::date, {"公示截止", "Shown until"}, true),
    };
    return list;
}

}  // namespace

SlideTypeSpec red_black() {
    SlideTypeSpec t;
    t.type = SlideType::red_black;
    t.name = "red_black";
    t.label = {"红黑榜", "Red/black list"};
    FieldSpec mask = make_field("mask_names", FieldKind::boolean,
                                {"姓名和车牌打码显示", "Mask names and plates"});
    mask.default_value = "true";
    t.fields = {list_field("red", {"红榜（表扬）", "Red list (praised)"}),
                list_field("black", {"黑榜（曝光）", "Black list (exposed)"}), std::move(mask)};
    t.parse = parse_red_black;
    t.to_json = [](const Slide& s, nlohmann::json& j) {
        j["red"] = list_json(s.red);
        j["black"] = list_json(s.black);
        j["mask_names"] = s.mask_names;
    };
    t.text_fields = [](const Slide& s, TextFields& out) {
        for (const auto& [list_name, list] :
             {std::pair{"red", &s.red}, std::pair{"black", &s.black}}) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                const ListEntry& e = (*list)[i];
                slide_read::add_texts(
                    out, std::string(list_name).append("[").append(std::to_string(i)).append("]."),
                    {{"name", &e.name},
                     {"plate", &e.plate},
                     {"reason", &e.reason},
                     {"decided_by", &e.decided_by}});
            }
        }
    };
    t.pages_at = [](const Slide& s, Timestamp now, std::chrono::seconds local_offset) {
        auto count = [&](const std::vector<ListEntry>& list) {
            return static_cast<std::size_t>(std::count_if(
                list.begin(), list.end(),
                [&](const ListEntry& e) { return e.is_valid_at(now, local_offset); }));
        };
        return slide_read::pages_for(std::max(count(s.red), count(s.black)), kRedBlackRowsPerPage);
    };
    return t;
}

}  // namespace signage::protocol::types
