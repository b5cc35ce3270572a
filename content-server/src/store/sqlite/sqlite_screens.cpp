// Groups, screens and screen health in SQLite.
#include "common/random.hpp"
#include "store/sqlite/sqlite_repositories.hpp"

namespace signage::server::sqlite {
namespace {

const char* const group_columns =
    "SELECT g.id, g.name, g.created_at, g.settings, "
    "(SELECT COUNT(*) FROM screens c WHERE c.group_id = g.id) FROM groups g ";

Group read_group(SQLite::Statement& q) {
    Group g;
    g.id = q.getColumn(0).getInt64();
    g.name = q.getColumn(1).getString();
    g.created_at = q.getColumn(2).getString();
    g.settings_json = q.getColumn(3).getString();
    g.screens = q.getColumn(4).getInt64();
    return g;
}

Screen read_screen(SQLite::Statement& q) {
    Screen s;
    s.id = q.getColumn(0).getInt64();
    s.name = q.getColumn(1).getString();
    s.group_id = q.getColumn(2).getInt64();
    s.group = q.getColumn(3).getString();
    s.created_at = q.getColumn(4).getString();
    s.last_seen = text_or_empty(q.getColumn(5));
    s.claim_key_id = text_or_empty(q.getColumn(6));
    s.revoked = q.getColumn(7).getInt() != 0;
    return s;
}

const char* const screen_columns =
    "SELECT s.id, s.name, s.group_id, g.name, s.created_at, s.last_seen, s.claim_key_id, "
    "s.token_hash LIKE 'revoked:%' FROM screens s JOIN groups g ON g.id = s.group_id ";

// A revoked screen's token_hash is this prefix and random hex: it matches no
// token's hash (64 hex digits), stays UNIQUE, and needs no schema change.
constexpr const char* kRevokedPrefix = "revoked:";

const char* const health_columns =
    "SELECT screen_id, received_at, received_unix, interval_s, heartbeat FROM screen_health ";

ScreenHealth read_health(SQLite::Statement& q) {
    ScreenHealth h;
    h.screen_id = q.getColumn(0).getInt64();
    h.received_at = q.getColumn(1).getString();
    h.received_unix = q.getColumn(2).getInt64();
    h.interval_s = q.getColumn(3).getInt();
    h.heartbeat_json = q.getColumn(4).getString();
    return h;
}

}  // namespace

Result<Group> Groups::add(const std::string& name, const std::string& settings_json) {
    Group g{0, name, now_iso8601(), settings_json, 0};
    SQLite::Statement q(db_, "INSERT INTO groups(name, created_at, settings) VALUES (?, ?, ?)");
    q.bind(1, name);
    q.bind(2, g.created_at);
    q.bind(3, settings_json);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) {
            return make_error(ErrorCode::conflict, "group " + name + " already exists", "name")
                .because(ErrorReason::taken);
        }
        throw;
    }
    g.id = db_.getLastInsertRowid();
    return g;
}

void Groups::add_if_missing(const std::string& name) {
    SQLite::Statement q(db_, "INSERT OR IGNORE INTO groups(name, created_at) VALUES (?, ?)");
    q.bind(1, name);
    q.bind(2, now_iso8601());
    q.exec();
}

std::optional<Group> Groups::find(const std::string& name) {
    SQLite::Statement q(db_, std::string(group_columns) + "WHERE g.name = ?");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return read_group(q);
}

std::vector<Group> Groups::list() {
    SQLite::Statement q(db_, std::string(group_columns) + "ORDER BY g.name");
    std::vector<Group> out;
    while (q.executeStep()) out.push_back(read_group(q));
    return out;
}

void Groups::set_settings(std::int64_t id, const std::string& settings_json) {
    SQLite::Statement q(db_, "UPDATE groups SET settings = ? WHERE id = ?");
    q.bind(1, settings_json);
    q.bind(2, id);
    q.exec();
}

void Screens::changing() {
    changed_ = true;
    cache_.forget();
}

Result<Screen> Screens::add(const std::string& name, const std::string& group,
                            const DeviceCredentials& device) {
    changing();
    SQLite::Statement q(db_,
                        "INSERT INTO screens(name, group_id, token_hash, created_at, "
                        "claim_public_key, claim_key_id) SELECT ?, id, ?, ?, ?, ? FROM groups "
                        "WHERE name = ?");
    q.bind(1, name);
    q.bind(2, device.token_hash);
    q.bind(3, now_iso8601());
    q.bind(4, device.claim_public_key);
    q.bind(5, device.claim_key_id);
    q.bind(6, group);
    try {
        if (q.exec() != 1)
            return make_error(ErrorCode::unprocessable, "no group " + group, "group");
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) {
            return make_error(ErrorCode::conflict, "screen " + name + " already exists", "name")
                .because(ErrorReason::taken);
        }
        throw;
    }
    return *find(db_.getLastInsertRowid());
}

