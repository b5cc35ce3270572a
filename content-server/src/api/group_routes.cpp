#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "groups/group_service.hpp"
#include "groups/order_service.hpp"
#include "http/responses.hpp"
#include "media/converter.hpp"
#include "protocol/screen_zones.hpp"
#include "screens/screen_service.hpp"

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
            [&s](Call&) -> Result<Response> {
                auto groups = s.groups.list();
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
                // What the editor assumes while no targeted screen's size is known.
                return http::json_response(
                    200, {{"groups", std::move(list)},
                          {"default_screen_sizes",
                           {screen_size_json(1920, 1080), screen_size_json(1080, 1920)}}});
            });

    api.add(Method::post, "/api/v1/groups", {.access = Access::admin(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto group = s.groups.create(c.body, c.user().id);
                if (!group) return group.error();
                return http::json_response(201, s.groups.view(*group));
            });

    api.add(Method::get, "/api/v1/groups/{name}", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto group = s.groups.get(c.req.params.at(0));
                if (!group) return group.error();
                return http::json_response(200, s.groups.view(*group));
            });

    api.add(Method::put, "/api/v1/groups/{name}", {.access = Access::admin(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto group = s.groups.replace_settings(c.req.params.at(0), c.body, c.user());
                if (!group) return group.error();
                s.converter.schedule();  // films for the group's (new) video profile
                return http::json_response(200, s.groups.view(*group));
            });

    // The rotation order (groups/order_service.hpp): editors propose it,
    // reviewers approve it, and like content it reaches screens at the next
    // publish.
    api.add(Method::get, "/api/v1/groups/{name}/order", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.get(c.req.params.at(0)));
            });

    api.add(Method::put, "/api/v1/groups/{name}/order",
            {.access = Access::roles({Role::editor}), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.propose(c.req.params.at(0), c.body, c.user()));
            });

    api.add(Method::post, "/api/v1/groups/{name}/order/approve",
            {.access = Access::roles({Role::reviewer}), .body = Body::optional_object},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.approve(c.req.params.at(0), c.body, c.user()));
            });

    api.add(Method::post, "/api/v1/groups/{name}/order/reject",
            {.access = Access::roles({Role::reviewer}), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return order_answer(s.orders.reject(c.req.params.at(0), c.body, c.user()));
            });

    api.add(Method::get, "/api/v1/screens", {.access = Access::staff()},
            [&s](Call&) -> Result<Response> {
                auto list = screen_status_list(s);
                if (!list) return list.error();
                return http::json_response(200, {{"screens", std::move(*list)}});
            });

    api.add(Method::put, "/api/v1/screens/{id}",
            {.access = Access::admin(), .path_id = "screen", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto screen = s.groups.move_screen(c.id, c.body, c.user().id);
                if (!screen) return screen.error();
                return http::json_response(200, screen_view(*screen));
            });
}

}  // namespace signage::server
