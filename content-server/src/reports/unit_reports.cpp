#include "reports/unit_reports.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "common/json_input.hpp"
#include "protocol/play.hpp"
#include "protocol/slide.hpp"
#include "publish/publisher.hpp"
#include "reports/local_days.hpp"
#include "reports/report_csv.hpp"
#include "store/store.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {

namespace {

using nlohmann::json;

// The sums a unit's row holds; every one adds up over screens.
struct UnitSum {
    std::int64_t screens = 0, online = 0;
    std::int64_t plays = 0, airtime = 0, pub = 0;
    std::int64_t loops_complete = 0, loops_short = 0;
    std::int64_t hours = 0, hours_short = 0;
    std::int64_t required = 0, required_played = 0;

    UnitSum& operator+=(const UnitSum& o) {
        screens += o.screens;
        online += o.online;
        plays += o.plays;
        airtime += o.airtime;
        pub += o.pub;
        loops_complete += o.loops_complete;
        loops_short += o.loops_short;
        hours += o.hours;
        hours_short += o.hours_short;
        required += o.required;
        required_played += o.required_played;
        return *this;
    }
};

// An item required from above that a group carries.
struct RequiredItem {
    std::int64_t id = 0;
    std::string title;
};

// The slides on screens that are required, of the units from the top down
// to `unit` and below it, parsed once.
struct RequiredSlide {
    std::int64_t id = 0;
    std::int64_t unit_id = 0;
    protocol::Slide slide;
};

std::vector<RequiredSlide> required_slides(Tx& tx, const UnitTree& tree, std::int64_t unit) {
    protocol::SlideParseOptions lenient;
    lenient.reject_unknown_fields = false;
    std::vector<RequiredSlide> out;
    for (const SlideRecord& record : tx.slides().list(tree.below_and_above(unit))) {
        if (!record.published_json) continue;
        const json j = signage::read_json(*record.published_json);
        if (!j.is_object() || !j.value("required", false)) continue;
        auto parsed = protocol::parse_slide(j, lenient);
        if (!parsed || !parsed->in_rotation()) continue;
        out.push_back({record.id, record.unit_id, std::move(*parsed)});
    }
    return out;
}

// What one screen played over the days.
struct ScreenPlays {
    struct Loop {
        std::int64_t airtime = 0, pub = 0;
        bool complete = false;
    };
    struct Hour {
        std::int64_t airtime = 0, pub = 0;
    };
    std::int64_t plays = 0, airtime = 0, pub = 0;
    std::map<std::string, Loop> loops;
    std::vector<Hour> hours;
    std::set<std::string> items;  // slide ids of the items it showed
};

json sum_view(const UnitSum& s) {
    return {{"screens", s.screens},
            {"screens_online", s.online},
            {"plays", s.plays},
            {"airtime_ms", s.airtime},
            {"public_service_ms", s.pub},
            {"share", reports::share_of(s.pub, s.airtime)},
            {"loops_complete", s.loops_complete},
            {"loops_short", s.loops_short},
            {"hours", s.hours},
            {"hours_short", s.hours_short},
            {"required", s.required},
            {"required_played", s.required_played}};
}

// Each unit's own screens' sums over the days, group by group, and the
// required pairs that did not play.
struct Tally {
    Tally(const UnitTree& t, const std::vector<RequiredSlide>& r, const UnitReportQuery& query,
          reports::sys_days first, reports::sys_days last)
        : tree(t), required(r), q(query), from(first), to(last) {}

    const UnitTree& tree;
    const std::vector<RequiredSlide>& required;
    const UnitReportQuery& q;
    reports::sys_days from, to;
    std::unordered_map<std::int64_t, UnitSum> own;
    json missing = json::array();
    std::int64_t missing_total = 0;

    void add_group(Tx& tx, const Group& group, const std::vector<Screen>& members) {
        const reports::GroupTerms terms = reports::group_terms(group, tree);
        const std::int64_t from_ms = reports::local_midnight_ms(terms.tz, from);
        const std::int64_t to_ms = reports::local_midnight_ms(terms.tz, to + std::chrono::days{1});
        const reports::HourGrid grid(terms.tz, from_ms, to_ms);

        // The items required from the units above the group's that it carries.
        std::vector<RequiredItem> needs;
        for (const RequiredSlide& r : required) {
            if (r.unit_id == group.unit_id || !tree.within(group.unit_id, r.unit_id)) continue;
            if (!goes_to(r.slide, r.unit_id, group, tree)) continue;
            needs.push_back({r.id, r.slide.title});
        }

        std::unordered_map<std::int64_t, ScreenPlays> played;
        std::vector<std::int64_t> ids;
        for (const Screen& s : members) {
            ids.push_back(s.id);
            played[s.id].hours.resize(grid.hours().size());
        }
        tx.plays().for_each_between(ids, from_ms, to_ms, [&](const StoredPlay& sp) {
            auto at = played.find(sp.screen_id);
            if (at == played.end()) return;
            ScreenPlays& sc = at->second;
            const protocol::Play& p = sp.play;
            ++sc.plays;
            sc.airtime += p.duration_ms;
            if (p.public_service) sc.pub += p.duration_ms;
            grid.spread(p.start_ms, p.start_ms + p.duration_ms,
                        [&](std::size_t h, std::int64_t overlap) {
                            sc.hours[h].airtime += overlap;
                            if (p.public_service) sc.hours[h].pub += overlap;
                        });
            if (p.kind == protocol::PlayKind::item) {
                auto& loop = sc.loops[p.loop_id];
                loop.airtime += p.duration_ms;
                if (p.public_service) loop.pub += p.duration_ms;
                loop.complete = loop.complete || p.loop_end;
                sc.items.insert(p.slide_id);
            }
        });

        for (const Screen& s : members) {
            const ScreenPlays& sc = played[s.id];
            UnitSum& sum = own[s.unit_id];
            ++sum.screens;
            if (q.online && q.online(s)) ++sum.online;
            sum.plays += sc.plays;
            sum.airtime += sc.airtime;
            sum.pub += sc.pub;
            for (const auto& [id, loop] : sc.loops) {
                if (!loop.complete) continue;
                ++sum.loops_complete;
                if (reports::short_of(reports::share_of(loop.pub, loop.airtime), terms.minimum)) {
                    ++sum.loops_short;
                }
            }
            for (const ScreenPlays::Hour& h : sc.hours) {
                if (h.airtime <= 0) continue;
                ++sum.hours;
                if (reports::short_of(reports::share_of(h.pub, h.airtime), terms.minimum)) {
                    ++sum.hours_short;
                }
            }
            for (const RequiredItem& item : needs) {
                ++sum.required;
                if (sc.items.contains(std::to_string(item.id))) {
                    ++sum.required_played;
                    continue;
                }
                if (++missing_total > static_cast<std::int64_t>(UnitReports::max_missing)) continue;
                missing.push_back({{"unit", s.unit_id},
                                   {"unit_name", tree.name(s.unit_id)},
                                   {"screen", s.name},
                                   {"group", group.name},
                                   {"slide_id", std::to_string(item.id)},
                                   {"title", item.title}});
            }
        }
    }
};

}  // namespace

