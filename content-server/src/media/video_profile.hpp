#pragma once
// Screen profiles (protocol::VideoProfile, one per group): which stored films
// a group's screens can play as they are, and what the server converts the
// others to (media/converter.hpp). Pure functions.
//
// A film fits a profile when its codec is one the profile lists, its pixels
// are yuv420p (or yuvj420p), its frame is within max_width x max_height and
// its bit rate within max_bitrate with 25% to spare (encoders overshoot; 0,
// unknown, fits). A film that does not fit is converted to H.264, yuv420p,
// scaled down to fit the frame (keeping its shape, even sides) at most
// max_bitrate: the rendition depends only on the frame and the bit rate, so
// profiles that differ in their codecs share it (rendition_key).

#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/manifest.hpp"
#include "store/records.hpp"

namespace signage::server {

bool fits_profile(const VideoInfo& film, const protocol::VideoProfile& profile);

// What a rendition for `profile` is recorded under (RenditionRecord's
// profile_key): {"max_bitrate","max_height","max_width"} as JSON.
std::string rendition_key(const protocol::VideoProfile& profile);
// The profile a key names (H.264 only): what the film is converted to.
Result<protocol::VideoProfile> rendition_target(const std::string& key);

// A distinct profile in use, with the groups (by name) that have it.
struct ProfileUse {
    protocol::VideoProfile profile;
    std::vector<std::string> groups;
};
// The distinct profiles of `groups`, in the order first met, and the default
// profile (first, with the groups that keep it; none when every group has
// another). A group whose settings do not parse counts with the default.
std::vector<ProfileUse> profile_uses(const std::vector<Group>& groups);

// The record of `film`'s rendition for `profile` among `rows`; nullptr when
// there is none.
const RenditionRecord* find_rendition(const std::vector<RenditionRecord>& rows,
                                      const std::string& film,
                                      const protocol::VideoProfile& profile);

// The profile of one group (the default when its settings do not parse).
protocol::VideoProfile group_video_profile(const Group& group);

}  // namespace signage::server
