#pragma once
// The review workflow of a slide, as pure rules over a record:
//
//   draft ──submit──▶ pending ──approve──▶ approved ──publish──▶ published
//     ▲                  │
//     └──edit── rejected ◀┘ reject (with a reason)
//                    ▲
//   approved / published ──withdraw (a reason if any)──▶ withdrawn ──edit──▶ draft
//
// Editing approved or published content sends it back to pending; the last
// approved version (approved_json) stays what publish uses until the new one
// is approved. A slide is never approved by the person who wrote it.
//
// Quiz questions (store/records.hpp: QuestionRecord) follow the same rules;
// `noun` names the kind of record in messages.
//
// Errors: "conflict" (wrong state, HTTP 409), "forbidden" (403), "invalid" (400).

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

// Replaces the working copy with `json` (already validated and normalised).
Status apply_edit(SlideRecord& slide, const std::string& json, const User& by);
Status apply_submit(SlideRecord& slide, const User& by, std::string_view noun = "slide");
// `revision`, when not empty, is the one the reviewer saw: another one now
// waiting is a conflict naming "revision".
Status apply_approve(SlideRecord& slide, const User& by, std::string_view noun = "slide",
                     std::string_view revision = {});
Status apply_reject(SlideRecord& slide, const User& by, const std::string& reason,
                    std::string_view noun = "slide");
// Takes the approved version off (the next publish removes it from screens);
// the working copy becomes withdrawn (not rejected: nobody judged it wrong),
// with the reason if one was given. Any reviewer may withdraw, the author
// too: taking content down publishes nothing new.
Status apply_withdraw(SlideRecord& slide, const User& by, const std::string& reason,
                      std::string_view noun = "slide");

}  // namespace signage::server
