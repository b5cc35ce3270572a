// Screen health: heartbeats, the screens' state, screenshots on demand, and
// the Prometheus metrics.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "alerts/alert_service.hpp"
#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/json_input.hpp"
#include "groups/group_service.hpp"
#include "http/responses.hpp"
#include "media/sniff.hpp"
#include "metrics/metrics.hpp"
#include "protocol/heartbeat.hpp"
#include "protocol/time.hpp"
#include "publish/manifest_hub.hpp"
#include "screens/screen_service.hpp"
#include "screens/screenshot_requests.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

constexpr std::int64_t kDefaultHeartbeatS = 60;

// Now as ISO 8601 UTC with milliseconds, for the players' clock offset.
std::string server_time_ms() {
    const auto now = std::chrono::system_clock::now();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms));
    return out;
}

std::int64_t unix_of(const std::string& iso) {
    if (iso.empty()) return 0;
    auto t = protocol::parse_iso8601(iso);
    return t ? static_cast<std::int64_t>(t->time_since_epoch().count()) : 0;
}

// A screenshot request's id: 1 to 64 of [A-Za-z0-9-].
bool valid_shot_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (unsigned char c : id) {
        if (!std::isalnum(c) && c != '-') return false;
    }
    return true;
}

// Seconds until what the screen's manifest brought is on screen, from its
// last heartbeat: that time and the time sent are both the screen's clock, so
// its offset from ours does not count.
std::optional<std::int64_t> shows_in_s(const json& hb, std::int64_t received_unix,
                                       std::int64_t now) {
    if (!hb.is_object() || !hb.contains("manifest_shows_at") ||
        !hb["manifest_shows_at"].is_string()) {
        return std::nullopt;
    }
    const std::int64_t until = unix_of(hb["manifest_shows_at"].get<std::string>());
    const std::int64_t sent = unix_of(hb.value("sent_at", std::string{}));
    if (until == 0 || sent == 0) return std::nullopt;
    return std::max<std::int64_t>(0, until - sent - (now - received_unix));
}

json shot_request_view(const ScreenshotRequests::View& v) {
    const bool failed = v.state == ScreenshotRequests::State::failed;
    return {{"id", v.id},
            {"screen", std::to_string(v.screen_id)},
            {"state", to_string(v.state)},
            {"reason", failed ? json(v.reason) : json(nullptr)},
            {"detail", failed && !v.detail.empty() ? json(v.detail) : json(nullptr)},
            {"requested_at", v.requested_at},
            {"expires_at", v.expires_at},
            {"answered_at", v.answered_at.empty() ? json(nullptr) : json(v.answered_at)},
            {"timeout_s", v.timeout_s}};
}

// A device report's text field: a string of at most `max` bytes; absent is "".
Result<std::string> report_text(const json& body, const char* field, std::size_t max,
                                bool required) {
    if (!body.contains(field)) {
        if (required) return make_error(ErrorCode::unprocessable, "is required", field);
        return std::string{};
    }
    const json& v = body.at(field);
    if (!v.is_string()) return make_error(ErrorCode::unprocessable, "must be a string", field);
    std::string text = v.get<std::string>();
    for (unsigned char ch : text) {
        if (ch < 0x20 || ch == 0x7f) {
            return make_error(ErrorCode::unprocessable, "must not hold control characters", field);
        }
    }
    if (text.size() > max) {
        return make_error(ErrorCode::unprocessable,
                          std::string("at most ").append(std::to_string(max)).append(" bytes"),
                          field);
    }
    return text;
}

}  // namespace

std::string screen_state(const Services& s, const Screen& screen, const ScreenHealth* health,
                         std::int64_t now) {
    if (s.hub.is_waiting(screen.id)) return "online";
    const std::int64_t seen = unix_of(screen.last_seen);
    if (seen == 0 && !health) return "never";
    const std::int64_t interval = health ? health->interval_s : kDefaultHeartbeatS;
    const std::int64_t last = std::max(seen, health ? health->received_unix : 0);
    return now - last <= interval * s.health.offline_after_missed ? "online" : "offline";
}

json screen_status_view(const Services& s, const Screen& screen, const ScreenHealth* health,
                        const std::string* screenshot_at) {
    json view = screen_view(screen);
    view["state"] = screen_state(s, screen, health, now_unix());
    view["waiting"] = s.hub.is_waiting(screen.id);
    const std::int64_t interval = health ? health->interval_s : kDefaultHeartbeatS;
    view["offline_after_s"] = interval * s.health.offline_after_missed;
    view["shows_in_s"] = nullptr;
    if (health) {
        auto hb = signage::read_json(health->heartbeat_json);
        view["heartbeat"] = hb.is_discarded() ? json(nullptr) : hb;
        view["heartbeat_at"] = health->received_at;
        if (auto in = shows_in_s(view["heartbeat"], health->received_unix, now_unix())) {
            view["shows_in_s"] = *in;
        }
    } else {
        view["heartbeat"] = nullptr;
        view["heartbeat_at"] = nullptr;
    }
    view["screenshot_at"] = screenshot_at ? json(*screenshot_at) : json(nullptr);
    return view;
}

