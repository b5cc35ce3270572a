#pragma once
// Fault-injection points, for tests only: they let a test stop a program at a
// named moment (inside a transaction, say) and kill it there, instead of
// hoping a random delay lands at that moment.
//
//   SIGNAGE_FAULT_PAUSE=publish.before_commit:3000[,other.point:MS...]
//
// makes fault::pause("publish.before_commit") print the line
// "fault: paused at publish.before_commit" on standard output (flushed, so a
// test reading the output sees it at once) and sleep 3000 ms before going on.
// The variable is read once, when the first point is reached; unset or
// empty, a point costs one check of an empty table. Entries that do not
// parse are reported on the log and ignored.
//
// Points: "publish.before_commit" (the publisher, inside the store's write,
// after a publish has written every manifest, before the transaction
// commits); "quiz.redeem.after_check" (the quiz service's
// redeem, after it found the code not yet redeemed and before its write);
// "alerts.before_heartbeats" (the alert thread, holding no lock, before it
// takes the heartbeats queued for it).
// "slides.after_validate" (a new slide, validated, media found, before the
// transaction that stores it).
// "convert.before_ffmpeg" (the film converter's thread, a conversion
// recorded as converting, before ffmpeg starts).

#include <string_view>

namespace signage::fault {

void pause(std::string_view point);

}  // namespace signage::fault
