#pragma once
// The sync client: holds the manifest long-poll against the content server,
// downloads missing media into the cache (resumable, sha256-checked,
// temporary file + rename), commits the manifest once all its media are
// present, and only then reports it. Until then the old manifest keeps playing.
//
// Before downloading, it makes room under SyncOptions::cache_max_bytes
// (Cache::make_room: least recently used media out, never those of the
// manifest on screen or the incoming one). A manifest whose media cannot fit
// is not fetched at all: the error (cache_full) is reported once, and the
// loop then long-polls naming that version, so it neither retries nor logs
// again until a newer manifest comes.
//
// Threading: start() runs the loop on its own thread; the callbacks are called
// on that thread. stop() is safe from any thread and returns within ~100 ms,
// aborting any transfer in progress.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/cache.hpp"
#include "protocol/manifest.hpp"

namespace signage::player {

class Transfer;

struct SyncOptions {
    std::string server_url;                      // "http://host:port", no trailing slash needed
    std::string token;                           // device token
    int wait_s = 60;                             // long-poll wait asked of the server
    std::chrono::milliseconds retry_min{500};    // back-off after a failure...
    std::chrono::milliseconds retry_max{15000};  // ...doubling up to this
    std::int64_t max_download_bytes_per_s = 0;   // media download cap; 0: none
    std::int64_t cache_max_bytes = 0;            // media + partial downloads; 0: no limit
};

class SyncClient {
  public:
    // Called with each new manifest once it is committed to the cache.
    using ManifestHandler = std::function<void(protocol::Manifest)>;
    // Called with a description of each failure (network, HTTP status, bad manifest).
    using ErrorHandler = std::function<void(const Error&)>;
    // Called with a command the server sent instead of a manifest (the
    // long-poll's 200 with a Signage-Command header): its name and id.
    using CommandHandler = std::function<void(const std::string& command, const std::string& id)>;
    // Called after each poll the server answered as expected (200 or 304).
    using SuccessHandler = std::function<void()>;

    SyncClient(SyncOptions options, Cache& cache, ManifestHandler on_manifest,
               ErrorHandler on_error = {});
    ~SyncClient();  // stops
    SyncClient(const SyncClient&) = delete;
    SyncClient& operator=(const SyncClient&) = delete;

    // `known_version`: the version already playing (from the cache), sent as
    // If-None-Match so an unchanged manifest costs a 304.
    void start(std::string known_version);
    // Set before start(). With a command handler the poll tells the server
    // it takes commands ("Signage-Commands: screenshot").
    void set_command_handler(CommandHandler handler) { on_command_ = std::move(handler); }
    void set_success_handler(SuccessHandler handler) { on_success_ = std::move(handler); }
    void stop();

    // One poll-and-sync step, synchronously (used by start()'s loop and by
    // tests): returns the new manifest when one was committed, nullopt on 304.
    Result<std::optional<protocol::Manifest>> sync_once(const std::string& known_version,
                                                        int wait_s);

  private:
    // Adds the bytes it received (resumed parts count only what came now).
    Status download_media(const protocol::MediaRef& ref, std::int64_t& received);
    void run(std::string version);
    // Runs one libcurl easy transfer, interruptible by stop(); returns its CURLcode.
    int perform(void* easy);

    SyncOptions options_;
    Cache& cache_;
    std::string unfit_version_;  // the last manifest sync_once found too big for the cache
    ManifestHandler on_manifest_;
    ErrorHandler on_error_;
    CommandHandler on_command_;
    SuccessHandler on_success_;
    std::atomic<bool> stopping_{false};
    std::mutex wake_mu_;  // guards active_; wake_cv_ interrupts the retry back-off
    std::condition_variable wake_cv_;
    Transfer* active_ = nullptr;
    std::thread thread_;
};

}  // namespace signage::player