Result<json> screen_status_list(
    const Services& s, std::int64_t* online,
    const std::function<bool(const Screen&, const std::string&)>& keep) {
    auto screens = s.screens.list();
    if (!screens) return screens.error();
    auto health = s.screens.health();
    if (!health) return health.error();
    auto shots = s.screens.screenshot_times();
    if (!shots) return shots.error();
    std::unordered_map<std::int64_t, const ScreenHealth*> by_id;
    for (const ScreenHealth& h : *health) by_id[h.screen_id] = &h;
    json list = json::array();
    const std::int64_t now = now_unix();
    for (const Screen& sc : *screens) {
        auto h = by_id.find(sc.id);
        const ScreenHealth* latest = h == by_id.end() ? nullptr : h->second;
        const std::string state = screen_state(s, sc, latest, now);
        if (online && state == "online") ++*online;
        if (keep && !keep(sc, state)) continue;
        auto shot = shots->find(sc.id);
        list.push_back(
            screen_status_view(s, sc, latest, shot == shots->end() ? nullptr : &shot->second));
    }
    return list;
}

std::optional<http::Response> over_quota(Services& s, const Screen& screen, DeviceSend what,
                                         std::uint64_t count) {
    std::int64_t retry_after = 0;
    auto st = s.screens.quota().take(screen.id, what, count, now_unix(), &retry_after);
    if (st) return std::nullopt;
    spdlog::warn("screen {} is over its hourly allowance: {}", screen.name, st.error().message);
    http::Response res = http::error_response(st.error());
    res.headers.set("Retry-After", std::to_string(retry_after));
    return res;
}

