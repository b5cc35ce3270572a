#include "http/session.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/fs.hpp"
#include "http/file_range_body.hpp"
#include "http/request_head.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"

namespace signage::server::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The size of the response header as the serializer writes it: the bytes
// that go out before the body.
template <class Body>
std::uint64_t header_bytes(const bhttp::response<Body>& msg) {
    bhttp::fields::writer header(msg, msg.version(), msg.result_int());
    return beast::buffer_bytes(header.get());
}

// On every answer: the console's pages load only the server's own scripts,
// styles and images (blob: for previews fetched with the token, which a page
// may also read back), may not be
// framed by another site, and no answer is sniffed into another type.
constexpr std::string_view kServerName = "signage-server";
constexpr std::string_view kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
template <class Fields>
void set_security_headers(bhttp::header<false, Fields>& msg) {
    if (msg.find("Content-Security-Policy") == msg.end()) {
        msg.set("Content-Security-Policy", beast::string_view(kPolicy.data(), kPolicy.size()));
    }
    msg.set("X-Content-Type-Options", "nosniff");
    msg.set(bhttp::field::x_frame_options, "DENY");
    msg.set("Referrer-Policy", "no-referrer");
}

constexpr const char* kSecurityFields =
    "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n";

// The head of an answer whose body (if any) is in memory, as Beast's
// serializer would write it for the same fields (apply_head below), into
// `out`: the status line, the handler's fields, Server, the security
// headers, Content-Length when given (a body, or HEAD's), and Connection as
// keep-alive asks for the HTTP version.
void format_head(std::string& out, unsigned version, int status, const Headers& headers,
                 bool keep_alive, std::optional<std::uint64_t> content_length) {
    out.clear();
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    out.append(reason.data(), reason.size());
    out += "\r\n";
    bool has_policy = false;
    const auto field = [&out](std::string_view name, std::string_view value) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    };
    for (const auto& [name, value] : headers.fields()) {
        if (iequals(name, "Server") || iequals(name, "X-Content-Type-Options") ||
            iequals(name, "X-Frame-Options") || iequals(name, "Referrer-Policy") ||
            iequals(name, "Connection") || (content_length && iequals(name, "Content-Length"))) {
            continue;  // replaced below, as Beast's set() replaces them
        }
        has_policy = has_policy || iequals(name, "Content-Security-Policy");
        field(name, value);
    }
    // The fields every answer carries, written once.
    static const std::string with_policy = [] {
        return std::string("Server: ").append(kServerName) +
               "\r\nContent-Security-Policy: " + std::string(kPolicy) + "\r\n" + kSecurityFields;
    }();
    static const std::string without_policy =
        std::string("Server: ").append(kServerName) + "\r\n" + kSecurityFields;
    out += has_policy ? without_policy : with_policy;
    if (content_length) field("Content-Length", std::to_string(*content_length));
    if (version == 10 && keep_alive) field("Connection", "keep-alive");
    if (version != 10 && !keep_alive) field("Connection", "close");
    out += "\r\n";
}

bool is_disconnect(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
           ec == beast::error::timeout || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::operation_aborted ||
           ec == net::error::broken_pipe;
}

