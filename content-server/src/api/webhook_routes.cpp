// Alerts: the webhooks admins set up, their test messages and delivery logs
// (alerts/alert_service.hpp).
#include <charconv>

#include <nlohmann/json.hpp>

#include "alerts/alert_service.hpp"
#include "api/access.hpp"
#include "api/routes.hpp"
#include "common/json_input.hpp"
#include "http/responses.hpp"

namespace signage::server {

using http::Method;
using http::Response;

namespace {

constexpr int kDefaultLog = 50;

Status webhook_fields(const nlohmann::json& body) {
    return only_fields(body, {"name", "url", "format", "events", "groups", "secret"});
}

Result<int> log_limit(const http::Request& req, int max) {
    const auto text = req.query_param("limit");
    if (!text) return kDefaultLog;
    int v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || p != text->data() + text->size() || v <= 0 || v > max) {
        return make_error(ErrorCode::invalid,
                          std::string("a whole number from 1 to ").append(std::to_string(max)),
                          "limit");
    }
    return v;
}

}  // namespace

void add_webhook_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    const RouteSpec on_hook = {.access = Access::admin(), .path_id = "webhook", .top_unit = true};

    api.add(Method::get, "/api/v1/webhooks", {.access = Access::admin(), .top_unit = true},
            [&s](Call&) -> Result<Response> {
                auto hooks = s.alerts.list();
                if (!hooks) return hooks.error();
                nlohmann::json list = nlohmann::json::array();
                for (const Webhook& h : *hooks) list.push_back(webhook_view(h));
                return http::json_response(
                    200, {{"webhooks", std::move(list)}, {"events", alert_event_names()}});
            });

    api.add(Method::post, "/api/v1/webhooks",
            {.access = Access::admin(), .body = Body::object, .top_unit = true},
            [&s](Call& c) -> Result<Response> {
                if (auto st = webhook_fields(c.body); !st) return st.error();
                auto hook = s.alerts.create(c.body, c.user());
                if (!hook) return hook.error();
                return http::json_response(201, webhook_view(*hook));
            });

    api.add(Method::get, "/api/v1/webhooks/{id}", on_hook, [&s](Call& c) -> Result<Response> {
        auto hook = s.alerts.get(c.id);
        if (!hook) return hook.error();
        return http::json_response(200, webhook_view(*hook));
    });

    api.add(
        Method::put, "/api/v1/webhooks/{id}",
        {.access = Access::admin(), .path_id = "webhook", .body = Body::object, .top_unit = true},
        [&s](Call& c) -> Result<Response> {
            if (auto st = webhook_fields(c.body); !st) return st.error();
            auto hook = s.alerts.update(c.id, c.body, c.user());
            if (!hook) return hook.error();
            return http::json_response(200, webhook_view(*hook));
        });

    api.add(Method::del, "/api/v1/webhooks/{id}", on_hook, [&s](Call& c) -> Result<Response> {
        if (auto st = s.alerts.remove(c.id, c.user()); !st) return st.error();
        Response res;
        res.status = 204;
        return res;
    });

    // Queues a test message; the delivery log shows what became of it.
    api.add(Method::post, "/api/v1/webhooks/{id}/test", on_hook, [&s](Call& c) -> Result<Response> {
        auto delivery = s.alerts.send_test(c.id, c.user());
        if (!delivery) return delivery.error();
        return http::json_response(202, delivery_view(*delivery));
    });

    api.add(Method::get, "/api/v1/webhooks/{id}/deliveries", on_hook,
            [&s](Call& c) -> Result<Response> {
                auto limit = log_limit(c.req, 100);
                if (!limit) return limit.error();
                auto list = s.alerts.deliveries(c.id, *limit);
                if (!list) return list.error();
                nlohmann::json out = nlohmann::json::array();
                for (const WebhookDelivery& d : *list) out.push_back(delivery_view(d));
                return http::json_response(200, {{"deliveries", std::move(out)}});
            });
}

}  // namespace signage::server
