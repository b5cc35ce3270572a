// Slide JSON from staff, --render files and manifests: never crashes, and
// whatever is accepted survives a round trip through to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/slide.hpp"

using namespace signage::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the options, the rest is the document.
    SlideParseOptions opt;
    opt.allow_local_paths = (data[0] & 1) != 0;
    opt.reject_unknown_fields = (data[0] & 2) == 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto slide = parse_slide_text(text, opt);
    if (!slide) {
        if (slide.error().message.empty()) std::abort();  // every refusal says why
        return 0;
    }
    const nlohmann::json j = to_json(*slide);
    auto again = parse_slide(j, opt);
    if (!again || to_json(*again) != j) std::abort();
    // The derived views must hold up too.
    (void)slide->media_refs();
    const auto now = Timestamp{std::chrono::seconds{1795000000}};
    if (slide->pages_at(now, std::chrono::hours{8}) < 1) std::abort();
    for (const auto& e : slide->black) {
        (void)mask_name(e.name);
        (void)mask_plate(e.plate);
    }
    return 0;
}