// A connection's handlers all run on the one thread of its I/O context, so
// they never run at once and need no strand. Its read and write deadlines are
// kept by the context's ConnectionClock: past one, the clock cancels what the
// socket is doing, and the handler sees `timed_out_`.
class Session : public std::enable_shared_from_this<Session>,
                public ConnectionClock::Watched,
                public ResponseSink {
  public:
    Session(ConnectionSocket&& socket, const Router& router, const SessionLimits& limits,
            ConnectionGuard& guard, std::unique_ptr<ConnectionGuard::Slot> slot,
            std::shared_ptr<ConnectionClock> clock)
        : socket_(std::move(socket)),
          router_(router),
          limits_(limits),
          guard_(guard),
          slot_(std::move(slot)),
          clock_(std::move(clock)) {
        beast::error_code ec;
        const auto ep = socket_.remote_endpoint(ec);
        if (!ec) {
            peer_ = ep.address();
            remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
            peer_text_ = client_address(peer_, {}, guard_.trusted_proxies());
        }
    }

    ~Session() { remove_spool(); }

    void start() {
        net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
            self->clock_->watch(self);
            self->read_header();
        });
    }

    // From a worker (or the hub) the answer is posted to this connection's
    // context; on its own thread (the fast path, a hub on the same context)
    // it is written at once.
    void deliver(Response response) override {
        net::dispatch(socket_.get_executor(),
                      [self = shared_from_this(), r = std::move(response)]() mutable {
                          self->send(std::move(r));
                      });
    }

  private:
    void expire() override {
        timed_out_ = true;
        beast::error_code ec;
        socket_.cancel(ec);
    }

    // A new deadline for what the socket does next.
    void arm(std::chrono::steady_clock::duration d) {
        timed_out_ = false;
        expires_after(d);
    }

    // What an operation that the clock cut short reports.
    beast::error_code timed(beast::error_code ec) const {
        return timed_out_ && ec == net::error::operation_aborted
                   ? beast::error_code(beast::error::timeout)
                   : ec;
    }

    void read_header() {
        header_parser_.emplace();
        header_parser_->header_limit(limits_.header_limit);
        // Beast checks Content-Length against the parser's body limit (1 MB by
        // default) while it reads the header; the route's own limit is applied
        // once the route is known, so lift it here. (Not boost::none: Beast
        // 1.74 compares the length with the optional, and any length is
        // greater than none.)
        header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        body_parser_.reset();
        file_parser_.reset();
        remove_spool();
        head_ = false;
        close_after_ = false;
        // The whole head, not each piece of it: a byte every few seconds
        // does not keep the connection.
        arm(limits_.header_timeout);
        bhttp::async_read_header(
            socket_, buffer_, *header_parser_,
            beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        ec = timed(ec);
        expires_never();
        if (spdlog::should_log(spdlog::level::debug)) started_ = std::chrono::steady_clock::now();
        if (ec) {
            if (ec == beast::error::timeout && header_parser_->got_some()) {
                guard_.count_request_timeout();
            }
            if (is_disconnect(ec)) return close();
            method_text_ = "?";
            target_ = "?";
            if (ec == bhttp::error::header_limit) {
                return fail(
                    make_error(ErrorCode::header_too_large, "the request headers are too large"));
            }
            return fail(make_error(ErrorCode::invalid, "malformed HTTP request: " + ec.message()));
        }
        auto& head = header_parser_->get();
        // Into the last request's memory: a connection's polls allocate
        // nothing for their target and fields once the first is read.
        Request& req = request_;
        fill_request(head, remote_, req);
        const auto forwarded = req.header("x-forwarded-for");
        if (forwarded.empty()) {
            req.client.assign(peer_text_);
        } else {
            req.client = client_address(peer_, forwarded, guard_.trusted_proxies());
        }
        version_ = head.version();
        keep_alive_ = head.keep_alive();
        head_ = req.method == Method::head;
        method_text_ = req.method_text;
        target_ = req.target;
        match_ = router_.match(request_.method, request_.path);
        plan_ = Router::body_plan(match_);
        if (header_parser_->is_done() || !plan_.gated) return on_admitted(std::nullopt);
        // A body is coming: first who is calling (on a worker: the
        // authenticator may read the database), then the body.
        router_.admit(request_, match_, [self = shared_from_this()](std::optional<Error> refusal) {
            net::post(self->socket_.get_executor(), [self, refusal = std::move(refusal)]() mutable {
                self->on_admitted(std::move(refusal));
            });
        });
    }

    void on_admitted(std::optional<Error> refusal) {
        if (refusal) return fail(*refusal);
        const std::uint64_t limit = plan_.limit;
        const auto length = header_parser_->content_length();
        if (length && *length > limit) {
            return fail(make_error(ErrorCode::too_large,
                                   "the body has " + std::to_string(*length) +
                                       " bytes; this route accepts at most " +
                                       std::to_string(limit),
                                   "body")
                            .because(ErrorReason::file_too_large,
                                     {{"size_bytes", *length}, {"limit_bytes", limit}}));
        }
        // The body's deadline: a fixed part, and time for its declared size
        // at the slowest rate a real client sends.
        const std::uint64_t rate = std::max<std::uint64_t>(1, limits_.min_body_rate);
        body_deadline_ = std::chrono::steady_clock::now() + limits_.body_timeout +
                         std::chrono::seconds(length ? *length / rate : 0);
        const bool done = header_parser_->is_done();
        if (plan_.spool && !done) {
            if (auto st = open_spool(); !st) return fail(st.error());
        } else {
            body_parser_.emplace(std::move(*header_parser_));
            body_parser_->body_limit(limit);
        }
        header_parser_.reset();
        if (!done && iequals(request_.header("expect"), "100-continue")) {
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, version_);
            arm(limits_.write_timeout);
            bhttp::async_write(
                socket_, *cont,
                [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                    if (wec) return self->close();
                    self->arm_body_deadline();
                    self->read_body();
                });
            return;
        }
        if (!done) arm_body_deadline();
        read_body();
    }

    // Spooled bodies go to SPOOL/body.tmp-RANDOM, named as every temporary
    // file is, so that remove_stale_temporaries clears them after a crash.
    Status open_spool() {
        spool_path_ = temporary_path_for(limits_.spool_dir / "body");
        std::error_code dir_ec;
        std::filesystem::create_directories(limits_.spool_dir, dir_ec);
        file_parser_.emplace(std::move(*header_parser_));
        file_parser_->body_limit(plan_.limit);
        beast::error_code ec;
        file_parser_->get().body().open(spool_path_.c_str(), beast::file_mode::write_new, ec);
        if (ec) {
            spdlog::error("cannot open {}: {}", spool_path_.string(), ec.message());
            spool_path_.clear();
            return make_error(ErrorCode::io, "the server cannot take uploads now");
        }
        return {};
    }

    void remove_spool() {
        if (spool_path_.empty()) return;
        std::error_code ec;
        std::filesystem::remove(spool_path_, ec);
        spool_path_.clear();
    }

    // The whole body has a deadline, not each piece of it. Kept by a timer of
    // its own: the stream's timeout would close the socket, and the client is
    // owed its 408.
    void arm_body_deadline() {
        expires_never();
        body_late_ = false;
        body_timer_.expires_at(body_deadline_);
        body_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;  // the body came (or the session ended) first
            self->body_late_ = true;
            beast::error_code cancel_ec;
            self->socket_.cancel(cancel_ec);
        });
    }

    void read_body() {
        if (file_parser_) {
            if (file_parser_->is_done()) return dispatch();
            return bhttp::async_read_some(
                socket_, buffer_, *file_parser_,
                beast::bind_front_handler(&Session::on_body, shared_from_this()));
        }
        if (body_parser_->is_done()) return dispatch();
        bhttp::async_read_some(socket_, buffer_, *body_parser_,
                               beast::bind_front_handler(&Session::on_body, shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t) {
        if (ec && body_late_) {
            guard_.count_request_timeout();
            spdlog::info("{} {} {}: the body did not arrive before its deadline", remote_,
                         method_text_, target_);
            return fail(make_error(ErrorCode::request_timeout,
                                   "the body did not arrive before its deadline", "body"));
        }
        if (ec == bhttp::error::body_limit) {
            return fail(make_error(ErrorCode::too_large,
                                   "the body is larger than this route accepts", "body")
                            .because(ErrorReason::file_too_large, {{"limit_bytes", plan_.limit}}));
        }
        if (ec) {
            if (is_disconnect(ec)) return close();
            return fail(
                make_error(ErrorCode::invalid, "malformed request body: " + ec.message(), "body"));
        }
        read_body();
    }

    void dispatch() {
        body_timer_.cancel();
        if (file_parser_) {
            beast::error_code ec;
            file_parser_->get().body().file().close(ec);
            file_parser_.reset();
            request_.body_file = spool_path_;
        } else {
            request_.body = std::move(body_parser_->get().body());
            body_parser_.reset();
        }
        expires_never();  // a long-poll may take a minute; it costs only this socket
        router_.dispatch(std::move(request_), std::move(match_),
                         Responder(std::shared_ptr<ResponseSink>(shared_from_this())));
        // A request answered on this thread is left here, its memory kept
        // for the next; one handed to a worker was moved out.
        match_ = {};
    }

    // Answers an unreadable or unacceptable request, then closes.
    void fail(const Error& error) {
        close_after_ = true;
        send(error_response(error));
    }

    template <class Body>
    void apply_head(bhttp::response<Body>& msg, const Response& res) {
        msg.version(version_);
        msg.result(static_cast<unsigned>(res.status));
        for (const auto& [name, value] : res.headers.fields()) msg.set(name, value);
        msg.set(bhttp::field::server, "signage-server");
        set_security_headers(msg);
        msg.keep_alive(keep_alive_ && !close_after_);
    }

    void send(Response res) {
        remove_spool();  // the handler is done with it
        body_timer_.cancel();
        status_ = res.status;
        bytes_ = 0;
        const bool bodiless = head_ || res.status == 304 || res.status == 204 || res.status < 200;
        if (bodiless && res.file && res.file->on_sent) res.file->on_sent(0);
        const bool keep = keep_alive_ && !close_after_;
        if (bodiless) {
            // Written from a buffer the session keeps (no message, no
            // serializer): the hot path of every screen's poll.
            format_head(head_text_, version_, res.status, res.headers, keep,
                        head_ && res.status != 304 && res.status != 204
                            ? std::optional<std::uint64_t>(res.body_size())
                            : std::nullopt);
            body_text_.clear();
            body_shared_.reset();
            return write_head_and_body({}, keep);
        }
        if (res.file) {
            auto msg = std::make_shared<bhttp::response<FileRangeBody>>();
            beast::error_code ec;
            msg->body().file.open(res.file->path.c_str(), beast::file_mode::scan, ec);
            if (ec) {
                spdlog::error("cannot open {}: {}", res.file->path.string(), ec.message());
                if (res.file->on_sent) res.file->on_sent(0);
                return send(error_response(make_error(ErrorCode::not_found, "the file is gone")));
            }
            msg->body().offset = res.file->offset;
            msg->body().length = res.file->length;
            apply_head(*msg, res);
            msg->prepare_payload();
            bytes_ = res.file->length;
            on_body_sent_ = std::move(res.file->on_sent);
            header_bytes_ = header_bytes(*msg);
            return write(std::move(msg));
        }
        // A body in memory: the head formatted here, the body written from
        // where it is, so a manifest shared by a group's screens is never
        // copied for one of them.
        bytes_ = res.body_size();
        format_head(head_text_, version_, res.status, res.headers, keep, bytes_);
        body_shared_ = std::move(res.shared_body);
        body_text_ = std::move(res.body);
        const std::string& body = body_shared_ ? *body_shared_ : body_text_;
        write_head_and_body(net::buffer(body), keep);
    }

    // Writes head_text_ and then `body` (which the session holds until the
    // write ends), and goes on with the connection.
    void write_head_and_body(net::const_buffer body, bool keep) {
        written_ = 0;
        arm(limits_.write_timeout);
        const std::array<net::const_buffer, 2> buffers{net::buffer(head_text_), body};
        net::async_write(socket_, buffers,
                         [self = shared_from_this(), keep](beast::error_code ec, std::size_t n) {
                             self->written_ += n;
                             self->body_shared_.reset();
                             if (ec) {
                                 spdlog::debug("{} {} {}: write failed: {}", self->remote_,
                                               self->method_text_, self->target_, ec.message());
                                 return self->close();
                             }
                             self->on_written(!keep);
                         });
    }

    template <class Body>
    void write(std::shared_ptr<bhttp::response<Body>> msg) {
        written_ = 0;
        auto sr = std::make_shared<bhttp::response_serializer<Body>>(*msg);
        write_some(std::move(msg), std::move(sr));
    }

    template <class Body>
    void write_some(std::shared_ptr<bhttp::response<Body>> msg,
                    std::shared_ptr<bhttp::response_serializer<Body>> sr) {
        arm(limits_.write_timeout);  // inactivity, re-armed per piece
        bhttp::async_write_some(
            socket_, *sr,
            [self = shared_from_this(), msg, sr](beast::error_code ec, std::size_t n) mutable {
                self->written_ += n;
                if (ec) {
                    spdlog::debug("{} {} {}: write failed: {}", self->remote_, self->method_text_,
                                  self->target_, ec.message());
                    self->report_body_sent();
                    return self->close();
                }
                if (!sr->is_done()) return self->write_some(std::move(msg), std::move(sr));
                self->report_body_sent();
                self->on_written(msg->need_eof());
            });
    }

    // Tells a file body's on_sent what the socket took of it.
    void report_body_sent() {
        if (!on_body_sent_) return;
        const std::uint64_t body = written_ > header_bytes_ ? written_ - header_bytes_ : 0;
        auto told = std::move(on_body_sent_);
        on_body_sent_ = nullptr;
        told(std::min(body, bytes_));
    }

    void on_written(bool close) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
        spdlog::debug("http: remote={} method={} target=\"{}\" status={} bytes={} ms={}", remote_,
                      method_text_, target_, status_, bytes_, ms);
        if (close) return linger_close();
        read_header();
    }

    // Stops sending, then drains what the client still sends for a moment
    // before closing, so an early answer (413) is not lost to a TCP reset.
    void linger_close() {
        beast::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        arm(std::chrono::seconds(2));
        drain();
    }

    void drain() {
        socket_.async_read_some(net::buffer(drain_buf_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        // The body's timer holds the session (and its connection slot):
        // let both go now, not at the deadline.
        body_timer_.cancel();
        beast::error_code ec;
        expires_never();
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
    }

    ConnectionSocket socket_;
    beast::flat_buffer buffer_;
    const Router& router_;
    SessionLimits limits_;
    ConnectionGuard& guard_;
    std::unique_ptr<ConnectionGuard::Slot> slot_;  // given back with the session
    std::shared_ptr<ConnectionClock> clock_;       // its context's deadlines
    bool timed_out_ = false;                       // the clock cut the operation short
    std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
    std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
    std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;
    std::filesystem::path spool_path_;  // the spooled body of the request in hand
    Router::Match match_;               // the route of the request in hand
    BodyPlan plan_;
    std::chrono::steady_clock::time_point body_deadline_{};
    net::steady_timer body_timer_{socket_.get_executor()};
    bool body_late_ = false;
    Request request_;
    boost::asio::ip::address peer_;
    std::string remote_;
    std::string peer_text_;  // the client without X-Forwarded-For
    std::string method_text_;
    std::string target_;
    unsigned version_ = 11;
    bool keep_alive_ = false;
    bool head_ = false;
    bool close_after_ = false;
    int status_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t written_ = 0;       // bytes of the response the socket has taken
    std::uint64_t header_bytes_ = 0;  // of which the header (file bodies only)
    std::function<void(std::uint64_t)> on_body_sent_;
    std::string head_text_;  // the head of an answer from memory, its capacity kept
    std::string body_text_;  // its body, while it is written
    std::shared_ptr<const std::string> body_shared_;  // or its shared body
    std::chrono::steady_clock::time_point started_{};
    char drain_buf_[4096];
};

}  // namespace

std::chrono::milliseconds clock_period(const SessionLimits& limits) {
    const auto shortest = std::min(limits.header_timeout, limits.write_timeout);
    const auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(shortest) / 4;
    return std::clamp(quarter, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

void start_session(ConnectionSocket socket, const Router& router, const SessionLimits& limits,
                   ConnectionGuard& guard, std::unique_ptr<ConnectionGuard::Slot> slot,
                   std::shared_ptr<ConnectionClock> clock) {
    std::make_shared<Session>(std::move(socket), router, limits, guard, std::move(slot),
                              std::move(clock))
        ->start();
}

void refuse_connection(ConnectionSocket socket) {
    const Response busy = error_response(
        make_error(ErrorCode::unavailable, "too many connections: try again shortly"));
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
    msg->result(static_cast<unsigned>(busy.status));
    for (const auto& [name, value] : busy.headers.fields()) msg->set(name, value);
    msg->set(bhttp::field::retry_after, "5");
    msg->set(bhttp::field::server, "signage-server");
    msg->keep_alive(false);
    msg->body() = busy.body;
    msg->prepare_payload();
    // The answer gets 5 seconds; the timer closes the socket if the client
    // takes none of it.
    struct Refused {
        explicit Refused(ConnectionSocket s) : socket(std::move(s)), timer(socket.get_executor()) {}
        ConnectionSocket socket;
        net::steady_timer timer;
    };
    auto refused = std::make_shared<Refused>(std::move(socket));
    refused->timer.expires_after(std::chrono::seconds(5));
    refused->timer.async_wait([refused](beast::error_code ec) {
        if (!ec) refused->socket.close(ec);
    });
    bhttp::async_write(refused->socket, *msg, [refused, msg](beast::error_code, std::size_t) {
        beast::error_code ec;
        refused->timer.cancel();
        refused->socket.shutdown(tcp::socket::shutdown_both, ec);
        refused->socket.close(ec);
    });
}

}  // namespace signage::server::http
