#pragma once
// Screens: registering them (the command line, pairing), revoking their
// device tokens, when they were last seen, and their health (the latest
// heartbeat and screenshot of each). Changes are audited in their transaction.
//
// Threading: any thread. seen_within() never waits on the database (the I/O
// thread's fast path).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "screens/device_quota.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

class ScreenService {
  public:
    explicit ScreenService(Store& store) : store_(store) {}

    // A new device token whose short claim code tag (protocol::claim_tag) no
    // screen's claim key has yet, so the server checks one key per short
    // code. Read before the screen is stored: two registrations at the same
    // moment may still share a tag (then short codes of either are checked
    // against both keys). Any token once every tag is taken.
    Result<std::string> new_device_token();

    // Registers a screen, creating its group in `unit` when missing (a group
    // outside `unit`'s subtree is "unprocessable"). "conflict" (field
    // "name") when the name is taken. `actor` nullopt: the command line.
    Result<Screen> add(const std::string& name, const std::string& group,
                       const DeviceCredentials& device,
                       std::optional<std::int64_t> actor = std::nullopt,
                       std::int64_t unit = root_unit_id);
    // Registers the screens `names` in `group` (created when missing) in one
    // transaction, each with a new device token: the tokens, in the names'
    // order. "conflict" naming the first name taken, and nothing registered.
    Result<std::vector<std::string>> add_many(const std::vector<std::string>& names,
                                              const std::string& group);
    // Pairing: add(), or gives the revoked screen of that name the new
    // credentials and the group (created when missing). "conflict" (field
    // "name") when the name has a working token.
    Result<Screen> pair(const std::string& name, const std::string& group,
                        const DeviceCredentials& device, std::optional<std::int64_t> actor,
                        std::int64_t unit = root_unit_id);
    // Revokes a screen's device token at once: it no longer authenticates;
    // the screen keeps its name and history and may be paired again.
    // "not_found" for an unknown screen.
    Result<Screen> revoke(std::int64_t screen_id, std::optional<std::int64_t> actor);
    // An audit entry ("pair_refused") for a pairing code that matched no
    // screen: `code_shown` is the code as it may be kept (partly hidden).
    Status audit_refused_pairing(std::optional<std::int64_t> actor, const std::string& code_shown,
                                 const std::string& client);

    Result<Screen> get(std::int64_t screen_id);  // "not_found" (field "id")
    Result<std::vector<Screen>> list();          // by name

    // Records that a screen asked; writes at most once per screen every
    // `min_interval_s` seconds so thousands of polling screens cost few writes.
    Status touch(std::int64_t screen_id, std::int64_t min_interval_s = 30);
    // Whether touch() or a heartbeat wrote last_seen less than `seconds` ago.
    bool seen_within(std::int64_t screen_id, std::int64_t seconds = 30);

    // A heartbeat replaces the screen's previous one and counts as being seen.
    Status record_heartbeat(std::int64_t screen_id, int interval_s,
                            const std::string& heartbeat_json);
    Result<std::vector<ScreenHealth>> health();  // by screen id
    Result<std::optional<ScreenHealth>> health(std::int64_t screen_id);
    Status put_screenshot(std::int64_t screen_id, const std::string& request_id,
                          const std::string& png);
    Result<std::optional<Screenshot>> screenshot(std::int64_t screen_id);
    // When each screen's latest screenshot arrived (screen id -> ISO 8601).
    Result<std::unordered_map<std::int64_t, std::string>> screenshot_times();
    // The screen sizes each group's screens (not revoked) are known to have,
    // from their latest screenshots: group name -> (width, height) -> screens.
    Result<std::map<std::string, std::map<std::pair<int, int>, int>>> sizes_by_group();

    // What each screen may send in an hour (screens/device_quota.hpp).
    DeviceQuota& quota() { return quota_; }

  private:
    Store& store_;
    DeviceQuota quota_;
};

}  // namespace signage::server
