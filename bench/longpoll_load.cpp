// signage-longpoll-load: holds many screens waiting on the manifest long-poll
// and measures how long each takes to hear of a publish.
//
//   signage-longpoll-load --host 127.0.0.1 --port P --token T --etag V
//                         [--connections N] [--wait S]
//
// Opens N keep-alive connections, each sending
//   GET /api/v1/player/manifest?wait=S  with  If-None-Match: "V"
// with the same device token (the server's cost per waiting screen does not
// depend on which screen it is). Once every request is sent it prints
// "ready N" and reads one line from standard input: the publish instant in
// milliseconds since the epoch. When every connection has its answer (or the
// wait runs out) it prints "answered A of N, 200: X, other: Y" and then
// "latency_ms p50 P50 p99 P99 max MAX" measured from that instant.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::int64_t epoch_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Results {
    std::mutex mutex;
    std::vector<std::int64_t> arrivals;  // epoch ms of each 200
    int ok = 0;
    int other = 0;
    std::atomic<int> sent{0};
    std::atomic<int> done{0};
    std::atomic<int> failed_connects{0};
};

class Waiter : public std::enable_shared_from_this<Waiter> {
  public:
    Waiter(net::io_context& io, const tcp::endpoint& ep, std::string target, std::string token,
           std::string etag, Results& results)
        : stream_(io),
          endpoint_(ep),
          target_(std::move(target)),
          token_(std::move(token)),
          etag_(std::move(etag)),
          results_(results) {}

    void start() {
        stream_.async_connect(endpoint_,
                              beast::bind_front_handler(&Waiter::on_connect, shared_from_this()));
    }

  private:
    void on_connect(beast::error_code ec) {
        if (ec) {
            results_.failed_connects++;
            return finish(false);
        }
        req_ = {http::verb::get, target_, 11};
        req_.set(http::field::host, "load");
        req_.set(http::field::authorization, "Bearer " + token_);
        req_.set(http::field::if_none_match, "\"" + etag_ + "\"");
        http::async_write(stream_, req_,
                          beast::bind_front_handler(&Waiter::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return finish(false);
        results_.sent++;
        http::async_read(stream_, buffer_, res_,
                         beast::bind_front_handler(&Waiter::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        const auto now = epoch_ms();
        if (ec) return finish(false);
        if (res_.result() == http::status::ok) {
            std::lock_guard lock(results_.mutex);
            results_.arrivals.push_back(now);
            results_.ok++;
        } else {
            std::lock_guard lock(results_.mutex);
            results_.other++;
        }
        finish(true);
    }

    void finish(bool) {
        beast::error_code ignored;
        stream_.socket().close(ignored);
        results_.done++;
    }

    beast::tcp_stream stream_;
    tcp::endpoint endpoint_;
    std::string target_, token_, etag_;
    beast::flat_buffer buffer_;
    http::request<http::empty_body> req_;
    http::response<http::string_body> res_;
    Results& results_;
};

int usage(const char* msg) {
    std::fprintf(stderr,
                 "signage-longpoll-load: %s\nusage: signage-longpoll-load --host H --port P "
                 "--token T --etag V [--connections N] [--wait S]\n",
                 msg);
    return 2;
}

std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
    if (sorted.empty()) return -1;
    auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(idx, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1", token, etag;
    unsigned short port = 0;
    int connections = 1000, wait_s = 60;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return usage(("missing value for " + a).c_str());
        const std::string v = argv[++i];
        try {
            if (a == "--host") {
                host = v;
            } else if (a == "--port") {
                port = static_cast<unsigned short>(std::stoi(v));
            } else if (a == "--token") {
                token = v;
            } else if (a == "--etag") {
                etag = v;
            } else if (a == "--connections") {
                connections = std::stoi(v);
            } else if (a == "--wait") {
                wait_s = std::stoi(v);
            } else {
                return usage(("unknown option " + a).c_str());
            }
        } catch (const std::exception&) {
            return usage(("bad value for " + a + ": " + v).c_str());
        }
    }
    if (port == 0 || token.empty() || etag.empty() || connections < 1) {
        return usage("--port, --token and --etag are required");
    }

    net::io_context io(1);
    const tcp::endpoint ep(net::ip::make_address(host), port);
    const std::string target = "/api/v1/player/manifest?wait=" + std::to_string(wait_s);
    Results results;
    auto guard = net::make_work_guard(io);
    std::thread runner([&] { io.run(); });

    // Connect in batches so the listen backlog never overflows.
    constexpr int batch = 500;
    for (int started = 0; started < connections;) {
        const int n = std::min(batch, connections - started);
        net::post(io, [&, n] {
            for (int i = 0; i < n; ++i) {
                std::make_shared<Waiter>(io, ep, target, token, etag, results)->start();
            }
        });
        started += n;
        while (results.sent + results.done < started) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (results.done > 0) {
        std::fprintf(stderr, "signage-longpoll-load: %d connections ended early (%d refused)\n",
                     results.done.load(), results.failed_connects.load());
    }
    std::printf("ready %d\n", results.sent.load());
    std::fflush(stdout);

    std::string line;
    std::int64_t t0 = 0;
    if (!std::getline(std::cin, line) || (t0 = std::stoll(line)) <= 0) {
        std::fprintf(stderr, "signage-longpoll-load: expected the publish time on stdin\n");
        io.stop();
        runner.join();
        return 2;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s + 5);
    while (results.done < connections && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    io.stop();
    runner.join();

    std::vector<std::int64_t> lat;
    {
        std::lock_guard lock(results.mutex);
        for (auto t : results.arrivals) lat.push_back(std::max<std::int64_t>(0, t - t0));
        std::sort(lat.begin(), lat.end());
        std::printf("answered %d of %d, 200: %d, other: %d\n", results.ok + results.other,
                    connections, results.ok, results.other);
    }
    std::printf("latency_ms p50 %lld p99 %lld max %lld\n",
                static_cast<long long>(percentile(lat, 0.50)),
                static_cast<long long>(percentile(lat, 0.99)),
                static_cast<long long>(lat.empty() ? -1 : lat.back()));
    return results.ok == connections ? 0 : 1;
}
