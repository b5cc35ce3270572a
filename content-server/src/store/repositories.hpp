#pragma once
// The repositories: what the services read and write, one small interface per
// concern, and the transaction that hands them out (Tx). The SQLite backend
// implements them (store/sqlite/); a second SQL backend implements the same
// interfaces without touching services or routes.
//
// A repository is only reachable inside Store::write() or Store::read(), so
// everything it does belongs to that call's transaction. Database failures
// are thrown (the transaction rolls back and the call returns "internal");
// expected outcomes are values: nullopt for a missing row, false when a
// change matched nothing, "conflict" (a unique name taken).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "protocol/play.hpp"
#include "store/records.hpp"

namespace signage::server {

// The unit tree (records.hpp: Unit). Every change moves the tree's version
// on, in the same transaction, so a cached tree (units/unit_tree.hpp) knows
// it is stale.
class UnitRepository {
  public:
    virtual ~UnitRepository() = default;
    virtual std::vector<Unit> list() = 0;  // by id: parents before children
    virtual std::optional<Unit> find(std::int64_t id) = 0;
    // Below `parent`; "conflict" (field "name") when a unit of that name is
    // there already.
    virtual Result<Unit> add(const std::string& name, std::int64_t parent,
                             const std::string& settings_json) = 0;
    // Writes name and settings; "conflict" (field "name") as add().
    virtual Status update(const Unit& unit) = 0;
    virtual bool remove(std::int64_t id) = 0;
    virtual UnitHoldings holdings(std::int64_t id) = 0;
    // Changes with every change of a unit.
    virtual std::int64_t version() = 0;
};

// Users and their sessions.
class UserRepository {
  public:
    virtual ~UserRepository() = default;
    virtual std::int64_t count() = 0;
    // "conflict" (field "username") when the name is taken.
    virtual Result<User> add(const std::string& username, const std::string& password_hash,
                             Role role, std::int64_t unit_id = root_unit_id) = 0;
    virtual std::vector<User> list() = 0;  // by username
    virtual std::optional<User> find(const std::string& username) = 0;
    // The user and its password hash.
    virtual std::optional<std::pair<User, std::string>> find_credentials(
        const std::string& username) = 0;
    virtual std::string username(std::int64_t id) = 0;  // "" when unknown
    virtual std::int64_t enabled_admins() = 0;
    // Writes a user's role, unit and disabled flag.
    virtual void update(const User& user) = 0;
    virtual bool set_password_hash(std::int64_t id, const std::string& password_hash) = 0;