void add_health_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    // Staff (any role) reading or asking about the screen named by the path's {id}.
    const RouteSpec staff_on_screen = {.access = Access::staff(), .path_id = "screen"};
    api.add(Method::post, "/api/v1/player/heartbeat",
            {.access = Access::device(), .body = RouteSpec::Body::object},
            [&s](Call& c) -> Result<Response> {
                const Screen& screen = c.screen();
                if (auto refused = over_quota(s, screen, DeviceSend::heartbeats)) return *refused;
                auto hb = protocol::parse_heartbeat(c.body);
                if (!hb) return hb.error();
                const int interval = static_cast<int>(hb->interval_s);
                if (auto st = s.screens.record_heartbeat(screen.id, interval,
                                                         protocol::to_json(*hb).dump());
                    !st) {
                    return st.error();
                }
                s.alerts.heartbeat(screen, hb->last_sync_error);
                spdlog::debug("heartbeat: screen={} manifest={} item={}", screen.name,
                              hb->manifest_version.value_or("null"), hb->item_id.value_or("null"));
                return http::json_response(
                    200, {{"server_time", server_time_ms()},
                          {"server_time_ms", now_unix_ms()},
                          {"offline_after_s", interval * s.health.offline_after_missed}});
            });

    api.add(Method::put, "/api/v1/player/screenshot",
            {.access = Access::device(), .body_limit = s.health.max_screenshot_bytes},
            [&s](Call& c) -> Result<Response> {
                const Request& req = c.req;
                const Screen& screen = c.screen();
                std::string id = std::string(req.header("signage-screenshot-id"));
                if (!id.empty() && !valid_shot_id(id)) {
                    return make_error(ErrorCode::invalid,
                                      "Signage-Screenshot-Id is 1 to 64 letters, digits or '-'",
                                      "Signage-Screenshot-Id");
                }
                if (auto refused = over_quota(s, screen, DeviceSend::screenshots)) return *refused;
                auto image = sniff_image(req.body);
                if (!image || image->content_type != "image/png") {
                    return make_error(ErrorCode::unsupported_media_type,
                                      "a screenshot is a PNG image", "body");
                }
                if (auto st = s.screens.put_screenshot(screen.id, id, req.body); !st)
                    return st.error();
                if (!id.empty()) {
                    if (auto answered = s.screenshots.arrived(screen.id, id); !answered) {
                        return answered.error();
                    }
                }
                spdlog::info("screenshot: screen={} id={} bytes={}", screen.name,
                             id.empty() ? "periodic" : id, req.body.size());
                return http::json_response(201, {{"size", req.body.size()},
                                                 {"width", image->width},
                                                 {"height", image->height},
                                                 {"id", id.empty() ? json(nullptr) : json(id)}});
            });

    api.add(Method::get, "/api/v1/screens/{id}", staff_on_screen,
            [&s](Call& c) -> Result<Response> {
                auto found = s.screens.get(c.id);
                if (!found) return found.error();
                const std::int64_t id = found->id;
                auto health = s.screens.health(id);
                if (!health) return health.error();
                auto shots = s.screens.screenshot_times();
                if (!shots) return shots.error();
                auto shot = shots->find(id);
                return http::json_response(
                    200, screen_status_view(s, *found, *health ? &**health : nullptr,
                                            shot == shots->end() ? nullptr : &shot->second));
            });

    // Any staff role may look at what a screen shows.
    api.add(
        Method::post, "/api/v1/screens/{id}/screenshot", staff_on_screen,
        [&s](Call& c) -> Result<Response> {
            auto found = s.screens.get(c.id);
            if (!found) return found.error();
            const Screen& screen = *found;
            if (screen.revoked) {
                return make_error(ErrorCode::conflict, "the screen's token was revoked", "id");
            }
            auto shot = s.screenshots.open(screen.id);
            if (!shot) return shot.error();
            const bool waiting = s.hub.is_waiting(screen.id);
            s.hub.send_command(screen.id, json{{"command", "screenshot"}, {"id", shot->id}}.dump());
            spdlog::info("screenshot: requested screen={} id={} by={} waiting={}", screen.name,
                         shot->id, c.user().username, waiting);
            json view = shot_request_view(*shot);
            view["waiting"] = waiting;
            return http::json_response(202, view);
        });

    // What became of one request: pending, arrived, failed (with the
    // screen's reason) or expired (no answer within the time limit).
    api.add(Method::get, "/api/v1/screens/{id}/screenshot-requests/{request}", staff_on_screen,
            [&s](Call& c) -> Result<Response> {
                auto found = s.screens.get(c.id);
                if (!found) return found.error();
                auto shot = s.screenshots.get(found->id, c.req.params.at(1));
                if (!shot) return shot.error();
                return http::json_response(200, shot_request_view(*shot));
            });

    // The screen cannot send the screenshot asked for with `id`.
    api.add(Method::post, "/api/v1/player/screenshot-failure",
            {.access = Access::device(), .body = RouteSpec::Body::object},
            [&s](Call& c) -> Result<Response> {
                const Screen& screen = c.screen();
                auto id = report_text(c.body, "id", 64, true);
                if (!id) return id.error();
                if (!valid_shot_id(*id)) {
                    return make_error(ErrorCode::unprocessable, "1 to 64 letters, digits or '-'",
                                      "id");
                }
                auto reason = report_text(c.body, "reason", 16, true);
                if (!reason) return reason.error();
                if (!ScreenshotRequests::known_reason(*reason)) {
                    return make_error(ErrorCode::unprocessable, "is one of capture, encode, upload",
                                      "reason");
                }
                auto detail = report_text(c.body, "detail", 1000, false);
                if (!detail) return detail.error();
                auto shot = s.screenshots.failed(screen.id, *id, *reason, *detail);
                if (!shot) return shot.error();
                spdlog::warn("screenshot: failed screen={} id={} reason={} detail={}", screen.name,
                             *id, *reason, *detail);
                return http::json_response(200, shot_request_view(*shot));
            });

    api.add(Method::get, "/api/v1/screens/{id}/screenshot", staff_on_screen,
            [&s](Call& c) -> Result<Response> {
                auto found = s.screens.get(c.id);
                if (!found) return found.error();
                auto shot = s.screens.screenshot(found->id);
                if (!shot) return shot.error();
                if (!*shot)
                    return make_error(ErrorCode::not_found, "no screenshot of this screen yet",
                                      "id");
                Response res;
                res.headers.set("Content-Type", "image/png");
                res.headers.set("Cache-Control", "no-store");
                res.headers.set("Signage-Taken-At", (*shot)->taken_at);
                if (!(*shot)->request_id.empty()) {
                    res.headers.set("Signage-Screenshot-Id", (*shot)->request_id);
                }
                res.body = std::move((*shot)->png);
                return res;
            });

    // For a load balancer or a monitor: 200 while this instance can serve
    // (its database answers a transaction), else 503 with the reason. Says
    // which instance answered and whether it hears the other instances.
    api.add(Method::get, "/api/v1/health", {.access = Access::anyone()},
            [&s](Call&) -> Result<Response> {
                const StoreHealth h = s.store.health();
                json body = {{"instance", s.instance},
                             {"database", h.backend},
                             {"events_connected", h.events_connected}};
                auto answered = s.store.read([](Tx&) -> Status { return {}; });
                if (answered) {
                    body["status"] = "ok";
                    return http::json_response(200, body);
                }
                spdlog::warn("health: {}", answered.error().to_string());
                body["status"] = "unavailable";
                body["reason"] = "the database does not answer";
                return http::json_response(503, body);
            });

    // Open like a health check: scrape it on loopback or behind the proxy;
    // --no-metrics turns it off.
    api.add(Method::get, "/metrics", {.access = Access::anyone()}, [&s](Call&) -> Result<Response> {
        if (!s.health.metrics_enabled)
            return make_error(ErrorCode::not_found, "metrics are turned off");
        Metrics::Gauges gauges;
        gauges.waiting_screens = static_cast<std::int64_t>(s.hub.waiting());
        auto list = screen_status_list(s, &gauges.online_screens);
        if (!list) return list.error();
        gauges.screens = static_cast<std::int64_t>(list->size());
        Response res;
        res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        res.headers.set("Cache-Control", "no-store");
        res.body = s.metrics.render(gauges);
        return res;
    });
}

}  // namespace signage::server
