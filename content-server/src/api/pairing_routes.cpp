#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "groups/group_service.hpp"
#include "http/responses.hpp"
#include "pairing/pairing_service.hpp"
#include "protocol/time.hpp"
#include "publish/manifest_hub.hpp"
#include "screens/screen_service.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

// A string field of a pairing body; "" when absent, an error when not a string.
Result<std::string> pairing_string(const nlohmann::json& body, const char* field, bool required) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
        if (required)
            return make_error(ErrorCode::invalid, std::string(field) + " is required", field);
        return std::string{};
    }
    if (!it->is_string())
        return make_error(ErrorCode::invalid, std::string(field) + " is a string", field);
    return it->get<std::string>();
}

}  // namespace

void add_pairing_routes(http::Router& router, Services& s) {
    // A screen without a token asks for a code. No authentication: the
    // per-address rate limit keeps the table small.
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    api.add(Method::post, "/api/v1/player/pair",
            {.access = Access::anyone(), .body = Body::optional_object},
            [&s](Call& c) -> Result<Response> {
                auto h = pairing_string(c.body, "name_hint", false);
                if (!h) return h.error();
                const std::string hint = h->substr(0, 64);
                // The rate limit counts per client address (behind a
                // trusted proxy, the forwarded one), whatever the port.
                auto pairing = s.pairing.request(c.req.client, hint);
                if (!pairing) return pairing.error();
                return http::json_response(
                    201, {{"pairing_id", pairing->pairing_id},
                          {"code", pairing->code},
                          {"expires_at", protocol::format_iso8601(protocol::Timestamp{
                                             std::chrono::seconds{pairing->expires_at}})}});
            });

    // The screen polls with its secret pairing id.
    api.add(Method::get, "/api/v1/player/pair/{pairing_id}", {.access = Access::anyone()},
            [&s](Call& c) -> Result<Response> {
                auto poll = s.pairing.poll(c.req.params.at(0));
                if (!poll) return poll.error();
                if (!poll->paired) return http::json_response(200, {{"status", "waiting"}});
                return http::json_response(200, {{"status", "paired"},
                                                 {"token", poll->token},
                                                 {"screen", poll->screen.name},
                                                 {"group", poll->screen.group}});
            });

    api.add(Method::post, "/api/v1/screens/pair", {.access = Access::admin(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto code = pairing_string(c.body, "code", true);
                if (!code) return code.error();
                auto name = pairing_string(c.body, "name", true);
                if (!name) return name.error();
                auto group = pairing_string(c.body, "group", true);
                if (!group) return group.error();
                std::int64_t retry_after = 0;
                auto screen = s.pairing.claim(*code, *name, *group, c.user().id, c.req.client,
                                              &retry_after, c.user().unit_id);
                if (!screen && screen.error().code == ErrorCode::too_many_requests) {
                    Response res = http::error_response(screen.error());
                    res.headers.set("Retry-After", std::to_string(retry_after));
                    return res;
                }
                if (!screen) return screen.error();
                spdlog::info("{} paired screen {} in group {}", c.user().username, screen->name,
                             screen->group);
                return http::json_response(201, screen_view(*screen));
            });

    api.add(Method::post, "/api/v1/screens/{id}/revoke",
            {.access = Access::admin(), .path_id = "screen"}, [&s](Call& c) -> Result<Response> {
                auto screen = s.screens.revoke(c.id, c.user().id);
                if (!screen) return screen.error();
                // Its waiting manifest requests end now; the next one is refused.
                s.hub.release_screen(screen->id);
                spdlog::info("{} revoked the device token of screen {}", c.user().username,
                             screen->name);
                return http::json_response(200, screen_view(*screen));
            });
}

}  // namespace signage::server
