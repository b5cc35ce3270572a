#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/random.hpp"
#include "common/url.hpp"
#include "http/responses.hpp"
#include "reports/play_reports.hpp"
#include "reports/unit_reports.hpp"
#include "screens/screen_service.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

// 500 plays of a few hundred bytes each.
constexpr std::uint64_t plays_body_limit = 1024 * 1024;

// The plays table of a report, written to a temporary file a play at a time:
// CSV rows, or the report's JSON with its "plays" first. Sent as the
// answer's body and removed once sent (or when never used).
class PlaysFile {
  public:
    static Result<PlaysFile> open(bool csv) {
        std::error_code ec;
        const auto dir = std::filesystem::temp_directory_path(ec);
        if (ec) return make_error(ErrorCode::io, "no temporary directory: " + ec.message());
        PlaysFile f(dir / ("signage-plays-" + random_hex(12) + (csv ? ".csv" : ".json")), csv);
        f.out_.open(f.path_, std::ios::binary | std::ios::trunc);
        if (!f.out_) return make_error(ErrorCode::io, "cannot write " + f.path_.string());
        f.out_ << (csv ? PlayReports::csv_header(PlayCsvTable::plays) : "{\"plays\":[");
        return f;
    }
    PlaysFile(PlaysFile&& other) noexcept
        : path_(std::exchange(other.path_, {})),
          csv_(other.csv_),
          first_(other.first_),
          out_(std::move(other.out_)) {}
    PlaysFile(const PlaysFile&) = delete;
    PlaysFile& operator=(const PlaysFile&) = delete;
    PlaysFile& operator=(PlaysFile&&) = delete;
    ~PlaysFile() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove(path_, ec);
    }

    void add(const nlohmann::json& play) {
        if (csv_) {
            out_ << PlayReports::csv_row(play, PlayCsvTable::plays, nullptr);
            return;
        }
        if (!first_) out_ << ',';
        first_ = false;
        out_ << play.dump();
    }

    // The finished file as a body, handed over: it is removed once sent.
    Result<http::FileSlice> finish(const nlohmann::json& report) {
        if (!csv_) {
            const std::string rest = report.dump();  // "{...}": its fields follow "plays"
            out_ << "]" << (rest.size() > 2 ? "," : "") << std::string_view(rest).substr(1);
        }
        out_.close();
        std::error_code ec;
        const auto size = std::filesystem::file_size(path_, ec);
        if (!out_ || ec) return make_error(ErrorCode::io, "cannot write " + path_.string());
        http::FileSlice slice{path_, 0, size, [path = path_](std::uint64_t) {
                                  std::error_code rec;
                                  std::filesystem::remove(path, rec);
                              }};
        path_.clear();
        return slice;
    }

  private:
    PlaysFile(std::filesystem::path path, bool csv) : path_(std::move(path)), csv_(csv) {}
    std::filesystem::path path_;
    bool csv_ = true;
    bool first_ = true;
    std::ofstream out_;
};

// "attachment" with the file's name: RFC 5987 for a name in Chinese, an
// ASCII fallback.
std::string attachment(const std::string& ascii, const std::string& name) {
    return std::string{"attachment; filename=\""} + ascii + "\"; filename*=UTF-8''" +
           percent_encode(name);
}

}  // namespace

