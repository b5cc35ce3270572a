#pragma once
// Plain records the store reads and writes. No behaviour beyond conversions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/play.hpp"

namespace signage::server {

enum class Role { admin, editor, reviewer };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// The unit an installation starts with, and every record made before units
// (schema 16) belongs to: the top of the tree.
inline constexpr std::int64_t root_unit_id = 1;

// An office in the unit tree (市 → 区/县 → 街道/镇 → 社区/村, any depth): its
// staff, groups (and so screens), slides, quiz questions and media belong to
// it. `path` is its ancestors' ids and its own, "/1/4/9/": a unit's subtree
// is every unit whose path starts with its path.
struct Unit {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> parent;  // nullopt: the top unit
    std::string path;
    // Its settings as JSON text, {"min_public_share": 0.3}: a floor for
    // every group in its subtree. "{}" for none.
    std::string settings_json = "{}";
    std::string created_at;
};

// What a unit still holds (it can be deleted only when all are 0).
struct UnitHoldings {
    std::int64_t units = 0;  // units directly below it
    std::int64_t users = 0;
    std::int64_t groups = 0;
    std::int64_t slides = 0;
    std::int64_t questions = 0;
    std::int64_t media = 0;
};

struct User {
    std::int64_t id = 0;
    std::string username;
    Role role = Role::editor;
    bool disabled = false;  // cannot sign in; has no sessions
    std::string created_at;
    // The unit the user works in; the role holds there and in every unit
    // below it (units/unit_tree.hpp).
    std::int64_t unit_id = root_unit_id;
};

// Records of some units: those of the subtree whose path is `subtree_path`
// ("" for every unit) and those of the units `also` (a unit's ancestors, for
// what flows down to it).
struct UnitFilter {
    std::string subtree_path;
    std::vector<std::int64_t> also;
};

// One row of the audit log. `before` and `after` are JSON text, empty for
// none (null in the API).
struct AuditEntry {
    std::int64_t id = 0;
    std::string at;     // ISO 8601 UTC
    std::string actor;  // username; empty for the command line
    std::string action;
    std::string object_type;
    std::string object_id;
    std::string before;
    std::string after;
    std::int64_t unit_id = root_unit_id;  // the unit the object belongs to
};

struct AuditQuery {
    int limit = 50;
    std::int64_t before_id = 0;  // 0: from the newest
    std::string object_type;     // empty: any
    std::string object_id;       // empty: any
    UnitFilter units;            // whose objects (subtree_path "": every unit's)
};

struct Group {
    std::int64_t id = 0;
    std::string name;
    std::string created_at;  // ISO 8601 UTC
    // protocol::GroupSettings as JSON text; "{}" (the defaults) for groups
    // made before settings existed or without any.
    std::string settings_json = "{}";
    std::int64_t screens = 0;  // screens in the group when it was read
    std::int64_t unit_id = root_unit_id;
};

struct Screen {
    std::int64_t id = 0;
    std::string name;
    std::int64_t group_id = 0;
    std::string group;
    std::int64_t unit_id = root_unit_id;  // its group's unit
    std::string created_at;
    std::string last_seen;  // ISO 8601 UTC; empty when the screen never asked
    // Hex of the first 8 bytes of the screen's claim public key
    // (protocol/claim.hpp); empty for a screen registered before claim keys,
    // until it next asks with its token.
    std::string claim_key_id;
    // Its device token was revoked; it may be paired again.
    bool revoked = false;
};

// The latest heartbeat of a screen (schema version 6).
struct ScreenHealth {
    std::int64_t screen_id = 0;
    std::string received_at;  // ISO 8601 UTC, the server's clock
    std::int64_t received_unix = 0;
    int interval_s = 60;         // the heartbeat interval the screen reported
    std::string heartbeat_json;  // the heartbeat as the server accepted it
};

// The latest screenshot of a screen.
struct Screenshot {
    std::string taken_at;    // ISO 8601 UTC, when the server received it
    std::string request_id;  // the request it answers; empty for a periodic one
    std::string png;
};

// What the server keeps of a device token it issues: its hash and the public
// half of the claim key pair the screen derives from it (both hex).
struct DeviceCredentials {
    std::string token_hash;
    std::string claim_public_key;
    std::string claim_key_id;
};

// A claim key whose id matches a code: the screen it belongs or belonged to,
// the public key (hex), and whether it was retired (the screen's token was
// revoked: codes made with it are refused).
struct ClaimKeyOwner {
    Screen screen;
    std::string public_key;
    bool retired = false;
};

// What the probe of a film found (schema 12): its container ("mp4", "webm",
// "mov"), video codec as FFmpeg names it ("h264", "hevc", "vp8", "vp9"),
// frame size and rate, length, pixel format ("yuv420p"), bit rate (bits per
// second; 0 when unknown) and audio codec ("aac", "opus", "vorbis"; nullopt:
// silent).
struct VideoInfo {
    std::string container;
    std::string codec;
    int width = 0;
    int height = 0;
    double fps = 0;
    std::int64_t duration_ms = 0;
    std::string pixel_format;
    std::int64_t bit_rate = 0;
    std::optional<std::string> audio;
    std::string poster_sha256 = {};  // the poster PNG's sha256 (schema 13; "" before)
};

struct MediaInfo {
    std::string sha256;  // lowercase hex; also the file name in the media store
    std::int64_t size = 0;
    std::string content_type;  // image/png, image/jpeg, video/mp4, video/webm, video/quicktime
    int width = 0;
    int height = 0;
    std::string name;  // what staff call it: the uploaded file's name (schema 8)
    std::optional<VideoInfo> video = std::nullopt;  // films only
    // A film the server converted to a screen profile: its original's sha256
    // (schema 13). "" for what staff uploaded: only those are listed.
    std::string rendition_of = {};
};

// A film's conversion to one screen profile it does not fit (schema 13).
// status: "queued", "converting", "done" (rendition_sha256 set) or "failed"
// (error says why); progress 0..1.
struct RenditionRecord {
    std::string original_sha256;
    std::string profile_key;  // the profile's JSON (protocol::to_json(VideoProfile))
    std::string status = "queued";
    double progress = 0;
    std::string rendition_sha256 = {};
    std::string error = {};
    std::string updated_at = {};
    // While converting: the instance doing it (--instance-name) and until
    // when (Unix ms) the others leave it alone unless it says so again.
    std::string claimed_by = {};
    std::int64_t lease_until_ms = 0;
};

// A media file as the library lists it.
struct MediaEntry {
    MediaInfo info;
    std::string uploaded_by;  // username; "" when unknown
    std::string created_at;   // ISO 8601 UTC
};

// How the library is listed: names containing `search` (case-insensitive
// for ASCII letters; empty: every medium), ordered by `sort`, at most `limit`.
struct MediaQuery {
    enum class Sort { name, size, uploaded_at };
    std::string search;
    Sort sort = Sort::uploaded_at;
    bool descending = true;
    int limit = 500;
    UnitFilter units;  // media any of these units uploaded
};

enum class SlideStatus { draft, pending, approved, rejected, published, withdrawn };
std::string_view to_string(SlideStatus status);
std::optional<SlideStatus> parse_slide_status(std::string_view text);

struct SlideRecord {
    std::int64_t id = 0;
    std::string json;  // working copy: the slide's own fields, normalised, no server fields
    std::optional<std::string> approved_json;  // last approved version: what publish uses
    // The version on screens: the approved one as of the last publish that
    // covered its unit (schema 16); nullopt: none.
    std::optional<std::string> published_json;
    std::int64_t unit_id = root_unit_id;  // the unit it belongs to
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
    // Everyone who changed the working copy since it was last approved (the
    // author first): none of them may approve it.
    std::vector<std::int64_t> editor_ids;
};

// The revision of a record's working copy: what a reviewer looked at, named
// by its content (the first 12 hex digits of its SHA-256).
std::string revision_of(const SlideRecord& slide);
// The same of a version's JSON text (the approved one, say).
std::string revision_of(std::string_view json);

// A quiz question goes through the same review as a slide, so it is kept in
// the same shape: `json` is the question's own fields (protocol::Question).
using QuestionRecord = SlideRecord;

// A redeemed prize claim.
struct Redemption {
    std::string redeemed_at;  // ISO 8601 UTC
    std::string redeemed_by;  // username
};

// One quiz round as a screen reported it, with the UTC date it finished on.
struct QuizRoundRow {
    std::string round_id;
    std::string finished_at;
    std::string date;  // YYYY-MM-DD (UTC)
    int score = 0;
    int total = 0;
    bool passed = false;
    std::vector<std::pair<std::string, bool>> answers;  // question id, answered right
};

struct QuestionStat {
    std::string question_id;
    std::string json;  // the question's current fields; empty when it was deleted
    std::int64_t attempts = 0;
    std::int64_t correct = 0;
};

struct RoundStat {
    std::string screen;
    std::string date;
    std::int64_t rounds = 0;
    std::int64_t passed = 0;
};

struct QuizStats {
    std::vector<QuestionStat> questions;  // worst correct rate first
    std::vector<RoundStat> rounds;        // by date, then screen
};

// A screen group's rotation order (schema 10): the order staff propose
// (pending review, or rejected with a reason) and the order a reviewer
// approved, which the next publish puts into the group's manifest. Each is a
// list of slide ids.
enum class OrderStatus { none, pending, rejected };
std::string_view to_string(OrderStatus status);

struct GroupOrder {
    std::int64_t group_id = 0;
    std::string group;
    // The proposed order; status none: there is none.
    OrderStatus status = OrderStatus::none;
    std::vector<std::int64_t> proposed;
    std::int64_t proposed_by_id = 0;
    std::string proposed_by;  // username
    std::string proposed_at;  // ISO 8601 UTC
    std::string reviewer;     // who rejected it
    std::string reject_reason;
    std::string reviewed_at;
    // The approved order; nullopt: none yet (the default order applies).
    std::optional<std::vector<std::int64_t>> approved;
    // The slides from units above the group's that its unit takes off the
    // group's screens (schema 16): proposed with the order, and as approved.
    std::vector<std::int64_t> proposed_hidden;
    std::vector<std::int64_t> approved_hidden;
    std::string approved_by;  // username
    std::string approved_at;
    std::optional<std::int64_t> approved_by_id;
    std::optional<std::int64_t> reviewer_id;
};

// A compiled manifest as stored: `json` is the manifest document itself.
struct StoredManifest {
    std::string group;
    std::string version;
    std::string json;
    std::string published_at;
    std::int64_t sequence = 0;  // the row's id: a later manifest has a larger one
};

// A play as stored, with the screen that reported it.
struct StoredPlay {
    std::int64_t screen_id = 0;
    std::string screen;
    protocol::Play play;
};

// A webhook: where alerts go (alerts/alert_service.hpp). Scoped to screen
// groups for now (empty: every group); a unit will take the scope's place.
struct Webhook {
    std::int64_t id = 0;
    std::string name;
    std::string url;                  // http or https
    std::string format;               // wecom, dingtalk or plain
    std::string secret;               // dingtalk's signing secret; empty: none
    std::vector<std::string> events;  // screen_offline, sync_error, review_waiting, emergency_sent
    std::vector<std::string> groups;  // empty: every group
    std::string created_at;
    std::string updated_at;
};

// One message to a webhook and what became of it.
struct WebhookDelivery {
    std::int64_t id = 0;
    std::int64_t webhook_id = 0;
    std::string event;    // as in Webhook::events, or "test"
    std::string message;  // the text people read
    std::string body;     // the JSON posted
    std::string status;   // pending, retrying, delivered, failed
    int attempts = 0;
    std::optional<int> http_status;  // of the last attempt
    std::string error;               // of the last attempt; empty when none
    std::string created_at;
    std::string updated_at;
    std::string delivered_at;    // empty until delivered
    std::int64_t next_unix = 0;  // when the next attempt is due (pending, retrying)
};

// Current time as ISO 8601 UTC ("2026-11-22T08:30:00Z"), as Unix seconds
// and as Unix milliseconds.
std::string now_iso8601();
std::int64_t now_unix();
std::int64_t now_unix_ms();

}  // namespace signage::server
