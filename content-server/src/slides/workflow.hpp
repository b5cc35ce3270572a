#pragma once
// The review workflow of a slide, as pure rules over a record:
//
//   draft ──submit──▶ pending ──approve──▶ approved ──publish──▶ published
//     ▲                  │
//     └──edit── rejected ◀┘ reject (with a reason)
//
// Editing approved or published content sends it back to pending; the last
// approved version (approved_json) stays what publish uses until the new one
// is approved. A slide is never approved by the person who wrote it.
//
// Errors: "conflict" (wrong state, HTTP 409), "forbidden" (403), "invalid" (400).

#include <string>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

// Replaces the working copy with `json` (already validated and normalised).
Status apply_edit(SlideRecord& slide, const std::string& json, const User& by);
Status apply_submit(SlideRecord& slide, const User& by);
Status apply_approve(SlideRecord& slide, const User& by);
Status apply_reject(SlideRecord& slide, const User& by, const std::string& reason);

}  // namespace signage::server
