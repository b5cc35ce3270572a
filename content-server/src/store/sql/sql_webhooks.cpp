// Webhooks, their deliveries and the alerts' marks in SQL.
#include <nlohmann/json.hpp>

#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {

namespace {

constexpr const char* webhook_columns =
    "id, name, url, format, secret, events, groups, created_at, updated_at";

Webhook read_webhook(Statement& q) {
    Webhook h;
    h.id = q.column(0).int64();
    h.name = q.column(1).text();
    h.url = q.column(2).text();
    h.format = q.column(3).text();
    h.secret = q.column(4).text();
    h.events = json_list<std::string>(q.column(5).text());
    h.groups = json_list<std::string>(q.column(6).text());
    h.created_at = q.column(7).text();
    h.updated_at = q.column(8).text();
    return h;
}

// Parameters 1 to 7: name, url, format, secret, events, groups, updated_at.
void bind_settings(Statement& q, const Webhook& hook) {
    q.bind(1, hook.name);
    q.bind(2, hook.url);
    q.bind(3, hook.format);
    q.bind(4, hook.secret);
    q.bind(5, list_json(hook.events));
    q.bind(6, list_json(hook.groups));
    q.bind(7, hook.updated_at);
}

constexpr const char* delivery_columns =
    "id, webhook_id, event, message, body, status, attempts, http_status, error, created_at, "
    "updated_at, delivered_at, next_unix";

WebhookDelivery read_delivery(Statement& q) {
    WebhookDelivery d;
    d.id = q.column(0).int64();
    d.webhook_id = q.column(1).int64();
    d.event = q.column(2).text();
    d.message = q.column(3).text();
    d.body = q.column(4).text();
    d.status = q.column(5).text();
    d.attempts = q.column(6).int32();
    if (!q.column(7).is_null()) d.http_status = q.column(7).int32();
    d.error = q.column(8).text();
    d.created_at = q.column(9).text();
    d.updated_at = q.column(10).text();
    d.delivered_at = q.column(11).text();
    d.next_unix = q.column(12).int64();
    return d;
}

}  // namespace

Webhook Webhooks::add(const Webhook& hook) {
    Statement q(db_,
                "INSERT INTO webhooks(name, url, format, secret, events, groups, "
                "updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    bind_settings(q, hook);
    q.bind(8, hook.created_at);
    if (!q.step()) throw std::runtime_error("webhooks: an insert returned no id");
    Webhook added = hook;
    added.id = q.column(0).int64();
    return added;
}

std::optional<Webhook> Webhooks::find(std::int64_t id) {
    Statement q(
        db_, std::string("SELECT ").append(webhook_columns).append(" FROM webhooks WHERE id = ?"));
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_webhook(q);
}

std::vector<Webhook> Webhooks::list() {
    Statement q(
        db_, std::string("SELECT ").append(webhook_columns).append(" FROM webhooks ORDER BY id"));
    std::vector<Webhook> out;
    while (q.step()) out.push_back(read_webhook(q));
    return out;
}

bool Webhooks::update(const Webhook& hook) {
    Statement q(db_,
                "UPDATE webhooks SET name = ?, url = ?, format = ?, secret = ?, events = ?, "
                "groups = ?, updated_at = ? WHERE id = ?");
    bind_settings(q, hook);
    q.bind(8, hook.id);
    return q.exec() > 0;
}

bool Webhooks::remove(std::int64_t id) {
    Statement q(db_, "DELETE FROM webhooks WHERE id = ?");
    q.bind(1, id);
    return q.exec() > 0;
}

WebhookDelivery Webhooks::add_delivery(const WebhookDelivery& d, int keep) {
    Statement q(db_,
                "INSERT INTO webhook_deliveries(webhook_id, event, message, body, status, "
                "attempts, http_status, error, created_at, updated_at, delivered_at, "
                "next_unix) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?) RETURNING id");
    q.bind(1, d.webhook_id);
    q.bind(2, d.event);
    q.bind(3, d.message);
    q.bind(4, d.body);
    q.bind(5, d.status);
    q.bind(6, d.attempts);
    q.bind(7, d.error);
    q.bind(8, d.created_at);
    q.bind(9, d.updated_at);
    q.bind(10, d.delivered_at);
    q.bind(11, d.next_unix);
    if (!q.step()) throw std::runtime_error("webhook deliveries: an insert returned no id");
    WebhookDelivery added = d;
    added.id = q.column(0).int64();
    // The log is bounded: finished deliveries beyond the newest `keep` go.
    Statement prune(db_,
                    "DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status IN "
                    "('delivered', 'failed') AND id NOT IN (SELECT id FROM "
                    "webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?)");
    prune.bind(1, d.webhook_id);
    prune.bind(2, d.webhook_id);
    prune.bind(3, keep);
    prune.exec();
    return added;
}

void Webhooks::update_delivery(const WebhookDelivery& d) {
    Statement q(db_,
                "UPDATE webhook_deliveries SET status = ?, attempts = ?, http_status = ?, "
                "error = ?, updated_at = ?, delivered_at = ?, next_unix = ? WHERE id = ?");
    q.bind(1, d.status);
    q.bind(2, d.attempts);
    if (d.http_status) {
        q.bind(3, *d.http_status);
    } else {
        q.bind(3);
    }
    q.bind(4, d.error);
    q.bind(5, d.updated_at);
    q.bind(6, d.delivered_at);
    q.bind(7, d.next_unix);
    q.bind(8, d.id);
    q.exec();
}

std::vector<WebhookDelivery> Webhooks::deliveries(std::int64_t webhook_id, int limit) {
    Statement q(db_, std::string("SELECT ")
                         .append(delivery_columns)
                         .append(" FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id "
                                 "DESC LIMIT ?"));
    q.bind(1, webhook_id);
    q.bind(2, limit);
    std::vector<WebhookDelivery> out;
    while (q.step()) out.push_back(read_delivery(q));
    return out;
}

std::vector<WebhookDelivery> Webhooks::due(std::int64_t now) {
    Statement q(db_, std::string("SELECT ")
                         .append(delivery_columns)
                         .append(" FROM webhook_deliveries WHERE status IN ('pending', "
                                 "'retrying') AND next_unix <= ? ORDER BY next_unix, id"));
    q.bind(1, now);
    std::vector<WebhookDelivery> out;
    while (q.step()) out.push_back(read_delivery(q));
    return out;
}

std::optional<std::int64_t> Webhooks::next_due() {
    Statement q(db_,
                "SELECT MIN(next_unix) FROM webhook_deliveries WHERE status IN "
                "('pending', 'retrying')");
    if (!q.step() || q.column(0).is_null()) return std::nullopt;
    return q.column(0).int64();
}

std::unordered_map<std::string, std::string> Webhooks::marks(const std::string& prefix) {
    Statement q(db_, "SELECT key, value FROM alert_marks WHERE substr(key, 1, ?) = ?");
    q.bind(1, static_cast<std::int64_t>(prefix.size()));
    q.bind(2, prefix);
    std::unordered_map<std::string, std::string> out;
    while (q.step()) out[q.column(0).text()] = q.column(1).text();
    return out;
}

void Webhooks::set_mark(const std::string& key, const std::string& value) {
    Statement q(db_,
                "INSERT INTO alert_marks(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.bind(1, key);
    q.bind(2, value);
    q.exec();
}

void Webhooks::clear_mark(const std::string& key) {
    Statement q(db_, "DELETE FROM alert_marks WHERE key = ?");
    q.bind(1, key);
    q.exec();
}

}  // namespace signage::server::sql
