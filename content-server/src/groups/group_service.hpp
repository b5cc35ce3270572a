#pragma once
// Screen groups as staff manage them: creating groups, reading and replacing
// their settings (protocol::GroupSettings, carried in each manifest), and
// moving screens between groups.
//
// Input is checked before anything changes, and errors name the field:
// "invalid" (400) for a bad name or setting ("settings.min_public_share"),
// "conflict" (409) for a name in use, "not_found" (404) for an unknown group
// or screen, "unprocessable" (422) for a move to a group that does not exist.
//
// Threading: any thread (worker: it reads and writes the database).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/manifest.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;
class Tx;
class UnitTree;
class Publisher;
class ManifestHub;

// A group name: 1 to 64 characters; ASCII letters, digits, '-', '_' and '.'
// (not first), and letters of other scripts (幸福里-东门); no spaces, no
// control characters, nothing that needs escaping in a URL path. The error
// names `field`.
Status check_group_name(std::string_view name, const std::string& field = "name");

// Settings as staff send them: an object with only the known keys (unknown
// ones are refused, unlike in manifests), each checked; absent keys take
// their defaults. null gives the defaults. Errors name "settings.<key>".
Result<protocol::GroupSettings> read_group_settings(const nlohmann::json& settings);

class GroupService {
  public:
    GroupService(Store& store, Publisher& publisher, ManifestHub& hub);

    // POST /api/v1/groups: {"name", "settings"?, "unit"?} (a unit of the
    // caller's subtree; default theirs).
    Result<Group> create(const nlohmann::json& body, const User& by);
    // "not_found" for a group outside the caller's subtree.
    Result<Group> get(const std::string& name, const User& by);
    // The groups of `unit`'s subtree (0: the caller's unit).
    Result<std::vector<Group>> list(const User& by, std::int64_t unit = 0);
    // Every group (the server's own work: profiles, conversions).
    Result<std::vector<Group>> list_all();
    // PUT /api/v1/groups/{name}: {"settings"}; the group's screens get them at once.
    Result<Group> replace_settings(const std::string& name, const nlohmann::json& body,
                                   const User& by);
    // PUT /api/v1/screens/{id}: {"group"}. A screen waiting on the long-poll is
    // answered at once with its new group's manifest.
    Result<Screen> move_screen(std::int64_t screen_id, const nlohmann::json& body, const User& by);

    // The group as the API shows it: name, created_at, screens, version, settings.
    nlohmann::json view(const Group& group);

  private:
    Store& store_;
    Publisher& publisher_;
    ManifestHub& hub_;
};

// The group named `name` if it is in `by`'s subtree, else "not_found".
Result<Group> find_own(Tx& tx, const std::string& name, const User& by);

// OK when `share` is at least the floor the units from the top down to
// `unit` set; else "invalid" naming settings.min_public_share (reason
// below_floor).
Status check_share_floor(const UnitTree& tree, std::int64_t unit, double share);

// The audit log's actor for a user: nullopt for the command line (id 0).
inline std::optional<std::int64_t> actor_id(const User& by) {
    return by.id == 0 ? std::nullopt : std::optional<std::int64_t>(by.id);
}

// The staff member the command line and the demo seed act as: the top
// unit's admin, recorded as no one.
inline User command_line_user() {
    User u;
    u.role = Role::admin;
    return u;
}

// The screen as the API shows it: id, name, group, unit, created_at, last_seen.
nlohmann::json screen_view(const Screen& screen);

}  // namespace signage::server
