// Groups, screens and screen health in SQL.
#include "common/random.hpp"
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {
namespace {

const char* const group_columns =
    "SELECT g.id, g.name, g.created_at, g.settings, "
    "(SELECT COUNT(*) FROM screens c WHERE c.group_id = g.id), g.unit_id FROM groups g ";

Group read_group(Statement& q) {
    Group g;
    g.id = q.column(0).int64();
    g.name = q.column(1).text();
    g.created_at = q.column(2).text();
    g.settings_json = q.column(3).text();
    g.screens = q.column(4).int64();
    g.unit_id = q.column(5).int64();
    return g;
}

// screen_columns; the unit id's column is `unit_column`.
Screen read_screen(Statement& q, int unit_column = 8) {
    Screen s;
    s.id = q.column(0).int64();
    s.name = q.column(1).text();
    s.group_id = q.column(2).int64();
    s.group = q.column(3).text();
    s.created_at = q.column(4).text();
    s.last_seen = q.column(5).text();
    s.claim_key_id = q.column(6).text();
    s.revoked = q.column(7).int32() != 0;
    s.unit_id = q.column(unit_column).int64();
    return s;
}

const char* const screen_columns =
    "SELECT s.id, s.name, s.group_id, g.name, s.created_at, s.last_seen, s.claim_key_id, "
    "s.token_hash LIKE 'revoked:%', g.unit_id FROM screens s JOIN groups g ON g.id = s.group_id ";

// A revoked screen's token_hash is this prefix and random hex: it matches no
// token's hash (64 hex digits), stays UNIQUE, and needs no schema change.
constexpr const char* kRevokedPrefix = "revoked:";

const char* const health_columns =
    "SELECT screen_id, received_at, received_unix, interval_s, heartbeat FROM screen_health ";

ScreenHealth read_health(Statement& q) {
    ScreenHealth h;
    h.screen_id = q.column(0).int64();
    h.received_at = q.column(1).text();
    h.received_unix = q.column(2).int64();
    h.interval_s = q.column(3).int32();
    h.heartbeat_json = q.column(4).text();
    return h;
}

}  // namespace

Result<Group> Groups::add(const std::string& name, const std::string& settings_json,
                          std::int64_t unit_id) {
    Group g{0, name, now_iso8601(), settings_json, 0, unit_id};
    Statement q(db_,
                "INSERT INTO groups(name, created_at, settings, unit_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING id");
    q.bind(1, name);
    q.bind(2, g.created_at);
    q.bind(3, settings_json);
    q.bind(4, unit_id);
    if (!q.step()) {
        return make_error(ErrorCode::conflict, "group " + name + " already exists", "name")
            .because(ErrorReason::taken);
    }
    g.id = q.column(0).int64();
    return g;
}

void Groups::add_if_missing(const std::string& name) {
    Statement q(db_, "INSERT INTO groups(name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
    q.bind(1, name);
    q.bind(2, now_iso8601());
    q.exec();
}

std::optional<Group> Groups::find(const std::string& name) {
    Statement q(db_, std::string(group_columns) + "WHERE g.name = ?");
    q.bind(1, name);
    if (!q.step()) return std::nullopt;
    return read_group(q);
}

std::vector<Group> Groups::list() {
    Statement q(db_, std::string(group_columns) + "ORDER BY g.name");
    std::vector<Group> out;
    while (q.step()) out.push_back(read_group(q));
    return out;
}

void Groups::set_settings(std::int64_t id, const std::string& settings_json) {
    Statement q(db_, "UPDATE groups SET settings = ? WHERE id = ?");
    q.bind(1, settings_json);
    q.bind(2, id);
    q.exec();
}

void Screens::changing() {
    if (!changed_) db_.notify("screens");
    changed_ = true;
    cache_.forget();
}

Result<Screen> Screens::add(const std::string& name, const std::string& group,
                            const DeviceCredentials& device) {
    changing();
    Statement g(db_, "SELECT id FROM groups WHERE name = ?");
    g.bind(1, group);
    if (!g.step()) return make_error(ErrorCode::unprocessable, "no group " + group, "group");
    Statement q(db_,
                "INSERT INTO screens(name, group_id, token_hash, created_at, "
                "claim_public_key, claim_key_id) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING id");
    q.bind(1, name);
    q.bind(2, g.column(0).int64());
    q.bind(3, device.token_hash);
    q.bind(4, now_iso8601());
    q.bind(5, device.claim_public_key);
    q.bind(6, device.claim_key_id);
    if (!q.step()) {
        return make_error(ErrorCode::conflict, "screen " + name + " already exists", "name")
            .because(ErrorReason::taken);
    }
    return *find(q.column(0).int64());
}

std::optional<Screen> Screens::find_where(const char* where, const std::string& value) {
    Statement q(db_, std::string(screen_columns) + where);
    q.bind(1, value);
    if (!q.step()) return std::nullopt;
    return read_screen(q);
}

std::optional<Screen> Screens::find(std::int64_t id) {
    Statement q(db_, std::string(screen_columns) + "WHERE s.id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_screen(q);
}

std::optional<Screen> Screens::find_by_name(const std::string& name) {
    return find_where("WHERE s.name = ?", name);
}

std::optional<Screen> Screens::find_by_token(const std::string& token_hash) {
    return find_where("WHERE s.token_hash = ?", token_hash);
}

std::vector<Screen> Screens::list() {
    Statement q(db_, std::string(screen_columns) + "ORDER BY s.name");
    std::vector<Screen> out;
    while (q.step()) out.push_back(read_screen(q));
    return out;
}

namespace {

// The screens' current claim keys and the retired ones, as (Screen columns,
// public key, retired); `where` selects on key_id.
std::string claim_keys_where(const char* where) {
    return std::string(
               "SELECT s.id, s.name, s.group_id, g.name, s.created_at, s.last_seen, "
               "k.key_id, s.token_hash LIKE 'revoked:%', k.public_key, k.retired, g.unit_id FROM ("
               "SELECT id AS screen_id, claim_key_id AS key_id, claim_public_key AS public_key, "
               "0 AS retired FROM screens WHERE claim_key_id IS NOT NULL "
               "UNION ALL SELECT screen_id, claim_key_id, claim_public_key, 1 "
               "FROM retired_claim_keys) k JOIN screens s ON s.id = k.screen_id "
               "JOIN groups g ON g.id = s.group_id WHERE ")
        .append(where)
        .append(" ORDER BY k.retired, s.id");
}

std::vector<ClaimKeyOwner> read_claim_keys(Statement& q) {
    std::vector<ClaimKeyOwner> out;
    while (q.step()) {
        out.push_back({read_screen(q, 10), q.column(8).text(), q.column(9).int32() != 0});
    }
    return out;
}

}  // namespace

std::vector<ClaimKeyOwner> Screens::find_by_claim_key(const std::string& key_id) {
    Statement q(db_, claim_keys_where("k.key_id = ?"));
    q.bind(1, key_id);
    return read_claim_keys(q);
}

std::vector<ClaimKeyOwner> Screens::find_by_claim_key_range(const std::string& from,
                                                            const std::string& to) {
    Statement q(db_, claim_keys_where("k.key_id >= ? AND k.key_id < ?"));
    q.bind(1, from);
    q.bind(2, to);
    return read_claim_keys(q);
}

bool Screens::reissue(std::int64_t id, const std::string& group, const DeviceCredentials& device) {
    changing();
    Statement q(db_,
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
    db_.notify("released " + std::to_string(id));
    Statement retire(db_,
                     "INSERT INTO retired_claim_keys(screen_id, claim_key_id, "
                     "claim_public_key, retired_at) SELECT id, claim_key_id, "
                     "claim_public_key, ? FROM screens WHERE id = ? AND claim_key_id "
                     "IS NOT NULL AND claim_public_key IS NOT NULL");
    retire.bind(1, now_iso8601());
    retire.bind(2, id);
    retire.exec();
    Statement q(db_,
                "UPDATE screens SET token_hash = ?, claim_key_id = NULL, "
                "claim_public_key = NULL WHERE id = ?");
    q.bind(1, std::string(kRevokedPrefix) + random_hex(16));
    q.bind(2, id);
    return q.exec() == 1;
}

void Screens::set_group(std::int64_t id, std::int64_t group_id) {
    changing();
    db_.notify("moved " + std::to_string(id));
    Statement q(db_, "UPDATE screens SET group_id = ? WHERE id = ?");
    q.bind(1, group_id);
    q.bind(2, id);
    q.exec();
}

void Screens::set_claim_key_if_missing(std::int64_t id, const DeviceCredentials& device) {
    changing();
    Statement q(db_,
                "UPDATE screens SET claim_public_key = ?, claim_key_id = ? "
                "WHERE id = ? AND claim_key_id IS NULL");
    q.bind(1, device.claim_public_key);
    q.bind(2, device.claim_key_id);
    q.bind(3, id);
    q.exec();
}

void Screens::set_last_seen(std::int64_t id, const std::string& at) {
    Statement q(db_, "UPDATE screens SET last_seen = ? WHERE id = ?");
    q.bind(1, at);
    q.bind(2, id);
    q.exec();
}

void Health::put_heartbeat(const ScreenHealth& health) {
    Statement q(db_,
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
    Statement q(db_, std::string(health_columns) + "ORDER BY screen_id");
    std::vector<ScreenHealth> out;
    while (q.step()) out.push_back(read_health(q));
    return out;
}

std::optional<ScreenHealth> Health::find(std::int64_t screen_id) {
    Statement q(db_, std::string(health_columns) + "WHERE screen_id = ?");
    q.bind(1, screen_id);
    if (!q.step()) return std::nullopt;
    return read_health(q);
}

void Health::put_screenshot(std::int64_t screen_id, const Screenshot& shot) {
    Statement q(db_,
                "INSERT INTO screen_screenshots(screen_id, taken_at, request_id, png) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(screen_id) DO UPDATE SET "
                "taken_at = excluded.taken_at, request_id = excluded.request_id, "
                "png = excluded.png");
    q.bind(1, screen_id);
    q.bind(2, shot.taken_at);
    q.bind(3, shot.request_id);
    q.bind_blob(4, shot.png);
    q.exec();
}

std::optional<Screenshot> Health::screenshot(std::int64_t screen_id) {
    Statement q(db_,
                "SELECT taken_at, request_id, png FROM screen_screenshots WHERE screen_id = ?");
    q.bind(1, screen_id);
    if (!q.step()) return std::nullopt;
    Screenshot shot;
    shot.taken_at = q.column(0).text();
    shot.request_id = q.column(1).text();
    shot.png = q.column(2).blob();
    return shot;
}

std::unordered_map<std::int64_t, std::string> Health::screenshot_times() {
    Statement q(db_, "SELECT screen_id, taken_at FROM screen_screenshots");
    std::unordered_map<std::int64_t, std::string> out;
    while (q.step()) out[q.column(0).int64()] = q.column(1).text();
    return out;
}

std::unordered_map<std::int64_t, std::pair<int, int>> Health::screenshot_sizes() {
    // A PNG's width and height are the first fields of its IHDR chunk, which
    // comes first (bytes 16 to 23): read only those, not the picture.
    Statement q(db_, "SELECT screen_id, substr(png, 13, 12) FROM screen_screenshots");
    std::unordered_map<std::int64_t, std::pair<int, int>> out;
    while (q.step()) {
        const std::string head = q.column(1).blob();
        if (head.size() != 12 || head.compare(0, 4, "IHDR") != 0) continue;
        const auto* b = reinterpret_cast<const unsigned char*>(head.data()) + 4;
        auto be32 = [](const unsigned char* p) {
            return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                   (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
        };
        const std::uint32_t w = be32(b), h = be32(b + 4);
        if (w == 0 || h == 0 || w > 100000 || h > 100000) continue;
        out[q.column(0).int64()] = {static_cast<int>(w), static_cast<int>(h)};
    }
    return out;
}

void Health::add_screenshot_request(const ScreenshotRequestRow& row) {
    Statement q(db_,
                "INSERT INTO screenshot_requests(id, screen_id, state, reason, detail, "
                "requested_at, expires_ms, answered_at, timeout_s) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.id);
    q.bind(2, row.screen_id);
    q.bind(3, row.state);
    q.bind(4, row.reason);
    q.bind(5, row.detail);
    q.bind(6, row.requested_at);
    q.bind(7, row.expires_ms);
    q.bind(8, row.answered_at);
    q.bind(9, row.timeout_s);
    q.exec();
}

std::optional<ScreenshotRequestRow> Health::screenshot_request(const std::string& id) {
    Statement q(db_,
                "SELECT id, screen_id, state, reason, detail, requested_at, expires_ms, "
                "answered_at, timeout_s FROM screenshot_requests WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    ScreenshotRequestRow r;
    r.id = q.column(0).text();
    r.screen_id = q.column(1).int64();
    r.state = q.column(2).text();
    r.reason = q.column(3).text();
    r.detail = q.column(4).text();
    r.requested_at = q.column(5).text();
    r.expires_ms = q.column(6).int64();
    r.answered_at = q.column(7).text();
    r.timeout_s = static_cast<int>(q.column(8).int64());
    return r;
}

void Health::answer_screenshot_request(const ScreenshotRequestRow& row) {
    Statement q(db_,
                "UPDATE screenshot_requests SET state = ?, reason = ?, detail = ?, "
                "answered_at = ? WHERE id = ?");
    q.bind(1, row.state);
    q.bind(2, row.reason);
    q.bind(3, row.detail);
    q.bind(4, row.answered_at);
    q.bind(5, row.id);
    q.exec();
}

void Health::purge_screenshot_requests(std::int64_t before_ms) {
    Statement q(db_, "DELETE FROM screenshot_requests WHERE expires_ms < ?");
    q.bind(1, before_ms);
    q.exec();
}

}  // namespace signage::server::sql
