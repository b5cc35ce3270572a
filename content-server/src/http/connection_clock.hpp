#pragma once
// The deadlines of the connections of one I/O context, kept by one timer
// instead of a timer per operation: each connection writes down when its
// current read or write must end (a plain store, no timer queue), and the
// clock looks over its connections every `period` and tells those past their
// deadline. A deadline is kept to within one period.
//
// Threading: the clock belongs to one io_context that exactly one thread
// runs; watch() and every Watched's expire() run on that thread.

#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace signage::server::http {

class ConnectionClock : public std::enable_shared_from_this<ConnectionClock> {
  public:
    using Time = std::chrono::steady_clock::time_point;

    // What the clock watches: a connection with a deadline it moves itself.
    class Watched {
      public:
        virtual ~Watched() = default;
        void expires_after(std::chrono::steady_clock::duration d) {
            deadline_ = std::chrono::steady_clock::now() + d;
        }
        void expires_never() { deadline_ = Time::max(); }

      private:
        friend class ConnectionClock;
        // The deadline has passed: called once, and the deadline is then
        // cleared, until the connection sets another.
        virtual void expire() = 0;
        Time deadline_ = Time::max();
    };

    ConnectionClock(boost::asio::io_context& io, std::chrono::milliseconds period);

    // Watches `w` until it is gone (only a weak reference is kept). On the
    // context's thread.
    void watch(const std::shared_ptr<Watched>& w);

    std::size_t watched() const { return watched_.size(); }

  private:
    void tick();

    boost::asio::steady_timer timer_;
    std::chrono::milliseconds period_;
    std::vector<std::weak_ptr<Watched>> watched_;
    bool ticking_ = false;
};

}  // namespace signage::server::http
