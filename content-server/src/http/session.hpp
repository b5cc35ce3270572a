#pragma once
// One HTTP/1.1 connection: reads a request (header first, so a body too large
// for its route is refused with 413 before it is read), hands it to the router,
// writes the response, and repeats while the client keeps the connection
// alive. Requests on one connection are answered in order.
//
// Timeouts: reading and writing are bounded by an inactivity timeout, but a
// request being handled (a long-poll waiting for a publish) has none: it costs
// a socket, not a thread.

#include <chrono>
#include <cstdint>

#include <boost/asio/ip/tcp.hpp>

namespace signage::server::http {

class Router;

struct SessionLimits {
    std::uint32_t header_limit = 16 * 1024;  // bytes of request line and headers
    std::chrono::seconds idle_timeout{30};   // no byte from the client for this long
    std::chrono::seconds write_timeout{30};  // no byte accepted by the client for this long
};

// Starts serving the accepted socket; the session owns itself from here on.
// `router` must outlive every session.
void start_session(boost::asio::ip::tcp::socket socket, const Router& router,
                   const SessionLimits& limits);

}  // namespace signage::server::http
