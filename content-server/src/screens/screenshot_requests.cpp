#include "screens/screenshot_requests.hpp"

#include "common/random.hpp"
#include "protocol/time.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

// Ended requests are answered this long after their time limit.
constexpr std::chrono::minutes kKeepAfter{10};

// What staff and the screen are told of a request, expired once its time
// to answer ended unanswered: after the millisecond it ends in, as both
// times are cut to whole milliseconds (never before the limit).
ScreenshotRequests::View view_of(const ScreenshotRequestRow& row) {
    using State = ScreenshotRequests::State;
    ScreenshotRequests::View v;
    v.id = row.id;
    v.screen_id = row.screen_id;
    v.state = row.state == "arrived"           ? State::arrived
              : row.state == "failed"          ? State::failed
              : now_unix_ms() > row.expires_ms ? State::expired
                                               : State::pending;
    v.reason = row.reason;
    v.detail = row.detail;
    v.requested_at = row.requested_at;
    v.expires_at = protocol::format_iso8601(std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::time_point(std::chrono::milliseconds(row.expires_ms))));
    v.answered_at = row.answered_at;
    v.timeout_s = row.timeout_s;
    return v;
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

ScreenshotRequests::ScreenshotRequests(Store& store, std::chrono::seconds timeout)
    : store_(store), timeout_(timeout) {}

Result<ScreenshotRequests::View> ScreenshotRequests::open(std::int64_t screen_id) {
    ScreenshotRequestRow row;
    row.id = random_hex(8);
    row.screen_id = screen_id;
    row.state = "pending";
    row.requested_at = now_iso8601();
    row.expires_ms = now_unix_ms() + std::chrono::milliseconds(timeout_).count();
    row.timeout_s = static_cast<int>(timeout_.count());
    auto opened = store_.write([&](Tx& tx) -> Status {
        tx.health().purge_screenshot_requests(now_unix_ms() -
                                              std::chrono::milliseconds(kKeepAfter).count());
        tx.health().add_screenshot_request(row);
        return {};
    });
    if (!opened) return opened.error();
    return view_of(row);
}

Result<bool> ScreenshotRequests::arrived(std::int64_t screen_id, const std::string& id) {
    return store_.write([&](Tx& tx) -> Result<bool> {
        auto row = tx.health().screenshot_request(id);
        if (!row || row->screen_id != screen_id) return false;
        row->state = "arrived";
        row->reason.clear();
        row->detail.clear();
        row->answered_at = now_iso8601();
        tx.health().answer_screenshot_request(*row);
        return true;
    });
}

Result<ScreenshotRequests::View> ScreenshotRequests::failed(std::int64_t screen_id,
                                                            const std::string& id,
                                                            const std::string& reason,
                                                            const std::string& detail) {
    return store_.write([&](Tx& tx) -> Result<View> {
        auto row = tx.health().screenshot_request(id);
        if (!row || row->screen_id != screen_id) {
            return make_error(ErrorCode::not_found,
                              "no screenshot request with this id for this screen", "id");
        }
        if (row->state == "arrived") {
            return make_error(ErrorCode::conflict, "this screenshot has already arrived", "id");
        }
        row->state = "failed";
        row->reason = reason;
        row->detail = detail;
        row->answered_at = now_iso8601();
        tx.health().answer_screenshot_request(*row);
        return view_of(*row);
    });
}

Result<ScreenshotRequests::View> ScreenshotRequests::get(std::int64_t screen_id,
                                                         const std::string& id) {
    return store_.read([&](Tx& tx) -> Result<View> {
        auto row = tx.health().screenshot_request(id);
        if (!row || row->screen_id != screen_id) {
            return make_error(ErrorCode::not_found,
                              "no such screenshot request for this screen (or it ended over "
                              "ten minutes ago)",
                              "request");
        }
        return view_of(*row);
    });
}

}  // namespace signage::server
