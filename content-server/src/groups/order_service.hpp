#pragma once
// The rotation order of screen groups, as staff set it: an editor proposes
// an order of the group's slides, a reviewer approves or rejects it, and like
// content an approved order reaches screens at the next publish (the
// publisher arranges each group's manifest by it: rotation_order).
//
// A group's slides, for its order, are the slides of its unit with an
// approved version (live, or waiting for the next publish) and those on
// screens of the units above it, that target the group (its `units` and
// `groups`, as the publisher reads them) and play in the rotation (not
// notices or emergencies). Drafts and slides only pending review join once
// approved.
//
// With the order the group's unit may hide slides that come from a unit
// above ("hidden": ids): they leave the group's screens at the next publish,
// unless the unit above requires them (`required`: "unprocessable", reason
// required_above, and nothing changes).
//
// A proposed order lists slide ids, each one of the group's slides, none
// twice, at most max_order_slides. It need not list them all: the slides it
// leaves out follow it in the default order (core values first, then by id),
// as do slides approved later. Ids of slides that later leave the group are
// skipped.
//
// Errors: "not_found" (404) for an unknown group or one outside the
// caller's subtree; "invalid" (400) naming the
// field ("slides[3]", "reason"), nothing changed; "conflict" (409) when no
// order waits for review or another revision waits ("revision");
// "forbidden" (403) when the proposer approves their own order.
//
// Threading: any thread (worker: it reads and writes the database).

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

inline constexpr std::size_t max_order_slides = 500;

class OrderService {
  public:
    explicit OrderService(Store& store);

    // GET /api/v1/groups/{name}/order: {"group", "slides" (in the effective
    // order), "proposed", "approved"}.
    Result<nlohmann::json> get(const std::string& group, const User& by);
    // PUT /api/v1/groups/{name}/order: {"slides": [ids]}; pending review.
    Result<nlohmann::json> propose(const std::string& group, const nlohmann::json& body,
                                   const User& by);
    // POST .../order/approve: {"revision"?}; the approved order.
    Result<nlohmann::json> approve(const std::string& group, const nlohmann::json& body,
                                   const User& by);
    // POST .../order/reject: {"reason"}.
    Result<nlohmann::json> reject(const std::string& group, const nlohmann::json& body,
                                  const User& by);

  private:
    Store& store_;
};

}  // namespace signage::server