    virtual void add_session(const std::string& token_hash, std::int64_t user_id,
                             std::int64_t expires_unix) = 0;
    // The enabled user owning an unexpired session.
    virtual std::optional<User> session_user(const std::string& token_hash, std::int64_t now) = 0;
    virtual void delete_session(const std::string& token_hash) = 0;
    // Ends every session of the user but `keep` (a token hash; "" keeps none);
    // how many ended.
    virtual int end_sessions(std::int64_t user_id, const std::string& keep = {}) = 0;
    virtual void purge_expired_sessions(std::int64_t now) = 0;
};

// Screen groups and their settings. Reads fill in the screen count.
class GroupRepository {
  public:
    virtual ~GroupRepository() = default;
    // "conflict" (field "name") when the name is taken.
    virtual Result<Group> add(const std::string& name, const std::string& settings_json,
                              std::int64_t unit_id = root_unit_id) = 0;
    virtual void add_if_missing(const std::string& name) = 0;
    virtual std::optional<Group> find(const std::string& name) = 0;
    virtual std::vector<Group> list() = 0;  // by name
    virtual void set_settings(std::int64_t id, const std::string& settings_json) = 0;
};

// Screens and their device credentials. Every change clears the store's
// screen cache (ScreenCache) when its transaction ends.
class ScreenRepository {
  public:
    virtual ~ScreenRepository() = default;
    // In an existing group; "conflict" (field "name") when the name is taken.
    virtual Result<Screen> add(const std::string& name, const std::string& group,
                               const DeviceCredentials& device) = 0;
    virtual std::optional<Screen> find(std::int64_t id) = 0;
    virtual std::optional<Screen> find_by_name(const std::string& name) = 0;
    virtual std::optional<Screen> find_by_token(const std::string& token_hash) = 0;
    virtual std::vector<Screen> list() = 0;  // by name
    // The claim keys with this id, the screens' current ones first, then
    // the retired ones (of revoked tokens).
    virtual std::vector<ClaimKeyOwner> find_by_claim_key(const std::string& key_id) = 0;
    // The same for the claim key ids from `from` up to (not including) `to`:
    // a short code's tag is a prefix of its screen's key id.
    virtual std::vector<ClaimKeyOwner> find_by_claim_key_range(const std::string& from,
                                                               const std::string& to) = 0;
    // Gives a revoked screen new credentials in an existing group; false when
    // the screen is not revoked.
    virtual bool reissue(std::int64_t id, const std::string& group,
                         const DeviceCredentials& device) = 0;
    // Replaces the token hash with one that matches no token and retires the
    // screen's claim key (kept, so its codes are refused by name); false
    // when unknown.
    virtual bool revoke(std::int64_t id) = 0;
    virtual void set_group(std::int64_t id, std::int64_t group_id) = 0;
    // Records the claim key of a screen that has none yet.
    virtual void set_claim_key_if_missing(std::int64_t id, const DeviceCredentials& device) = 0;
    virtual void set_last_seen(std::int64_t id, const std::string& at) = 0;
};

// The latest heartbeat and screenshot of each screen.
// A screenshot staff asked a screen for (screens/screenshot_requests.hpp).
struct ScreenshotRequestRow {
    std::string id;
    std::int64_t screen_id = 0;
    std::string state;   // "pending", "arrived" or "failed" (expired is computed)
    std::string reason;  // failed: capture, encode or upload
    std::string detail;  // failed: the screen's words
    std::string requested_at;
    std::int64_t expires_ms = 0;  // Unix milliseconds: the screen's time to answer ends
    std::string answered_at;      // arrived or failed
    int timeout_s = 0;
};

class ScreenHealthRepository {
  public:
    virtual ~ScreenHealthRepository() = default;
    virtual void put_heartbeat(const ScreenHealth& health) = 0;
    virtual std::vector<ScreenHealth> list() = 0;  // by screen id
    virtual std::optional<ScreenHealth> find(std::int64_t screen_id) = 0;
    virtual void put_screenshot(std::int64_t screen_id, const Screenshot& shot) = 0;
    virtual std::optional<Screenshot> screenshot(std::int64_t screen_id) = 0;
    // When each screen's latest screenshot arrived (screen id -> ISO 8601).
    virtual std::unordered_map<std::int64_t, std::string> screenshot_times() = 0;
    // Each screen's size (width, height) as its latest screenshot, a PNG of
    // the frame it shows, says; screens without one are left out.
    virtual std::unordered_map<std::int64_t, std::pair<int, int>> screenshot_sizes() = 0;
    virtual void add_screenshot_request(const ScreenshotRequestRow& row) = 0;
    virtual std::optional<ScreenshotRequestRow> screenshot_request(const std::string& id) = 0;
    // Writes state, reason, detail and answered_at.
    virtual void answer_screenshot_request(const ScreenshotRequestRow& row) = 0;
    // Drops those whose time to answer ended before `before_ms`.
    virtual void purge_screenshot_requests(std::int64_t before_ms) = 0;
};

// Reviewable content: slides or quiz questions (one repository each), their
// working copy, approved version and review state.
class ReviewRepository {
  public:
    virtual ~ReviewRepository() = default;
    // A new draft; its record as read back.
    virtual SlideRecord create(const std::string& json, std::int64_t author_id,
                               const std::string& now, std::int64_t unit_id = root_unit_id) = 0;
    virtual std::optional<SlideRecord> find(std::int64_t id) = 0;
    // Those of the filter's units, in id order.
    virtual std::vector<SlideRecord> list(const UnitFilter& units = {}) = 0;
    // Writes the editable fields (everything but id, author, unit and created_at).
    virtual void save(const SlideRecord& record) = 0;
    virtual bool remove(std::int64_t id) = 0;
    // The versions on screens (published_json), with their units, in id order.
    struct Published {
        std::int64_t id = 0;
        std::int64_t unit_id = root_unit_id;
        std::string json;
    };
    virtual std::vector<Published> published_versions() = 0;
    // The ids of the filter's units whose status is `approved`, and marking
    // them published (their approved version goes on screens).
    virtual std::vector<std::int64_t> approved_ids(const UnitFilter& units = {}) = 0;
    virtual void mark_approved_published(const UnitFilter& units = {}) = 0;
};

// Screen groups' rotation orders (records.hpp: GroupOrder).
class OrderRepository {
  public:
    virtual ~OrderRepository() = default;
    // The group's order; a group without one gets an empty record.
    virtual GroupOrder find(std::int64_t group_id) = 0;
    // Every group's order that has a proposed or approved one, by group name.
    virtual std::vector<GroupOrder> list() = 0;
    // Writes the order (inserting the group's row when it has none).
    virtual void save(const GroupOrder& order) = 0;
};

// Groups' compiled manifests. A later manifest has a larger sequence.
class ManifestRepository {
  public:
    virtual ~ManifestRepository() = default;
    virtual std::optional<StoredManifest> latest(std::int64_t group_id) = 0;
    // Stores a manifest; its sequence. published_by: nullopt when the
    // server re-issued it by itself (a film's conversion ended).
    virtual std::int64_t add(std::int64_t group_id, const std::string& version,
                             const std::string& json, const std::string& published_at,
                             std::optional<std::int64_t> published_by) = 0;
};

// What is recorded of uploaded media.
class MediaRepository {
  public:
    virtual ~MediaRepository() = default;
    // Ignores a sha256 that is already recorded. The unit becomes one of its
    // owners (an upload of the same bytes by another unit adds that one).
    virtual void add(const MediaInfo& media, std::optional<std::int64_t> uploaded_by,
                     std::int64_t unit_id = root_unit_id) = 0;
    // The units that uploaded it, by id.
    virtual std::vector<std::int64_t> owners(const std::string& sha256) = 0;
    // Drops the filter's units as owners: how many owners are left.
    virtual std::int64_t remove_owners(const std::string& sha256, const UnitFilter& units) = 0;
    virtual std::optional<MediaInfo> find(const std::string& sha256) = 0;
    // Ties in the sort are broken by sha256. Renditions are left out.
    virtual std::vector<MediaEntry> list(const MediaQuery& query) = 0;
    // One entry of list(); nullopt when unknown or a rendition.
    virtual std::optional<MediaEntry> entry(const std::string& sha256) = 0;
    // false when the sha256 is not recorded.
    virtual bool rename(const std::string& sha256, const std::string& name) = 0;
    virtual bool remove(const std::string& sha256) = 0;
    // The film whose poster PNG has this sha256, or nullopt.
    virtual std::optional<std::string> film_of_poster(const std::string& poster_sha256) = 0;
    virtual void set_poster(const std::string& sha256, const std::string& poster_sha256) = 0;
    // Every uploaded film (renditions left out), by sha256.
    virtual std::vector<MediaInfo> original_films() = 0;