void add_report_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add(Method::post, "/api/v1/player/plays",
            {.access = Access::device(),
             .body = RouteSpec::Body::object,
             .body_limit = plays_body_limit},
            [&s](Call& c) -> Result<Response> {
                const auto& list = c.body.contains("plays") ? c.body["plays"] : nlohmann::json();
                if (auto refused = over_quota(s, c.screen(), DeviceSend::plays,
                                              list.is_array() ? list.size() : 0)) {
                    return *refused;
                }
                auto accepted = s.plays.add(c.screen(), c.body);
                if (!accepted) return accepted.error();
                return http::json_response(
                    200, {{"accepted", accepted->accepted}, {"duplicates", accepted->duplicates}});
            });

    // Every staff role reads reports: they hold what screens showed, nothing personal.
    api.add(Method::get, "/api/v1/reports/plays", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                const Request& req = c.req;
                PlayReportQuery q;
                q.viewer_unit = c.user().unit_id;
                if (auto screen = req.query_param("screen")) {
                    auto id = http::parse_path_id(*screen, "screen");
                    if (!id) return make_error(ErrorCode::invalid, "is not a screen id", "screen");
                    q.screen = *id;
                } else {
                    q.group = req.query_param("group").value_or("");
                }
                q.from = req.query_param("from").value_or("");
                q.to = req.query_param("to").value_or("");
                const std::string format = req.query_param("format").value_or("json");
                if (format != "json" && format != "csv") {
                    return make_error(ErrorCode::invalid, "is json or csv", "format");
                }
                const std::string table = req.query_param("table").value_or("hours");
                PlayCsvTable t = PlayCsvTable::hours;
                if (table == "loops") {
                    t = PlayCsvTable::loops;
                } else if (table == "items") {
                    t = PlayCsvTable::items;
                } else if (table == "plays") {
                    t = PlayCsvTable::plays;
                } else if (table != "hours") {
                    return make_error(ErrorCode::invalid, "is hours, loops, items or plays",
                                      "table");
                }
                Response res;
                std::optional<PlaysFile> listed;
                if (t == PlayCsvTable::plays) {
                    // Every play, written to a file as the store reads it (a
                    // group's month is large) and sent from there.
                    auto file = PlaysFile::open(format == "csv");
                    if (!file) return file.error();
                    listed.emplace(std::move(*file));
                    q.each_play = [&listed](const nlohmann::json& play) { listed->add(play); };
                }
                auto report = s.plays.report(q);
                if (!report) return report.error();
                if (listed) {
                    auto slice = listed->finish(*report);
                    if (!slice) return slice.error();
                    res.file = std::move(*slice);
                } else if (format == "json") {
                    return http::json_response(200, *report);
                }
                if (format == "json") {
                    res.headers.set("Content-Type", "application/json");
                    return res;
                }
                res.headers.set("Content-Type", "text/csv; charset=utf-8");
                const std::string who =
                    q.screen ? std::string{"screen-"} + std::to_string(*q.screen) : q.group;
                std::string name =
                    std::string{"plays-"} + who + "-" + report->at("from").get<std::string>();
                if (report->at("to") != report->at("from")) {
                    name += std::string{"-"} + report->at("to").get<std::string>();
                }
                name += "-" + table + ".csv";
                res.headers.set("Content-Disposition", attachment("plays-" + table + ".csv", name));
                res.headers.set("Cache-Control", "no-store");
                if (!res.file) res.body = PlayReports::to_csv(*report, t);
                return res;
            });

    // A unit's subtree, each unit's sums (reports/unit_reports.hpp); every
    // staff role, for the units of their own subtree.
    api.add(Method::get, "/api/v1/reports/units", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                const Request& req = c.req;
                auto unit = unit_param(s, req, c.user());
                if (!unit) return unit.error();
                const std::string format = req.query_param("format").value_or("json");
                if (format != "json" && format != "csv") {
                    return make_error(ErrorCode::invalid, "is json or csv", "format");
                }
                const std::string table = req.query_param("table").value_or("units");
                if (table != "units" && table != "missing") {
                    return make_error(ErrorCode::invalid, "is units or missing", "table");
                }
                auto health = s.screens.health();
                if (!health) return health.error();
                std::unordered_map<std::int64_t, const ScreenHealth*> latest;
                for (const ScreenHealth& h : *health) latest[h.screen_id] = &h;
                const std::int64_t now = now_unix();
                UnitReportQuery q;
                q.unit = *unit;
                q.from = req.query_param("from").value_or("");
                q.to = req.query_param("to").value_or("");
                q.online = [&](const Screen& screen) {
                    auto h = latest.find(screen.id);
                    return screen_state(s, screen, h == latest.end() ? nullptr : h->second, now) ==
                           "online";
                };
                UnitReports reports(s.store);
                auto report = reports.report(q);
                if (!report) return report.error();
                if (format == "json") return http::json_response(200, *report);
                Response res;
                res.headers.set("Content-Type", "text/csv; charset=utf-8");
                std::string name = "units-" + report->at("name").get<std::string>() + "-" +
                                   report->at("from").get<std::string>();
                if (report->at("to") != report->at("from")) {
                    name += "-" + report->at("to").get<std::string>();
                }
                res.headers.set("Content-Disposition",
                                attachment("units-" + table + ".csv", name + "-" + table + ".csv"));
                res.headers.set("Cache-Control", "no-store");
                res.body = UnitReports::to_csv(
                    *report, table == "units" ? UnitCsvTable::units : UnitCsvTable::missing);
                return res;
            });
}

}  // namespace signage::server
