#pragma once
// Plain records the store reads and writes. No behaviour beyond conversions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signage::server {

enum class Role { admin, editor, reviewer };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct User {
    std::int64_t id = 0;
    std::string username;
    Role role = Role::editor;
};

struct Group {
    std::int64_t id = 0;
    std::string name;
    std::string created_at;  // ISO 8601 UTC
    // protocol::GroupSettings as JSON text; "{}" (the defaults) for groups
    // made before settings existed or without any.
    std::string settings_json = "{}";
    std::int64_t screens = 0;  // screens in the group when it was read
};

struct Screen {
    std::int64_t id = 0;
    std::string name;
    std::int64_t group_id = 0;
    std::string group;
    std::string created_at;
    std::string last_seen;  // ISO 8601 UTC; empty when the screen never asked
};

struct MediaInfo {
    std::string sha256;  // lowercase hex; also the file name in the media store
    std::int64_t size = 0;
    std::string content_type;  // image/png or image/jpeg
    int width = 0;
    int height = 0;
};

enum class SlideStatus { draft, pending, approved, rejected, published };
std::string_view to_string(SlideStatus status);
std::optional<SlideStatus> parse_slide_status(std::string_view text);

struct SlideRecord {
    std::int64_t id = 0;
    std::string json;  // working copy: the slide's own fields, normalised, no server fields
    std::optional<std::string> approved_json;  // last approved version: what publish uses
    SlideStatus status = SlideStatus::draft;
    std::int64_t author_id = 0;  // who created it
    std::string author;
    std::int64_t updated_by_id = 0;  // who last changed the working copy
    std::string updated_by;
    std::optional<std::int64_t> reviewer_id;  // who last approved or rejected it
    std::string reviewer;
    std::string reject_reason;
    std::string created_at;
    std::string updated_at;
    std::string reviewed_at;  // empty until reviewed
};

// A compiled manifest as stored: `json` is the manifest document itself.
struct StoredManifest {
    std::string group;
    std::string version;
    std::string json;
    std::string published_at;
};

// Current time as ISO 8601 UTC ("2026-11-22T08:30:00Z") and as Unix seconds.
std::string now_iso8601();
std::int64_t now_unix();

}  // namespace signage::server
