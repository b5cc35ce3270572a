#pragma once
// The manifest: everything one screen group plays, compiled by the server at
// publish time and fetched by players with a long-poll.
//
// {"version": "…", "group": "…", "published_at": "2026-…Z",
//  "items": [slide, …], "media": [{"sha256","size","content_type"}, …]}

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "protocol/slide.hpp"

namespace signage::protocol {

struct MediaRef {
    std::string sha256;
    std::int64_t size = 0;
    std::string content_type;  // image/png or image/jpeg
};

struct Manifest {
    std::string version;  // opaque; equals the HTTP ETag (without quotes)
    std::string group;
    std::string published_at;  // ISO 8601
    std::vector<Slide> items;  // in play order, each with an id
    std::vector<MediaRef> media;

    // The entry for a sha256, or nullptr.
    const MediaRef* find_media(std::string_view sha256) const;
};

// Validates a manifest: item fields (leniently: unknown fields are ignored),
// media entries, and that every media an item uses is listed.
Result<Manifest> parse_manifest(const nlohmann::json& j);
Result<Manifest> parse_manifest_text(std::string_view text);
nlohmann::json to_json(const Manifest& manifest);

// A version computed from the manifest's content (items and media), so an
// unchanged publish keeps the same version and wakes no screen.
std::string content_version(const Manifest& manifest);

}  // namespace signage::protocol
