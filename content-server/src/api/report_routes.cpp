#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/url.hpp"
#include "http/responses.hpp"
#include "reports/play_reports.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

// 500 plays of a few hundred bytes each.
constexpr std::uint64_t plays_body_limit = 1024 * 1024;

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
    api.add(
        Method::get, "/api/v1/reports/plays", {.access = Access::staff()},
        [&s](Call& c) -> Result<Response> {
            const Request& req = c.req;
            PlayReportQuery q;
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
                return make_error(ErrorCode::invalid, "is hours, loops, items or plays", "table");
            }
            // The raw plays only with table=plays: a group's month is large.
            q.with_plays = t == PlayCsvTable::plays;
            auto report = s.plays.report(q);
            if (!report) return report.error();
            if (format == "json") return http::json_response(200, *report);
            Response res;
            res.headers.set("Content-Type", "text/csv; charset=utf-8");
            const std::string who =
                q.screen ? std::string{"screen-"} + std::to_string(*q.screen) : q.group;
            std::string name =
                std::string{"plays-"} + who + "-" + report->at("from").get<std::string>();
            if (report->at("to") != report->at("from")) {
                name += std::string{"-"} + report->at("to").get<std::string>();
            }
            name += "-" + table + ".csv";
            // Group names may be Chinese: RFC 5987 for the name, an ASCII fallback.
            res.headers.set("Content-Disposition", std::string{"attachment; filename=\"plays-"} +
                                                       table + ".csv\"; filename*=UTF-8''" +
                                                       percent_encode(name));
            res.headers.set("Cache-Control", "no-store");
            res.body = PlayReports::to_csv(*report, t);
            return res;
        });
}

}  // namespace signage::server
