// signage-longpoll-load: holds many screens waiting on the manifest long-poll
// and measures how long each takes to hear of a publish.
//
//   signage-longpoll-load --host 127.0.0.1 --port P (--token T | --tokens FILE)
//                         --etag V [--connections N] [--wait S] [--threads K]
//
// Opens N keep-alive connections, each sending
//   GET /api/v1/player/manifest?wait=S  with  If-None-Match: "V"
// Connection i uses the i-th token of FILE (one a line, as `signage-server
// screen add --count` prints them; round again when there are fewer than
// N), or T for all of them. The connections are shared among K threads, each
// running its own event loop. Once every request is sent it prints "ready N"
// and reads one line from standard input: the publish instant in
// milliseconds since the epoch. Each answer's arrival is stamped when the
// first bytes of its response come off the socket, before they are parsed.
// An answered connection stays open, as a screen keeps its connection, until
// every answer is in: closing thousands of sockets is no part of the fan-out,
// on either side.
// When every connection has its answer (or the wait runs out) it prints
//   answered A of N, 200: X, other: Y
//   latency_ms p50 P50 p99 P99 max MAX
//   client_cpu_ms total T fanout F threads K
// latencies measured from that instant; the last line is this program's
// own CPU time (user + system, getrusage): over its whole run, and from
// "ready" (every request sent, nothing to do but wait) to the last answer,
// which is the fan-out's share, so a reader can tell whether the client or
// the server was the bottleneck.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
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

// This process's CPU time so far (user + system), in milliseconds.
std::int64_t cpu_ms() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    const auto ms = [](const timeval& t) {
        return static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_usec / 1000;
    };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

// What one thread's connections saw; read once its thread has stopped.
struct Results {
    std::vector<std::int64_t> arrivals;           // epoch ms of each 200's first bytes
    std::vector<std::shared_ptr<void>> answered;  // their connections, kept open
    int ok = 0;
    int other = 0;
};

struct Counters {
    std::atomic<int> sent{0};
    std::atomic<int> done{0};
    std::atomic<int> failed_connects{0};
};

class Waiter : public std::enable_shared_from_this<Waiter> {
  public:
    Waiter(net::io_context& io, const tcp::endpoint& ep, const std::string& target,
           const std::string& token, const std::string& etag, Results& results, Counters& counters)
        : stream_(io),
          endpoint_(ep),
          target_(target),
          token_(token),
          etag_(etag),
          results_(results),
          counters_(counters) {}

    void start() {
        stream_.async_connect(endpoint_,
                              beast::bind_front_handler(&Waiter::on_connect, shared_from_this()));
    }

