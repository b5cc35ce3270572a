#pragma once
// The repositories (store/repositories.hpp) in SQL, the same for SQLite and
// PostgreSQL (store/sql/connection.hpp), each over the connection of the
// transaction the store opened. Internal to the SQL backends.

#include <type_traits>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "store/repositories.hpp"
#include "store/screen_cache.hpp"
#include "store/sql/connection.hpp"

namespace signage::server::sql {

// A list kept in one column as a JSON array (a webhook's events, an order's
// slide ids), and back: elements of another kind, or a text that is not an
// array, are left out.
template <class T>
std::string list_json(const std::vector<T>& list) {
    return nlohmann::json(list).dump();
}
template <class T>
std::vector<T> json_list(const std::string& text) {
    std::vector<T> out;
    const auto j = signage::read_json(text);
    if (!j.is_array()) return out;
    for (const auto& v : j) {
        const bool fits = std::is_same_v<T, std::string> ? v.is_string() : v.is_number_integer();
        if (fits) out.push_back(v.get<T>());
    }
    return out;
}

// A filter by units (records.hpp: UnitFilter) as SQL over `column` (a unit
// id column): the condition, and its values bound from `index` on (the next
// free index returned).
struct UnitCondition {
    std::string sql;
    std::vector<std::string> texts;
    std::vector<std::int64_t> ints;
    int bind(Statement& q, int index) const;
};
UnitCondition unit_condition(const UnitFilter& filter, const std::string& column);

class Units final : public UnitRepository {
  public:
    explicit Units(Connection& db) : db_(db) {}
    std::vector<Unit> list() override;
    std::optional<Unit> find(std::int64_t id) override;
    Result<Unit> add(const std::string& name, std::int64_t parent,
                     const std::string& settings_json) override;
    Status update(const Unit& unit) override;
    bool remove(std::int64_t id) override;
    UnitHoldings holdings(std::int64_t id) override;
    std::int64_t version() override;

  private:
    Connection& db_;
};

class Users final : public UserRepository {
  public:
    explicit Users(Connection& db) : db_(db) {}
    std::int64_t count() override;
    Result<User> add(const std::string& username, const std::string& password_hash, Role role,
                     std::int64_t unit_id) override;
    std::vector<User> list() override;
    std::optional<User> find(const std::string& username) override;
    std::optional<std::pair<User, std::string>> find_credentials(
        const std::string& username) override;
    std::string username(std::int64_t id) override;
    std::int64_t enabled_admins() override;
    void update(const User& user) override;
    bool set_password_hash(std::int64_t id, const std::string& password_hash) override;
    void add_session(const std::string& token_hash, std::int64_t user_id,
                     std::int64_t expires_unix) override;
    std::optional<User> session_user(const std::string& token_hash, std::int64_t now) override;
    void delete_session(const std::string& token_hash) override;
    int end_sessions(std::int64_t user_id, const std::string& keep) override;
    void purge_expired_sessions(std::int64_t now) override;

  private:
    Connection& db_;
};

class Groups final : public GroupRepository {
  public:
    explicit Groups(Connection& db) : db_(db) {}
    Result<Group> add(const std::string& name, const std::string& settings_json,
                      std::int64_t unit_id) override;
    void add_if_missing(const std::string& name) override;
    std::optional<Group> find(const std::string& name) override;
    std::vector<Group> list() override;
    void set_settings(std::int64_t id, const std::string& settings_json) override;

  private:
    Connection& db_;
};

class Screens final : public ScreenRepository {
  public:
    // `changed` is set by every change, and the cache forgotten at once.
    Screens(Connection& db, ScreenCache& cache, bool& changed)
        : db_(db), cache_(cache), changed_(changed) {}
    Result<Screen> add(const std::string& name, const std::string& group,
                       const DeviceCredentials& device) override;
    std::optional<Screen> find(std::int64_t id) override;
    std::optional<Screen> find_by_name(const std::string& name) override;
    std::optional<Screen> find_by_token(const std::string& token_hash) override;
    std::vector<Screen> list() override;
    std::vector<ClaimKeyOwner> find_by_claim_key(const std::string& key_id) override;
    std::vector<ClaimKeyOwner> find_by_claim_key_range(const std::string& from,
                                                       const std::string& to) override;
    bool reissue(std::int64_t id, const std::string& group,
                 const DeviceCredentials& device) override;
    bool revoke(std::int64_t id) override;
    void set_group(std::int64_t id, std::int64_t group_id) override;
    void set_claim_key_if_missing(std::int64_t id, const DeviceCredentials& device) override;
    void set_last_seen(std::int64_t id, const std::string& at) override;

