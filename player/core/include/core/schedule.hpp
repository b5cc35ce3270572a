#pragma once
// The schedule engine: what the screen shows, as a pure function of the
// manifest, the clock and what has played in the current loop. No I/O, no
// clock of its own: tests drive it with any time they like.
//
// Rules, in order:
//  1. An emergency notice valid now pre-empts everything (even a power-off
//     window) until its valid_until; the one with the highest priority, then
//     the latest start, wins.
//  2. Inside a power-off window of the group (local time) the screen is off.
//  3. Otherwise the rotation plays loops. Items are eligible when valid now
//     (valid_from/valid_until, offset-less dates in local time), inside their
//     weekdays and dayparts, and of the highest priority among eligible items.
//     A loop plays each eligible item once, in manifest order (the group's
//     rotation order as the server arranged it: staff set it, and by default
//     core-values items lead), public-service items interleaved so that the
//     share of public-service airtime so far stays at or above the group's
//     minimum wherever the order allows. When the loop's items cannot reach
//     the minimum, public-service items are repeated (from the top tier, then
//     lower tiers, then the built-in core-values slide) until they do: every
//     whole loop meets the minimum.
//  4. An item shows for its airtime (duration_s per page) but no longer than
//     its expiry or the end of its daypart, and no later than the start of a
//     power-off window or of an emergency notice: expired content leaves the
//     screen on time with no server.
//  5. With nothing eligible, the built-in core-values slide plays.
//  6. A publish does not restart the rotation: the loop goes on where it was
//     (carry_over()), and items that are new or changed play at the next
//     switch, once each, in manifest order, before the rest of the loop; after
//     that they play in their place. The loop's public-service repeats count
//     them, so every whole loop still meets the minimum share.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/time_zone.hpp"
#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"

namespace signage::player {

// The built-in core-values slide a screen shows before it has ever synced,
// and whenever nothing in its manifest is eligible. It is public service.
const protocol::Slide& default_slide();

// What has played in the current loop: the engine's only memory.
struct LoopState {
    std::uint64_t loop = 0;           // the current loop's number; 0 before the first
    std::vector<std::string> played;  // ids played in this loop, in order
    std::int64_t played_s = 0;        // airtime played in this loop
    std::int64_t public_s = 0;        // of which public service
    // Ids a publish brought in new or changed, not yet played since: they play
    // next (rule 6). Kept across loops until played or withdrawn.
    std::vector<std::string> fresh;

    // Whether a publish brought `id` and it has not played since.
    bool is_fresh(const std::string& id) const {
        return std::find(fresh.begin(), fresh.end(), id) != fresh.end();
    }
};

enum class Mode { item, emergency, power_off };

struct Decision {
    Mode mode = Mode::item;
    // Into the manifest, or default_slide(); null when the screen is off.
    const protocol::Slide* slide = nullptr;
    protocol::Timestamp start{};
    protocol::Timestamp until{};  // decide again at this time at the latest
    int pages = 1;                // pages the item shows (until - start split evenly)
    std::uint64_t loop = 0;       // the loop an item belongs to
    bool starts_loop = false;

    std::int64_t airtime_s() const { return (until - start).count(); }
};

// Decides what to show at `now`. `manifest` may be null (nothing synced).
Decision decide(const protocol::Manifest* manifest, protocol::Timestamp now, const TimeZone& tz,
                const LoopState& history);

// Records a rotation item's play in the history (a new loop resets it).
// Emergencies and power-off do not count toward loops.
void record(LoopState& history, const Decision& d);

// A new manifest `next` replaces `previous` (null: the screen had none). The
// loop in progress goes on; every rotation item of `next` that `previous` did
// not hold, or held with other content, joins `fresh`, and ids `next` no
// longer holds leave it. With no previous manifest, or a new minimum share, a
// new loop starts: returns false (the loop in progress ends unfinished).
bool carry_over(LoopState& history, const protocol::Manifest* previous,
                const protocol::Manifest& next);

// Whether `t` falls in one of a group's daily windows (power_off,
// quiet_hours), in the group's local time.
bool in_daily_windows(const std::vector<protocol::DayPart>& windows, const TimeZone& tz,
                      protocol::Timestamp t);

// The texts on the ticker at `now`: valid notices in manifest order.
std::vector<std::string> ticker_at(const protocol::Manifest* manifest, protocol::Timestamp now,
                                   const TimeZone& tz);

}  // namespace signage::player
