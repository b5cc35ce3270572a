#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "groups/group_service.hpp"
#include "http/responses.hpp"

namespace signage::server {

using http::Method;
using http::Response;

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
                nlohmann::json list = nlohmann::json::array();
                for (const Group& g : *groups) list.push_back(s.groups.view(g));
                return http::json_response(200, {{"groups", std::move(list)}});
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
                return http::json_response(200, s.groups.view(*group));
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
