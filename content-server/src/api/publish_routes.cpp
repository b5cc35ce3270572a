#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"
#include "metrics/metrics.hpp"
#include "publish/publisher.hpp"

namespace signage::server {

using http::Method;
using http::Response;

void add_publish_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add(Method::post, "/api/v1/publish", {.access = Access::roles({Role::reviewer})},
            [&s](Call& c) -> Result<Response> {
                auto result = s.publisher.publish(c.user());
                if (!result) return result.error();
                s.metrics.add_publish();
                return http::json_response(200, publish_view(*result));
            });
}

}  // namespace signage::server