    // Conversions to screen profiles. `original` empty: every film's.
    virtual std::vector<RenditionRecord> renditions(const std::string& original) = 0;
    // Queues the conversion unless it is recorded already; true when added.
    virtual bool queue_rendition(const std::string& original, const std::string& profile_key,
                                 const std::string& now) = 0;
    virtual void save_rendition(const RenditionRecord& rendition) = 0;
    // Takes the next one to run for `instance` until `lease_until_ms`: one
    // left converting first (by a stop, a crash, or an instance whose lease
    // ran out by `now_ms`; with `honour_leases` false, any), then the oldest
    // queued, then a failed one whose retry is due (lease_until_ms from 1 to
    // `now_ms`); nullopt when none waits. `before` receives the row as it
    // was. Call it in a write transaction, so two instances never take the
    // same one.
    virtual std::optional<RenditionRecord> claim_rendition(const std::string& instance,
                                                           std::int64_t now_ms,
                                                           std::int64_t lease_until_ms,
                                                           bool honour_leases,
                                                           RenditionRecord& before) = 0;
    virtual void remove_renditions(const std::string& original) = 0;
    // The record of one conversion.
    virtual void remove_rendition(const std::string& original, const std::string& profile_key) = 0;
};

// Prize claims and quiz results as screens report them.
class QuizResultRepository {
  public:
    virtual ~QuizResultRepository() = default;
    virtual std::optional<Redemption> find_redemption(std::int64_t screen_id, int day,
                                                      int serial) = 0;
    // Records a redemption; false when (screen, day, serial) was redeemed before.
    virtual bool redeem(std::int64_t screen_id, int day, int serial, std::int64_t by,
                        const std::string& at) = 0;
    // Stores the rounds whose id the screen has not reported before; how many.
    virtual int add_rounds(std::int64_t screen_id, const std::vector<QuizRoundRow>& rounds) = 0;
    // Figures over rounds finished from `from` to `to` (UTC dates, inclusive;
    // empty: unbounded).
    virtual QuizStats stats(const std::string& from, const std::string& to) = 0;
};

// Proof of play.
class PlayRepository {
  public:
    virtual ~PlayRepository() = default;
    // Ignores play ids the screen sent before; how many were new.
    virtual int add(std::int64_t screen_id, const std::vector<protocol::Play>& plays) = 0;
    // Each play of these screens that started in [from_ms, to_ms) (UTC
    // milliseconds), in start order per screen, handed to `visit` one at a
    // time as it is read: a month of a group is never held at once.
    virtual void for_each_between(const std::vector<std::int64_t>& screen_ids, std::int64_t from_ms,
                                  std::int64_t to_ms,
                                  const std::function<void(const StoredPlay&)>& visit) = 0;
};

// The audit log.
class AuditRepository {
  public:
    virtual ~AuditRepository() = default;
    // `before` and `after` are JSON text, empty for none; `actor` nullopt: the
    // command line.
    virtual void record(std::optional<std::int64_t> actor, const std::string& action,
                        const std::string& object_type, const std::string& object_id,
                        const std::string& before, const std::string& after,
                        std::int64_t unit_id = root_unit_id) = 0;
    virtual std::vector<AuditEntry> list(const AuditQuery& query) = 0;  // newest first
};

// Admin-configured settings: JSON text by key.
class SettingsRepository {
  public:
    virtual ~SettingsRepository() = default;
    virtual std::optional<std::string> get(const std::string& key) = 0;
    virtual void put(const std::string& key, const std::string& json) = 0;
};

// One transaction's access to every repository.
// Webhooks, their deliveries (the last `keep` per webhook are kept) and the
// marks that make each alert go once (a screen's offline stretch, a pending
// item's submission).
class WebhookRepository {
  public:
    virtual ~WebhookRepository() = default;
    virtual Webhook add(const Webhook& hook) = 0;
    virtual std::optional<Webhook> find(std::int64_t id) = 0;
    virtual std::vector<Webhook> list() = 0;  // by id
    virtual bool update(const Webhook& hook) = 0;
    virtual bool remove(std::int64_t id) = 0;  // and its deliveries

