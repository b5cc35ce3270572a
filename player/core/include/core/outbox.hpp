#pragma once
// An outbox of reports the screen owes the server (quiz rounds now; play logs
// and heartbeats can use the same), kept on disk so a restart or a long
// outage loses none:
//   DIR/<time>-<random>.json   one item each (atomic write + fsync)
//   DIR/corrupt/               files that did not parse, moved aside
// An uploader thread posts the pending items in batches as
// {"<key>": [item, …]} to a server path with the device token, deletes them
// only after a 2xx (a 422, which no retry can fix, moves the batch to
// DIR/rejected/), and retries with a doubling back-off while the server is
// unreachable or refuses.
//
// Threading: Outbox is guarded by an internal mutex; OutboxUploader runs its
// own thread, woken by notify().

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace signage::player {

class Outbox {
  public:
    struct Item {
        std::filesystem::path file;
        nlohmann::json body;
    };

    // Creates the directory when missing. `max_items` (0: no limit) bounds
    // the queue: when an add goes over it, the oldest items are dropped (a
    // tenth of the limit at once, so a long outage costs one directory scan
    // per tenth) and the count is logged.
    static Result<std::unique_ptr<Outbox>> open(std::filesystem::path dir,
                                                std::size_t max_items = 0);

    const std::filesystem::path& dir() const { return dir_; }
    // Queues one item (written durably before this returns).
    Status add(const nlohmann::json& item);
    // Up to `max` pending items, oldest first. A file that does not parse is
    // moved to DIR/corrupt/ with a log line and skipped.
    std::vector<Item> pending(std::size_t max);
    // Deletes items once the server has them.
    void remove(const std::vector<Item>& items);
    // Moves items the server refused for good into DIR/<folder>/.
    void set_aside(const std::vector<Item>& items, const std::string& folder);
    std::size_t size() const;
    // Items dropped for the limit since open().
    std::size_t dropped() const;

  private:
    Outbox(std::filesystem::path dir, std::size_t max_items)
        : dir_(std::move(dir)), max_items_(max_items) {}
    std::vector<std::filesystem::path> files_locked() const;
    std::filesystem::path dir_;
    std::size_t max_items_ = 0;
    std::size_t count_ = 0;    // items on disk, as far as add() knows; guarded by mu_
    std::size_t dropped_ = 0;  // guarded by mu_
    mutable std::mutex mu_;
};

struct UploaderOptions {
    std::string server_url;  // "http://host:port"
    std::string token;       // device token (Authorization: Bearer)
    std::string path;        // e.g. "/api/v1/player/quiz-results"
    std::string key;         // the batch's array, e.g. "rounds"
    std::size_t batch = 50;
    // Also send this often without notify() (0: only when notified), so
    // frequent small items (plays) go in batches rather than one by one.
    std::chrono::milliseconds flush_every{0};
    std::chrono::milliseconds retry_min{1000};
    std::chrono::milliseconds retry_max{60000};
};

class OutboxUploader {
  public:
    OutboxUploader(Outbox& outbox, UploaderOptions options);
    ~OutboxUploader();  // stops
    OutboxUploader(const OutboxUploader&) = delete;
    OutboxUploader& operator=(const OutboxUploader&) = delete;

    void start();
    void stop();
    // Something was added: send now (ends a back-off wait too).
    void notify();
    // Sends every pending item once, synchronously: ok when the outbox is
    // empty afterwards (used by the thread and by tests).
    Status send_pending();

  private:
    void run();

    Outbox& outbox_;
    UploaderOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool wake_ = false;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace signage::player
