#include "reports/play_reports.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "common/json_input.hpp"
#include "common/time_zone.hpp"
#include "protocol/manifest.hpp"
#include "protocol/play.hpp"
#include "reports/local_days.hpp"
#include "reports/report_csv.hpp"
#include "store/store.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {

namespace {

using reports::day_text;
using reports::local_text;
using reports::share_of;
using std::chrono::days;

}  // namespace

Result<PlaysAccepted> PlayReports::add(const Screen& screen, const nlohmann::json& body) {
    auto parsed = protocol::parse_play_batch(body);
    if (!parsed) return parsed.error();
    const std::vector<protocol::Play>& plays = *parsed;
    auto added =
        store_.write([&](Tx& tx) -> Result<int> { return tx.plays().add(screen.id, plays); });
    if (!added) return added.error();
    return PlaysAccepted{*added, static_cast<int>(plays.size()) - *added};
}

Result<nlohmann::json> PlayReports::report(const PlayReportQuery& q) {
    auto asked = reports::parse_days(q.from, q.to, max_days);
    if (!asked) return asked.error();
    const reports::sys_days from = asked->from;
    const reports::sys_days to = asked->to;

    std::shared_ptr<const UnitTree> units;
    auto screens = store_.read([&](Tx& tx) -> Result<std::vector<Screen>> {
        units = tx.unit_tree();
        std::vector<Screen> out = tx.screens().list();
        std::erase_if(out,
                      [&](const Screen& s) { return !units->within(s.unit_id, q.viewer_unit); });
        return out;
    });
    if (!screens) return screens.error();
    std::vector<Screen> chosen;
    std::string group = q.group;
    if (q.screen) {
        for (const Screen& s : *screens) {
            if (s.id == *q.screen) chosen.push_back(s);
        }
        if (chosen.empty()) return make_error(ErrorCode::not_found, "no such screen", "screen");
        group = chosen.front().group;
    } else {
        if (group.empty())
            return make_error(ErrorCode::invalid, "name a screen or a group", "group");
        for (const Screen& s : *screens) {
            if (s.group == group) chosen.push_back(s);
        }
    }
    auto g = store_.read(
        [&](Tx& tx) -> Result<std::optional<Group>> { return tx.groups().find(group); });
    if (!g) return g.error();
    if (!*g || !units->within((*g)->unit_id, q.viewer_unit)) {
        return make_error(ErrorCode::not_found, "no such group", "group");
    }
    const reports::GroupTerms terms = reports::group_terms(**g, *units);
    const signage::TimeZone& tz = terms.tz;
    const double minimum = terms.minimum;

    const std::int64_t from_ms = reports::local_midnight_ms(tz, from);
    const std::int64_t to_ms = reports::local_midnight_ms(tz, to + days{1});
    std::vector<std::int64_t> ids;
    for (const Screen& s : chosen) ids.push_back(s.id);
    // Per item.
    struct ItemSum {
        std::string slide_id, title, kind;
        bool public_service = false;
        std::int64_t plays = 0, airtime = 0;
    };
    std::map<std::pair<std::string, std::string>, ItemSum> items;  // (kind, slide id)
    // Per local hour.
    struct HourSum {
        std::int64_t plays = 0, airtime = 0, pub = 0;
    };
    const reports::HourGrid grid(tz, from_ms, to_ms);
    std::vector<HourSum> hours(grid.hours().size());
    // Per loop, keyed by (screen, loop id).
    struct LoopSum {
        std::string screen, loop_id;
        std::int64_t start = 0, end = 0, items = 0, airtime = 0, pub = 0;
        bool complete = false;
    };
    std::map<std::pair<std::int64_t, std::string>, LoopSum> loops;
    std::int64_t total = 0, total_pub = 0, emergency_ms = 0;
    std::int64_t play_count = 0;

    // One pass over the plays as the store reads them: only the sums are kept.
    const auto add_play = [&](const StoredPlay& sp) {
        const protocol::Play& p = sp.play;
        ++play_count;
        if (q.each_play) {
            nlohmann::json j = protocol::to_json(sp.play);
            j["screen"] = sp.screen;
            j["start_local"] = local_text(tz, sp.play.start_ms);
            q.each_play(j);
        }
        const std::string kind(protocol::to_string(p.kind));
        auto& it = items[{kind, p.slide_id}];
        it.slide_id = p.slide_id;
        it.title = p.title;
        it.kind = kind;
        it.public_service = p.public_service;
        ++it.plays;
        it.airtime += p.duration_ms;
        total += p.duration_ms;
        if (p.public_service) total_pub += p.duration_ms;
        if (p.kind == protocol::PlayKind::emergency) emergency_ms += p.duration_ms;

        // Airtime into the hours it overlaps (within the report's days).
        if (const std::size_t h = grid.hour_of(p.start_ms); h < hours.size()) ++hours[h].plays;
        grid.spread(p.start_ms, p.start_ms + p.duration_ms,
                    [&](std::size_t h, std::int64_t overlap) {
                        hours[h].airtime += overlap;
                        if (p.public_service) hours[h].pub += overlap;
                    });

        if (p.kind == protocol::PlayKind::item) {
            auto& l = loops[{sp.screen_id, p.loop_id}];
            if (l.items == 0) {
                l.screen = sp.screen;
                l.loop_id = p.loop_id;
                l.start = p.start_ms;
            }
            ++l.items;
            l.end = std::max(l.end, p.start_ms + p.duration_ms);
            l.airtime += p.duration_ms;
            if (p.public_service) l.pub += p.duration_ms;
            l.complete = l.complete || p.loop_end;
        }
    };
    if (auto read = store_.read([&](Tx& tx) -> Status {
            tx.plays().for_each_between(ids, from_ms, to_ms, add_play);
            return {};
        });
        !read) {
        return read.error();
    }

    nlohmann::json out;
    nlohmann::json screens_json = nlohmann::json::array();
    for (const Screen& s : chosen) screens_json.push_back({{"id", s.id}, {"name", s.name}});
    out["screen"] = q.screen ? nlohmann::json(*q.screen) : nlohmann::json(nullptr);
    out["group"] = group;
    out["screens"] = std::move(screens_json);
    out["from"] = day_text(from);
    out["to"] = day_text(to);
    out["timezone"] = terms.timezone;
    out["min_public_share"] = minimum;

    nlohmann::json items_json = nlohmann::json::array();
    std::vector<const ItemSum*> sorted;
    for (const auto& [k, v] : items) sorted.push_back(&v);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ItemSum* a, const ItemSum* b) { return a->airtime > b->airtime; });
    for (const ItemSum* i : sorted) {
        items_json.push_back({{"slide_id", i->slide_id},
                              {"title", i->title},
                              {"kind", i->kind},
                              {"public_service", i->public_service},
                              {"plays", i->plays},
                              {"airtime_ms", i->airtime}});
    }
    out["items"] = std::move(items_json);

    nlohmann::json hours_json = nlohmann::json::array();
    int hours_short = 0;
    for (std::size_t i = 0; i < hours.size(); ++i) {
        const HourSum& h = hours[i];
        const double share = share_of(h.pub, h.airtime);
        const bool is_short = h.airtime > 0 && reports::short_of(share, minimum);
        if (is_short) ++hours_short;
        hours_json.push_back({{"date", grid.hours()[i].date},
                              {"hour", grid.hours()[i].hour},
                              {"plays", h.plays},
                              {"airtime_ms", h.airtime},
                              {"public_service_ms", h.pub},
                              {"share", share},
                              {"short", is_short}});
    }
    out["hours"] = std::move(hours_json);

    std::vector<const LoopSum*> loop_list;
    for (const auto& [k, v] : loops) loop_list.push_back(&v);
    std::stable_sort(loop_list.begin(), loop_list.end(), [](const LoopSum* a, const LoopSum* b) {
        return a->start != b->start ? a->start < b->start : a->screen < b->screen;
    });
    nlohmann::json loops_json = nlohmann::json::array();
    nlohmann::json short_json = nlohmann::json::array();
    int complete = 0;
    for (const LoopSum* l : loop_list) {
        const double share = share_of(l->pub, l->airtime);
        const bool is_short = l->complete && reports::short_of(share, minimum);
        if (l->complete) ++complete;
        nlohmann::json j{{"screen", l->screen},
                         {"loop_id", l->loop_id},
                         {"start", protocol::format_iso8601_ms(l->start)},
                         {"start_local", local_text(tz, l->start)},
                         {"items", l->items},
                         {"airtime_ms", l->airtime},
                         {"public_service_ms", l->pub},
                         {"share", share},
                         {"complete", l->complete},
                         {"short", is_short}};
        if (is_short) short_json.push_back(j);
        loops_json.push_back(std::move(j));
    }
    out["loops"] = std::move(loops_json);
    out["short_loops"] = std::move(short_json);

    out["summary"] = {{"plays", play_count},
                      {"airtime_ms", total},
                      {"public_service_ms", total_pub},
                      {"share", share_of(total_pub, total)},
                      {"emergency_ms", emergency_ms},
                      {"loops", static_cast<std::int64_t>(loop_list.size())},
                      {"loops_complete", complete},
                      {"loops_short", static_cast<std::int64_t>(out["short_loops"].size())},
                      {"hours_short", hours_short}};

    return out;
}

