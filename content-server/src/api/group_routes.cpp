#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/text.hpp"
#include "groups/group_service.hpp"
#include "groups/order_service.hpp"
#include "http/responses.hpp"
#include "media/converter.hpp"
#include "protocol/screen_zones.hpp"
#include "screens/screen_service.hpp"
#include "units/unit_service.hpp"

namespace signage::server {

using http::Method;
using http::Response;

namespace {

// A screen size with its main zone (header and ticker shown): the size of
// image that fills the zone without scaling.
nlohmann::json screen_size_json(int width, int height) {
    const auto z = protocol::screen_zones(width, height, true, true);
    return {{"width", width},
            {"height", height},
            {"main_zone", {{"width", z.main_w}, {"height", z.main_h}}}};
}

// GET /api/v1/screens's filters and page.
struct ScreenListQuery {
    std::string q;      // in the name, any case (ASCII letters)
    std::string group;  // exactly
    std::string state;  // online, offline or never
    std::int64_t offset = 0;
    std::int64_t limit = 0;  // 0: every screen that matches
};

constexpr std::int64_t kMaxScreenPage = 1000;

Result<ScreenListQuery> screen_list_query(const http::Request& req) {
    ScreenListQuery query;
    query.q = req.query_param("q").value_or("");
    if (query.q.size() > 200) return make_error(ErrorCode::invalid, "at most 200 bytes", "q");
    query.group = req.query_param("group").value_or("");
    query.state = req.query_param("state").value_or("");
    if (!query.state.empty() && query.state != "online" && query.state != "offline" &&
        query.state != "never") {
        return make_error(ErrorCode::invalid, "is online, offline or never", "state");
    }
    auto offset = http::query_number(req, "offset", 0, std::int64_t{1} << 40, 0);
    if (!offset) return offset.error();
    auto limit = http::query_number(req, "limit", 1, kMaxScreenPage, 0);
    if (!limit) return limit.error();
    query.offset = *offset;
    query.limit = *limit;
    return query;
}

// The screens `query` asks for (views built for the page only), the count
// of all that match it and of those in each state (the state filter
// aside), in the list's order.
Result<nlohmann::json> screen_page(const Services& s, const ScreenListQuery& query,
                                   const UnitTree& units, std::int64_t unit) {
    const std::string q = ascii_lower(query.q);
    std::map<std::string, std::int64_t> counts = {{"online", 0}, {"offline", 0}, {"never", 0}};
    std::int64_t total = 0;
    auto page = screen_status_list(s, nullptr, [&](const Screen& screen, const std::string& state) {
        if (!units.within(screen.unit_id, unit)) return false;
        if (!q.empty() && ascii_lower(screen.name).find(q) == std::string::npos) return false;
        if (!query.group.empty() && screen.group != query.group) return false;
        ++counts[state];
        if (!query.state.empty() && state != query.state) return false;
        const std::int64_t at = total++;
        return at >= query.offset && (query.limit == 0 || at < query.offset + query.limit);
    });
    if (!page) return page.error();
    return nlohmann::json{
        {"screens", std::move(*page)},
        {"total", total},
        {"counts", counts},
        {"offset", query.offset},
        {"limit", query.limit == 0 ? nlohmann::json(nullptr) : nlohmann::json(query.limit)}};
}

// A group's rotation order as the order service gives it.
Result<Response> order_answer(const Result<nlohmann::json>& order) {
    if (!order) return order.error();
    return http::json_response(200, *order);
}

}  // namespace

// Every staff role may read groups and screens. Creating groups, changing
// their settings and moving screens change what whole groups of screens
// show, outside the review of slides: admins only.
void add_group_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    api.add(Method::get, "/api/v1/groups", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                auto groups = s.groups.list(c.user(), *unit);
                if (!groups) return groups.error();
                auto sizes = s.screens.sizes_by_group();
                if (!sizes) return sizes.error();
                nlohmann::json list = nlohmann::json::array();
                for (const Group& g : *groups) {
                    nlohmann::json view = s.groups.view(g);
                    nlohmann::json known = nlohmann::json::array();
                    if (auto it = sizes->find(g.name); it != sizes->end()) {
                        for (const auto& [size, screens] : it->second) {
                            auto j = screen_size_json(size.first, size.second);
                            j["screens"] = screens;
                            known.push_back(std::move(j));
                        }
                    }
                    view["screen_sizes"] = std::move(known);
                    list.push_back(std::move(view));
                }
                if (auto st = add_origins(s, c.user(), list, *unit); !st) return st.error();
                // What the editor assumes while no targeted screen's size is known.
                return http::json_response(
                    200, {{"groups", std::move(list)},
                          {"default_screen_sizes",
                           {screen_size_json(1920, 1080), screen_size_json(1080, 1920)}}});
            });

    api.add(Method::post, "/api/v1/groups", {.access = Access::admin(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto group = s.groups.create(c.body, c.user());
                if (!group) return group.error();
                return http::json_response(201, s.groups.view(*group));
            });

    api.add(Method::get, "/api/v1/groups/{name}", {.access = Access::staff(), .path_name = "group"},
            [&s](Call& c) -> Result<Response> {
                auto group = s.groups.get(c.req.params.at(0), c.user());
                if (!group) return group.error();
                return http::json_response(200, s.groups.view(*group));
            });

    api.add(Method::put, "/api/v1/groups/{name}",
            {.access = Access::admin(), .path_name = "group", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto group = s.groups.replace_settings(c.req.params.at(0), c.body, c.user());
                if (!group) return group.error();
                s.converter.schedule();  // films for the group's (new) video profile
                return http::json_response(200, s.groups.view(*group));
            });

    // The rotation order (groups/order_service.hpp): editors propose it,
    // reviewers approve it, and like content it reaches screens at the next
    // publish.
    api.add(Method::get, "/api/v1/groups/{name}/order",
            {.access = Access::staff(), .path_name = "group"}, [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.get(c.req.params.at(0), c.user()));
            });

    api.add(Method::put, "/api/v1/groups/{name}/order",
            {.access = Access::roles({Role::editor}), .path_name = "group", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.propose(c.req.params.at(0), c.body, c.user()));
            });

    api.add(Method::post, "/api/v1/groups/{name}/order/approve",
            {.access = Access::roles({Role::reviewer}),
             .path_name = "group",
             .body = Body::optional_object},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.approve(c.req.params.at(0), c.body, c.user()));
            });

    api.add(Method::post, "/api/v1/groups/{name}/order/reject",
            {.access = Access::roles({Role::reviewer}), .path_name = "group", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.reject(c.req.params.at(0), c.body, c.user()));
            });

    api.add(Method::get, "/api/v1/screens", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto query = screen_list_query(c.req);
                if (!query) return query.error();
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                auto units = s.units.tree();
                if (!units) return units.error();
                auto page = screen_page(s, *query, **units, *unit);
                if (!page) return page.error();
                return http::json_response(200, *page);
            });

    api.add(Method::put, "/api/v1/screens/{id}",
            {.access = Access::admin(), .path_id = "screen", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto screen = s.groups.move_screen(c.id, c.body, c.user());
                if (!screen) return screen.error();
                return http::json_response(200, screen_view(*screen));
            });
}

}  // namespace signage::server
