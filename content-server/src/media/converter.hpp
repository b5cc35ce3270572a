#pragma once
// Converts stored films to the screen profiles they do not fit
// (media/video_profile.hpp), one at a time, on a thread of its own at a
// lower priority (nice 10), with the `ffmpeg` program as a supervised child:
// no shell, standard input /dev/null, its own process group, killed at its
// time limit (10x the film's length + 120 s unless configured) or when the
// server stops. It writes to a temporary file in the spool directory, and what it
// wrote is probed and stored as a medium marked as the film's rendition
// (MediaStore::ingest_rendition); a failure (ffmpeg's exit status, the time
// limit, the probe's refusal) is recorded with the last lines ffmpeg wrote
// and leaves the original as it was.
//
// The work lives in the store (RenditionRecord, schema 13): schedule() queues
// a conversion for each film and each profile in use it does not fit, and a
// restart takes up the queued ones and starts over the one it was converting.
// Progress is ffmpeg's out_time over the film's length.
// With several instances on one database (Store::shared()), each takes a
// conversion in a write transaction (claim_rendition) and holds it for two
// minutes, said again every 30 s while ffmpeg works; the others leave it
// alone. A stopping instance lets go of its conversion at once; one killed
// loses it when its hold runs out (or at once when it starts again under
// the same --instance-name), and an instance with nothing to do looks for
// such a conversion every minute.
//
// A failed conversion is tried again after a minute, then ten minutes, then
// an hour (ConvertConfig::retry_delays), then stays failed with its reason
// until staff ask for it again (retry(), which starts the count over). The
// schedule lives in the failed row, in columns it has: updated_at is when
// it failed and lease_until_ms when it is tried again (0: not again), so
// the delay between them tells how many times it failed
// (failures_before_retry); a restart, or another instance, goes on with it.
//
// With nothing to convert, the thread removes the conversions of profiles
// no group has any more (MediaStore::sweep_renditions): after schedule()
// (a profile changed), after conversions (the manifests moved to their
// new renditions), and every hour.
//
// Threading: schedule() from any thread (it writes the store); start() and
// stop() from the thread that owns the server.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "media/media_store.hpp"
#include "media/video_profile.hpp"

namespace signage::server {

class Store;

struct ConvertConfig {
    std::filesystem::path ffmpeg;     // the program; empty: "ffmpeg" on PATH
    std::filesystem::path spool_dir;  // where conversions write (DATA/spool)
    // 0: 10x the film's length + 120 s; else this (--convert-timeout-ms).
    std::chrono::milliseconds timeout{0};
    // How long after each failure a conversion is tried again, in turn;
    // whole seconds, each longer than the one before (--convert-retry-seconds).
    std::vector<std::chrono::seconds> retry_delays{std::chrono::minutes(1),
                                                   std::chrono::minutes(10), std::chrono::hours(1)};
};

// "60,600,3600" as retry delays: whole seconds, each longer than the one
// before; "none" for no retries. Errors are "invalid" naming `field`.
Result<std::vector<std::chrono::seconds>> parse_retry_delays(std::string_view text,
                                                             const std::string& field);

// How many times the conversion of `failed` (a failed row whose retry is
// scheduled, lease_until_ms > 0) has failed: the delays[n - 1] its retry
// was put off by, from updated_at (whole seconds) to lease_until_ms.
int failures_before_retry(const RenditionRecord& failed,
                          const std::vector<std::chrono::seconds>& delays);

// ffmpeg's arguments that convert `film` (at `in`) for `target` into `out` (MP4).
std::vector<std::string> convert_arguments(const VideoInfo& film,
                                           const protocol::VideoProfile& target,
                                           const std::filesystem::path& in,
                                           const std::filesystem::path& out);

// The last `lines` lines of ffmpeg's error output, trimmed, joined by "; ",
// at most 500 bytes.
std::string last_lines(const std::string& text, std::size_t lines = 3);

class Converter {
  public:
    Converter(Store& store, MediaStore& media, ConvertConfig config);
    ~Converter();
    Converter(const Converter&) = delete;
    Converter& operator=(const Converter&) = delete;

    // Called on the converter's thread after each conversion that succeeded
    // (the publisher re-issues the manifests that can use it). Before start().
    void on_done(std::function<void()> done) { on_done_ = std::move(done); }

    // This instance (--instance-name, or HOST:PORT): who holds a
    // conversion. Before start().
    void set_instance(std::string instance) { instance_ = std::move(instance); }

    void start();  // schedules what is missing and starts the thread
    void stop();   // kills a running conversion (left to resume) and joins

    // Queues the conversions the groups' profiles need of every stored film,
    // and wakes the thread. Call it after an upload and a profile change.
    void schedule();

    // Queues again every failed conversion of `film` (staff asked, `actor`;
    // audited): its retries start over. How many; "not_found" (field
    // sha256) when no film of that sha256 was uploaded.
    Result<int> retry(const std::string& film, std::int64_t actor);

  private:
    void run();
    // Sweeps the renditions no group needs when it is time, then waits
    // until schedule() or stop(), the next retry of a failed conversion,
    // the next sweep or (with several instances) a minute.
    void idle();
    // Converts `work`, whose conversion failed `failures` times before.
    void convert(RenditionRecord work, int failures);
    void save(const RenditionRecord& record);

    Store& store_;
    MediaStore& media_;
    ConvertConfig config_;
    std::string instance_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;     // under mutex_: schedule() was called
    bool sweep_asked_ = true;  // under mutex_: a sweep is due at the next idle()
    std::chrono::steady_clock::time_point next_sweep_{};  // converter thread
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    std::function<void()> on_done_;
};

}  // namespace signage::server
