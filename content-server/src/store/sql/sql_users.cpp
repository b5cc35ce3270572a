// Users and sessions, the audit log and settings in SQL.
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {

namespace {

// id, username, role, unit_id
User read_user(Statement& q, int first) {
    User u;
    u.id = q.column(first).int64();
    u.username = q.column(first + 1).text();
    u.role = parse_role(q.column(first + 2).text()).value_or(Role::editor);
    u.unit_id = q.column(first + 3).int64();
    return u;
}

const char* const user_columns =
    "SELECT id, username, role, unit_id, disabled, created_at FROM users ";

User read_full_user(Statement& q) {
    User u = read_user(q, 0);
    u.disabled = q.column(4).int32() != 0;
    u.created_at = q.column(5).text();
    return u;
}

}  // namespace

std::int64_t Users::count() {
    return query_int(db_, "SELECT COUNT(*) FROM users");
}

Result<User> Users::add(const std::string& username, const std::string& password_hash, Role role,
                        std::int64_t unit_id) {
    Statement q(db_,
                "INSERT INTO users(username, password_hash, role, created_at, unit_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id");
    q.bind(1, username);
    q.bind(2, password_hash);
    q.bind(3, std::string(to_string(role)));
    q.bind(4, now_iso8601());
    q.bind(5, unit_id);
    if (!q.step()) {
        return make_error(ErrorCode::conflict, "user " + username + " already exists", "username")
            .because(ErrorReason::taken);
    }
    return User{q.column(0).int64(), username, role, false, now_iso8601(), unit_id};
}

std::vector<User> Users::list() {
    Statement q(db_, std::string(user_columns) + "ORDER BY username");
    std::vector<User> out;
    while (q.step()) out.push_back(read_full_user(q));
    return out;
}

std::optional<User> Users::find(const std::string& username) {
    Statement q(db_, std::string(user_columns) + "WHERE username = ?");
    q.bind(1, username);
    if (!q.step()) return std::nullopt;
    return read_full_user(q);
}

std::optional<std::pair<User, std::string>> Users::find_credentials(const std::string& username) {
    Statement q(db_,
                "SELECT id, username, role, unit_id, password_hash, disabled FROM users "
                "WHERE username = ?");
    q.bind(1, username);
    if (!q.step()) return std::nullopt;
    User u = read_user(q, 0);
    u.disabled = q.column(5).int32() != 0;
    return std::pair{u, q.column(4).text()};
}

std::string Users::username(std::int64_t id) {
    Statement q(db_, "SELECT username FROM users WHERE id = ?");
    q.bind(1, id);
    return q.step() ? q.column(0).text() : std::string{};
}

std::int64_t Users::enabled_admins() {
    return query_int(db_, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0");
}

void Users::update(const User& user) {
    Statement q(db_, "UPDATE users SET role = ?, disabled = ?, unit_id = ? WHERE id = ?");
    q.bind(1, std::string(to_string(user.role)));
    q.bind(2, user.disabled ? 1 : 0);
    q.bind(3, user.unit_id);
    q.bind(4, user.id);
    q.exec();
}

bool Users::set_password_hash(std::int64_t id, const std::string& password_hash) {
    Statement q(db_, "UPDATE users SET password_hash = ? WHERE id = ?");
    q.bind(1, password_hash);
    q.bind(2, id);
    return q.exec() != 0;
}

void Users::add_session(const std::string& token_hash, std::int64_t user_id,
                        std::int64_t expires_unix) {
    Statement q(db_,
                "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)");
    q.bind(1, token_hash);
    q.bind(2, user_id);
    q.bind(3, now_iso8601());
    q.bind(4, expires_unix);
    q.exec();
}

std::optional<User> Users::session_user(const std::string& token_hash, std::int64_t now) {
    Statement q(db_,
                "SELECT u.id, u.username, u.role, u.unit_id FROM sessions s "
                "JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0");
    q.bind(1, token_hash);
    q.bind(2, now);
    if (!q.step()) return std::nullopt;
    return read_user(q, 0);
}

void Users::delete_session(const std::string& token_hash) {
    Statement q(db_, "DELETE FROM sessions WHERE token_hash = ?");
    q.bind(1, token_hash);
    q.exec();
}

int Users::end_sessions(std::int64_t user_id, const std::string& keep) {
    Statement q(db_, "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?");
    q.bind(1, user_id);
    q.bind(2, keep);
    return q.exec();
}

void Users::purge_expired_sessions(std::int64_t now) {
    Statement q(db_, "DELETE FROM sessions WHERE expires_at <= ?");
    q.bind(1, now);
    q.exec();
}

void Audit::record(std::optional<std::int64_t> actor, const std::string& action,
                   const std::string& object_type, const std::string& object_id,
                   const std::string& before, const std::string& after, std::int64_t unit_id) {
    std::string actor_name;
    if (actor) {
        Statement name(db_, "SELECT username FROM users WHERE id = ?");
        name.bind(1, *actor);
        if (name.step()) actor_name = name.column(0).text();
    }
    Statement q(db_,
                "INSERT INTO audit_log(at, actor, action, object_type, object_id, before, "
                "after, unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    // Empty text is stored as NULL.
    const auto bind_or_null = [&q](int index, const std::string& text) {
        if (text.empty()) {
            q.bind(index);
        } else {
            q.bind(index, text);
        }
    };
    q.bind(1, now_iso8601());
    bind_or_null(2, actor_name);
    q.bind(3, action);
    q.bind(4, object_type);
    bind_or_null(5, object_id);
    bind_or_null(6, before);
    bind_or_null(7, after);
    q.bind(8, unit_id);
    q.exec();
}

std::vector<AuditEntry> Audit::list(const AuditQuery& query) {
    const UnitCondition units = unit_condition(query.units, "unit_id");
    Statement q(db_,
                "SELECT id, at, actor, action, object_type, object_id, before, after, unit_id "
                "FROM audit_log WHERE (? = 0 OR id < ?) AND (? = '' OR object_type = "
                "?) AND (? = '' OR object_id = ?) AND " +
                    units.sql + " ORDER BY id DESC LIMIT ?");
    q.bind(1, query.before_id);
    q.bind(2, query.before_id);
    q.bind(3, query.object_type);
    q.bind(4, query.object_type);
    q.bind(5, query.object_id);
    q.bind(6, query.object_id);
    q.bind(units.bind(q, 7), query.limit);
    std::vector<AuditEntry> out;
    while (q.step()) {
        out.push_back(AuditEntry{q.column(0).int64(), q.column(1).text(), q.column(2).text(),
                                 q.column(3).text(), q.column(4).text(), q.column(5).text(),
                                 q.column(6).text(), q.column(7).text(), q.column(8).int64()});
    }
    return out;
}

std::optional<std::string> Settings::get(const std::string& key) {
    Statement q(db_, "SELECT value FROM settings WHERE key = ?");
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    return q.column(0).text();
}

void Settings::put(const std::string& key, const std::string& json) {
    Statement q(db_,
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.bind(1, key);
    q.bind(2, json);
    q.exec();
}

}  // namespace signage::server::sql