  private:
    void on_connect(beast::error_code ec) {
        if (ec) {
            counters_.failed_connects++;
            return finish();
        }
        req_ = {http::verb::get, target_, 11};
        req_.set(http::field::host, "load");
        req_.set(http::field::authorization, "Bearer " + token_);
        req_.set(http::field::if_none_match, "\"" + etag_ + "\"");
        http::async_write(stream_, req_,
                          beast::bind_front_handler(&Waiter::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return finish();
        counters_.sent++;
        // The first bytes of the answer, stamped before anything is parsed.
        stream_.socket().async_read_some(
            buffer_.prepare(4096),
            beast::bind_front_handler(&Waiter::on_first_bytes, shared_from_this()));
    }

    void on_first_bytes(beast::error_code ec, std::size_t n) {
        arrived_ = epoch_ms();
        if (ec) return finish();
        buffer_.commit(n);
        http::async_read(stream_, buffer_, res_,
                         beast::bind_front_handler(&Waiter::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return finish();
        if (res_.result() == http::status::ok) {
            results_.arrivals.push_back(arrived_);
            results_.ok++;
        } else {
            results_.other++;
        }
        results_.answered.push_back(shared_from_this());
        counters_.done++;
    }

    void finish() {
        beast::error_code ignored;
        stream_.socket().close(ignored);
        counters_.done++;
    }

    beast::tcp_stream stream_;
    tcp::endpoint endpoint_;
    const std::string& target_;
    const std::string& token_;
    const std::string& etag_;
    beast::flat_buffer buffer_;
    http::request<http::empty_body> req_;
    http::response<http::string_body> res_;
    std::int64_t arrived_ = 0;
    Results& results_;
    Counters& counters_;
};

int usage(const std::string& msg) {
    std::fprintf(stderr,
                 "signage-longpoll-load: %s\nusage: signage-longpoll-load --host H --port P "
                 "(--token T | --tokens FILE) --etag V [--connections N] [--wait S] "
                 "[--threads K]\n",
                 msg.c_str());
    return 2;
}

std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
    if (sorted.empty()) return -1;
    auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(idx, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1", token, tokens_file, etag;
    unsigned short port = 0;
    int connections = 1000, wait_s = 60, threads = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return usage("missing value for " + a);
        const std::string v = argv[++i];
        try {
            if (a == "--host") {
                host = v;
            } else if (a == "--port") {
                port = static_cast<unsigned short>(std::stoi(v));
            } else if (a == "--token") {
                token = v;
            } else if (a == "--tokens") {
                tokens_file = v;
            } else if (a == "--etag") {
                etag = v;
            } else if (a == "--connections") {
                connections = std::stoi(v);
            } else if (a == "--wait") {
                wait_s = std::stoi(v);
            } else if (a == "--threads") {
                threads = std::stoi(v);
            } else {
                return usage("unknown option " + a);
            }
        } catch (const std::exception&) {
            return usage("bad value for " + a + ": " + v);
        }
    }
    std::vector<std::string> tokens;
    if (!tokens_file.empty()) {
        std::ifstream in(tokens_file);
        if (!in) return usage("cannot read " + tokens_file);
        for (std::string line; std::getline(in, line);) {
            if (!line.empty()) tokens.push_back(line);
        }
        if (tokens.empty()) return usage(tokens_file + " holds no token");
    } else if (!token.empty()) {
        tokens.push_back(token);
    }
    if (port == 0 || tokens.empty() || etag.empty() || connections < 1 || threads < 1) {
        return usage("--port, --token or --tokens, and --etag are required");
    }

    const tcp::endpoint ep(net::ip::make_address(host), port);
    const std::string target = "/api/v1/player/manifest?wait=" + std::to_string(wait_s);
    Counters counters;
    std::vector<std::unique_ptr<net::io_context>> ios;
    std::vector<Results> results(static_cast<std::size_t>(threads));
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
    std::vector<std::thread> runners;
    for (int t = 0; t < threads; ++t) {
        ios.push_back(std::make_unique<net::io_context>(1));
        guards.push_back(net::make_work_guard(*ios.back()));
    }
    for (int t = 0; t < threads; ++t) runners.emplace_back([io = ios[t].get()] { io->run(); });

    // Connect in batches so the listen backlog never overflows.
    constexpr int batch = 500;
    for (int started = 0; started < connections;) {
        const int n = std::min(batch, connections - started);
        for (int i = started; i < started + n; ++i) {
            const auto t = static_cast<std::size_t>(i % threads);
            net::post(*ios[t], [&, i, t] {
                std::make_shared<Waiter>(*ios[t], ep, target,
                                         tokens[static_cast<std::size_t>(i) % tokens.size()], etag,
                                         results[t], counters)
                    ->start();
            });
        }
        started += n;
        while (counters.sent + counters.done < started) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (counters.done > 0) {
        std::fprintf(stderr, "signage-longpoll-load: %d connections ended early (%d refused)\n",
                     counters.done.load(), counters.failed_connects.load());
    }
    const std::int64_t cpu_at_ready = cpu_ms();
    std::printf("ready %d\n", counters.sent.load());
    std::fflush(stdout);

    const auto stop_all = [&] {
        for (auto& io : ios) io->stop();
        for (auto& r : runners) r.join();
    };
    std::string line;
    std::int64_t t0 = 0;
    if (!std::getline(std::cin, line) || (t0 = std::stoll(line)) <= 0) {
        std::fprintf(stderr, "signage-longpoll-load: expected the publish time on stdin\n");
        stop_all();
        return 2;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s + 5);
    while (counters.done < connections && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const std::int64_t cpu_at_end = cpu_ms();
    stop_all();

    std::vector<std::int64_t> lat;
    int ok = 0, other = 0;
    for (const Results& r : results) {
        for (auto t : r.arrivals) lat.push_back(std::max<std::int64_t>(0, t - t0));
        ok += r.ok;
        other += r.other;
    }
    std::sort(lat.begin(), lat.end());
    std::printf("answered %d of %d, 200: %d, other: %d\n", ok + other, connections, ok, other);
    std::printf("latency_ms p50 %lld p99 %lld max %lld\n",
                static_cast<long long>(percentile(lat, 0.50)),
                static_cast<long long>(percentile(lat, 0.99)),
                static_cast<long long>(lat.empty() ? -1 : lat.back()));
    std::printf("client_cpu_ms total %lld fanout %lld threads %d\n",
                static_cast<long long>(cpu_at_end),
                static_cast<long long>(cpu_at_end - cpu_at_ready), threads);
    return ok == connections ? 0 : 1;
}