    // Stores a delivery and drops the webhook's oldest finished ones beyond
    // `keep`: the stored delivery with its id.
    virtual WebhookDelivery add_delivery(const WebhookDelivery& delivery, int keep) = 0;
    virtual void update_delivery(const WebhookDelivery& delivery) = 0;
    virtual std::vector<WebhookDelivery> deliveries(std::int64_t webhook_id,
                                                    int limit) = 0;  // newest first
    // Pending and retrying deliveries due at `now` (Unix seconds), oldest first.
    virtual std::vector<WebhookDelivery> due(std::int64_t now) = 0;
    // When the next pending or retrying delivery is due; nullopt: none.
    virtual std::optional<std::int64_t> next_due() = 0;

    // Marks: key -> value, e.g. "screen_offline:12" -> "1".
    virtual std::unordered_map<std::string, std::string> marks(const std::string& prefix) = 0;
    virtual void set_mark(const std::string& key, const std::string& value) = 0;
    virtual void clear_mark(const std::string& key) = 0;
};

// Failed (or counted) attempts by key, for throttles every instance on the
// database shares (auth/throttle.hpp).
class ThrottleRepository {
  public:
    virtual ~ThrottleRepository() = default;
    // The times (Unix seconds) of `key`'s newest `limit` attempts after
    // `after`, newest first.
    virtual std::vector<std::int64_t> recent(const std::string& key, std::int64_t after,
                                             int limit) = 0;
    // Records one: its id.
    virtual std::int64_t add(const std::string& key, std::int64_t at) = 0;
    virtual void remove(const std::vector<std::int64_t>& ids) = 0;
    // Drops those at or before `before`.
    virtual void purge(std::int64_t before) = 0;
};

// Screens asking to be paired (pairing/pairing_service.hpp): by the hash of
// their secret pairing id, with their live code until claimed.
struct PairingRow {
    std::string pairing_hash;  // sha256 of the pairing id, hex
    std::string code;          // six digits; "" once claimed
    std::string name_hint;
    std::int64_t expires_unix = 0;  // the code's end; for a claimed one, the collect window's
    bool claimed = false;
    std::string token;  // the new device token, once claimed, until collected
    std::string screen;
    std::string group;
};

class PairingRepository {
  public:
    virtual ~PairingRepository() = default;
    // Drops requests whose code or collect window ended by `now`.
    virtual void purge(std::int64_t now) = 0;
    // false when `row.code` is already live.
    virtual bool add(const PairingRow& row) = 0;
    virtual std::optional<PairingRow> find(const std::string& pairing_hash) = 0;
    // Takes `code` off the live, unclaimed request showing it (so no one
    // else claims it): that request's pairing hash; nullopt when none shows
    // it at `now`. give_back_code() puts it back.
    virtual std::optional<std::string> take_code(const std::string& code, std::int64_t now) = 0;
    virtual void give_back_code(const std::string& pairing_hash, const std::string& code) = 0;
    virtual void set_claimed(const std::string& pairing_hash, const std::string& token,
                             const std::string& screen, const std::string& group,
                             std::int64_t collect_until) = 0;
    virtual void remove(const std::string& pairing_hash) = 0;
};

class UnitTree;

class Tx {
  public:
    virtual ~Tx() = default;
    virtual UnitRepository& units() = 0;
    // The unit tree as of this transaction (cached by the store).
    virtual std::shared_ptr<const UnitTree> unit_tree() = 0;
    virtual UserRepository& users() = 0;
    virtual GroupRepository& groups() = 0;
    virtual ScreenRepository& screens() = 0;
    virtual ScreenHealthRepository& health() = 0;
    virtual ReviewRepository& slides() = 0;
    virtual ReviewRepository& questions() = 0;
    virtual ManifestRepository& manifests() = 0;
    virtual OrderRepository& orders() = 0;
    virtual MediaRepository& media() = 0;
    virtual QuizResultRepository& quiz_results() = 0;
    virtual PlayRepository& plays() = 0;
    virtual AuditRepository& audit() = 0;
    virtual SettingsRepository& settings() = 0;
    virtual WebhookRepository& webhooks() = 0;
    virtual ThrottleRepository& throttles() = 0;
    virtual PairingRepository& pairings() = 0;
};

}  // namespace signage::server
