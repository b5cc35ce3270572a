#pragma once
// The store: every durable record of the content server in one SQLite database
// (WAL, foreign keys, busy timeout). The schema is created or migrated when the
// store opens.
//
// Threading: every method may be called from any thread; calls are serialised
// by one mutex around one connection, so a method never sees another's half
// done work. Callbacks passed in (update_slide, publish) run under that mutex
// and must not call back into the store.
//
// Errors are values: "not_found", "conflict" (a unique name taken), "internal"
// (SQLite failed; the message says how). Nothing here throws.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "protocol/play.hpp"
#include "store/records.hpp"

namespace SQLite {
class Database;
}

namespace signage::server {

// What publish() hands to the compile step: the approved versions of every
// slide that has one (in id order) and a way to look media up.
// A play as stored, with the screen that reported it.
struct StoredPlay {
    std::int64_t screen_id = 0;
    std::string screen;
    protocol::Play play;
};

struct PublishInput {
    struct ApprovedSlide {
        std::int64_t id = 0;
        std::string json;  // the approved version
    };
    std::string now;            // ISO 8601 UTC: the publish time stored with new manifests
    std::vector<Group> groups;  // by name, with their settings
    std::vector<ApprovedSlide> slides;
    std::vector<ApprovedSlide> questions;  // the approved quiz bank, in id order
    std::function<std::optional<MediaInfo>(const std::string& sha256)> find_media;
};

// One compiled manifest per group, produced by the compile step.
struct CompiledManifest {
    std::int64_t group_id = 0;
    std::string group;
    std::string version;
    std::string json;
};

struct PublishedGroup {
    std::string group;
    std::string version;
    bool changed = false;  // false: the group already had this version; nothing was stored
    std::string json;      // the group's current manifest document
    std::string published_at;
    std::int64_t sequence = 0;  // the stored manifest's order (StoredManifest::sequence)
};

// What update_group_settings() hands to its reissue step, and what it returns.
using ReissueFn = std::function<Result<CompiledManifest>(
    const Group& group, const std::optional<StoredManifest>& latest)>;
struct GroupSettingsUpdate {
    Group group;              // with its new settings
    PublishedGroup manifest;  // the group's current manifest afterwards
};

struct ScreenMove {
    Screen screen;  // in its new group
    std::string previous_group;
};

class Store {
  public:
    // Opens (creating when missing) the database file and brings its schema up
    // to date. Refuses a database written by a newer schema.
    static Result<std::unique_ptr<Store>> open(const std::filesystem::path& db_file);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    static constexpr int schema_version = 6;

    // A table of review records (slides, quiz questions); defined in store.cpp.
    struct ReviewTable;

    // Users and sessions.
    Result<std::int64_t> count_users();
    // `actor`: the admin who adds it (nullopt: the command line), for the audit log.
    Result<User> add_user(const std::string& username, const std::string& password_hash, Role role,
                          std::optional<std::int64_t> actor = std::nullopt);
    Result<std::vector<User>> list_users();  // by username
    // Changes a user's role and/or disabled flag. Disabling ends the user's
    // sessions. "not_found"; "conflict" when it would leave no enabled admin.
    Result<User> update_user(const std::string& username, std::optional<Role> role,
                             std::optional<bool> disabled, std::int64_t actor);
    // Replaces a user's password hash and ends every session of the user but
    // the one whose hash is `keep_session`.
    Status set_password(std::int64_t user_id, const std::string& password_hash,
                        const std::string& keep_session);
    // The user and its password hash; nullopt when there is no such user.
    Result<std::optional<std::pair<User, std::string>>> find_user(const std::string& username);
    Status add_session(const std::string& token_hash, std::int64_t user_id,
                       std::int64_t expires_unix);
    // The user owning an unexpired session; nullopt when unknown or expired.
    Result<std::optional<User>> session_user(const std::string& token_hash, std::int64_t now);
    Status delete_session(const std::string& token_hash);
    Status purge_expired_sessions(std::int64_t now);