namespace {

using reports::CsvColumn;

struct CsvTable {
    const std::vector<CsvColumn>* cols;
    const char* rows_key;
};

CsvTable csv_table(PlayCsvTable table) {
    static const std::vector<CsvColumn> hours_cols = {
        {"日期 date", "date"},
        {"小时 hour", "hour"},
        {"播放次数 plays", "plays"},
        {"播放时长(毫秒) airtime_ms", "airtime_ms"},
        {"公益时长(毫秒) public_service_ms", "public_service_ms"},
        {"公益占比 share", "share"},
        {"最低占比 minimum", ""},
        {"未达标 short", "short"}};
    static const std::vector<CsvColumn> loops_cols = {
        {"屏幕 screen", "screen"},
        {"轮播编号 loop_id", "loop_id"},
        {"开始(当地) start_local", "start_local"},
        {"节目数 items", "items"},
        {"播放时长(毫秒) airtime_ms", "airtime_ms"},
        {"公益时长(毫秒) public_service_ms", "public_service_ms"},
        {"公益占比 share", "share"},
        {"最低占比 minimum", ""},
        {"完整轮播 complete", "complete"},
        {"未达标 short", "short"}};
    static const std::vector<CsvColumn> items_cols = {{"内容编号 slide_id", "slide_id"},
                                                      {"标题 title", "title"},
                                                      {"类别 kind", "kind"},
                                                      {"公益 public_service", "public_service"},
                                                      {"播放次数 plays", "plays"},
                                                      {"播放时长(毫秒) airtime_ms", "airtime_ms"}};
    static const std::vector<CsvColumn> plays_cols = {
        {"屏幕 screen", "screen"},
        {"播放编号 play_id", "id"},
        {"轮播编号 loop_id", "loop_id"},
        {"开始(UTC) start", "start"},
        {"开始(当地) start_local", "start_local"},
        {"时长(毫秒) duration_ms", "duration_ms"},
        {"类别 kind", "kind"},
        {"内容编号 slide_id", "slide_id"},
        {"标题 title", "title"},
        {"公益 public_service", "public_service"},
        {"节目单版本 manifest_version", "manifest_version"}};
    const std::vector<CsvColumn>* cols = &hours_cols;
    const char* rows_key = "hours";
    switch (table) {
        case PlayCsvTable::hours:
            break;
        case PlayCsvTable::loops:
            cols = &loops_cols;
            rows_key = "loops";
            break;
        case PlayCsvTable::items:
            cols = &items_cols;
            rows_key = "items";
            break;
        case PlayCsvTable::plays:
            cols = &plays_cols;
            rows_key = "plays";
            break;
    }
    return {cols, rows_key};
}

}  // namespace

std::string PlayReports::csv_header(PlayCsvTable table) {
    return reports::csv_header(*csv_table(table).cols);
}

std::string PlayReports::csv_row(const nlohmann::json& row, PlayCsvTable table,
                                 const nlohmann::json& min_public_share) {
    return reports::csv_row(row, *csv_table(table).cols, min_public_share);
}

std::string PlayReports::to_csv(const nlohmann::json& report, PlayCsvTable table) {
    std::string out = csv_header(table);
    for (const auto& row : report.at(csv_table(table).rows_key)) {
        out += csv_row(row, table, report.at("min_public_share"));
    }
    return out;
}

}  // namespace signage::server
