#pragma once
// One HTTP/1.1 connection: reads a request (header first, so a body too large
// for its route is refused with 413 before it is read), hands it to the router,
// writes the response, and repeats while the client keeps the connection
// alive. Requests on one connection are answered in order.
//
// Before the body: the route's gate (who is calling: 401/403) and its body
// limit (413) are answered from the head alone, so a refused caller never
// costs the server its body; a spooled route's body goes to a file.
//
// Deadlines: a request's head must arrive whole within `header_timeout` of
// the session starting to wait for it (so an idle keep-alive connection is
// closed too), and its body within `body_timeout` plus one second for every
// `min_body_rate` bytes it declares: a client that trickles a byte at a time
// is cut off however often it sends. Writing is bounded by an inactivity
// timeout. Head, write and closing deadlines hold to within the period of
// the context's ConnectionClock (clock_period). A request being handled (a
// long-poll waiting for a publish) has no deadline: it costs a socket, not a
// thread.

#include <chrono>
#include <cstdint>

#include <filesystem>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/connection_clock.hpp"
#include "http/connection_guard.hpp"

namespace signage::server::http {

class Router;

struct SessionLimits {
    std::uint32_t header_limit = 16 * 1024;   // bytes of request line and headers
    std::chrono::seconds header_timeout{30};  // for a whole head (or an idle connection)
    std::chrono::seconds body_timeout{30};    // for a whole body, plus:
    std::uint64_t min_body_rate = 64 * 1024;  // bytes a second a declared body may take
    std::chrono::seconds write_timeout{30};   // no byte accepted by the client for this long
    std::filesystem::path spool_dir;          // spooled bodies; emptied at start
};

// How often a context's ConnectionClock looks for connections past their
// deadline: a quarter of the shortest of the limits' timeouts, from 50 ms to
// 1 s.
std::chrono::milliseconds clock_period(const SessionLimits& limits);

// An accepted connection. Each I/O context is run by exactly one thread, so
// a connection's handlers never run at once: it needs no strand, and an
// answer dispatched from its own context's thread is written at once.
using ConnectionExecutor = boost::asio::io_context::executor_type;
using ConnectionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, ConnectionExecutor>;

// Starts serving the accepted socket, which holds `slot`; the session owns
// itself from here on, its deadlines kept by `clock` (that of the socket's
// context). `router` and `guard` must outlive every session.
void start_session(ConnectionSocket socket, const Router& router, const SessionLimits& limits,
                   ConnectionGuard& guard, std::unique_ptr<ConnectionGuard::Slot> slot,
                   std::shared_ptr<ConnectionClock> clock);

// Answers a connection turned away by a cap (503, Retry-After) and closes it.
void refuse_connection(ConnectionSocket socket);

}  // namespace signage::server::http
