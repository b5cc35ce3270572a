// The unit tree (units/unit_service.hpp).
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "http/responses.hpp"
#include "publish/publisher.hpp"
#include "units/unit_service.hpp"

namespace signage::server {

using http::Method;
using http::Response;

Status add_origins(Services& s, const User& by, nlohmann::json& views, std::int64_t from) {
    auto tree = s.units.tree();
    if (!tree) return tree.error();
    const std::int64_t home = from == 0 ? by.unit_id : from;
    const auto mark = [&](nlohmann::json& v) {
        if (!v.is_object() || !v.contains("unit") || !v.at("unit").is_number_integer()) return;
        const auto unit = v.at("unit").get<std::int64_t>();
        v["unit_name"] = (*tree)->name(unit);
        v["origin"] = unit == home ? "own" : (*tree)->within(unit, home) ? "below" : "above";
    };
    if (views.is_array()) {
        for (auto& v : views) mark(v);
    } else {
        mark(views);
    }
    return {};
}

Result<std::int64_t> unit_param(Services& s, const http::Request& req, const User& by) {
    return query_unit(s.store, by, req.query_param("unit"));
}

void add_unit_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;

    api.add(Method::get, "/api/v1/units", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto units = s.units.list(c.user());
                if (!units) return units.error();
                return http::json_response(200, *units);
            });

    api.add(Method::post, "/api/v1/units", {.access = Access::admin(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto unit = s.units.create(c.body, c.user());
                if (!unit) return unit.error();
                return http::json_response(201, *unit);
            });

    api.add(Method::get, "/api/v1/units/{id}", {.access = Access::staff(), .path_id = "unit"},
            [&s](Call& c) -> Result<Response> {
                auto unit = s.units.get(c.id, c.user());
                if (!unit) return unit.error();
                return http::json_response(200, *unit);
            });

    api.add(Method::put, "/api/v1/units/{id}",
            {.access = Access::admin(), .path_id = "unit", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto unit = s.units.update(c.id, c.body, c.user());
                if (!unit) return unit.error();
                // A new floor reaches the screens below at once, as a
                // group's own settings do.
                if (c.body.contains("settings")) {
                    if (auto st = s.publisher.refresh_share_floors(c.id); !st) {
                        spdlog::error("unit {}: manifests not re-issued with its floor: {}", c.id,
                                      st.error().to_string());
                    }
                }
                return http::json_response(200, *unit);
            });

    api.add(Method::del, "/api/v1/units/{id}", {.access = Access::admin(), .path_id = "unit"},
            [&s](Call& c) -> Result<Response> {
                if (auto st = s.units.remove(c.id, c.user()); !st) return st.error();
                Response res;
                res.status = 204;
                return res;
            });
}

}  // namespace signage::server
