#include "publish/publisher.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/sha256.hpp"
#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<CompiledManifest>> compile(const PublishInput& input) {
    // Items and media are the same for every group in the skeleton.
    std::vector<protocol::Slide> items;
    std::vector<protocol::MediaRef> media;
    std::set<std::string> listed;
    protocol::SlideParseOptions lenient;
    lenient.reject_unknown_fields = false;
    for (const auto& approved : input.slides) {
        auto parsed = protocol::parse_slide(nlohmann::json::parse(approved.json, nullptr, false),
                                            lenient, "slides[" + std::to_string(approved.id) + "]");
        if (!parsed) {
            return make_error("internal",
                              "the approved version of slide " + std::to_string(approved.id) +
                                  " no longer validates: " + parsed.error().to_string());
        }
        protocol::Slide slide = std::move(*parsed);
        slide.id = std::to_string(approved.id);
        for (const std::string& sha : slide.media_refs()) {
            if (!listed.insert(sha).second) continue;
            auto info = input.find_media(sha);
            if (!info) {
                return make_error("internal", "slide " + slide.id + " uses media " + sha +
                                                  " that is not in the media store");
            }
            media.push_back(protocol::MediaRef{info->sha256, info->size, info->content_type});
        }
        items.push_back(std::move(slide));
    }
    std::vector<CompiledManifest> out;
    for (const Group& group : input.groups) {
        protocol::Manifest m;
        m.group = group.name;
        m.published_at = input.now;
        m.items = items;
        m.media = media;
        m.version = protocol::content_version(m);
        out.push_back(
            CompiledManifest{group.id, group.name, m.version, dump(protocol::to_json(m))});
    }
    return out;
}

}  // namespace

Publisher::Publisher(Store& store, ManifestHub& hub) : store_(store), hub_(hub) {}

Result<PublishResult> Publisher::publish(const User& by) {
    auto published = store_.publish(compile, by.id);
    if (!published) return published.error();
    PublishResult result;
    std::set<std::string> versions;
    std::string all;
    for (const PublishedGroup& g : *published) {
        result.groups.push_back(GroupPublishResult{g.group, g.version, g.changed});
        versions.insert(g.version);
        all += g.group + '=' + g.version + '\n';
        if (g.changed) {
            hub_.update(std::make_shared<const ManifestSnapshot>(
                ManifestSnapshot{g.group, g.version, g.json}));
        }
    }
    if (versions.size() == 1) {
        result.version = *versions.begin();
    } else {
        result.version = sha256_hex(all).substr(0, 32);
    }
    spdlog::info("publish by {}: {} group(s), {} changed", by.username, result.groups.size(),
                 std::count_if(result.groups.begin(), result.groups.end(),
                               [](const GroupPublishResult& g) { return g.changed; }));
    return result;
}

Result<ManifestSnapshot> load_manifest(Store& store, const std::string& group) {
    auto stored = store.latest_manifest(group);
    if (!stored) return stored.error();
    if (*stored) {
        return ManifestSnapshot{(*stored)->group, (*stored)->version, (*stored)->json};
    }
    auto g = store.find_group(group);
    if (!g) return g.error();
    if (!*g) return make_error("not_found", "no group " + group);
    protocol::Manifest m;
    m.group = group;
    m.published_at = (*g)->created_at;
    m.version = protocol::content_version(m);
    return ManifestSnapshot{group, m.version, dump(protocol::to_json(m))};
}

}  // namespace signage::server
