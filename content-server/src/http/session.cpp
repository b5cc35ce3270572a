#include "http/session.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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

bool is_disconnect(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
           ec == beast::error::timeout || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::operation_aborted ||
           ec == net::error::broken_pipe;
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, const Router& router, const SessionLimits& limits)
        : stream_(std::move(socket)), router_(router), limits_(limits) {
        beast::error_code ec;
        const auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }

    void start() {
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&Session::read_header, shared_from_this()));
    }

  private:
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
        head_ = false;
        close_after_ = false;
        stream_.expires_after(limits_.idle_timeout);
        bhttp::async_read_header(
            stream_, buffer_, *header_parser_,
            beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        started_ = std::chrono::steady_clock::now();
        if (ec) {
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
        Request req = request_from_header(head, remote_);
        version_ = head.version();
        keep_alive_ = head.keep_alive();
        head_ = req.method == Method::head;
        method_text_ = req.method_text;
        target_ = req.target;

        const std::uint64_t limit = router_.body_limit(req.method, req.path);
        if (auto length = header_parser_->content_length(); length && *length > limit) {
            return fail(make_error(ErrorCode::too_large,
                                   "the body has " + std::to_string(*length) +
                                       " bytes; this route accepts at most " +
                                       std::to_string(limit),
                                   "body")
                            .because(ErrorReason::file_too_large,
                                     {{"size_bytes", *length}, {"limit_bytes", limit}}));
        }
        request_ = std::move(req);
        body_parser_.emplace(std::move(*header_parser_));
        header_parser_.reset();
        body_parser_->body_limit(limit);
        if (!body_parser_->is_done() && iequals(request_.header("expect"), "100-continue")) {
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, version_);
            stream_.expires_after(limits_.write_timeout);
            bhttp::async_write(
                stream_, *cont,
                [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                    if (wec) return self->close();
                    self->read_body();
                });
            return;
        }
        read_body();
    }

    void read_body() {
        if (body_parser_->is_done()) return dispatch();
        stream_.expires_after(limits_.idle_timeout);  // inactivity, re-armed per piece
        bhttp::async_read_some(stream_, buffer_, *body_parser_,
                               beast::bind_front_handler(&Session::on_body, shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t) {
        if (ec == bhttp::error::body_limit) {
            return fail(make_error(ErrorCode::too_large,
                                   "the body is larger than this route accepts", "body")
                            .because(ErrorReason::file_too_large,
                                     {{"limit_bytes",
                                       router_.body_limit(request_.method, request_.path)}}));
        }
        if (ec) {
            if (is_disconnect(ec)) return close();
            return fail(
                make_error(ErrorCode::invalid, "malformed request body: " + ec.message(), "body"));
        }
        read_body();
    }

    void dispatch() {
        request_.body = std::move(body_parser_->get().body());
        body_parser_.reset();
        stream_.expires_never();  // a long-poll may take a minute; it costs only this socket
        auto self = shared_from_this();
        Responder respond{[self](Response r) {
            net::post(self->stream_.get_executor(),
                      [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
        }};
        router_.dispatch(std::move(request_), std::move(respond));
        request_ = Request{};
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
        msg.keep_alive(keep_alive_ && !close_after_);
    }

    void send(Response res) {
        status_ = res.status;
        bytes_ = 0;
        const bool bodiless = head_ || res.status == 304 || res.status == 204 || res.status < 200;
        if (bodiless) {
            auto msg = std::make_shared<bhttp::response<bhttp::empty_body>>();
            apply_head(*msg, res);
            if (head_ && res.status != 304 && res.status != 204)
                msg->content_length(res.body_size());
            return write(std::move(msg));
        }
        if (res.file) {
            auto msg = std::make_shared<bhttp::response<FileRangeBody>>();
            beast::error_code ec;
            msg->body().file.open(res.file->path.c_str(), beast::file_mode::scan, ec);
            if (ec) {
                spdlog::error("cannot open {}: {}", res.file->path.string(), ec.message());
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
        auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
        apply_head(*msg, res);
        msg->body() = std::move(res.body);
        msg->prepare_payload();
        bytes_ = msg->body().size();
        write(std::move(msg));
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
        stream_.expires_after(limits_.write_timeout);  // inactivity, re-armed per piece
        bhttp::async_write_some(
            stream_, *sr,
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
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.expires_after(std::chrono::seconds(2));
        drain();
    }

    void drain() {
        stream_.async_read_some(net::buffer(drain_buf_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    const Router& router_;
    SessionLimits limits_;
    std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
    std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
    Request request_;
    std::string remote_;
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
    std::chrono::steady_clock::time_point started_{};
    char drain_buf_[4096];
};

}  // namespace

void start_session(tcp::socket socket, const Router& router, const SessionLimits& limits) {
    std::make_shared<Session>(std::move(socket), router, limits)->start();
}

}  // namespace signage::server::http