  private:
    void changing();
    std::optional<Screen> find_where(const char* where, const std::string& value);
    Connection& db_;
    ScreenCache& cache_;
    bool& changed_;
};

class Health final : public ScreenHealthRepository {
  public:
    explicit Health(Connection& db) : db_(db) {}
    void put_heartbeat(const ScreenHealth& health) override;
    std::vector<ScreenHealth> list() override;
    std::optional<ScreenHealth> find(std::int64_t screen_id) override;
    void put_screenshot(std::int64_t screen_id, const Screenshot& shot) override;
    std::optional<Screenshot> screenshot(std::int64_t screen_id) override;
    std::unordered_map<std::int64_t, std::string> screenshot_times() override;
    std::unordered_map<std::int64_t, std::pair<int, int>> screenshot_sizes() override;
    void add_screenshot_request(const ScreenshotRequestRow& row) override;
    std::optional<ScreenshotRequestRow> screenshot_request(const std::string& id) override;
    void answer_screenshot_request(const ScreenshotRequestRow& row) override;
    void purge_screenshot_requests(std::int64_t before_ms) override;

  private:
    Connection& db_;
};

// Slides and quiz questions: the same columns in two tables.
class Reviews final : public ReviewRepository {
  public:
    Reviews(Connection& db, const char* table) : db_(db), table_(table) {}
    SlideRecord create(const std::string& json, std::int64_t author_id, const std::string& now,
                       std::int64_t unit_id) override;
    std::optional<SlideRecord> find(std::int64_t id) override;
    std::vector<SlideRecord> list(const UnitFilter& units) override;
    void save(const SlideRecord& record) override;
    bool remove(std::int64_t id) override;
    std::vector<Published> published_versions() override;
    std::vector<std::int64_t> approved_ids(const UnitFilter& units) override;
    void mark_approved_published(const UnitFilter& units) override;

  private:
    Connection& db_;
    std::string table_;
};

class Manifests final : public ManifestRepository {
  public:
    explicit Manifests(Connection& db) : db_(db) {}
    std::optional<StoredManifest> latest(std::int64_t group_id) override;
    std::int64_t add(std::int64_t group_id, const std::string& version, const std::string& json,
                     const std::string& published_at,
                     std::optional<std::int64_t> published_by) override;

  private:
    Connection& db_;
};

class Orders final : public OrderRepository {
  public:
    explicit Orders(Connection& db) : db_(db) {}
    GroupOrder find(std::int64_t group_id) override;
    std::vector<GroupOrder> list() override;
    void save(const GroupOrder& order) override;

  private:
    Connection& db_;
};

class Media final : public MediaRepository {
  public:
    explicit Media(Connection& db) : db_(db) {}
    void add(const MediaInfo& media, std::optional<std::int64_t> uploaded_by,
             std::int64_t unit_id) override;
    std::vector<std::int64_t> owners(const std::string& sha256) override;
    std::int64_t remove_owners(const std::string& sha256, const UnitFilter& units) override;
    std::optional<MediaInfo> find(const std::string& sha256) override;
    std::vector<MediaEntry> list(const MediaQuery& query) override;
    std::optional<MediaEntry> entry(const std::string& sha256) override;
    bool rename(const std::string& sha256, const std::string& name) override;
    bool remove(const std::string& sha256) override;
    std::optional<std::string> film_of_poster(const std::string& poster_sha256) override;
    void set_poster(const std::string& sha256, const std::string& poster_sha256) override;
    std::vector<MediaInfo> original_films() override;
    std::vector<RenditionRecord> renditions(const std::string& original) override;
    bool queue_rendition(const std::string& original, const std::string& profile_key,
                         const std::string& now) override;
    void save_rendition(const RenditionRecord& rendition) override;
    std::optional<RenditionRecord> claim_rendition(const std::string& instance, std::int64_t now_ms,
                                                   std::int64_t lease_until_ms, bool honour_leases,
                                                   RenditionRecord& before) override;
    void remove_renditions(const std::string& original) override;
    void remove_rendition(const std::string& original, const std::string& profile_key) override;

