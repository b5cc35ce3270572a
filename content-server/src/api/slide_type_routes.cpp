#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "http/responses.hpp"
#include "protocol/slide_types.hpp"

namespace signage::server {

using http::Method;
using http::Response;

// The slide types as protocol/ defines them: what the console builds its
// editors from. Every staff role reads them.
void add_slide_type_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add(Method::get, "/api/v1/slide-types", {.access = Access::staff()},
            [](Call&) -> Result<Response> {
                return http::json_response(200, protocol::slide_types_json());
            });
}

}  // namespace signage::server
