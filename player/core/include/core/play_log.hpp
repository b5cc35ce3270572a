#pragma once
// Proof of play on the screen: turns what the play loop puts on screen into
// protocol::Play records, one per item, written when the item ends or is cut
// short (by an emergency, a power-off window, a quiz round, a withdrawal
// or quit). The sink is normally the plays outbox (CACHE/outbox/plays), so a
// record survives a crash once written; the uploader posts it.
//
// Ids: "<boot id>-<serial>", the boot id random for each start of the
// player, so a retried batch keeps its ids (the server ignores repeats) and
// two runs never share one. Loops: "<boot id>-L<n>", a new id whenever the
// schedule starts a loop. An item closes its loop (loop_end) when the next
// thing the schedule shows starts a new loop; a loop broken off by a new
// manifest that starts a new loop (the first, or a new minimum share; or
// a restart) has no closing item and reports as interrupted.
//
// Pure bookkeeping: no clock, no I/O of its own; the simulator
// (tools/simulate-day) drives it with a simulated clock, the player with the
// wall clock. Not thread-safe: the play loop's thread only.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/schedule.hpp"
#include "protocol/play.hpp"

namespace signage::player {

class PlayLog {
  public:
    using Sink = std::function<void(const protocol::Play&)>;

    // A fresh random boot id (12 hex digits).
    static std::string new_boot_id();

    PlayLog(std::string boot_id, Sink sink);

    // The schedule's decision `d` is on screen from `now_ms` (UTC ms): ends
    // the play before it. A power-off decision ends it and starts nothing.
    void show(const Decision& d, std::int64_t now_ms, const std::string& manifest_version);
    // The quiz invitation is on screen from `now_ms`. `loop_over`: the
    // schedule's next item starts a new loop (the item before closed its loop).
    void show_invitation(std::int64_t now_ms, const std::string& manifest_version, bool loop_over);
    // Nothing that counts is on screen from `now_ms` (a quiz round, quit).
    void stop(std::int64_t now_ms);
    // The loop in progress will not be finished (a new manifest starts a
    // new one, see schedule.hpp carry_over): its last item does not close it.
    void break_loop() { loop_broken_ = true; }

    const std::string& boot_id() const { return boot_; }
    std::uint64_t logged() const { return serial_; }

  private:
    void finish(std::int64_t now_ms, bool loop_over);
    void open(protocol::Play p, std::int64_t now_ms, const std::string& manifest_version);

    std::string boot_;
    Sink sink_;
    std::optional<protocol::Play> open_;
    std::uint64_t serial_ = 0;
    std::uint64_t loops_ = 0;
    std::string loop_id_;
    bool loop_broken_ = false;
};

}  // namespace signage::player
