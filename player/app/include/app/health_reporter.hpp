#pragma once
// The screen's reports to the server, on a thread of their own so the render
// loop never waits for the network:
// - a heartbeat (core/heartbeat.hpp) every `heartbeat_s` seconds, and at
//   once after notify_change(): the screen calls it when a new manifest
//   plays, when a sync error appears or clears, and when it starts serving
//   with a (new) token. The item on screen changes too often to count as a
//   change; it goes with the next heartbeat.
// - screenshots: request_screenshot() (the server's "screenshot" command)
//   asks the play loop for its current frame, encodes it as PNG here and
//   uploads it, right after a heartbeat (so the item shown beside the
//   picture is current); with `screenshot_s` > 0 one is also sent that often.
//   A requested one that cannot be taken, encoded or uploaded is reported
//   to the server as failed, with the reason, for the request's id.
// A heartbeat or screenshot that fails is dropped (logged); only the latest
// matters, so nothing queues on disk.
//
// Threading: every method is safe from any thread; stop() joins.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/player.hpp"
#include "core/heartbeat.hpp"

namespace signage::app {

struct HealthOptions {
    int heartbeat_s = 60;
    int screenshot_s = 0;  // 0: no periodic screenshots
    std::filesystem::path cache;
    std::chrono::steady_clock::time_point started;  // the process's start, for uptime
};

class HealthReporter {
  public:
    // Fills what only the caller knows: manifest version, item on screen,
    // last sync error. Called on the reporter's thread.
    using StatusFn = std::function<void(player::HeartbeatReport&)>;

    HealthReporter(HealthOptions options, player::ReportTarget target, Player& player,
                   StatusFn status);
    ~HealthReporter();
    HealthReporter(const HealthReporter&) = delete;
    HealthReporter& operator=(const HealthReporter&) = delete;

    void start();  // sends the first heartbeat at once
    void stop();
    void notify_change();
    // `id`: the server's request id ("" for a periodic one).
    void request_screenshot(const std::string& id);

  private:
    struct Shared;  // the state the play loop's frame handler may still reach
    void run();
    void send_heartbeat();
    void send_screenshot(Result<render::SurfacePtr> frame, const std::string& id);
    // Tells the server why the screenshot `id` cannot come ("capture",
    // "encode" or "upload"), so staff see it at once; nothing for periodic ones.
    void report_failure(const std::string& id, const char* reason, const std::string& detail);

    HealthOptions options_;
    player::ReportTarget target_;
    Player& player_;
    StatusFn status_;
    std::shared_ptr<Shared> shared_;
    std::optional<std::int64_t> clock_offset_ms_;  // reporter thread only
    bool last_failed_ = false;                     // reporter thread only
    std::thread thread_;
};

}  // namespace signage::app
