#include "screens/screenshot_requests.hpp"

#include <iterator>

#include "common/random.hpp"
#include "protocol/time.hpp"
#include "store/records.hpp"

namespace signage::server {
namespace {

// Ended requests are answered this long after their time limit.
constexpr std::chrono::minutes kKeepAfter{10};

std::string iso_after(std::chrono::seconds s) {
    return protocol::format_iso8601(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now() + s));
}

}  // namespace

const char* to_string(ScreenshotRequests::State state) {
    switch (state) {
        case ScreenshotRequests::State::pending:
            return "pending";
        case ScreenshotRequests::State::arrived:
            return "arrived";
        case ScreenshotRequests::State::failed:
            return "failed";
        case ScreenshotRequests::State::expired:
            return "expired";
    }
    return "pending";
}

bool ScreenshotRequests::known_reason(const std::string& reason) {
    return reason == "capture" || reason == "encode" || reason == "upload";
}

ScreenshotRequests::ScreenshotRequests(std::chrono::seconds timeout) : timeout_(timeout) {}

ScreenshotRequests::View ScreenshotRequests::open(std::int64_t screen_id) {
    const auto now = Clock::now();
    Entry e;
    e.view.id = random_hex(8);
    e.view.screen_id = screen_id;
    e.view.requested_at = now_iso8601();
    e.view.expires_at = iso_after(timeout_);
    e.view.timeout_s = static_cast<int>(timeout_.count());
    e.deadline = now + timeout_;
    std::lock_guard lock(mutex_);
    purge_locked(now);
    const View view = e.view;
    entries_[view.id] = std::move(e);
    return view;
}

bool ScreenshotRequests::arrived(std::int64_t screen_id, const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.view.screen_id != screen_id) return false;
    it->second.view.state = State::arrived;
    it->second.view.reason.clear();
    it->second.view.detail.clear();
    it->second.view.answered_at = now_iso8601();
    return true;
}

Result<ScreenshotRequests::View> ScreenshotRequests::failed(std::int64_t screen_id,
                                                            const std::string& id,
                                                            const std::string& reason,
                                                            const std::string& detail) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.view.screen_id != screen_id) {
        return make_error(ErrorCode::not_found,
                          "no screenshot request with this id for this screen", "id");
    }
    View& v = it->second.view;
    if (v.state == State::arrived) {
        return make_error(ErrorCode::conflict, "this screenshot has already arrived", "id");
    }
    v.state = State::failed;
    v.reason = reason;
    v.detail = detail;
    v.answered_at = now_iso8601();
    return view_locked(it->second, Clock::now());
}

Result<ScreenshotRequests::View> ScreenshotRequests::get(std::int64_t screen_id,
                                                         const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.view.screen_id != screen_id) {
        return make_error(ErrorCode::not_found,
                          "no such screenshot request for this screen (or the server restarted)",
                          "request");
    }
    return view_locked(it->second, Clock::now());
}

ScreenshotRequests::View ScreenshotRequests::view_locked(const Entry& e,
                                                         Clock::time_point now) const {
    View v = e.view;
    if (v.state == State::pending && now >= e.deadline) v.state = State::expired;
    return v;
}

void ScreenshotRequests::purge_locked(Clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = now >= it->second.deadline + kKeepAfter ? entries_.erase(it) : std::next(it);
    }
}

}  // namespace signage::server
