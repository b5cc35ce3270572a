#include "http/connection_clock.hpp"

namespace signage::server::http {

ConnectionClock::ConnectionClock(boost::asio::io_context& io, std::chrono::milliseconds period)
    : timer_(io), period_(period) {}

void ConnectionClock::watch(const std::shared_ptr<Watched>& w) {
    watched_.push_back(w);
    if (ticking_) return;
    ticking_ = true;
    tick();
}

void ConnectionClock::tick() {
    // Ticks only while it watches something: an idle server does not wake.
    if (watched_.empty()) {
        ticking_ = false;
        return;
    }
    timer_.expires_after(period_);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec) {
            self->ticking_ = false;
            return;
        }
        const Time now = std::chrono::steady_clock::now();
        auto& list = self->watched_;
        for (std::size_t i = 0; i < list.size();) {
            auto w = list[i].lock();
            if (!w) {  // the connection is gone: its place goes to the last
                list[i] = std::move(list.back());
                list.pop_back();
                continue;
            }
            if (w->deadline_ <= now) {
                w->deadline_ = Time::max();
                w->expire();
            }
            ++i;
        }
        self->tick();
    });
}

}  // namespace signage::server::http
