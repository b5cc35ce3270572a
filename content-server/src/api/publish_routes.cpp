#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"
#include "metrics/metrics.hpp"
#include "publish/publisher.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

void add_publish_routes(http::Router& router, Services& s) {
    router.add(Method::post, "/api/v1/publish", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::reviewer});
        if (!user) return user.error();
        auto result = s.publisher.publish(*user);
        if (!result) return result.error();
        s.metrics.add_publish();
        return http::json_response(200, publish_view(*result));
    });
}

}  // namespace signage::server
