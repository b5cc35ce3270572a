#pragma once
// Alerts: webhooks (企业微信 and 钉钉 group robots, or our own plain JSON)
// told when a screen goes offline, a screen reports a sync error, an item
// waits for review too long, or an emergency notice is sent.
//
// Nothing here runs on a request thread but the CRUD: heartbeats and
// publishes only queue what they saw (a mutex and a vector), and one thread
// of the service's own decides what to alert, stores the deliveries and posts
// them (libcurl), retrying with doubling delays. Deliveries are rows in the
// store, so pending ones survive a restart; each webhook keeps its last
// `AlertConfig::keep` as its log. Marks in the store make each alert go once:
// a screen's offline stretch, a sync error until it clears, an item's
// submission.
//
// A webhook's scope is a list of screen groups (empty: all). An event names
// the groups it concerns (empty: all, e.g. an emergency for every group) and
// reaches the webhooks whose scope shares one of them, or is open.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;
struct PublishResult;

struct AlertConfig {
    std::chrono::seconds retry{30};  // --webhook-retry-seconds: the first retry's delay, doubling
    int attempts = 5;                // --webhook-attempts: attempts before a delivery fails
    std::chrono::seconds check{
        15};  // --alert-check-seconds: how often screens and reviews are looked at
    std::chrono::seconds review_after{30 * 60};  // --review-alert-minutes
    std::chrono::seconds timeout{10};            // one attempt's limit
    int keep = 100;                              // deliveries kept per webhook
};

// What one alert says; turned into each webhook's format.
struct AlertEvent {
    std::string event;  // screen_offline, sync_error, review_waiting, emergency_sent, test
    std::string at;     // ISO 8601 UTC
    std::vector<std::string> groups;                    // the groups concerned; empty: every group
    nlohmann::json subject = nlohmann::json::object();  // {"screen": {…}} or {"slide": {…}}
    std::string message;                                // for people, in Chinese
};

// The events a webhook may ask for, in the order the console lists them.
const std::vector<std::string>& alert_event_names();

// The JSON posted for `event` in `format` (wecom, dingtalk: the robots'
// {"msgtype":"text","text":{"content"}}; plain: {"event","at",subject…,
// "groups","message"}).
std::string webhook_body(const std::string& format, const AlertEvent& event);

// Where a dingtalk robot with a signing secret is posted: `url` with
// timestamp (ms) and sign (base64 HMAC-SHA256 of "timestamp\nsecret").
std::string dingtalk_signed_url(const std::string& url, const std::string& secret,
                                std::int64_t timestamp_ms);

// A Unix time as the local time people in China read ("2026-12-05 06:40").
std::string local_time_text(std::int64_t unix);

// {"id","name","url","format","has_secret","events","groups","unit","created_at","updated_at"};
// never the secret.
nlohmann::json webhook_view(const Webhook& hook);
nlohmann::json delivery_view(const WebhookDelivery& delivery);

class AlertService {
  public:
    // Every screen as GET /api/v1/screens lists it (id, name, group, state,
    // last_seen, offline_after_s).
    using ScreenSource = std::function<Result<nlohmann::json>()>;

    AlertService(Store& store, AlertConfig config);
    ~AlertService();  // stops
    AlertService(const AlertService&) = delete;
    AlertService& operator=(const AlertService&) = delete;

    void set_screen_source(ScreenSource source) { screens_ = std::move(source); }
    void start();
    void stop();  // waits for the thread; an attempt under way is cut off

    // Admin CRUD; the body is validated (400 naming the field), groups must exist.
    Result<std::vector<Webhook>> list();
    Result<Webhook> get(std::int64_t id);  // not_found (field "id")
    Result<Webhook> create(const nlohmann::json& body, const User& by);
    Result<Webhook> update(std::int64_t id, const nlohmann::json& body, const User& by);
    Status remove(std::int64_t id, const User& by);
    // Queues a test message to the webhook: the delivery (pending).
    Result<WebhookDelivery> send_test(std::int64_t id, const User& by);
    Result<std::vector<WebhookDelivery>> deliveries(std::int64_t id, int limit);

    // From the request threads; only queue.
    void heartbeat(const Screen& screen, const std::optional<std::string>& sync_error);
    void published(const PublishResult& result, const User& by);

  private:
    struct Beat {
        Screen screen;
        std::optional<std::string> sync_error;
        std::int64_t at = 0;
    };
    void run();
    void handle_beat(const Beat& beat);
    void check_screens();
    void check_reviews();
    void raise(const AlertEvent& event);
    void send_due();
    void send(WebhookDelivery delivery);
    void wake();

    Store& store_;
    AlertConfig config_;
    ScreenSource screens_;
    // The screens whose sync error was alerted ("sync_error:ID"), as in the
    // store's marks; loaded by the thread on first use.
    std::optional<std::unordered_set<std::string>> sync_marked_;

    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Beat> beats_;
    std::vector<AlertEvent> events_;
    bool poked_ = false;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace signage::server
