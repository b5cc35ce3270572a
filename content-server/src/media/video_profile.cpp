#include "media/video_profile.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"

namespace signage::server {

bool fits_profile(const VideoInfo& film, const protocol::VideoProfile& profile) {
    const bool codec =
        std::find(profile.codecs.begin(), profile.codecs.end(), film.codec) != profile.codecs.end();
    const bool pixels = film.pixel_format == "yuv420p" || film.pixel_format == "yuvj420p";
    const bool frame = film.width <= profile.max_width && film.height <= profile.max_height;
    // 25% over, in whole numbers: bit_rate * 4 <= max_bitrate * 5.
    const bool rate = film.bit_rate <= 0 || film.bit_rate * 4 <= profile.max_bitrate * 5;
    return codec && pixels && frame && rate;
}

std::string rendition_key(const protocol::VideoProfile& profile) {
    return nlohmann::json{{"max_width", profile.max_width},
                          {"max_height", profile.max_height},
                          {"max_bitrate", profile.max_bitrate}}
        .dump();
}

Result<protocol::VideoProfile> rendition_target(const std::string& key) {
    return protocol::parse_video_profile(signage::read_json(key), "profile_key");
}

const RenditionRecord* find_rendition(const std::vector<RenditionRecord>& rows,
                                      const std::string& film,
                                      const protocol::VideoProfile& profile) {
    const std::string key = rendition_key(profile);
    for (const RenditionRecord& r : rows) {
        if (r.original_sha256 == film && r.profile_key == key) return &r;
    }
    return nullptr;
}

protocol::VideoProfile group_video_profile(const Group& group) {
    auto settings = protocol::parse_group_settings(signage::read_json(group.settings_json));
    return settings ? settings->video_profile : protocol::VideoProfile{};
}

std::vector<ProfileUse> profile_uses(const std::vector<Group>& groups) {
    std::vector<ProfileUse> uses{ProfileUse{protocol::VideoProfile{}, {}}};
    for (const Group& group : groups) {
        const protocol::VideoProfile profile = group_video_profile(group);
        auto same = std::find_if(uses.begin(), uses.end(),
                                 [&](const ProfileUse& u) { return u.profile == profile; });
        if (same == uses.end()) same = uses.insert(uses.end(), ProfileUse{profile, {}});
        same->groups.push_back(group.name);
    }
    return uses;
}

}  // namespace signage::server
