#include "app/health_reporter.hpp"

#include <deque>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "protocol/time.hpp"
#include "render/png.hpp"

namespace signage::app {

struct HealthReporter::Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    bool change = false;
    // Frames captured for screenshots (or why they could not be), with
    // their requests' ids, in order.
    std::deque<std::pair<Result<render::SurfacePtr>, std::string>> frames;
};

HealthReporter::HealthReporter(HealthOptions options, player::ReportTarget target, Player& player,
                               StatusFn status)
    : options_(std::move(options)),
      target_(std::move(target)),
      player_(player),
      status_(std::move(status)),
      shared_(std::make_shared<Shared>()) {}

HealthReporter::~HealthReporter() {
    stop();
}

void HealthReporter::start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void HealthReporter::stop() {
    {
        std::lock_guard lock(shared_->mu);
        shared_->stopping = true;
    }
    shared_->cv.notify_all();
    if (thread_.joinable()) thread_.join();
}

void HealthReporter::notify_change() {
    {
        std::lock_guard lock(shared_->mu);
        shared_->change = true;
    }
    shared_->cv.notify_all();
}

void HealthReporter::request_screenshot(const std::string& id) {
    // The handler runs on the main thread and may outlive this reporter: it
    // holds the shared state only.
    player_.request_frame([shared = shared_, id](Result<render::SurfacePtr> frame) {
        {
            std::lock_guard lock(shared->mu);
            if (shared->stopping) return;
            shared->frames.emplace_back(std::move(frame), id);
        }
        shared->cv.notify_all();
    });
}

void HealthReporter::run() {
    using Clock = std::chrono::steady_clock;
    const auto heartbeat_every = std::chrono::seconds(options_.heartbeat_s);
    const auto shot_every = std::chrono::seconds(options_.screenshot_s);
    auto next_heartbeat = Clock::now();
    auto next_shot = Clock::now() + shot_every;
    for (;;) {
        std::deque<std::pair<Result<render::SurfacePtr>, std::string>> frames;
        bool heartbeat = false;
        bool periodic_shot = false;
        {
            std::unique_lock lock(shared_->mu);
            auto due = next_heartbeat;
            if (options_.screenshot_s > 0) due = std::min(due, next_shot);
            shared_->cv.wait_until(lock, due, [this] {
                return shared_->stopping || shared_->change || !shared_->frames.empty();
            });
            if (shared_->stopping) return;
            const auto now = Clock::now();
            heartbeat = shared_->change || now >= next_heartbeat;
            shared_->change = false;
            frames.swap(shared_->frames);
            periodic_shot = options_.screenshot_s > 0 && now >= next_shot;
        }
        // A screenshot goes with a heartbeat, sent first, so whoever looks at
        // the picture sees the item, memory and errors of that moment.
        if (heartbeat || !frames.empty()) {
            send_heartbeat();
            next_heartbeat = Clock::now() + heartbeat_every;
        }
        for (auto& [frame, id] : frames) send_screenshot(std::move(frame), id);
        if (periodic_shot) {
            request_screenshot({});
            next_shot = Clock::now() + shot_every;
        }
    }
}

void HealthReporter::send_heartbeat() {
    player::HeartbeatReport report;
    if (status_) status_(report);
    report.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - options_.started)
                          .count();
    report.rss_bytes = player::resident_bytes();
    report.cache_bytes = player::directory_bytes(options_.cache);
    report.free_disk_bytes = player::free_disk_bytes(options_.cache);
    report.clock_offset_ms = clock_offset_ms_;
    report.interval_s = options_.heartbeat_s;
    report.sent_at = protocol::format_iso8601(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    auto answer = player::post_heartbeat(target_, report);
    if (!answer) {
        // Once per failing stretch: a server that is down must not flood the log.
        if (!last_failed_) spdlog::warn("heartbeat: not sent: {}", answer.error().to_string());
        last_failed_ = true;
        return;
    }
    if (answer->clock_offset_ms) clock_offset_ms_ = answer->clock_offset_ms;
    if (last_failed_) spdlog::info("heartbeat: sending again");
    last_failed_ = false;
    spdlog::debug("heartbeat: sent manifest={} item={} rss_bytes={} offset_ms={}",
                  report.manifest_version.empty() ? "none" : report.manifest_version,
                  report.item_id.empty() ? "none" : report.item_id, report.rss_bytes,
                  clock_offset_ms_ ? std::to_string(*clock_offset_ms_) : "unknown");
}

void HealthReporter::send_screenshot(Result<render::SurfacePtr> frame, const std::string& id) {
    const auto started = std::chrono::steady_clock::now();
    if (!frame) {
        report_failure(id, "capture", frame.error().message);
        return;
    }
    const auto path = options_.cache / "screenshot.png";
    if (auto st = render::save_png_atomic(**frame, path); !st) {
        spdlog::warn("screenshot: cannot encode: {}", st.error().message);
        report_failure(id, "encode", st.error().message);
        return;
    }
    auto png = read_file(path);
    if (!png) {
        spdlog::warn("screenshot: cannot read {}", path.string());
        report_failure(id, "encode", "cannot read " + path.string());
        return;
    }
    auto st = player::put_screenshot(target_, *png, id);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    if (!st) {
        spdlog::warn("screenshot: not sent id={}: {}", id.empty() ? "periodic" : id,
                     st.error().to_string());
        report_failure(id, "upload", st.error().message);
        return;
    }
    spdlog::info("screenshot: sent id={} bytes={} ms={}", id.empty() ? "periodic" : id, png->size(),
                 ms);
}

void HealthReporter::report_failure(const std::string& id, const char* reason,
                                    const std::string& detail) {
    if (id.empty()) return;  // a periodic one: nobody waits for it
    if (auto st = player::post_screenshot_failure(target_, id, reason, detail); !st) {
        spdlog::warn("screenshot: failure not reported id={}: {}", id, st.error().to_string());
        return;
    }
    spdlog::info("screenshot: failed id={} reason={}", id, reason);
}

}  // namespace signage::app