    // Groups and screens. Group reads fill in the screen count.
    // "conflict" when the name is taken.
    Result<Group> add_group(const std::string& name, const std::string& settings_json = "{}",
                            std::optional<std::int64_t> actor = std::nullopt);
    Result<std::optional<Group>> find_group(const std::string& name);
    Result<std::vector<Group>> list_groups();  // by name
    // Replaces a group's settings and, in the same transaction, stores the
    // manifest `reissue` makes from the group (with its new settings) and its
    // latest manifest (nullopt when never published), unless its version is
    // the group's current one. "not_found" for an unknown group.
    Result<GroupSettingsUpdate> update_group_settings(const std::string& name,
                                                      const std::string& settings_json,
                                                      const ReissueFn& reissue,
                                                      std::int64_t updated_by);
    // Registers a screen, creating its group when missing (one transaction).
    Result<Screen> add_screen(const std::string& name, const std::string& group,
                              const DeviceCredentials& device,
                              std::optional<std::int64_t> actor = std::nullopt);
    // Pairing: registers a screen like add_screen(), or gives the revoked
    // screen of that name new credentials and the group (created when
    // missing). "conflict" (field "name") when the name has a working token.
    Result<Screen> pair_screen(const std::string& name, const std::string& group,
                               const DeviceCredentials& device,
                               std::optional<std::int64_t> actor = std::nullopt);
    // Revokes a screen's device token at once: it no longer authenticates;
    // the screen keeps its name and history and may be paired again.
    // "not_found" for an unknown screen.
    Result<Screen> revoke_screen(std::int64_t screen_id,
                                 std::optional<std::int64_t> actor = std::nullopt);
    // Records the claim key of a screen that has none yet (registered before
    // claim keys); a screen's existing key is never replaced.
    Status set_claim_key(std::int64_t screen_id, const DeviceCredentials& device);
    // The screens whose claim key has this id, with their public keys (hex).
    Result<std::vector<std::pair<Screen, std::string>>> screens_by_claim_key(
        const std::string& key_id);
    // Moves a screen to another existing group: "not_found" for an unknown
    // screen, "unprocessable" (field "group") for an unknown group.
    Result<ScreenMove> move_screen(std::int64_t screen_id, const std::string& group,
                                   std::optional<std::int64_t> actor = std::nullopt);
    Result<std::optional<Screen>> screen_by_token(const std::string& token_hash);
    Result<std::vector<Screen>> list_screens();
    // Records that a screen asked; writes at most once per screen every
    // `min_interval_s` seconds so thousands of polling screens cost few writes.
    Status touch_screen(std::int64_t screen_id, std::int64_t min_interval_s = 30);
    // From memory only, never waiting on the database (the I/O thread's fast
    // path): the screen of a token hash screen_by_token has seen and no change
    // to the screens has forgotten since; whether touch_screen wrote this
    // screen's last_seen less than `seconds` ago.
    std::optional<Screen> cached_screen(const std::string& token_hash);
    bool seen_within(std::int64_t screen_id, std::int64_t seconds = 30);

    // Screen health: the latest heartbeat (which also counts as being seen)
    // and the latest screenshot of each screen; older ones are replaced.
    Status record_heartbeat(std::int64_t screen_id, int interval_s,
                            const std::string& heartbeat_json);
    Result<std::vector<ScreenHealth>> list_screen_health();
    Result<std::optional<ScreenHealth>> screen_health(std::int64_t screen_id);
    Result<Screen> get_screen(std::int64_t screen_id);  // "not_found"
    Status put_screenshot(std::int64_t screen_id, const std::string& request_id,
                          const std::string& png);
    Result<std::optional<Screenshot>> get_screenshot(std::int64_t screen_id);
    // When each screen's latest screenshot arrived (screen id -> ISO 8601).
    Result<std::unordered_map<std::int64_t, std::string>> screenshot_times();

    // Media. add_media ignores a sha256 that is already recorded.
    Status add_media(const MediaInfo& media, std::optional<std::int64_t> uploaded_by);
    Result<std::optional<MediaInfo>> find_media(const std::string& sha256);
    // The media library, newest first: at most `limit` entries.
    Result<std::vector<MediaEntry>> list_media(int limit);

    // Slides.
    Result<SlideRecord> create_slide(const std::string& json, std::int64_t author_id);
    Result<SlideRecord> get_slide(std::int64_t id);  // "not_found"
    Result<std::vector<SlideRecord>> list_slides();  // in id order
    // Reads the slide, lets `change` edit it (its error aborts and is returned),
    // and writes the editable fields back, in one transaction.
    // `actor` and `action` ("edit", "submit", ...) go to the audit log.
    Result<SlideRecord> update_slide(std::int64_t id,
                                     const std::function<Status(SlideRecord&)>& change,
                                     std::int64_t actor, const std::string& action);
    Status delete_slide(std::int64_t id, std::int64_t actor);  // "not_found"

    // Quiz questions: the same review records as slides, in their own table.
    Result<QuestionRecord> create_question(const std::string& json, std::int64_t author_id);
    Result<QuestionRecord> get_question(std::int64_t id);  // "not_found"
    Result<std::vector<QuestionRecord>> list_questions();  // in id order
    // Like update_slide, for several questions in one transaction: the first
    // unknown id or failing change aborts them all. In a `batch` its error
    // names "ids[i]"; otherwise it is update_slide's.
    Result<std::vector<QuestionRecord>> update_questions(
        const std::vector<std::int64_t>& ids, const std::function<Status(QuestionRecord&)>& change,
        bool batch, std::int64_t actor, const std::string& action);
    Status delete_question(std::int64_t id, std::int64_t actor);  // "not_found"
    // Adds drafts by one author in one transaction; their ids in order.
    Result<std::vector<std::int64_t>> import_questions(const std::vector<std::string>& jsons,
                                                       std::int64_t author_id);

