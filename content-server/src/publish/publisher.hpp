#pragma once
// The publisher: compiles one manifest per screen group from the approved
// versions of the slides, stores them in one transaction and wakes the
// screens whose group's version changed.
//
// Skeleton rule: every slide with an approved version goes to every group, in
// slide id order. A manifest's version is protocol::content_version, so a
// publish that changes nothing keeps every version and wakes no screen.
//
// Threading: any thread (worker: it writes the database).

#include <string>
#include <vector>

#include "common/result.hpp"
#include "publish/manifest_hub.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

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
};

class Publisher {
  public:
    Publisher(Store& store, ManifestHub& hub);

    Result<PublishResult> publish(const User& by);

  private:
    Store& store_;
    ManifestHub& hub_;
};

// The current manifest of a group: its latest published one, or, for a group
// never published, an empty manifest whose version is stable. "not_found"
// for an unknown group. This is the hub's Loader.
Result<ManifestSnapshot> load_manifest(Store& store, const std::string& group);

}  // namespace signage::server
