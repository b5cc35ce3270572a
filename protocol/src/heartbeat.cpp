#include "protocol/heartbeat.hpp"

#include "protocol/time.hpp"

namespace signage::protocol {

using nlohmann::json;

namespace {

Error heartbeat_invalid(const std::string& field, const std::string& message) {
    return make_error(ErrorCode::unprocessable, field + ": " + message, field);
}

// A required string field: 1 to `max` bytes.
Status read_text(const json& body, const char* field, std::size_t max, std::string& out) {
    auto it = body.find(field);
    if (it == body.end()) return heartbeat_invalid(field, "is required");
    if (!it->is_string()) return heartbeat_invalid(field, "is a string");
    const auto& text = it->get_ref<const std::string&>();
    if (text.empty()) return heartbeat_invalid(field, "must not be empty");
    if (text.size() > max) {
        return heartbeat_invalid(field, "has at most " + std::to_string(max) + " bytes");
    }
    out = text;
    return {};
}

// A string field that may be absent or null: at most `max` bytes.
Status read_text(const json& body, const char* field, std::size_t max,
                 std::optional<std::string>& out) {
    auto it = body.find(field);
    out.reset();
    if (it == body.end() || it->is_null()) return {};
    if (!it->is_string()) return heartbeat_invalid(field, "is a string or null");
    const auto& text = it->get_ref<const std::string&>();
    if (text.size() > max) {
        return heartbeat_invalid(field, "has at most " + std::to_string(max) + " bytes");
    }
    out = text;
    return {};
}

// A whole number field within [lo, hi]; null or absent only when `out` is
// optional.
Status read_integer(const json& body, const char* field, std::int64_t lo, std::int64_t hi,
                    std::optional<std::int64_t>& out) {
    auto it = body.find(field);
    out.reset();
    if (it == body.end() || it->is_null()) return {};
    if (!it->is_number_integer()) return heartbeat_invalid(field, "is a whole number");
    const bool too_big =
        it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi);
    const std::int64_t v = too_big ? hi : it->get<std::int64_t>();
    if (too_big || v < lo || v > hi) {
        return heartbeat_invalid(field,
                                 "is from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    out = v;
    return {};
}

Status read_integer(const json& body, const char* field, std::int64_t lo, std::int64_t hi,
                    std::int64_t& out) {
    std::optional<std::int64_t> v;
    if (auto st = read_integer(body, field, lo, hi, v); !st) return st;
    if (!v) return heartbeat_invalid(field, "is required");
    out = *v;
    return {};
}

json text_or_null(const std::optional<std::string>& text) {
    return text ? json(*text) : json(nullptr);
}

}  // namespace

Result<Heartbeat> parse_heartbeat(const json& body) {
    constexpr std::int64_t max_bytes = std::int64_t{1} << 50;  // a petabyte
    constexpr std::int64_t ten_years_ms = std::int64_t{10} * 366 * 24 * 3600 * 1000;
    if (!body.is_object())
        return make_error(ErrorCode::unprocessable, "must be a JSON object", "body");
    Heartbeat hb;
    if (auto st = read_text(body, "software_version", 64, hb.software_version); !st)
        return st.error();
    if (auto st = read_text(body, "manifest_version", 128, hb.manifest_version); !st)
        return st.error();
    if (auto st = read_text(body, "item_id", 128, hb.item_id); !st) return st.error();
    if (auto st = read_text(body, "item_title", 512, hb.item_title); !st) return st.error();
    if (auto st = read_text(body, "manifest_shows_at", 64, hb.manifest_shows_at); !st)
        return st.error();
    if (hb.manifest_shows_at && !parse_iso8601(*hb.manifest_shows_at)) {
        return heartbeat_invalid("manifest_shows_at", "is not an ISO 8601 time");
    }
    if (auto st = read_text(body, "last_sync_error", 1000, hb.last_sync_error); !st)
        return st.error();
    if (auto st = read_integer(body, "interval_s", 5, 3600, hb.interval_s); !st) return st.error();
    if (auto st = read_integer(body, "uptime_s", 0, std::int64_t{1} << 40, hb.uptime_s); !st)
        return st.error();
    if (auto st = read_integer(body, "rss_bytes", 0, max_bytes, hb.rss_bytes); !st)
        return st.error();
    if (auto st = read_integer(body, "cache_bytes", 0, max_bytes, hb.cache_bytes); !st)
        return st.error();
    if (auto st = read_integer(body, "free_disk_bytes", 0, max_bytes, hb.free_disk_bytes); !st)
        return st.error();
    if (auto st =
            read_integer(body, "clock_offset_ms", -ten_years_ms, ten_years_ms, hb.clock_offset_ms);
        !st) {
        return st.error();
    }
    if (auto st = read_text(body, "sent_at", 64, hb.sent_at); !st) return st.error();
    if (!parse_iso8601(hb.sent_at)) return heartbeat_invalid("sent_at", "is not an ISO 8601 time");
    return hb;
}

json to_json(const Heartbeat& hb) {
    return {{"software_version", hb.software_version},
            {"manifest_version", text_or_null(hb.manifest_version)},
            {"item_id", text_or_null(hb.item_id)},
            {"item_title", text_or_null(hb.item_title)},
            {"manifest_shows_at", text_or_null(hb.manifest_shows_at)},
            {"last_sync_error", text_or_null(hb.last_sync_error)},
            {"interval_s", hb.interval_s},
            {"uptime_s", hb.uptime_s},
            {"rss_bytes", hb.rss_bytes},
            {"cache_bytes", hb.cache_bytes},
            {"free_disk_bytes", hb.free_disk_bytes},
            {"clock_offset_ms", hb.clock_offset_ms ? json(*hb.clock_offset_ms) : json(nullptr)},
            {"sent_at", hb.sent_at}};
}

}  // namespace signage::protocol
