#pragma once
// Accepts TCP connections and starts a session on each while the connection
// caps allow (http/connection_guard.hpp); a connection past a cap is answered
// 503 and closed. Connections are dealt in turn to the I/O contexts given,
// each run by one thread of its own (http/session.hpp: no strands).

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/result.hpp"
#include "http/connection_clock.hpp"
#include "http/session.hpp"

namespace signage::server::http {

class Router;

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    // Binds and listens on `io` ("io" error when the address is taken or not
    // ours); connections go to `connections` (not empty; `io` may be one).
    static Result<std::shared_ptr<Listener>> open(boost::asio::io_context& io,
                                                  std::vector<boost::asio::io_context*> connections,
                                                  const boost::asio::ip::tcp::endpoint& endpoint,
                                                  const Router& router, SessionLimits limits,
                                                  ConnectionGuard& guard);

    // The bound address (with the real port when port 0 was asked for).
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    void start();  // begins accepting
    void stop();   // closes the acceptor; existing sessions go on

    Listener(boost::asio::io_context& io, std::vector<boost::asio::io_context*> connections,
             const Router& router, SessionLimits limits, ConnectionGuard& guard);

  private:
    void accept();
    void on_accept(const boost::system::error_code& ec, ConnectionSocket socket);

    struct Context {
        boost::asio::io_context* io;
        std::shared_ptr<ConnectionClock> clock;
    };

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    std::vector<Context> contexts_;
    std::size_t next_ = 0;  // the context the next connection goes to
    const Router& router_;
    SessionLimits limits_;
    ConnectionGuard& guard_;
};

}  // namespace signage::server::http
