#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

void add_auth_routes(http::Router& router, Services& s) {
    router.add(Method::post, "/api/v1/auth/login", [&s](Request& req) -> Result<Response> {
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        const auto& j = *body;
        if (!j.contains("username") || !j["username"].is_string() ||
            j["username"].get_ref<const std::string&>().empty()) {
            return make_error("invalid", "username is required", "username");
        }
        if (!j.contains("password") || !j["password"].is_string()) {
            return make_error("invalid", "password is required", "password");
        }
        auto login = s.auth.login(j["username"].get<std::string>(),
                                  j["password"].get_ref<const std::string&>());
        if (!login) return login.error();
        return http::json_response(200, {{"token", login->token},
                                         {"role", to_string(login->user.role)},
                                         {"username", login->user.username},
                                         {"expires_at", login->expires_at}});
    });

    router.add(Method::post, "/api/v1/auth/logout", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        if (auto st = s.auth.logout(req.bearer_token()); !st) return st.error();
        return http::json_response(200, nlohmann::json::object());
    });

    router.add(Method::get, "/api/v1/auth/me", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        return http::json_response(200,
                                   {{"username", user->username}, {"role", to_string(user->role)}});
    });
}

}  // namespace signage::server
