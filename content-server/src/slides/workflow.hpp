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
// is approved. A slide is never approved by anyone who wrote any part of the
// version approved, and an approval names the revision the reviewer saw.
//
// Quiz questions (store/records.hpp: QuestionRecord) follow the same rules;
// `noun` names the kind of record in messages.
//
// Errors: "conflict" (wrong state, HTTP 409), "forbidden" (403), "invalid" (400).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

// Replaces the working copy with `json` (already validated and normalised);
// `by` joins the record's editors (editor_ids) until it is next approved.
Status apply_edit(SlideRecord& slide, const std::string& json, const User& by);
Status apply_submit(SlideRecord& slide, const User& by, std::string_view noun = "slide");
// `revision` is the one the reviewer saw: missing is "invalid", another one
// now waiting a conflict, both naming "revision". Nobody who wrote any part
// of the waiting version (the author, or anyone who changed it since it was
// last approved: editor_ids) may approve it ("forbidden", reason own_work).
Status apply_approve(SlideRecord& slide, const User& by, std::string_view noun,
                     std::string_view revision);
// One item of an approval: its id and the revision the reviewer saw.
struct ApprovalItem {
    std::int64_t id = 0;
    std::string revision;
};
Status apply_reject(SlideRecord& slide, const User& by, const std::string& reason,
                    std::string_view noun = "slide");
// Takes the approved version off (the next publish removes it from screens);
// the working copy becomes withdrawn (not rejected: nobody judged it wrong),
// with the reason if one was given. Any reviewer or admin may withdraw, the
// author too (another editor: "forbidden"): taking content down publishes
// nothing new.
Status apply_withdraw(SlideRecord& slide, const User& by, const std::string& reason,
                      std::string_view noun = "slide");

}  // namespace signage::server
