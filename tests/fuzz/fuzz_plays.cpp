// Proof-of-play batches as the server reads them (POST /api/v1/player/plays):
// never crash; a refusal names "plays" or "plays[i].field" with i inside the
// list; an accepted play survives a round trip unchanged and keeps its rules
// (only items have loops, emergencies are public service).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/play.hpp"

using namespace signage::protocol;

namespace {

// "plays[<i>]" (an entry that is not an object), or that followed by "." and
// a field name, with i < n.
bool names_an_entry(const std::string& field, std::size_t n) {
    constexpr std::string_view prefix = "plays[";
    if (field.rfind(prefix, 0) != 0) return false;
    const auto close = field.find(']', prefix.size());
    if (close == std::string::npos || close == prefix.size()) return false;
    const bool whole = close + 1 == field.size();
    if (!whole && (field[close + 1] != '.' || close + 2 == field.size())) return false;
    std::size_t i = 0;
    for (std::size_t k = prefix.size(); k < close; ++k) {
        if (field[k] < '0' || field[k] > '9') return false;
        i = i * 10 + static_cast<std::size_t>(field[k] - '0');
        if (i > kMaxPlaysPerRequest) return false;
    }
    return i < n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded()) return 0;
    auto plays = parse_play_batch(body);
    if (!plays) {
        const auto& e = plays.error();
        if (e.code != signage::ErrorCode::unprocessable || e.message.empty()) std::abort();
        const bool listed = body.is_object() && body.contains("plays") && body["plays"].is_array();
        const std::size_t n = listed ? body["plays"].size() : 0;
        if (e.field != "plays" && !names_an_entry(e.field, n)) std::abort();
        return 0;
    }
    if (plays->size() > kMaxPlaysPerRequest) std::abort();
    for (const Play& p : *plays) {
        if (p.duration_ms < 0 || p.duration_ms > 86'400'000) std::abort();
        if ((p.kind == PlayKind::item) == p.loop_id.empty()) std::abort();
        if (p.kind == PlayKind::emergency && !p.public_service) std::abort();
        if (p.loop_end && p.kind != PlayKind::item) std::abort();
        auto again = parse_play(to_json(p), "plays[0]");
        if (!again || !(*again == p)) std::abort();
        // The start goes out as text and reads back to the same millisecond.
        auto start = parse_iso8601_ms(format_iso8601_ms(p.start_ms));
        if (!start || *start != p.start_ms) std::abort();
    }
    return 0;
}
