#pragma once
// The rotation: which item plays next. The full schedule engine (dayparts,
// priorities, public-service share) builds on this.

#include <chrono>
#include <optional>

#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"

namespace signage::player {

// The built-in core-values slide a screen shows before it has ever synced,
// and whenever nothing in its manifest is valid.
protocol::Slide default_slide();

class Playlist {
  public:
    explicit Playlist(std::chrono::seconds local_offset = std::chrono::hours{8})
        : local_offset_(local_offset) {}

    // Replaces the manifest. The rotation continues after the item now
    // playing when it is still in the new manifest, else from the start.
    void set_manifest(protocol::Manifest m);
    const std::optional<protocol::Manifest>& manifest() const { return manifest_; }

    // Advances to the next item valid at `now` (skipping expired and not yet
    // valid ones) and returns it; the built-in default when none is valid.
    const protocol::Slide& next(protocol::Timestamp now);
    const protocol::Slide& current() const;

  private:
    std::chrono::seconds local_offset_;
    std::optional<protocol::Manifest> manifest_;
    std::optional<std::size_t> index_;  // into manifest_->items; none: default slide
    protocol::Slide default_ = default_slide();
};

}  // namespace signage::player
