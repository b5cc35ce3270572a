#pragma once
// The publisher: compiles one manifest per screen group from the approved
// versions of the slides, stores them in one transaction and wakes the
// screens whose group's version changed.
//
// A group's manifest holds every slide on screens (its version as last
// published) of the group's unit and of the units above it that targets it
// (its `units` is empty or holds the group's unit or one above it, its
// `groups` is empty or names the group) and has not expired, less those the
// group's order hides (never one required from above), in the group's
// rotation order (rotation_order), the media those slides use and nothing
// else, the quiz questions of the same units, and the group's settings with
// min_public_share raised to the floor the units above set.
//
// A publish by a staff member covers their unit's subtree: its approved
// slides and questions go on screens, and its groups' manifests are compiled
// again; content of other units stays as their own last publish left it. A film that does not fit
// the group's video profile (media/video_profile.hpp) is listed as its rendition for that profile
// once it is converted: the item's media and the media entry name the rendition. Slides that start
// later are kept: screens start them on time, offline too. A manifest's version is
// protocol::content_version, so a publish that changes nothing for a group keeps its version and
// wakes none of its screens.
//
// Threading: any thread (worker: it writes the database).

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/manifest.hpp"
#include "publish/manifest_hub.hpp"
#include "store/records.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {

class Store;

// What the compile step gets: the approved versions of every slide that has
// one (in id order), the approved quiz bank and a way to look media up, all
// read in the publish's transaction.
struct PublishInput {
    struct ApprovedSlide {
        std::int64_t id = 0;
        std::string json;  // the version on screens
        std::int64_t unit_id = root_unit_id;
    };
    std::string now;            // ISO 8601 UTC: the publish time stored with new manifests
    std::vector<Group> groups;  // the groups to compile, by name, with their settings
    std::shared_ptr<const UnitTree> units;  // the unit tree (never null)
    std::vector<ApprovedSlide> slides;
    std::vector<ApprovedSlide> questions;  // the approved quiz bank, in id order
    // Each group's approved rotation order (slide ids), by group id; a group
    // without one has the default order.
    std::map<std::int64_t, std::vector<std::int64_t>> orders;
    // The slides each group's approved order hides, by group id.
    std::map<std::int64_t, std::vector<std::int64_t>> hidden;
    std::function<std::optional<MediaInfo>(const std::string& sha256)> find_media;
    // Every film's conversions to screen profiles (media/converter.hpp): a
    // group whose profile a film does not fit is given its done rendition.
    std::vector<RenditionRecord> renditions;
};

// One compiled manifest per group, produced by the compile step.
struct CompiledManifest {
    std::int64_t group_id = 0;
    std::string group;
    std::string version;
    std::string json;
};

struct PublishedGroup {
    std::string group;
    std::string version;
    bool changed = false;  // false: the group already had this version; nothing was stored
    std::string json;      // the group's current manifest document
    std::string published_at;
    std::int64_t sequence = 0;  // the stored manifest's order (StoredManifest::sequence)
};

using CompileFn = std::function<Result<std::vector<CompiledManifest>>(const PublishInput&)>;

// The store's part of a publish, in ONE transaction: hands the approved
// content to `compile`, stores each group's manifest whose version differs
// from the group's latest, marks approved slides and questions published and
// audits it. A failing compile stores nothing.
// `newly_published`, when given, gets the slides this publish put on screens
// for the first time (approved since the last publish).
// `by` publishes their unit's subtree.
Result<std::vector<PublishedGroup>> publish_manifests(
    Store& store, const CompileFn& compile, const User& by,
    std::vector<PublishInput::ApprovedSlide>* newly_published = nullptr);

struct GroupPublishResult {
    std::string group;
    std::string version;
    bool changed = false;
};

struct PublishResult {
    // Identifies the published content as a whole: the version every group
    // got while they all play the same content, else a digest of them all.
    std::string version;
    std::vector<GroupPublishResult> groups;
    // The slides approved since the last publish, now on screens (their
    // approved versions): what alerts look at for emergencies sent.
    std::vector<PublishInput::ApprovedSlide> published_slides;
};

class Publisher {
  public:
    Publisher(Store& store, ManifestHub& hub);

    Result<PublishResult> publish(const User& by);
    // Told of every publish that succeeded (set before serving).
    void on_publish(std::function<void(const PublishResult&, const User&)> observer) {
        observer_ = std::move(observer);
    }

    // Re-issues each group's current manifest with every film as its screens
    // can play it now (its done rendition for the group's profile, or the
    // film itself when it fits), waking the screens of the groups that
    // changed; the content stays as last published. Run when a conversion
    // ends and after a profile change. The number of groups re-issued.
    Result<int> refresh_films();

    // Re-issues the current manifest of each group of `unit`'s subtree with
    // its share minimum as the units above set it now (the group's own,
    // raised to the floor), waking the screens of the groups that changed;
    // the content stays as last published. Run after a unit's floor
    // changed. The number of groups re-issued.
    Result<int> refresh_share_floors(std::int64_t unit);

    // Stores a group's new settings and re-issues its current manifest with
    // them at once (its content stays as last published), waking the group's
    // screens when that changes its version. "not_found" for an unknown group.
    Result<Group> set_group_settings(const std::string& group,
                                     const protocol::GroupSettings& settings, const User& by);

  private:
    Store& store_;
    ManifestHub& hub_;
    std::function<void(const PublishResult&, const User&)> observer_;
};

// The answer to a publish: {"version", "groups": [{"group","version","changed"}]}.
nlohmann::json publish_view(const PublishResult& result);

// Whether a slide of unit `owner` goes to `group`: the owner is the group's
// unit or above it, the slide's units (if any) hold the group's unit or one
// above it, and its groups (if any) name the group.
bool goes_to(const protocol::Slide& slide, std::int64_t owner, const Group& group,
             const UnitTree& units);

// One of a group's slides as rotation_order sees it.
struct OrderEntry {
    std::int64_t id = 0;
    bool core_values = false;
};

// The order a group's slides play in, as indices into `slides`: the ids of
// the group's approved order `approved` first, in that order (ids that are not
// among `slides` are skipped), then the rest in the default order: core-values
// slides first, then by slide id. With no approved order it is the default
// order throughout.
std::vector<std::size_t> rotation_order(const std::vector<OrderEntry>& slides,
                                        const std::vector<std::int64_t>& approved);

// A group's stored settings; "internal" when they no longer parse.
Result<protocol::GroupSettings> group_settings(const Group& group);

// The current manifest of a group: its latest published one, or, for a group
// never published, an empty manifest with the group's settings whose version
// is stable. "not_found" for an unknown group. This is the hub's Loader.
Result<ManifestSnapshot> load_manifest(Store& store, const std::string& group);

}  // namespace signage::server
