// Manifests as a screen receives them (and reads back from its cache): never
// crash, and an accepted manifest survives a round trip with its content
// version unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/manifest.hpp"

using namespace signage::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto m = parse_manifest_text(text);
    if (!m) {
        if (m.error().message.empty()) std::abort();
        return 0;
    }
    const nlohmann::json j = to_json(*m);
    auto again = parse_manifest(j);
    if (!again || to_json(*again) != j) std::abort();
    if (content_version(*again) != content_version(*m)) std::abort();
    for (const auto& item : m->items) {
        for (const auto& ref : item.media_refs()) {
            // Every media an item uses is listed.
            if (item.type == SlideType::image && ref == item.media && !m->find_media(ref)) {
                std::abort();
            }
        }
    }
    return 0;
}
