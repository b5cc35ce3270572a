#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"
#include "protocol/slide_types.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

// The slide types as protocol/ defines them: what the console builds its
// editors from. Every staff role reads them.
void add_slide_type_routes(http::Router& router, Services& s) {
    router.add(Method::get, "/api/v1/slide-types", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        return http::json_response(200, protocol::slide_types_json());
    });
}

}  // namespace signage::server
