#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"
#include "metrics/metrics.hpp"
#include "publish/manifest_hub.hpp"
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

    // The group's live manifest, as its screens get it (the staff's week view
    // reads it): the empty one with the group's settings when never published.
    api.add(Method::get, "/api/v1/groups/{name}/manifest",
            {.access = Access::staff(), .path_name = "group"}, [&s](Call& c) -> Result<Response> {
                auto snapshot = s.hub.current(c.req.params.at(0));
                if (!snapshot) return snapshot.error();
                return manifest_response(*snapshot);
            });
}

}  // namespace signage::server
