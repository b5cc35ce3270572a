// Heartbeats as the server reads them (POST /api/v1/player/heartbeat): never
// crash; a refusal names its field and starts its message with it; what is
// accepted is kept as to_json gives it back, and that reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/heartbeat.hpp"

using namespace signage::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded()) return 0;
    auto hb = parse_heartbeat(body);
    if (!hb) {
        const auto& e = hb.error();
        if (e.code != signage::ErrorCode::unprocessable || e.field.empty()) std::abort();
        if (e.field != "body" && e.message.rfind(e.field + ": ", 0) != 0) std::abort();
        return 0;
    }
    if (hb->software_version.empty() || hb->software_version.size() > 64) std::abort();
    if (hb->interval_s < 5 || hb->interval_s > 3600) std::abort();
    if (hb->rss_bytes < 0 || hb->cache_bytes < 0 || hb->free_disk_bytes < 0) std::abort();
    const nlohmann::json kept = to_json(*hb);
    auto again = parse_heartbeat(kept);
    if (!again || !(*again == *hb) || to_json(*again) != kept) std::abort();
    // What is kept has exactly the known fields: nothing of the input's own.
    if (kept.size() != 13) std::abort();
    return 0;
}