    // Prize claims: the redemption of (screen, day, serial), if any.
    Result<std::optional<Redemption>> find_redemption(std::int64_t screen_id, int day, int serial);
    // Redeems a claim once: the new redemption, or "already_redeemed" whose
    // message says when and by whom (then `existing` is filled in).
    Result<Redemption> redeem_claim(std::int64_t screen_id, int day, int serial, const User& by,
                                    std::optional<Redemption>& existing);

    // Quiz results: stores the rounds whose id the screen has not reported
    // before; returns how many were new.
    Result<int> add_quiz_rounds(std::int64_t screen_id, const std::vector<QuizRoundRow>& rounds);
    // Figures over rounds finished from `from` to `to` (UTC dates, inclusive;
    // empty: unbounded).
    Result<QuizStats> quiz_stats(const std::string& from, const std::string& to);

    // Proof of play: stores the plays a screen reports, ignoring play ids the
    // screen sent before; returns how many were new.
    Result<int> add_plays(std::int64_t screen_id, const std::vector<protocol::Play>& plays);
    // The plays of these screens that started in [from_ms, to_ms) (UTC
    // milliseconds), in start order per screen.
    Result<std::vector<StoredPlay>> plays_between(const std::vector<std::int64_t>& screen_ids,
                                                  std::int64_t from_ms, std::int64_t to_ms);

    // Publishing, in ONE transaction: hands the approved content to `compile`,
    // stores each group's manifest whose version differs from the group's
    // latest, and marks approved slides and questions published.
    Result<std::vector<PublishedGroup>> publish(
        const std::function<Result<std::vector<CompiledManifest>>(const PublishInput&)>& compile,
        std::int64_t published_by);
    // Admin-configured settings: JSON text by key; nullopt when never set.
    Result<std::optional<std::string>> get_setting(const std::string& key);
    Status put_setting(const std::string& key, const std::string& json, std::int64_t actor);

    // The audit log, newest first.
    Result<std::vector<AuditEntry>> list_audit(const AuditQuery& query);

    // A group's latest manifest; nullopt when the group was never published.
    Result<std::optional<StoredManifest>> latest_manifest(const std::string& group);

  private:
    explicit Store(std::unique_ptr<SQLite::Database> db);
    Status migrate();
    SlideRecord read_review_locked(const ReviewTable& table, std::int64_t id, bool& found);
    Result<SlideRecord> create_review(const ReviewTable& table, const std::string& json,
                                      std::int64_t author_id);
    Result<SlideRecord> get_review(const ReviewTable& table, std::int64_t id);
    Result<std::vector<SlideRecord>> list_reviews(const ReviewTable& table);
    Result<std::vector<SlideRecord>> update_reviews(
        const ReviewTable& table, const std::vector<std::int64_t>& ids,
        const std::function<Status(SlideRecord&)>& change, bool batch, std::int64_t actor,
        const std::string& action);
    Status delete_review(const ReviewTable& table, std::int64_t id, std::int64_t actor);
    // Appends to the audit log (in the caller's transaction). `before` and
    // `after` are JSON text, empty for none.
    void audit_locked(std::optional<std::int64_t> actor, const std::string& action,
                      const std::string& object_type, const std::string& object_id,
                      const std::string& before, const std::string& after);
    std::optional<Group> find_group_locked(const std::string& name);
    std::optional<StoredManifest> latest_manifest_locked(std::int64_t group_id);
    // Stores `m` unless it is the group's latest version already.
    PublishedGroup store_manifest_locked(const CompiledManifest& m, const std::string& now,
                                         std::int64_t published_by);
    std::optional<MediaInfo> find_media_locked(const std::string& sha256);

    std::mutex mutex_;
    std::unique_ptr<SQLite::Database> db_;
    // Device token hash -> its screen, so a screen's poll does not read the
    // database. Every change to the screens table clears it; last_seen in a
    // cached screen may be stale (the lists read the table).
    static constexpr std::size_t kTokenCacheLimit = 100000;
    std::unordered_map<std::string, Screen> token_cache_;
    std::unordered_map<std::int64_t, std::int64_t> last_touch_;  // screen id -> unix seconds
    // Guards token_cache_ and last_touch_; taken alone by the fast path, or
    // inside mutex_ (never the other way round).
    std::mutex cache_mutex_;
    void forget_screens();  // clears token_cache_; call holding mutex_
};

}  // namespace signage::server
