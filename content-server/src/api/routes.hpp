#pragma once
// The HTTP API, one file per resource. Each add_*_routes registers its routes
// (and their body limits) on the router; handlers turn requests into calls on
// the services and results into JSON.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/services.hpp"
#include "checks/content_checks.hpp"
#include "common/result.hpp"
#include "http/router.hpp"
#include "screens/device_quota.hpp"
#include "store/records.hpp"

namespace signage::server {

struct ManifestSnapshot;
using SnapshotPtr = std::shared_ptr<const ManifestSnapshot>;

// Takes `count` of the screen's hourly allowance for `what`
// (screens/device_quota.hpp): nullopt when granted, else the 429 to answer,
// with Retry-After.
std::optional<http::Response> over_quota(Services& s, const Screen& screen, DeviceSend what,
                                         std::uint64_t count = 1);

// POST /api/v1/auth/login, POST /api/v1/auth/logout, POST /api/v1/auth/password,
// GET /api/v1/auth/me
void add_auth_routes(http::Router& router, Services& services);
// GET /api/v1/slide-types: the slide type descriptors (protocol/slide_types.hpp)
void add_slide_type_routes(http::Router& router, Services& services);
// PUT /api/v1/media, GET|HEAD /media/{sha256}
void add_media_routes(http::Router& router, Services& services);
// /api/v1/slides[/{id}[/submit|/approve|/reject]]
void add_slide_routes(http::Router& router, Services& services);
// GET|POST /api/v1/groups, GET|PUT /api/v1/groups/{name}, GET /api/v1/screens,
// PUT /api/v1/screens/{id}
void add_group_routes(http::Router& router, Services& services);
// POST /api/v1/publish, GET /api/v1/groups/{name}/manifest
void add_publish_routes(http::Router& router, Services& services);
// GET /api/v1/player/manifest (long-poll)
void add_player_routes(http::Router& router, Services& services);
// A group's manifest as screens get it: the JSON as stored, its version as the
// ETag, no-cache.
http::Response manifest_response(const SnapshotPtr& snapshot);
// POST /api/v1/player/pair, GET /api/v1/player/pair/{pairing_id},
// POST /api/v1/screens/pair, POST /api/v1/screens/{id}/revoke
void add_pairing_routes(http::Router& router, Services& services);
// /api/v1/quiz/questions[/{id}[/submit|/approve|/reject]], /api/v1/quiz/questions/submit
// and /approve (bulk), /api/v1/quiz/import, /export, /stats, /claims/check,
// /claims/redeem, and POST /api/v1/player/quiz-results
void add_quiz_routes(http::Router& router, Services& services);
// GET|POST /api/v1/users, PUT /api/v1/users/{name}, GET /api/v1/audit,
// GET|PUT /api/v1/settings/forbidden-words
void add_account_routes(http::Router& router, Services& services);
// POST /api/v1/preview, GET /api/v1/slides/{id}/preview.png: slides drawn
// by the player's engine (preview/preview_service.hpp)
void add_preview_routes(http::Router& router, Services& services);
// Submit-time warnings for characters the screen's fonts lack in a stored
// slide's JSON (rendered through the preview service; blocks until it is).
// When the check cannot run, one warning says so.
std::vector<CheckWarning> missing_glyph_warnings(Services& services, const std::string& slide_json);
// The revision an approval names, from `item` (an approve body, or an item
// of a bulk one): required, as the server gave it ("invalid" naming
// `field`, reason required or format).
Result<std::string> approval_revision(const nlohmann::json& item, const std::string& field);
// POST /api/v1/player/plays, GET /api/v1/reports/plays
void add_report_routes(http::Router& router, Services& services);
// POST /api/v1/player/heartbeat, PUT /api/v1/player/screenshot,
// POST /api/v1/player/screenshot-failure, GET /api/v1/screens/{id},
// POST|GET /api/v1/screens/{id}/screenshot,
// GET /api/v1/screens/{id}/screenshot-requests/{request}, GET /metrics
void add_health_routes(http::Router& router, Services& services);
// GET|POST /api/v1/webhooks, GET|PUT|DELETE /api/v1/webhooks/{id},
// POST /api/v1/webhooks/{id}/test, GET /api/v1/webhooks/{id}/deliveries
void add_webhook_routes(http::Router& router, Services& services);
// GET|POST /api/v1/units, GET|PUT|DELETE /api/v1/units/{id}
void add_unit_routes(http::Router& router, Services& services);
// Each view in `views` (an array of objects with "unit", or one such object)
// gains "unit_name" and "origin" as seen from unit `from` (0: `by`'s own, as
// a list of another unit of theirs is seen from that unit): "own" (that
// unit), "below" (a unit below it) or "above" (it comes down from above).
Status add_origins(Services& services, const User& by, nlohmann::json& views,
                   std::int64_t from = 0);
// The `unit` query parameter of a list (units/unit_service.hpp: query_unit).
Result<std::int64_t> unit_param(Services& services, const http::Request& req, const User& by);
// GET / and the console's static files (a fallback route: register last)
void add_console_routes(http::Router& router, Services& services);

// Every screen with its state (online/offline/never), latest heartbeat and
// screenshot time, by name; counts the online ones into `online` when given.
// `keep`, when given, sees each screen with its state ("online", "offline",
// "never") in order and says whether its view goes in the list (the others
// cost no view: a page of thousands).
Result<nlohmann::json> screen_status_list(
    const Services& services, std::int64_t* online = nullptr,
    const std::function<bool(const Screen&, const std::string& state)>& keep = {});

// A screen's state now: "online" (waiting on the long-poll, or heard from
// within its heartbeat interval times --offline-after-missed), "offline" or
// "never"; `health` is its latest heartbeat, if any.
std::string screen_state(const Services& services, const Screen& screen, const ScreenHealth* health,
                         std::int64_t now);

inline void add_all_routes(http::Router& router, Services& services) {
    add_auth_routes(router, services);
    add_media_routes(router, services);
    add_slide_routes(router, services);
    add_slide_type_routes(router, services);
    add_preview_routes(router, services);
    add_group_routes(router, services);
    add_publish_routes(router, services);
    add_player_routes(router, services);
    add_pairing_routes(router, services);
    add_quiz_routes(router, services);
    add_account_routes(router, services);
    add_report_routes(router, services);
    add_health_routes(router, services);
    add_webhook_routes(router, services);
    add_unit_routes(router, services);
    add_console_routes(router, services);
}

}  // namespace signage::server