Result<json> UnitReports::report(const UnitReportQuery& q) {
    auto asked = reports::parse_days(q.from, q.to, max_days);
    if (!asked) return asked.error();

    // Everything in one read: the tree, the groups and screens of the
    // subtree, the required items and the plays, as of one moment.
    std::shared_ptr<const UnitTree> tree;
    std::vector<RequiredSlide> required;
    std::optional<Tally> tally;
    if (auto read = store_.read([&](Tx& tx) -> Status {
            tree = tx.unit_tree();
            if (!tree->find(q.unit)) {
                return make_error(ErrorCode::not_found, "no such unit", "unit");
            }
            std::map<std::int64_t, std::vector<Screen>> screens;  // by group id
            for (Screen& s : tx.screens().list()) {
                if (tree->within(s.unit_id, q.unit)) screens[s.group_id].push_back(std::move(s));
            }
            required = required_slides(tx, *tree, q.unit);
            tally.emplace(*tree, required, q, asked->from, asked->to);
            for (const Group& g : tx.groups().list()) {
                auto members = screens.find(g.id);
                if (members == screens.end() || !tree->within(g.unit_id, q.unit)) continue;
                tally->add_group(tx, g, members->second);
            }
            return {};
        });
        !read) {
        return read.error();
    }
    const Unit* top = tree->find(q.unit);
    std::unordered_map<std::int64_t, UnitSum>& own = tally->own;

    // Rows, parents first, each its subtree's sums: children are added to
    // their parents from the deepest up.
    const std::vector<std::int64_t> ids = tree->subtree(q.unit);
    std::unordered_map<std::int64_t, UnitSum> rolled;
    for (const std::int64_t id : ids) rolled[id] = own[id];
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
        const Unit* u = tree->find(*it);
        if (*it != q.unit && u && u->parent) rolled[*u->parent] += rolled[*it];
    }
    const int base = tree->depth(q.unit);
    json rows = json::array();
    for (const std::int64_t id : ids) {
        const Unit* u = tree->find(id);
        json row = sum_view(rolled[id]);
        row["id"] = id;
        row["name"] = u->name;
        row["parent"] = u->parent ? json(*u->parent) : json(nullptr);
        row["depth"] = tree->depth(id) - base;
        const auto floor = tree->share_floor(id);
        row["share_floor"] = floor ? json(*floor) : json(nullptr);
        row["own_screens"] = own[id].screens;
        rows.push_back(std::move(row));
    }

    return json{{"unit", q.unit},
                {"name", top->name},
                {"from", reports::day_text(asked->from)},
                {"to", reports::day_text(asked->to)},
                {"units", std::move(rows)},
                {"missing", std::move(tally->missing)},
                {"missing_total", tally->missing_total}};
}

std::string UnitReports::to_csv(const json& report, UnitCsvTable table) {
    using reports::CsvColumn;
    static const std::vector<CsvColumn> units_cols = {
        {"单位编号 unit", "id"},
        {"单位 name", "name"},
        {"上级编号 parent", "parent"},
        {"层级 depth", "depth"},
        {"屏幕 screens", "screens"},
        {"在线 screens_online", "screens_online"},
        {"播放次数 plays", "plays"},
        {"播放时长(毫秒) airtime_ms", "airtime_ms"},
        {"公益时长(毫秒) public_service_ms", "public_service_ms"},
        {"公益占比 share", "share"},
        {"最低占比下限 share_floor", "share_floor"},
        {"完整轮播 loops_complete", "loops_complete"},
        {"未达标轮播 loops_short", "loops_short"},
        {"屏幕小时 hours", "hours"},
        {"未达标小时 hours_short", "hours_short"},
        {"上级必播 required", "required"},
        {"必播已播 required_played", "required_played"}};
    static const std::vector<CsvColumn> missing_cols = {
        {"单位编号 unit", "unit"}, {"单位 unit_name", "unit_name"},   {"屏幕 screen", "screen"},
        {"分组 group", "group"},   {"内容编号 slide_id", "slide_id"}, {"标题 title", "title"}};
    const auto& cols = table == UnitCsvTable::units ? units_cols : missing_cols;
    std::string out = reports::csv_header(cols);
    for (const auto& row : report.at(table == UnitCsvTable::units ? "units" : "missing")) {
        out += reports::csv_row(row, cols);
    }
    return out;
}

}  // namespace signage::server
