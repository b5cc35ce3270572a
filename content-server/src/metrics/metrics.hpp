#pragma once
// Server metrics in the Prometheus text format (version 0.0.4), served at
// GET /metrics: HTTP requests by route and status, a request latency
// histogram by route, the time spent on unit scope, publishes, media upload bytes and media body
// bytes sent (what a cache or a resumed download saves shows here). Gauges that belong to other
// parts (screens waiting on the long-poll, screens online) are read at scrape time through the
// callbacks given to render().
//
// Routes are their patterns ("/api/v1/slides/{id}"), never the raw path, so
// the number of series stays bounded; requests that match no route count as
// "unmatched". The long-poll's latency is the time a screen waited.
//
// Threading: every method is safe from any thread.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace signage::server {

class Metrics {
  public:
    // Upper bounds of the latency histogram's buckets, in seconds.
    static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                        0.5,   1.0,  2.5,   5.0,  10.0, 60.0};

    void observe_request(std::string_view method, std::string_view route, int status,
                         double seconds);
    // Upper bounds of the scope check's histogram, in seconds.
    static constexpr std::array<double, 9> kScopeBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                            0.0025,  0.005,  0.01,    0.05};
    // The time a staff request spent on unit scope before its handler ran
    // (the top-unit check and the lookup of the record its path names:
    // api/access.hpp).
    void observe_scope_check(double seconds);
    void add_publish();
    void add_upload_bytes(std::uint64_t bytes);
    // Bytes of media bodies (whole files and ranges) written to clients.
    void add_media_sent_bytes(std::uint64_t bytes);

    // Open connections and those turned away or cut off
    // (http/connection_guard.hpp), read at scrape time.
    struct Connections {
        std::uint64_t open = 0;
        std::uint64_t refused_total_cap = 0;
        std::uint64_t refused_address_cap = 0;
        std::uint64_t request_timeouts = 0;
        std::uint64_t max_connections = 0;  // the caps in force
        std::uint64_t max_per_address = 0;
    };
    void set_connection_source(std::function<Connections()> source);
    // The store's connections (Store::health()) and this instance's name,
    // read at scrape time.
    struct Database {
        std::string backend;
        std::size_t connections = 0;
        std::size_t idle = 0;
        bool events_connected = true;
        std::uint64_t event_reconnects = 0;
    };
    void set_database_source(std::string instance, std::function<Database()> source);

    struct Gauges {
        std::int64_t waiting_screens = 0;
        std::int64_t online_screens = 0;
        std::int64_t screens = 0;
    };
    // The whole exposition.
    std::string render(const Gauges& gauges) const;

  private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mu_;
    // Looked up without copying the names (std::less<>): a request that
    // adds no series allocates nothing.
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t, std::less<>> requests_;
    std::map<std::string, Histogram, std::less<>> latency_;  // by route
    struct ScopeHistogram {
        std::array<std::uint64_t, kScopeBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    } scope_;
    std::uint64_t publishes_ = 0;
    std::uint64_t upload_bytes_ = 0;
    std::uint64_t media_sent_bytes_ = 0;
    std::function<Connections()> connections_;
    std::string instance_;
    std::function<Database()> database_;
};

}  // namespace signage::server
