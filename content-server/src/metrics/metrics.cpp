#include "metrics/metrics.hpp"

#include <spdlog/fmt/fmt.h>

namespace signage::server {
namespace {

// A label value as the text format wants it: backslash, quote and newline escaped.
std::string metric_label(const std::string& v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

void Metrics::observe_request(std::string_view method, std::string_view route, int status,
                              double seconds) {
    std::lock_guard lock(mu_);
    const std::tuple<std::string_view, std::string_view, int> key{method, route, status};
    if (auto it = requests_.find(key); it != requests_.end()) {
        ++it->second;
    } else {
        requests_.emplace(std::tuple<std::string, std::string, int>{method, route, status}, 1);
    }
    auto at = latency_.find(route);
    if (at == latency_.end()) at = latency_.emplace(std::string(route), Histogram{}).first;
    Histogram& h = at->second;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::observe_scope_check(double seconds) {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < kScopeBuckets.size(); ++i) {
        if (seconds <= kScopeBuckets[i]) ++scope_.buckets[i];
    }
    ++scope_.count;
    scope_.sum += seconds;
}

void Metrics::add_publish() {
    std::lock_guard lock(mu_);
    ++publishes_;
}

void Metrics::add_upload_bytes(std::uint64_t bytes) {
    std::lock_guard lock(mu_);
    upload_bytes_ += bytes;
}

void Metrics::set_connection_source(std::function<Connections()> source) {
    std::lock_guard lock(mu_);
    connections_ = std::move(source);
}

void Metrics::set_database_source(std::string instance, std::function<Database()> source) {
    std::lock_guard lock(mu_);
    instance_ = std::move(instance);
    database_ = std::move(source);
}

void Metrics::add_media_sent_bytes(std::uint64_t bytes) {
    std::lock_guard lock(mu_);
    media_sent_bytes_ += bytes;
}

std::string Metrics::render(const Gauges& gauges) const {
    std::lock_guard lock(mu_);
    std::string out;
    out +=
        "# HELP signage_http_requests_total HTTP requests answered, by method, route and "
        "status.\n# TYPE signage_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        const auto& [method, route, status] = key;
        out += fmt::format(
            "signage_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
            metric_label(method), metric_label(route), status, n);
    }
    out +=
        "# HELP signage_http_request_duration_seconds Time from a request's arrival at "
        "the router to its answer, by route.\n"
        "# TYPE signage_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        const std::string r = metric_label(route);
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out += fmt::format(
                "signage_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r,
                kBuckets[i], h.buckets[i]);
        }
        out += fmt::format(
            "signage_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r,
            h.count);
        out +=
            fmt::format("signage_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, h.sum);
        out += fmt::format("signage_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r,
                           h.count);
    }
    out +=
        "# HELP signage_scope_check_seconds Time a staff request spent on unit scope before "
        "its handler: the top-unit check and the lookup of the record its path names.\n"
        "# TYPE signage_scope_check_seconds histogram\n";
    for (std::size_t i = 0; i < kScopeBuckets.size(); ++i) {
        out += fmt::format("signage_scope_check_seconds_bucket{{le=\"{}\"}} {}\n", kScopeBuckets[i],
                           scope_.buckets[i]);
    }
    out += fmt::format(
        "signage_scope_check_seconds_bucket{{le=\"+Inf\"}} {}\n"
        "signage_scope_check_seconds_sum {}\nsignage_scope_check_seconds_count {}\n",
        scope_.count, scope_.sum, scope_.count);
    out += fmt::format(
        "# HELP signage_screens_waiting Screens holding the manifest long-poll now.\n"
        "# TYPE signage_screens_waiting gauge\nsignage_screens_waiting {}\n"
        "# HELP signage_screens_online Screens online now (see GET /api/v1/screens).\n"
        "# TYPE signage_screens_online gauge\nsignage_screens_online {}\n"
        "# HELP signage_screens Registered screens.\n"
        "# TYPE signage_screens gauge\nsignage_screens {}\n"
        "# HELP signage_publishes_total Successful publishes.\n"
        "# TYPE signage_publishes_total counter\nsignage_publishes_total {}\n"
        "# HELP signage_upload_bytes_total Bytes of media uploads accepted.\n"
        "# TYPE signage_upload_bytes_total counter\nsignage_upload_bytes_total {}\n"
        "# HELP signage_media_sent_bytes_total Bytes of media bodies (GET /media/..., whole or "
        "ranges) written to clients.\n"
        "# TYPE signage_media_sent_bytes_total counter\nsignage_media_sent_bytes_total {}\n",
        gauges.waiting_screens, gauges.online_screens, gauges.screens, publishes_, upload_bytes_,
        media_sent_bytes_);
    if (connections_) {
        const Connections c = connections_();
        out += fmt::format(
            "# HELP signage_http_connections Open HTTP connections.\n"
            "# TYPE signage_http_connections gauge\nsignage_http_connections {}\n"
            "# HELP signage_http_connections_max Open connections allowed at once "
            "(--max-connections), and from one address (--max-connections-per-address).\n"
            "# TYPE signage_http_connections_max gauge\n"
            "signage_http_connections_max{{scope=\"total\"}} {}\n"
            "signage_http_connections_max{{scope=\"address\"}} {}\n"
            "# HELP signage_http_connections_refused_total Connections answered 503 and closed "
            "because a cap was reached.\n"
            "# TYPE signage_http_connections_refused_total counter\n"
            "signage_http_connections_refused_total{{cap=\"total\"}} {}\n"
            "signage_http_connections_refused_total{{cap=\"address\"}} {}\n"
            "# HELP signage_http_request_timeouts_total Requests cut off because their head or "
            "body did not arrive before its deadline.\n"
            "# TYPE signage_http_request_timeouts_total counter\n"
            "signage_http_request_timeouts_total {}\n",
            c.open, c.max_connections, c.max_per_address, c.refused_total_cap,
            c.refused_address_cap, c.request_timeouts);
    }
    if (database_) {
        const Database d = database_();
        out += fmt::format(
            "# HELP signage_instance_info This server instance (--instance-name).\n"
            "# TYPE signage_instance_info gauge\n"
            "signage_instance_info{{instance=\"{}\",database=\"{}\"}} 1\n"
            "# HELP signage_database_connections Connections to the database: open, and idle "
            "among them.\n"
            "# TYPE signage_database_connections gauge\n"
            "signage_database_connections{{state=\"open\"}} {}\n"
            "signage_database_connections{{state=\"idle\"}} {}\n"
            "# HELP signage_database_events_connected 1 while this instance hears the changes "
            "other instances on the database make (PostgreSQL; always 1 on SQLite).\n"
            "# TYPE signage_database_events_connected gauge\n"
            "signage_database_events_connected {}\n"
            "# HELP signage_database_event_reconnects_total Times the connection that hears the "
            "other instances came back (each followed by reading what changed meanwhile).\n"
            "# TYPE signage_database_event_reconnects_total counter\n"
            "signage_database_event_reconnects_total {}\n",
            instance_, d.backend, d.connections, d.idle, d.events_connected ? 1 : 0,
            d.event_reconnects);
    }
    return out;
}

}  // namespace signage::server
