#pragma once
// The manifest hub: each group's current manifest in memory, and the screens
// waiting for it to change (the long-poll).
//
// A waiting screen costs one timer and a callback, never a thread: waiters and
// their timers live on one strand of the I/O context. A publish replaces a
// group's snapshot and wakes, at once, every waiter of that group whose known
// version differs from the new one. An unchanged version wakes nobody.
//
// Threading: every method may be called from any thread. Callbacks run on the
// hub's strand (or on the caller's thread when the answer is immediate), must
// be quick and must not block: post the real work elsewhere.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace boost::asio {
class io_context;
}

namespace signage::server {

struct ManifestSnapshot {
    std::string group;
    std::string version;  // the ETag, without quotes
    std::string json;     // the manifest document as served
    // The order in which the store kept the group's manifests: a later one
    // has a larger number; 0 for the empty manifest of a group that never
    // had one stored.
    std::int64_t sequence = 0;
    // Not a manifest but a command for one screen (json is the command,
    // {"command":"screenshot","id":"…"}); group and version are empty.
    bool command = false;
};
using SnapshotPtr = std::shared_ptr<const ManifestSnapshot>;

class ManifestHub {
  public:
    // Reads a group's current manifest from the store on first use.
    using Loader = std::function<Result<ManifestSnapshot>(const std::string& group)>;
    // Called once: with the new snapshot when the version changed, or with
    // nullptr when the wait ran out.
    using WaitCallback = std::function<void(SnapshotPtr)>;

    ManifestHub(boost::asio::io_context& io, Loader loader);
    ~ManifestHub();
    ManifestHub(const ManifestHub&) = delete;
    ManifestHub& operator=(const ManifestHub&) = delete;

    // The group's current snapshot (loaded through the Loader the first time).
    Result<SnapshotPtr> current(const std::string& group);
    // The group's snapshot if it is loaded; nullptr otherwise (never loads).
    SnapshotPtr loaded(const std::string& group);

    // Calls `done` as soon as the group's version differs from `known_version`
    // (at once when it already does), or with nullptr after `wait`. `screen_id`
    // identifies the waiting screen for reassign_screen(). A waiter that
    // `accepts_commands` may also be answered with a command snapshot
    // (send_command); old players never ask for commands and never get one.
    // Call current(group) first so the group is loaded.
    void wait_for_change(const std::string& group, std::int64_t screen_id,
                         const std::string& known_version, std::chrono::milliseconds wait,
                         WaitCallback done, bool accepts_commands = false);

    // Hands a command (JSON text) to a screen: its waiters that accept
    // commands are answered with it at once; when none is waiting it is kept
    // (the newest replaces an older one) and answers the screen's next wait.
    // Unless `relay` is false, a command for a screen not waiting here also
    // goes to the command relay (set_command_relay: the other instances).
    void send_command(std::int64_t screen_id, std::string command_json, bool relay = true);
    // Where commands for screens not waiting here go (another instance may
    // hold their wait); none by default.
    void set_command_relay(std::function<void(std::int64_t, const std::string&)> relay);

    // True while the screen holds a long-poll here (it is alive). Thread-safe.
    bool is_waiting(std::int64_t screen_id) const;

    // Makes `snapshot` its group's current manifest and wakes that group's
    // waiters whose version differs, unless the hub already holds that
    // group's manifest of the same or a later sequence: writers that hand in
    // their manifests in another order than the store kept them can never
    // leave the hub, or a waiter, on the older one.
    void update(SnapshotPtr snapshot);

    // Reads the group's manifest again through the Loader and update()s
    // with it (another instance stored a newer one).
    Status reload(const std::string& group);

    // A screen now belongs to `snapshot`'s group: its waiters (in its old
    // group) are answered at once with that group's manifest, and a wait it
    // starts later in its old group (a request already past authentication
    // when it moved) is answered at once too.
    void reassign_screen(std::int64_t screen_id, SnapshotPtr snapshot);

    // Answers a screen's waiters at once as if their wait ran out (its token
    // was revoked: the next request is refused).
    void release_screen(std::int64_t screen_id);

    // Drops every waiter without calling it. For shutdown, while no thread runs
    // the I/O context.
    void shutdown();

    // Screens waiting right now.
    std::size_t waiting() const;
    // The groups whose manifest is loaded.
    std::vector<std::string> groups() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace signage::server
