#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "groups/group_service.hpp"
#include "http/responses.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

// Every staff role may read groups and screens. Creating groups, changing
// their settings and moving screens change what whole groups of screens
// show, outside the review of slides: admins only.
void add_group_routes(http::Router& router, Services& s) {
    router.add(Method::get, "/api/v1/groups", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto groups = s.groups.list();
        if (!groups) return groups.error();
        nlohmann::json list = nlohmann::json::array();
        for (const Group& g : *groups) list.push_back(s.groups.view(g));
        return http::json_response(200, {{"groups", std::move(list)}});
    });

    router.add(Method::post, "/api/v1/groups", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {});
        if (!user) return user.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        auto group = s.groups.create(*body, user->id);
        if (!group) return group.error();
        return http::json_response(201, s.groups.view(*group));
    });

    router.add(Method::get, "/api/v1/groups/{name}", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto group = s.groups.get(req.params.at(0));
        if (!group) return group.error();
        return http::json_response(200, s.groups.view(*group));
    });

    router.add(Method::put, "/api/v1/groups/{name}", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {});
        if (!user) return user.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        auto group = s.groups.replace_settings(req.params.at(0), *body, *user);
        if (!group) return group.error();
        return http::json_response(200, s.groups.view(*group));
    });

    router.add(Method::get, "/api/v1/screens", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto list = screen_status_list(s);
        if (!list) return list.error();
        return http::json_response(200, {{"screens", std::move(*list)}});
    });

    router.add(Method::put, "/api/v1/screens/{id}", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {});
        if (!user) return user.error();
        auto id = http::parse_path_id(req.params.at(0), "screen");
        if (!id) return id.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        auto screen = s.groups.move_screen(*id, *body, user->id);
        if (!screen) return screen.error();
        return http::json_response(200, screen_view(*screen));
    });
}

}  // namespace signage::server
