#pragma once
// Accepts TCP connections and starts a session on each, each on its own
// strand, while the connection caps allow (http/connection_guard.hpp); a
// connection past a cap is answered 503 and closed.

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/result.hpp"
#include "http/session.hpp"

namespace signage::server::http {

class Router;

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    // Binds and listens ("io" error when the address is taken or not ours).
    static Result<std::shared_ptr<Listener>> open(boost::asio::io_context& io,
                                                  const boost::asio::ip::tcp::endpoint& endpoint,
                                                  const Router& router, SessionLimits limits,
                                                  ConnectionGuard& guard);

    // The bound address (with the real port when port 0 was asked for).
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    void start();  // begins accepting
    void stop();   // closes the acceptor; existing sessions go on

    Listener(boost::asio::io_context& io, const Router& router, SessionLimits limits,
             ConnectionGuard& guard);

  private:
    void accept();
    void on_accept(const boost::system::error_code& ec, ConnectionSocket socket);

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    const Router& router_;
    SessionLimits limits_;
    ConnectionGuard& guard_;
};

}  // namespace signage::server::http
