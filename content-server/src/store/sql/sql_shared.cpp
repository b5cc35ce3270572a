// What every server instance on the database shares: throttles and the
// screens waiting to be paired, in SQL.
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {

std::vector<std::int64_t> Throttles::recent(const std::string& key, std::int64_t after, int limit) {
    Statement q(db_,
                "SELECT at FROM throttle_events WHERE key = ? AND at > ? "
                "ORDER BY at DESC, id DESC LIMIT ?");
    q.bind(1, key);
    q.bind(2, after);
    q.bind(3, limit);
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).int64());
    return out;
}

std::int64_t Throttles::add(const std::string& key, std::int64_t at) {
    Statement q(db_, "INSERT INTO throttle_events(key, at) VALUES (?, ?) RETURNING id");
    q.bind(1, key);
    q.bind(2, at);
    if (!q.step()) throw std::runtime_error("throttle events: an insert returned no id");
    return q.column(0).int64();
}

void Throttles::remove(const std::vector<std::int64_t>& ids) {
    Statement q(db_, "DELETE FROM throttle_events WHERE id = ?");
    for (const std::int64_t id : ids) {
        q.reset();
        q.bind(1, id);
        q.exec();
    }
}

void Throttles::purge(std::int64_t before) {
    Statement q(db_, "DELETE FROM throttle_events WHERE at <= ?");
    q.bind(1, before);
    q.exec();
}

namespace {

const char* const pairing_columns =
    "SELECT pairing_hash, COALESCE(code, ''), name_hint, expires_unix, claimed, token, "
    "screen, group_name FROM pairing_requests ";

PairingRow read_pairing(Statement& q) {
    PairingRow r;
    r.pairing_hash = q.column(0).text();
    r.code = q.column(1).text();
    r.name_hint = q.column(2).text();
    r.expires_unix = q.column(3).int64();
    r.claimed = q.column(4).int64() != 0;
    r.token = q.column(5).text();
    r.screen = q.column(6).text();
    r.group = q.column(7).text();
    return r;
}

}  // namespace

void Pairings::purge(std::int64_t now) {
    Statement q(db_, "DELETE FROM pairing_requests WHERE expires_unix <= ?");
    q.bind(1, now);
    q.exec();
}

bool Pairings::add(const PairingRow& row) {
    Statement q(db_,
                "INSERT INTO pairing_requests(pairing_hash, code, name_hint, expires_unix, "
                "claimed, token, screen, group_name) VALUES (?, ?, ?, ?, 0, '', '', '') "
                "ON CONFLICT DO NOTHING");
    q.bind(1, row.pairing_hash);
    q.bind(2, row.code);
    q.bind(3, row.name_hint);
    q.bind(4, row.expires_unix);
    return q.exec() == 1;
}

std::optional<PairingRow> Pairings::find(const std::string& pairing_hash) {
    Statement q(db_, std::string(pairing_columns) + "WHERE pairing_hash = ?");
    q.bind(1, pairing_hash);
    if (!q.step()) return std::nullopt;
    return read_pairing(q);
}

std::optional<std::string> Pairings::take_code(const std::string& code, std::int64_t now) {
    Statement q(db_,
                "UPDATE pairing_requests SET code = NULL WHERE code = ? AND claimed = 0 "
                "AND expires_unix > ? RETURNING pairing_hash");
    q.bind(1, code);
    q.bind(2, now);
    if (!q.step()) return std::nullopt;
    return q.column(0).text();
}

void Pairings::give_back_code(const std::string& pairing_hash, const std::string& code) {
    Statement q(db_,
                "UPDATE pairing_requests SET code = ? WHERE pairing_hash = ? AND claimed = 0 "
                "AND code IS NULL");
    q.bind(1, code);
    q.bind(2, pairing_hash);
    q.exec();
}

void Pairings::set_claimed(const std::string& pairing_hash, const std::string& token,
                           const std::string& screen, const std::string& group,
                           std::int64_t collect_until) {
    Statement q(db_,
                "UPDATE pairing_requests SET claimed = 1, code = NULL, token = ?, screen = ?, "
                "group_name = ?, expires_unix = ? WHERE pairing_hash = ?");
    q.bind(1, token);
    q.bind(2, screen);
    q.bind(3, group);
    q.bind(4, collect_until);
    q.bind(5, pairing_hash);
    q.exec();
}

void Pairings::remove(const std::string& pairing_hash) {
    Statement q(db_, "DELETE FROM pairing_requests WHERE pairing_hash = ?");
    q.bind(1, pairing_hash);
    q.exec();
}

}  // namespace signage::server::sql
