#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

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
        if (required) return make_error("invalid", std::string(field) + " is required", field);
        return std::string{};
    }
    if (!it->is_string()) return make_error("invalid", std::string(field) + " is a string", field);
    return it->get<std::string>();
}

}  // namespace

void add_pairing_routes(http::Router& router, Services& s) {
    // A screen without a token asks for a code. No authentication: the
    // per-address rate limit keeps the table small.
    router.add(Method::post, "/api/v1/player/pair", [&s](Request& req) -> Result<Response> {
        std::string hint;
        if (!req.body.empty()) {
            auto body = http::parse_json_object(req);
            if (!body) return body.error();
            auto h = pairing_string(*body, "name_hint", false);
            if (!h) return h.error();
            hint = h->substr(0, 64);
        }
        // The rate limit counts per address, whatever the port.
        const auto colon = req.remote.rfind(':');
        auto pairing = s.pairing.request(
            colon == std::string::npos ? req.remote : req.remote.substr(0, colon), hint);
        if (!pairing) return pairing.error();
        return http::json_response(
            201, {{"pairing_id", pairing->pairing_id},
                  {"code", pairing->code},
                  {"expires_at", protocol::format_iso8601(protocol::Timestamp{
                                     std::chrono::seconds{pairing->expires_at}})}});
    });

    // The screen polls with its secret pairing id.
    router.add(Method::get, "/api/v1/player/pair/{pairing_id}",
               [&s](Request& req) -> Result<Response> {
                   auto poll = s.pairing.poll(req.params.at(0));
                   if (!poll) return poll.error();
                   if (!poll->paired) return http::json_response(200, {{"status", "waiting"}});
                   return http::json_response(200, {{"status", "paired"},
                                                    {"token", poll->token},
                                                    {"screen", poll->screen.name},
                                                    {"group", poll->screen.group}});
               });

    router.add(Method::post, "/api/v1/screens/pair", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {});
        if (!user) return user.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        auto code = pairing_string(*body, "code", true);
        if (!code) return code.error();
        auto name = pairing_string(*body, "name", true);
        if (!name) return name.error();
        auto group = pairing_string(*body, "group", true);
        if (!group) return group.error();
        auto screen = s.pairing.claim(*code, *name, *group, user->id);
        if (!screen) return screen.error();
        spdlog::info("{} paired screen {} in group {}", user->username, screen->name,
                     screen->group);
        return http::json_response(201, screen_view(*screen));
    });

    router.add(Method::post, "/api/v1/screens/{id}/revoke", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {});
        if (!user) return user.error();
        auto id = http::parse_path_id(req.params.at(0), "screen");
        if (!id) return id.error();
        auto screen = s.screens.revoke(*id, user->id);
        if (!screen) return screen.error();
        // Its waiting manifest requests end now; the next one is refused.
        s.hub.release_screen(screen->id);
        spdlog::info("{} revoked the device token of screen {}", user->username, screen->name);
        return http::json_response(200, screen_view(*screen));
    });
}

}  // namespace signage::server