  private:
    void add_row(const MediaInfo& media, std::optional<std::int64_t> uploaded_by);
    Connection& db_;
};

class QuizResults final : public QuizResultRepository {
  public:
    explicit QuizResults(Connection& db) : db_(db) {}
    std::optional<Redemption> find_redemption(std::int64_t screen_id, int day, int serial) override;
    bool redeem(std::int64_t screen_id, int day, int serial, std::int64_t by,
                const std::string& at) override;
    int add_rounds(std::int64_t screen_id, const std::vector<QuizRoundRow>& rounds) override;
    QuizStats stats(const std::string& from, const std::string& to) override;

  private:
    Connection& db_;
};

class Plays final : public PlayRepository {
  public:
    explicit Plays(Connection& db) : db_(db) {}
    int add(std::int64_t screen_id, const std::vector<protocol::Play>& plays) override;
    void for_each_between(const std::vector<std::int64_t>& screen_ids, std::int64_t from_ms,
                          std::int64_t to_ms,
                          const std::function<void(const StoredPlay&)>& visit) override;

  private:
    Connection& db_;
};

class Audit final : public AuditRepository {
  public:
    explicit Audit(Connection& db) : db_(db) {}
    void record(std::optional<std::int64_t> actor, const std::string& action,
                const std::string& object_type, const std::string& object_id,
                const std::string& before, const std::string& after, std::int64_t unit_id) override;
    std::vector<AuditEntry> list(const AuditQuery& query) override;

  private:
    Connection& db_;
};

class Settings final : public SettingsRepository {
  public:
    explicit Settings(Connection& db) : db_(db) {}
    std::optional<std::string> get(const std::string& key) override;
    void put(const std::string& key, const std::string& json) override;

  private:
    Connection& db_;
};

class Webhooks final : public WebhookRepository {
  public:
    explicit Webhooks(Connection& db) : db_(db) {}
    Webhook add(const Webhook& hook) override;
    std::optional<Webhook> find(std::int64_t id) override;
    std::vector<Webhook> list() override;
    bool update(const Webhook& hook) override;
    bool remove(std::int64_t id) override;
    WebhookDelivery add_delivery(const WebhookDelivery& delivery, int keep) override;
    void update_delivery(const WebhookDelivery& delivery) override;
    std::vector<WebhookDelivery> deliveries(std::int64_t webhook_id, int limit) override;
    std::vector<WebhookDelivery> due(std::int64_t now) override;
    std::optional<std::int64_t> next_due() override;
    std::unordered_map<std::string, std::string> marks(const std::string& prefix) override;
    void set_mark(const std::string& key, const std::string& value) override;
    void clear_mark(const std::string& key) override;

  private:
    Connection& db_;
};

class Throttles final : public ThrottleRepository {
  public:
    explicit Throttles(Connection& db) : db_(db) {}
    std::vector<std::int64_t> recent(const std::string& key, std::int64_t after,
                                     int limit) override;
    std::int64_t add(const std::string& key, std::int64_t at) override;
    void remove(const std::vector<std::int64_t>& ids) override;
    void purge(std::int64_t before) override;

  private:
    Connection& db_;
};

class Pairings final : public PairingRepository {
  public:
    explicit Pairings(Connection& db) : db_(db) {}
    void purge(std::int64_t now) override;
    bool add(const PairingRow& row) override;
    std::optional<PairingRow> find(const std::string& pairing_hash) override;
    std::optional<std::string> take_code(const std::string& code, std::int64_t now) override;
    void give_back_code(const std::string& pairing_hash, const std::string& code) override;
    void set_claimed(const std::string& pairing_hash, const std::string& token,
                     const std::string& screen, const std::string& group,
                     std::int64_t collect_until) override;
    void remove(const std::string& pairing_hash) override;

  private:
    Connection& db_;
};

}  // namespace signage::server::sql