std::optional<Screen> Screens::find_where(const char* where, const std::string& value) {
    SQLite::Statement q(db_, std::string(screen_columns) + where);
    q.bind(1, value);
    if (!q.executeStep()) return std::nullopt;
    return read_screen(q);
}

std::optional<Screen> Screens::find(std::int64_t id) {
    SQLite::Statement q(db_, std::string(screen_columns) + "WHERE s.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_screen(q);
}

std::optional<Screen> Screens::find_by_name(const std::string& name) {
    return find_where("WHERE s.name = ?", name);
}

std::optional<Screen> Screens::find_by_token(const std::string& token_hash) {
    return find_where("WHERE s.token_hash = ?", token_hash);
}

std::vector<Screen> Screens::list() {
    SQLite::Statement q(db_, std::string(screen_columns) + "ORDER BY s.name");
    std::vector<Screen> out;
    while (q.executeStep()) out.push_back(read_screen(q));
    return out;
}

namespace {

// The screens' current claim keys and the retired ones, as (Screen columns,
// public key, retired); `where` selects on key_id.
std::string claim_keys_where(const char* where) {
    return std::string(
               "SELECT s.id, s.name, s.group_id, g.name, s.created_at, s.last_seen, "
               "k.key_id, s.token_hash LIKE 'revoked:%', k.public_key, k.retired FROM ("
               "SELECT id AS screen_id, claim_key_id AS key_id, claim_public_key AS public_key, "
               "0 AS retired FROM screens WHERE claim_key_id IS NOT NULL "
               "UNION ALL SELECT screen_id, claim_key_id, claim_public_key, 1 "
               "FROM retired_claim_keys) k JOIN screens s ON s.id = k.screen_id "
               "JOIN groups g ON g.id = s.group_id WHERE ")
        .append(where)
        .append(" ORDER BY k.retired, s.id");
}

std::vector<ClaimKeyOwner> read_claim_keys(SQLite::Statement& q) {
    std::vector<ClaimKeyOwner> out;
    while (q.executeStep()) {
        out.push_back({read_screen(q), q.getColumn(8).getString(), q.getColumn(9).getInt() != 0});
    }
    return out;
}

}  // namespace

std::vector<ClaimKeyOwner> Screens::find_by_claim_key(const std::string& key_id) {
    SQLite::Statement q(db_, claim_keys_where("k.key_id = ?"));
    q.bind(1, key_id);
    return read_claim_keys(q);
}

std::vector<ClaimKeyOwner> Screens::find_by_claim_key_range(const std::string& from,
                                                            const std::string& to) {
    SQLite::Statement q(db_, claim_keys_where("k.key_id >= ? AND k.key_id < ?"));
    q.bind(1, from);
    q.bind(2, to);
    return read_claim_keys(q);
}

bool Screens::reissue(std::int64_t id, const std::string& group, const DeviceCredentials& device) {
    changing();
    SQLite::Statement q(db_,
                        "UPDATE screens SET token_hash = ?, claim_public_key = ?, "
                        "claim_key_id = ?, group_id = (SELECT id FROM groups WHERE name "
                        "= ?) WHERE id = ? AND token_hash LIKE 'revoked:%'");
    q.bind(1, device.token_hash);
    q.bind(2, device.claim_public_key);
    q.bind(3, device.claim_key_id);
    q.bind(4, group);
    q.bind(5, id);
    return q.exec() == 1;
}

bool Screens::revoke(std::int64_t id) {
    changing();
    SQLite::Statement retire(db_,
                             "INSERT INTO retired_claim_keys(screen_id, claim_key_id, "
                             "claim_public_key, retired_at) SELECT id, claim_key_id, "
                             "claim_public_key, ? FROM screens WHERE id = ? AND claim_key_id "
                             "IS NOT NULL AND claim_public_key IS NOT NULL");
    retire.bind(1, now_iso8601());
    retire.bind(2, id);
    retire.exec();
    SQLite::Statement q(db_,
                        "UPDATE screens SET token_hash = ?, claim_key_id = NULL, "
                        "claim_public_key = NULL WHERE id = ?");
    q.bind(1, std::string(kRevokedPrefix) + random_hex(16));
    q.bind(2, id);
    return q.exec() == 1;
}

void Screens::set_group(std::int64_t id, std::int64_t group_id) {
    changing();
    SQLite::Statement q(db_, "UPDATE screens SET group_id = ? WHERE id = ?");
    q.bind(1, group_id);
    q.bind(2, id);
    q.exec();
}

void Screens::set_claim_key_if_missing(std::int64_t id, const DeviceCredentials& device) {
    changing();
    SQLite::Statement q(db_,
                        "UPDATE screens SET claim_public_key = ?, claim_key_id = ? "
                        "WHERE id = ? AND claim_key_id IS NULL");
    q.bind(1, device.claim_public_key);
    q.bind(2, device.claim_key_id);
    q.bind(3, id);
    q.exec();
}

void Screens::set_last_seen(std::int64_t id, const std::string& at) {
    SQLite::Statement q(db_, "UPDATE screens SET last_seen = ? WHERE id = ?");
    q.bind(1, at);
    q.bind(2, id);
    q.exec();
}

void Health::put_heartbeat(const ScreenHealth& health) {
    SQLite::Statement q(db_,
                        "INSERT INTO screen_health(screen_id, received_at, received_unix, "
                        "interval_s, heartbeat) VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT(screen_id) DO UPDATE SET received_at = excluded.received_at, "
                        "received_unix = excluded.received_unix, interval_s = excluded.interval_s, "
                        "heartbeat = excluded.heartbeat");
    q.bind(1, health.screen_id);
    q.bind(2, health.received_at);
    q.bind(3, health.received_unix);
    q.bind(4, health.interval_s);
    q.bind(5, health.heartbeat_json);
    q.exec();
}

std::vector<ScreenHealth> Health::list() {
    SQLite::Statement q(db_, std::string(health_columns) + "ORDER BY screen_id");
    std::vector<ScreenHealth> out;
    while (q.executeStep()) out.push_back(read_health(q));
    return out;
}

std::optional<ScreenHealth> Health::find(std::int64_t screen_id) {
    SQLite::Statement q(db_, std::string(health_columns) + "WHERE screen_id = ?");
    q.bind(1, screen_id);
    if (!q.executeStep()) return std::nullopt;
    return read_health(q);
}

void Health::put_screenshot(std::int64_t screen_id, const Screenshot& shot) {
    SQLite::Statement q(db_,
                        "INSERT INTO screen_screenshots(screen_id, taken_at, request_id, png) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(screen_id) DO UPDATE SET "
                        "taken_at = excluded.taken_at, request_id = excluded.request_id, "
                        "png = excluded.png");
    q.bind(1, screen_id);
    q.bind(2, shot.taken_at);
    q.bind(3, shot.request_id);
    q.bind(4, shot.png.data(), static_cast<int>(shot.png.size()));
    q.exec();
}

std::optional<Screenshot> Health::screenshot(std::int64_t screen_id) {
    SQLite::Statement q(
        db_, "SELECT taken_at, request_id, png FROM screen_screenshots WHERE screen_id = ?");
    q.bind(1, screen_id);
    if (!q.executeStep()) return std::nullopt;
    Screenshot shot;
    shot.taken_at = q.getColumn(0).getString();
    shot.request_id = q.getColumn(1).getString();
    const SQLite::Column png = q.getColumn(2);
    shot.png.assign(static_cast<const char*>(png.getBlob()),
                    static_cast<std::size_t>(png.getBytes()));
    return shot;
}

std::unordered_map<std::int64_t, std::string> Health::screenshot_times() {
    SQLite::Statement q(db_, "SELECT screen_id, taken_at FROM screen_screenshots");
    std::unordered_map<std::int64_t, std::string> out;
    while (q.executeStep()) out[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
    return out;
}

std::unordered_map<std::int64_t, std::pair<int, int>> Health::screenshot_sizes() {
    // A PNG's width and height are the first fields of its IHDR chunk, which
    // comes first (bytes 16 to 23): read only those, not the picture.
    SQLite::Statement q(db_,
                        "SELECT screen_id, substr(png, 17, 8) FROM screen_screenshots "
                        "WHERE substr(png, 13, 4) = CAST('IHDR' AS BLOB)");
    std::unordered_map<std::int64_t, std::pair<int, int>> out;
    while (q.executeStep()) {
        const SQLite::Column head = q.getColumn(1);
        if (head.getBytes() != 8) continue;
        const auto* b = static_cast<const unsigned char*>(head.getBlob());
        auto be32 = [](const unsigned char* p) {
            return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                   (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
        };
        const std::uint32_t w = be32(b), h = be32(b + 4);
        if (w == 0 || h == 0 || w > 100000 || h > 100000) continue;
        out[q.getColumn(0).getInt64()] = {static_cast<int>(w), static_cast<int>(h)};
    }
    return out;
}

}  // namespace signage::server::sqlite
