#include "http/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace signage::server::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io, std::vector<net::io_context*> connections,
                   const Router& router, SessionLimits limits, ConnectionGuard& guard)
    : acceptor_(net::make_strand(io)),
      retry_(acceptor_.get_executor()),
      router_(router),
      limits_(std::move(limits)),
      guard_(guard) {
    const auto period = clock_period(limits_);
    for (net::io_context* c : connections) {
        contexts_.push_back({c, std::make_shared<ConnectionClock>(*c, period)});
    }
}

Result<std::shared_ptr<Listener>> Listener::open(net::io_context& io,
                                                 std::vector<net::io_context*> connections,
                                                 const tcp::endpoint& endpoint,
                                                 const Router& router, SessionLimits limits,
                                                 ConnectionGuard& guard) {
    if (connections.empty()) connections.push_back(&io);
    auto l =
        std::make_shared<Listener>(io, std::move(connections), router, std::move(limits), guard);
    boost::system::error_code ec;
    const auto where = [&] {
        return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    };
    l->acceptor_.open(endpoint.protocol(), ec);
    if (!ec) l->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) l->acceptor_.bind(endpoint, ec);
    if (ec) return make_error(ErrorCode::io, "cannot bind " + where() + ": " + ec.message());
    l->acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return make_error(ErrorCode::io, "cannot listen on " + where() + ": " + ec.message());
    return l;
}

tcp::endpoint Listener::local_endpoint() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void Listener::start() {
    accept();
}

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ec;
        self->acceptor_.close(ec);
        self->retry_.cancel();
    });
}

void Listener::accept() {
    acceptor_.async_accept(
        *contexts_[next_].io,
        [self = shared_from_this()](const boost::system::error_code& ec, ConnectionSocket socket) {
            self->on_accept(ec, std::move(socket));
        });
}

void Listener::on_accept(const boost::system::error_code& ec, ConnectionSocket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
        // Out of file descriptors and the like: wait a little instead of spinning.
        spdlog::warn("accept failed: {}; retrying", ec.message());
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([self = shared_from_this()](const boost::system::error_code& wec) {
            if (!wec) self->accept();
        });
        return;
    }
    boost::system::error_code pec;
    const auto peer = socket.remote_endpoint(pec);
    if (pec) {  // gone already
        accept();
        return;
    }
    if (auto slot = guard_.admit(peer.address())) {
        start_session(std::move(socket), router_, limits_, guard_, std::move(slot),
                      contexts_[next_].clock);
        next_ = (next_ + 1) % contexts_.size();
    } else {
        spdlog::debug("connection from {} refused: too many open", peer.address().to_string());
        refuse_connection(std::move(socket));
    }
    accept();
}

}  // namespace signage::server::http
