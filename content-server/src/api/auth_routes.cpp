#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"

namespace signage::server {

using http::Method;
using http::Response;

void add_auth_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    // Signing in needs no token; the authenticator throttles failures.
    api.add(Method::post, "/api/v1/auth/login", {.access = Access::anyone(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                const auto& j = c.body;
                if (!j.contains("username") || !j["username"].is_string() ||
                    j["username"].get_ref<const std::string&>().empty()) {
                    return make_error(ErrorCode::invalid, "username is required", "username");
                }
                if (!j.contains("password") || !j["password"].is_string()) {
                    return make_error(ErrorCode::invalid, "password is required", "password");
                }
                std::int64_t retry_after = 0;
                auto login = s.auth.login(j["username"].get<std::string>(),
                                          j["password"].get_ref<const std::string&>(), c.req.client,
                                          &retry_after);
                if (!login) {
                    if (login.error().code != ErrorCode::too_many_requests) return login.error();
                    Response res = http::error_response(login.error());
                    res.headers.set("Retry-After", std::to_string(retry_after));
                    return res;
                }
                return http::json_response(200, {{"token", login->token},
                                                 {"role", to_string(login->user.role)},
                                                 {"username", login->user.username},
                                                 {"expires_at", login->expires_at}});
            });

    api.add(Method::post, "/api/v1/auth/logout", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                if (auto st = s.auth.logout(c.req.bearer_token()); !st) return st.error();
                return http::json_response(200, nlohmann::json::object());
            });

    api.add(Method::post, "/api/v1/auth/password",
            {.access = Access::staff(), .body = Body::object}, [&s](Call& c) -> Result<Response> {
                const auto& j = c.body;
                for (const char* field : {"old_password", "new_password"}) {
                    if (!j.contains(field) || !j[field].is_string()) {
                        return make_error(ErrorCode::invalid, "is required (a string)", field);
                    }
                }
                if (auto st = s.auth.change_password(
                        c.req.bearer_token(), j["old_password"].get_ref<const std::string&>(),
                        j["new_password"].get_ref<const std::string&>());
                    !st) {
                    return st.error();
                }
                return http::json_response(200, nlohmann::json::object());
            });

    api.add(Method::get, "/api/v1/auth/me", {.access = Access::staff()},
            [](Call& c) -> Result<Response> {
                return http::json_response(
                    200, {{"username", c.user().username}, {"role", to_string(c.user().role)}});
            });
}

}  // namespace signage::server
