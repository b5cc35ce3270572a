#include "store/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include "common/fault.hpp"
#include "common/random.hpp"

namespace signage::server {
namespace {

constexpr int busy_timeout_ms = 5000;

const char* const schema_v1 = R"sql(
CREATE TABLE users(
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer')),
    created_at TEXT NOT NULL);
CREATE TABLE sessions(
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL);
CREATE TABLE groups(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL);
CREATE TABLE screens(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_seen TEXT);
CREATE TABLE media(
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL);
CREATE TABLE slides(
    id INTEGER PRIMARY KEY,
    json TEXT NOT NULL,
    approved_json TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'published')),
    author_id INTEGER NOT NULL REFERENCES users(id),
    updated_by INTEGER NOT NULL REFERENCES users(id),
    reviewer_id INTEGER REFERENCES users(id),
    reject_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reviewed_at TEXT NOT NULL DEFAULT '');
CREATE TABLE manifests(
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    version TEXT NOT NULL,
    json TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by INTEGER REFERENCES users(id));
CREATE INDEX manifests_by_group ON manifests(group_id, id);
)sql";

// Version 2: per-group settings (protocol::GroupSettings as JSON), and an
// index for counting and listing a group's screens.
const char* const schema_v2 = R"sql(
ALTER TABLE groups ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
CREATE INDEX screens_by_group ON screens(group_id);
)sql";

// Version 3: the quiz. Screens keep their claim public key (hex) and its
// id, indexed for redemption; questions are review records like slides; a
// claim is redeemed once per (screen, day, serial); rounds are counted once
// per (screen, round id), with one row per answer.
const char* const schema_v3 = R"sql(
ALTER TABLE screens ADD COLUMN claim_public_key TEXT;
ALTER TABLE screens ADD COLUMN claim_key_id TEXT;
CREATE INDEX screens_by_claim_key ON screens(claim_key_id);
CREATE TABLE quiz_questions(
    id INTEGER PRIMARY KEY,
    json TEXT NOT NULL,
    approved_json TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'published')),
    author_id INTEGER NOT NULL REFERENCES users(id),
    updated_by INTEGER NOT NULL REFERENCES users(id),
    reviewer_id INTEGER REFERENCES users(id),
    reject_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reviewed_at TEXT NOT NULL DEFAULT '');
CREATE TABLE quiz_claims(
    id INTEGER PRIMARY KEY,
    screen_id INTEGER NOT NULL REFERENCES screens(id),
    day INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    redeemed_at TEXT NOT NULL,
    redeemed_by INTEGER NOT NULL REFERENCES users(id),
    UNIQUE (screen_id, day, serial));
CREATE TABLE quiz_rounds(
    id INTEGER PRIMARY KEY,
    screen_id INTEGER NOT NULL REFERENCES screens(id),
    round_id TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    date TEXT NOT NULL,
    score INTEGER NOT NULL,
    total INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (screen_id, round_id));
CREATE INDEX quiz_rounds_by_date ON quiz_rounds(date);
CREATE TABLE quiz_answers(
    round INTEGER NOT NULL REFERENCES quiz_rounds(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    correct INTEGER NOT NULL);
CREATE INDEX quiz_answers_by_round ON quiz_answers(round);
)sql";

// Version 4: accounts, audit and checks. Users can be disabled; every state
// change is written to audit_log in its own transaction; settings holds
// admin-configured values (JSON) by key, e.g. "forbidden_words".
const char* const schema_v4 = R"sql(
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
CREATE TABLE audit_log(
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    before TEXT,
    after TEXT);
CREATE INDEX audit_by_object ON audit_log(object_type, object_id, id);
CREATE TABLE settings(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL);
)sql";

// Version 5: proof of play. One row per play a screen reports
// (protocol::Play), once per (screen, play id) so a retried batch counts
// once; start_ms (UTC milliseconds) orders and ranges the reports.
const char* const schema_v5_plays = R"sql(
CREATE TABLE plays(
    id INTEGER PRIMARY KEY,
    screen_id INTEGER NOT NULL REFERENCES screens(id),
    play_id TEXT NOT NULL,
    loop_id TEXT NOT NULL,
    loop_end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    slide_id TEXT NOT NULL,
    title TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    public_service INTEGER NOT NULL,
    manifest_version TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (screen_id, play_id));
CREATE INDEX plays_by_screen_start ON plays(screen_id, start_ms);
)sql";

// Version 6: screen health. The latest heartbeat of each screen (the JSON the
// server accepted, with the interval the screen reported and when it came)
// and the latest screenshot (a PNG, replaced by the next one).
const char* const schema_v6_screen_health = R"sql(
CREATE TABLE screen_health(
    screen_id INTEGER PRIMARY KEY REFERENCES screens(id) ON DELETE CASCADE,
    received_at TEXT NOT NULL,
    received_unix INTEGER NOT NULL,
    interval_s INTEGER NOT NULL,
    heartbeat TEXT NOT NULL);
CREATE TABLE screen_screenshots(
    screen_id INTEGER PRIMARY KEY REFERENCES screens(id) ON DELETE CASCADE,
    taken_at TEXT NOT NULL,
    request_id TEXT NOT NULL,
    png BLOB NOT NULL);
)sql";

Error internal(const std::exception& e) {
    spdlog::error("store: {}", e.what());
    return make_error("internal", std::string("database error: ") + e.what());
}

// Runs `f` under the store's mutex and turns exceptions from SQLiteCpp into
// "internal" errors, so no exception leaves the store.
template <class F>
auto guarded(std::mutex& mutex, F&& f) -> decltype(f()) {
    std::lock_guard lock(mutex);
    try {
        return f();
    } catch (const std::exception& e) {
        return internal(e);
    }
}

std::string text_or_empty(const SQLite::Column& c) {
    return c.isNull() ? std::string{} : c.getString();
}

User read_user(SQLite::Statement& q, int first) {
    User u;
    u.id = q.getColumn(first).getInt64();
    u.username = q.getColumn(first + 1).getString();
    u.role = parse_role(q.getColumn(first + 2).getString()).value_or(Role::editor);
    return u;
}

// id, username, role, disabled, created_at
const char* const user_columns = "SELECT id, username, role, disabled, created_at FROM users ";

User read_full_user(SQLite::Statement& q) {
    User u = read_user(q, 0);
    u.disabled = q.getColumn(3).getInt() != 0;
    u.created_at = q.getColumn(4).getString();
    return u;
}

std::string user_audit_json(const User& u) {
    return nlohmann::json{
        {"username", u.username}, {"role", to_string(u.role)}, {"disabled", u.disabled}}
        .dump();
}

std::string dump_audit(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A review record (slide or question) as the audit log keeps it.
std::string review_audit_json(const SlideRecord& s) {
    auto parse = [](const std::string& text) {
        auto j = nlohmann::json::parse(text, nullptr, false);
        return j.is_discarded() ? nlohmann::json(text) : j;
    };
    nlohmann::json j{{"status", to_string(s.status)},
                     {"content", parse(s.json)},
                     {"approved", s.approved_json ? parse(*s.approved_json) : nullptr}};
    if (!s.reject_reason.empty()) j["reject_reason"] = s.reject_reason;
    return dump_audit(j);
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

// Creates the group `name` unless it exists (screens name their group).
void insert_group_if_missing(SQLite::Database& db, const std::string& name,
                             const std::string& now) {
    SQLite::Statement q(db, "INSERT OR IGNORE INTO groups(name, created_at) VALUES (?, ?)");
    q.bind(1, name);
    q.bind(2, now);
    q.exec();
}

// The screen with this id, which exists.
Screen read_screen_by_id(SQLite::Database& db, std::int64_t id) {
    SQLite::Statement read(db, std::string(screen_columns) + "WHERE s.id = ?");
    read.bind(1, id);
    read.executeStep();
    return read_screen(read);
}

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

// The columns of a review record (a slide or a question) from `table`.
std::string review_columns(const char* table) {
    return std::string(
               "SELECT s.id, s.json, s.approved_json, s.status, s.author_id, a.username, "
               "s.updated_by, u.username, s.reviewer_id, r.username, s.reject_reason, "
               "s.created_at, s.updated_at, s.reviewed_at FROM ") +
           table +
           " s JOIN users a ON a.id = s.author_id "
           "JOIN users u ON u.id = s.updated_by LEFT JOIN users r ON r.id = s.reviewer_id ";
}

SlideRecord read_slide(SQLite::Statement& q) {
    SlideRecord s;
    s.id = q.getColumn(0).getInt64();
    s.json = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull()) s.approved_json = q.getColumn(2).getString();
    s.status = parse_slide_status(q.getColumn(3).getString()).value_or(SlideStatus::draft);
    s.author_id = q.getColumn(4).getInt64();
    s.author = q.getColumn(5).getString();
    s.updated_by_id = q.getColumn(6).getInt64();
    s.updated_by = q.getColumn(7).getString();
    if (!q.getColumn(8).isNull()) s.reviewer_id = q.getColumn(8).getInt64();
    s.reviewer = text_or_empty(q.getColumn(9));
    s.reject_reason = q.getColumn(10).getString();
    s.created_at = q.getColumn(11).getString();
    s.updated_at = q.getColumn(12).getString();
    s.reviewed_at = q.getColumn(13).getString();
    return s;
}

bool is_unique_violation(const SQLite::Exception& e) {
    return e.getErrorCode() == SQLITE_CONSTRAINT &&
           std::string_view(e.what()).find("UNIQUE") != std::string_view::npos;
}

}  // namespace

Store::Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& db_file) {
    try {
        auto db = std::make_unique<SQLite::Database>(
            db_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms);
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = FULL");
        db->exec("PRAGMA foreign_keys = ON");
        std::unique_ptr<Store> store(new Store(std::move(db)));
        if (auto st = store->migrate(); !st) return st.error();
        return store;
    } catch (const std::exception& e) {
        return make_error("io", "cannot open database " + db_file.string() + ": " + e.what());
    }
}

Status Store::migrate() {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        int version = 0;
        if (db_->tableExists("schema_version")) {
            version = db_->execAndGet("SELECT version FROM schema_version").getInt();
        } else {
            db_->exec("CREATE TABLE schema_version(version INTEGER NOT NULL)");
            db_->exec("INSERT INTO schema_version(version) VALUES (0)");
        }
        if (version > schema_version) {
            return make_error("internal",
                              "the database was written by a newer signage-server (schema " +
                                  std::to_string(version) + ", this one knows " +
                                  std::to_string(schema_version) + ")");
        }
        if (version < 1) {
            db_->exec(schema_v1);
            version = 1;
        }
        if (version < 2) {
            db_->exec(schema_v2);
            version = 2;
        }
        if (version < 3) {
            db_->exec(schema_v3);
            version = 3;
        }
        if (version < 4) {
            db_->exec(schema_v4);
            version = 4;
        }
        if (version < 5) {
            db_->exec(schema_v5_plays);
            version = 5;
        }
        if (version < 6) {
            db_->exec(schema_v6_screen_health);
            version = 6;
        }
        // Later migrations go here: if (version < 7) { ...; version = 7; }
        SQLite::Statement set(*db_, "UPDATE schema_version SET version = ?");
        set.bind(1, version);
        set.exec();
        tx.commit();
        return {};
    });
}

Result<std::int64_t> Store::count_users() {
    return guarded(mutex_, [&]() -> Result<std::int64_t> {
        return db_->execAndGet("SELECT COUNT(*) FROM users").getInt64();
    });
}

Result<User> Store::add_user(const std::string& username, const std::string& password_hash,
                             Role role, std::optional<std::int64_t> actor) {
    return guarded(mutex_, [&]() -> Result<User> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(*db_,
                            "INSERT INTO users(username, password_hash, role, created_at) "
                            "VALUES (?, ?, ?, ?)");
        q.bind(1, username);
        q.bind(2, password_hash);
        q.bind(3, std::string(to_string(role)));
        q.bind(4, now_iso8601());
        try {
            q.exec();
        } catch (const SQLite::Exception& e) {
            if (is_unique_violation(e)) {
                return make_error("conflict", "user " + username + " already exists", "username");
            }
            throw;
        }
        User user{db_->getLastInsertRowid(), username, role, false, now_iso8601()};
        audit_locked(actor, "create", "user", username, "", user_audit_json(user));
        tx.commit();
        return user;
    });
}

Result<std::vector<User>> Store::list_users() {
    return guarded(mutex_, [&]() -> Result<std::vector<User>> {
        SQLite::Statement q(*db_, std::string(user_columns) + "ORDER BY username");
        std::vector<User> out;
        while (q.executeStep()) out.push_back(read_full_user(q));
        return out;
    });
}

Result<User> Store::update_user(const std::string& username, std::optional<Role> role,
                                std::optional<bool> disabled, std::int64_t actor) {
    return guarded(mutex_, [&]() -> Result<User> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement find(*db_, std::string(user_columns) + "WHERE username = ?");
        find.bind(1, username);
        if (!find.executeStep()) return make_error("not_found", "no user " + username);
        const User before = read_full_user(find);
        User after = before;
        if (role) after.role = *role;
        if (disabled) after.disabled = *disabled;
        const bool was_admin = before.role == Role::admin && !before.disabled;
        const bool is_admin = after.role == Role::admin && !after.disabled;
        if (was_admin && !is_admin) {
            const auto admins = db_->execAndGet(
                                       "SELECT COUNT(*) FROM users WHERE role = 'admin' "
                                       "AND disabled = 0")
                                    .getInt64();
            if (admins <= 1) {
                return make_error("conflict",
                                  username + " is the last admin: make another admin first",
                                  disabled && *disabled ? "disabled" : "role");
            }
        }
        SQLite::Statement q(*db_, "UPDATE users SET role = ?, disabled = ? WHERE id = ?");
        q.bind(1, std::string(to_string(after.role)));
        q.bind(2, after.disabled ? 1 : 0);
        q.bind(3, after.id);
        q.exec();
        if (after.disabled) {
            SQLite::Statement end(*db_, "DELETE FROM sessions WHERE user_id = ?");
            end.bind(1, after.id);
            end.exec();
        }
        if (before.role != after.role || before.disabled != after.disabled) {
            audit_locked(actor, "update", "user", username, user_audit_json(before),
                         user_audit_json(after));
        }
        tx.commit();
        return after;
    });
}

Status Store::set_password(std::int64_t user_id, const std::string& password_hash,
                           const std::string& keep_session) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(*db_, "UPDATE users SET password_hash = ? WHERE id = ?");
        q.bind(1, password_hash);
        q.bind(2, user_id);
        if (q.exec() == 0) return make_error("not_found", "no such user");
        SQLite::Statement end(*db_, "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?");
        end.bind(1, user_id);
        end.bind(2, keep_session);
        const int ended = end.exec();
        SQLite::Statement name(*db_, "SELECT username FROM users WHERE id = ?");
        name.bind(1, user_id);
        const std::string username = name.executeStep() ? name.getColumn(0).getString() : "";
        audit_locked(user_id, "change_password", "user", username, "",
                     dump_audit({{"other_sessions_ended", ended}}));
        tx.commit();
        return {};
    });
}

void Store::audit_locked(std::optional<std::int64_t> actor, const std::string& action,
                         const std::string& object_type, const std::string& object_id,
                         const std::string& before, const std::string& after) {
    std::string actor_name;
    if (actor) {
        SQLite::Statement name(*db_, "SELECT username FROM users WHERE id = ?");
        name.bind(1, *actor);
        if (name.executeStep()) actor_name = name.getColumn(0).getString();
    }
    SQLite::Statement q(*db_,
                        "INSERT INTO audit_log(at, actor, action, object_type, object_id, before, "
                        "after) VALUES (?, ?, ?, ?, ?, ?, ?)");
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
    q.exec();
}

Result<std::vector<AuditEntry>> Store::list_audit(const AuditQuery& query) {
    return guarded(mutex_, [&]() -> Result<std::vector<AuditEntry>> {
        SQLite::Statement q(*db_,
                            "SELECT id, at, actor, action, object_type, object_id, before, after "
                            "FROM audit_log WHERE (? = 0 OR id < ?) AND (? = '' OR object_type = "
                            "?) AND (? = '' OR object_id = ?) ORDER BY id DESC LIMIT ?");
        q.bind(1, query.before_id);
        q.bind(2, query.before_id);
        q.bind(3, query.object_type);
        q.bind(4, query.object_type);
        q.bind(5, query.object_id);
        q.bind(6, query.object_id);
        q.bind(7, query.limit);
        std::vector<AuditEntry> out;
        while (q.executeStep()) {
            out.push_back(AuditEntry{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                                     text_or_empty(q.getColumn(2)), q.getColumn(3).getString(),
                                     q.getColumn(4).getString(), text_or_empty(q.getColumn(5)),
                                     text_or_empty(q.getColumn(6)), text_or_empty(q.getColumn(7))});
        }
        return out;
    });
}

Result<std::optional<std::string>> Store::get_setting(const std::string& key) {
    return guarded(mutex_, [&]() -> Result<std::optional<std::string>> {
        SQLite::Statement q(*db_, "SELECT value FROM settings WHERE key = ?");
        q.bind(1, key);
        if (!q.executeStep()) return std::optional<std::string>{};
        return std::optional<std::string>{q.getColumn(0).getString()};
    });
}

Status Store::put_setting(const std::string& key, const std::string& json, std::int64_t actor) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        std::string before;
        {
            SQLite::Statement q(*db_, "SELECT value FROM settings WHERE key = ?");
            q.bind(1, key);
            if (q.executeStep()) before = q.getColumn(0).getString();
        }
        SQLite::Statement q(*db_,
                            "INSERT INTO settings(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        q.bind(1, key);
        q.bind(2, json);
        q.exec();
        audit_locked(actor, "update", "setting", key, before, json);
        tx.commit();
        return {};
    });
}

Result<std::optional<std::pair<User, std::string>>> Store::find_user(const std::string& username) {
    using R = std::optional<std::pair<User, std::string>>;
    return guarded(mutex_, [&]() -> Result<R> {
        SQLite::Statement q(
            *db_,
            "SELECT id, username, role, password_hash, disabled FROM users WHERE username = ?");
        q.bind(1, username);
        if (!q.executeStep()) return R{};
        User u = read_user(q, 0);
        u.disabled = q.getColumn(4).getInt() != 0;
        return R{std::pair{u, q.getColumn(3).getString()}};
    });
}

Status Store::add_session(const std::string& token_hash, std::int64_t user_id,
                          std::int64_t expires_unix) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Statement q(*db_,
                            "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?)");
        q.bind(1, token_hash);
        q.bind(2, user_id);
        q.bind(3, now_iso8601());
        q.bind(4, expires_unix);
        q.exec();
        return {};
    });
}

Result<std::optional<User>> Store::session_user(const std::string& token_hash, std::int64_t now) {
    return guarded(mutex_, [&]() -> Result<std::optional<User>> {
        SQLite::Statement q(*db_,
                            "SELECT u.id, u.username, u.role FROM sessions s "
                            "JOIN users u ON u.id = s.user_id "
                            "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0");
        q.bind(1, token_hash);
        q.bind(2, now);
        if (!q.executeStep()) return std::optional<User>{};
        return std::optional<User>{read_user(q, 0)};
    });
}

Status Store::delete_session(const std::string& token_hash) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Statement q(*db_, "DELETE FROM sessions WHERE token_hash = ?");
        q.bind(1, token_hash);
        q.exec();
        return {};
    });
}

Status Store::purge_expired_sessions(std::int64_t now) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Statement q(*db_, "DELETE FROM sessions WHERE expires_at <= ?");
        q.bind(1, now);
        q.exec();
        return {};
    });
}

Result<Group> Store::add_group(const std::string& name, const std::string& settings_json,
                               std::optional<std::int64_t> actor) {
    return guarded(mutex_, [&]() -> Result<Group> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        Group g{0, name, now_iso8601(), settings_json, 0};
        SQLite::Statement q(*db_,
                            "INSERT INTO groups(name, created_at, settings) VALUES (?, ?, ?)");
        q.bind(1, name);
        q.bind(2, g.created_at);
        q.bind(3, settings_json);
        try {
            q.exec();
        } catch (const SQLite::Exception& e) {
            if (is_unique_violation(e)) {
                return make_error("conflict", "group " + name + " already exists", "name");
            }
            throw;
        }
        g.id = db_->getLastInsertRowid();
        audit_locked(
            actor, "create", "group", name, "",
            dump_audit({{"name", name},
                        {"settings", nlohmann::json::parse(settings_json, nullptr, false)}}));
        tx.commit();
        return g;
    });
}

std::optional<Group> Store::find_group_locked(const std::string& name) {
    SQLite::Statement q(*db_, std::string(group_columns) + "WHERE g.name = ?");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return read_group(q);
}

Result<std::optional<Group>> Store::find_group(const std::string& name) {
    return guarded(mutex_,
                   [&]() -> Result<std::optional<Group>> { return find_group_locked(name); });
}

Result<std::vector<Group>> Store::list_groups() {
    return guarded(mutex_, [&]() -> Result<std::vector<Group>> {
        SQLite::Statement q(*db_, std::string(group_columns) + "ORDER BY g.name");
        std::vector<Group> out;
        while (q.executeStep()) out.push_back(read_group(q));
        return out;
    });
}

Result<GroupSettingsUpdate> Store::update_group_settings(const std::string& name,
                                                         const std::string& settings_json,
                                                         const ReissueFn& reissue,
                                                         std::int64_t updated_by) {
    return guarded(mutex_, [&]() -> Result<GroupSettingsUpdate> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        auto group = find_group_locked(name);
        if (!group) return make_error("not_found", "no group " + name);
        audit_locked(
            updated_by, "update", "group", name,
            dump_audit({{"settings", nlohmann::json::parse(group->settings_json, nullptr, false)}}),
            dump_audit({{"settings", nlohmann::json::parse(settings_json, nullptr, false)}}));
        SQLite::Statement q(*db_, "UPDATE groups SET settings = ? WHERE id = ?");
        q.bind(1, settings_json);
        q.bind(2, group->id);
        q.exec();
        group->settings_json = settings_json;
        auto compiled = reissue(*group, latest_manifest_locked(group->id));
        if (!compiled) return compiled.error();  // the transaction rolls back
        PublishedGroup stored = store_manifest_locked(*compiled, now_iso8601(), updated_by);
        tx.commit();
        return GroupSettingsUpdate{std::move(*group), std::move(stored)};
    });
}

Result<Screen> Store::add_screen(const std::string& name, const std::string& group,
                                 const DeviceCredentials& device,
                                 std::optional<std::int64_t> actor) {
    return guarded(mutex_, [&]() -> Result<Screen> {
        forget_screens();  // the screens change: every cached token is re-read
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string now = now_iso8601();
        insert_group_if_missing(*db_, group, now);
        SQLite::Statement q(*db_,
                            "INSERT INTO screens(name, group_id, token_hash, created_at, "
                            "claim_public_key, claim_key_id) SELECT ?, id, ?, ?, ?, ? FROM groups "
                            "WHERE name = ?");
        q.bind(1, name);
        q.bind(2, device.token_hash);
        q.bind(3, now);
        q.bind(4, device.claim_public_key);
        q.bind(5, device.claim_key_id);
        q.bind(6, group);
        try {
            q.exec();
        } catch (const SQLite::Exception& e) {
            if (is_unique_violation(e)) {
                return make_error("conflict", "screen " + name + " already exists", "name");
            }
            throw;
        }
        const std::int64_t id = db_->getLastInsertRowid();
        audit_locked(actor, "create", "screen", std::to_string(id), "",
                     dump_audit({{"name", name}, {"group", group}}));
        tx.commit();
        return read_screen_by_id(*db_, id);
    });
}

Result<Screen> Store::pair_screen(const std::string& name, const std::string& group,
                                  const DeviceCredentials& device,
                                  std::optional<std::int64_t> actor) {
    {
        auto existing = guarded(mutex_, [&]() -> Result<std::optional<std::int64_t>> {
            SQLite::Statement q(*db_,
                                "SELECT id, token_hash LIKE 'revoked:%' FROM screens "
                                "WHERE name = ?");
            q.bind(1, name);
            if (!q.executeStep()) return std::optional<std::int64_t>{};
            if (q.getColumn(1).getInt() == 0) {
                return make_error(
                    "conflict",
                    "screen " + name + " already exists and has a working token: revoke it first",
                    "name");
            }
            return std::optional<std::int64_t>{q.getColumn(0).getInt64()};
        });
        if (!existing) return existing.error();
        if (!*existing) return add_screen(name, group, device, actor);
        const std::int64_t id = **existing;
        return guarded(mutex_, [&]() -> Result<Screen> {
            forget_screens();  // the screens change: every cached token is re-read
            SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
            insert_group_if_missing(*db_, group, now_iso8601());
            SQLite::Statement q(*db_,
                                "UPDATE screens SET token_hash = ?, claim_public_key = ?, "
                                "claim_key_id = ?, group_id = (SELECT id FROM groups WHERE name "
                                "= ?) WHERE id = ? AND token_hash LIKE 'revoked:%'");
            q.bind(1, device.token_hash);
            q.bind(2, device.claim_public_key);
            q.bind(3, device.claim_key_id);
            q.bind(4, group);
            q.bind(5, id);
            if (q.exec() != 1) {
                return make_error("conflict", "screen " + name + " changed meanwhile: try again",
                                  "name");
            }
            audit_locked(actor, "pair", "screen", std::to_string(id),
                         dump_audit({{"name", name}, {"revoked", true}}),
                         dump_audit({{"name", name}, {"group", group}}));
            tx.commit();
            {
                std::lock_guard cache_lock(cache_mutex_);
                last_touch_.erase(id);
            }
            return read_screen_by_id(*db_, id);
        });
    }
}

Result<Screen> Store::revoke_screen(std::int64_t screen_id, std::optional<std::int64_t> actor) {
    return guarded(mutex_, [&]() -> Result<Screen> {
        forget_screens();  // the screens change: every cached token is re-read
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(*db_, "UPDATE screens SET token_hash = ? WHERE id = ?");
        q.bind(1, std::string(kRevokedPrefix) + random_hex(16));
        q.bind(2, screen_id);
        if (q.exec() != 1) {
            return make_error("not_found", "no screen " + std::to_string(screen_id));
        }
        Screen screen = read_screen_by_id(*db_, screen_id);
        audit_locked(actor, "revoke", "screen", std::to_string(screen_id),
                     dump_audit({{"name", screen.name}, {"revoked", false}}),
                     dump_audit({{"name", screen.name}, {"revoked", true}}));
        tx.commit();
        return screen;
    });
}

Result<ScreenMove> Store::move_screen(std::int64_t screen_id, const std::string& group,
                                      std::optional<std::int64_t> actor) {
    return guarded(mutex_, [&]() -> Result<ScreenMove> {
        forget_screens();  // the screens change: every cached token is re-read
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement find(*db_, std::string(screen_columns) + "WHERE s.id = ?");
        find.bind(1, screen_id);
        if (!find.executeStep()) {
            return make_error("not_found", "no screen " + std::to_string(screen_id));
        }
        ScreenMove move{read_screen(find), {}};
        move.previous_group = move.screen.group;
        auto target = find_group_locked(group);
        if (!target) {
            return make_error("unprocessable", "no group " + group + ": create it first", "group");
        }
        SQLite::Statement q(*db_, "UPDATE screens SET group_id = ? WHERE id = ?");
        q.bind(1, target->id);
        q.bind(2, screen_id);
        q.exec();
        audit_locked(actor, "move", "screen", std::to_string(screen_id),
                     dump_audit({{"name", move.screen.name}, {"group", move.previous_group}}),
                     dump_audit({{"name", move.screen.name}, {"group", target->name}}));
        tx.commit();
        move.screen.group_id = target->id;
        move.screen.group = target->name;
        return move;
    });
}

Status Store::set_claim_key(std::int64_t screen_id, const DeviceCredentials& device) {
    return guarded(mutex_, [&]() -> Status {
        forget_screens();  // the screens change: every cached token is re-read
        SQLite::Statement q(*db_,
                            "UPDATE screens SET claim_public_key = ?, claim_key_id = ? "
                            "WHERE id = ? AND claim_key_id IS NULL");
        q.bind(1, device.claim_public_key);
        q.bind(2, device.claim_key_id);
        q.bind(3, screen_id);
        q.exec();
        return {};
    });
}

Result<std::vector<std::pair<Screen, std::string>>> Store::screens_by_claim_key(
    const std::string& key_id) {
    return guarded(mutex_, [&]() -> Result<std::vector<std::pair<Screen, std::string>>> {
        SQLite::Statement q(*db_, std::string("SELECT s.id, s.name, s.group_id, g.name, "
                                              "s.created_at, s.last_seen, s.claim_key_id, "
                                              "s.token_hash LIKE 'revoked:%', "
                                              "s.claim_public_key FROM screens s JOIN groups g "
                                              "ON g.id = s.group_id WHERE s.claim_key_id = ?"));
        q.bind(1, key_id);
        std::vector<std::pair<Screen, std::string>> out;
        while (q.executeStep()) out.emplace_back(read_screen(q), q.getColumn(8).getString());
        return out;
    });
}

Result<std::optional<Screen>> Store::screen_by_token(const std::string& token_hash) {
    if (auto hit = cached_screen(token_hash)) return hit;
    return guarded(mutex_, [&]() -> Result<std::optional<Screen>> {
        SQLite::Statement q(*db_, std::string(screen_columns) + "WHERE s.token_hash = ?");
        q.bind(1, token_hash);
        if (!q.executeStep()) return std::optional<Screen>{};
        Screen screen = read_screen(q);
        // Filled under mutex_, which every change to the screens holds while
        // it clears the cache: what goes in here is what the table holds.
        std::lock_guard cache_lock(cache_mutex_);
        if (token_cache_.size() >= kTokenCacheLimit) token_cache_.clear();
        token_cache_.emplace(token_hash, screen);
        return std::optional<Screen>{std::move(screen)};
    });
}

std::optional<Screen> Store::cached_screen(const std::string& token_hash) {
    std::lock_guard cache_lock(cache_mutex_);
    auto hit = token_cache_.find(token_hash);
    if (hit == token_cache_.end()) return std::nullopt;
    return hit->second;
}

bool Store::seen_within(std::int64_t screen_id, std::int64_t seconds) {
    std::lock_guard cache_lock(cache_mutex_);
    auto it = last_touch_.find(screen_id);
    return it != last_touch_.end() && now_unix() - it->second < seconds;
}

void Store::forget_screens() {
    std::lock_guard cache_lock(cache_mutex_);
    token_cache_.clear();
}

Result<std::vector<Screen>> Store::list_screens() {
    return guarded(mutex_, [&]() -> Result<std::vector<Screen>> {
        SQLite::Statement q(*db_, std::string(screen_columns) + "ORDER BY s.name");
        std::vector<Screen> out;
        while (q.executeStep()) out.push_back(read_screen(q));
        return out;
    });
}

Status Store::touch_screen(std::int64_t screen_id, std::int64_t min_interval_s) {
    if (seen_within(screen_id, min_interval_s)) return {};
    return guarded(mutex_, [&]() -> Status {
        SQLite::Statement q(*db_, "UPDATE screens SET last_seen = ? WHERE id = ?");
        q.bind(1, now_iso8601());
        q.bind(2, screen_id);
        q.exec();
        std::lock_guard cache_lock(cache_mutex_);
        last_touch_[screen_id] = now_unix();
        return {};
    });
}

Status Store::record_heartbeat(std::int64_t screen_id, int interval_s,
                               const std::string& heartbeat_json) {
    return guarded(mutex_, [&]() -> Status {
        const std::string now = now_iso8601();
        const std::int64_t unix_now = now_unix();
        SQLite::Transaction tx(*db_);
        SQLite::Statement q(
            *db_,
            "INSERT INTO screen_health(screen_id, received_at, received_unix, "
            "interval_s, heartbeat) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(screen_id) DO UPDATE SET received_at = excluded.received_at, "
            "received_unix = excluded.received_unix, interval_s = excluded.interval_s, "
            "heartbeat = excluded.heartbeat");
        q.bind(1, screen_id);
        q.bind(2, now);
        q.bind(3, unix_now);
        q.bind(4, interval_s);
        q.bind(5, heartbeat_json);
        q.exec();
        SQLite::Statement seen(*db_, "UPDATE screens SET last_seen = ? WHERE id = ?");
        seen.bind(1, now);
        seen.bind(2, screen_id);
        seen.exec();
        tx.commit();
        std::lock_guard cache_lock(cache_mutex_);
        last_touch_[screen_id] = unix_now;
        return {};
    });
}

namespace {

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

Result<std::vector<ScreenHealth>> Store::list_screen_health() {
    return guarded(mutex_, [&]() -> Result<std::vector<ScreenHealth>> {
        SQLite::Statement q(*db_, std::string(health_columns) + "ORDER BY screen_id");
        std::vector<ScreenHealth> out;
        while (q.executeStep()) out.push_back(read_health(q));
        return out;
    });
}

Result<std::optional<ScreenHealth>> Store::screen_health(std::int64_t screen_id) {
    return guarded(mutex_, [&]() -> Result<std::optional<ScreenHealth>> {
        SQLite::Statement q(*db_, std::string(health_columns) + "WHERE screen_id = ?");
        q.bind(1, screen_id);
        if (!q.executeStep()) return std::optional<ScreenHealth>{};
        return std::optional<ScreenHealth>{read_health(q)};
    });
}

Result<Screen> Store::get_screen(std::int64_t screen_id) {
    return guarded(mutex_, [&]() -> Result<Screen> {
        SQLite::Statement q(*db_, std::string(screen_columns) + "WHERE s.id = ?");
        q.bind(1, screen_id);
        if (!q.executeStep()) return make_error("not_found", "no such screen", "id");
        return read_screen(q);
    });
}

Status Store::put_screenshot(std::int64_t screen_id, const std::string& request_id,
                             const std::string& png) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Statement q(*db_,
                            "INSERT INTO screen_screenshots(screen_id, taken_at, request_id, png) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT(screen_id) DO UPDATE SET "
                            "taken_at = excluded.taken_at, request_id = excluded.request_id, "
                            "png = excluded.png");
        q.bind(1, screen_id);
        q.bind(2, now_iso8601());
        q.bind(3, request_id);
        q.bind(4, png.data(), static_cast<int>(png.size()));
        q.exec();
        return {};
    });
}

Result<std::optional<Screenshot>> Store::get_screenshot(std::int64_t screen_id) {
    return guarded(mutex_, [&]() -> Result<std::optional<Screenshot>> {
        SQLite::Statement q(
            *db_, "SELECT taken_at, request_id, png FROM screen_screenshots WHERE screen_id = ?");
        q.bind(1, screen_id);
        if (!q.executeStep()) return std::optional<Screenshot>{};
        Screenshot shot;
        shot.taken_at = q.getColumn(0).getString();
        shot.request_id = q.getColumn(1).getString();
        const SQLite::Column png = q.getColumn(2);
        shot.png.assign(static_cast<const char*>(png.getBlob()),
                        static_cast<std::size_t>(png.getBytes()));
        return std::optional<Screenshot>{std::move(shot)};
    });
}

Result<std::unordered_map<std::int64_t, std::string>> Store::screenshot_times() {
    return guarded(mutex_, [&]() -> Result<std::unordered_map<std::int64_t, std::string>> {
        SQLite::Statement q(*db_, "SELECT screen_id, taken_at FROM screen_screenshots");
        std::unordered_map<std::int64_t, std::string> out;
        while (q.executeStep()) out[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
        return out;
    });
}

Status Store::add_media(const MediaInfo& media, std::optional<std::int64_t> uploaded_by) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Statement q(
            *db_,
            "INSERT OR IGNORE INTO media(sha256, size, content_type, width, height, "
            "uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, media.sha256);
        q.bind(2, media.size);
        q.bind(3, media.content_type);
        q.bind(4, media.width);
        q.bind(5, media.height);
        if (uploaded_by) {
            q.bind(6, *uploaded_by);
        } else {
            q.bind(6);
        }
        q.bind(7, now_iso8601());
        q.exec();
        return {};
    });
}

std::optional<MediaInfo> Store::find_media_locked(const std::string& sha256) {
    SQLite::Statement q(
        *db_, "SELECT sha256, size, content_type, width, height FROM media WHERE sha256 = ?");
    q.bind(1, sha256);
    if (!q.executeStep()) return std::nullopt;
    return MediaInfo{q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                     q.getColumn(2).getString(), q.getColumn(3).getInt(), q.getColumn(4).getInt()};
}

Result<std::optional<MediaInfo>> Store::find_media(const std::string& sha256) {
    return guarded(mutex_,
                   [&]() -> Result<std::optional<MediaInfo>> { return find_media_locked(sha256); });
}

Result<std::vector<MediaEntry>> Store::list_media(int limit) {
    return guarded(mutex_, [&]() -> Result<std::vector<MediaEntry>> {
        SQLite::Statement q(*db_,
                            "SELECT m.sha256, m.size, m.content_type, m.width, m.height, "
                            "COALESCE(u.username, ''), m.created_at FROM media m "
                            "LEFT JOIN users u ON u.id = m.uploaded_by "
                            "ORDER BY m.created_at DESC, m.sha256 LIMIT ?");
        q.bind(1, limit);
        std::vector<MediaEntry> out;
        while (q.executeStep()) {
            out.push_back({MediaInfo{q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                                     q.getColumn(2).getString(), q.getColumn(3).getInt(),
                                     q.getColumn(4).getInt()},
                           q.getColumn(5).getString(), q.getColumn(6).getString()});
        }
        return out;
    });
}

struct Store::ReviewTable {
    const char* table;
    const char* noun;
};

namespace {
const Store::ReviewTable* slides_table() {
    static const Store::ReviewTable t{"slides", "slide"};
    return &t;
}
}  // namespace

SlideRecord Store::read_review_locked(const ReviewTable& table, std::int64_t id, bool& found) {
    SQLite::Statement q(*db_, review_columns(table.table) + "WHERE s.id = ?");
    q.bind(1, id);
    found = q.executeStep();
    return found ? read_slide(q) : SlideRecord{};
}

Result<SlideRecord> Store::create_review(const ReviewTable& table, const std::string& json,
                                         std::int64_t author_id) {
    return guarded(mutex_, [&]() -> Result<SlideRecord> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string now = now_iso8601();
        SQLite::Statement q(*db_, std::string("INSERT INTO ") + table.table +
                                      "(json, status, author_id, updated_by, created_at, "
                                      "updated_at) VALUES (?, 'draft', ?, ?, ?, ?)");
        q.bind(1, json);
        q.bind(2, author_id);
        q.bind(3, author_id);
        q.bind(4, now);
        q.bind(5, now);
        q.exec();
        bool found = false;
        SlideRecord s = read_review_locked(table, db_->getLastInsertRowid(), found);
        if (!found)
            return make_error("internal", std::string(table.noun) + " vanished after insert");
        audit_locked(author_id, "create", table.noun, std::to_string(s.id), "",
                     review_audit_json(s));
        tx.commit();
        return s;
    });
}

Result<SlideRecord> Store::get_review(const ReviewTable& table, std::int64_t id) {
    return guarded(mutex_, [&]() -> Result<SlideRecord> {
        bool found = false;
        SlideRecord s = read_review_locked(table, id, found);
        if (!found)
            return make_error("not_found",
                              "no " + std::string(table.noun) + " " + std::to_string(id));
        return s;
    });
}

Result<std::vector<SlideRecord>> Store::list_reviews(const ReviewTable& table) {
    return guarded(mutex_, [&]() -> Result<std::vector<SlideRecord>> {
        SQLite::Statement q(*db_, review_columns(table.table) + "ORDER BY s.id");
        std::vector<SlideRecord> out;
        while (q.executeStep()) out.push_back(read_slide(q));
        return out;
    });
}

Result<std::vector<SlideRecord>> Store::update_reviews(
    const ReviewTable& table, const std::vector<std::int64_t>& ids,
    const std::function<Status(SlideRecord&)>& change, bool batch, std::int64_t actor,
    const std::string& action) {
    return guarded(mutex_, [&]() -> Result<std::vector<SlideRecord>> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        std::vector<SlideRecord> out;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::int64_t id = ids[i];
            const std::string field = batch ? "ids[" + std::to_string(i) + "]" : std::string();
            const std::string what = std::string(table.noun) + " " + std::to_string(id);
            bool found = false;
            SlideRecord s = read_review_locked(table, id, found);
            if (!found) return make_error("not_found", "no " + what, field);
            const std::string before = review_audit_json(s);
            if (auto st = change(s); !st) {
                // The transaction rolls back; in a batch the error names the item.
                if (!batch) return st.error();
                return make_error(st.error().code, what + ": " + st.error().message, field);
            }
            SQLite::Statement q(*db_, std::string("UPDATE ") + table.table +
                                          " SET json = ?, approved_json = ?, status = ?, "
                                          "updated_by = ?, reviewer_id = ?, reject_reason = ?, "
                                          "updated_at = ?, reviewed_at = ? WHERE id = ?");
            q.bind(1, s.json);
            if (s.approved_json) {
                q.bind(2, *s.approved_json);
            } else {
                q.bind(2);
            }
            q.bind(3, std::string(to_string(s.status)));
            q.bind(4, s.updated_by_id);
            if (s.reviewer_id) {
                q.bind(5, *s.reviewer_id);
            } else {
                q.bind(5);
            }
            q.bind(6, s.reject_reason);
            q.bind(7, s.updated_at);
            q.bind(8, s.reviewed_at);
            q.bind(9, id);
            q.exec();
            const std::string after = review_audit_json(s);
            if (after != before) {
                audit_locked(actor, action, table.noun, std::to_string(id), before, after);
            }
        }
        tx.commit();
        for (const std::int64_t id : ids) {
            bool found = false;
            out.push_back(read_review_locked(table, id, found));
        }
        return out;
    });
}

Status Store::delete_review(const ReviewTable& table, std::int64_t id, std::int64_t actor) {
    return guarded(mutex_, [&]() -> Status {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        bool found = false;
        const SlideRecord s = read_review_locked(table, id, found);
        SQLite::Statement q(*db_, std::string("DELETE FROM ") + table.table + " WHERE id = ?");
        q.bind(1, id);
        if (!found || q.exec() == 0)
            return make_error("not_found",
                              "no " + std::string(table.noun) + " " + std::to_string(id));
        audit_locked(actor, "delete", table.noun, std::to_string(id), review_audit_json(s), "");
        tx.commit();
        return {};
    });
}

Result<SlideRecord> Store::create_slide(const std::string& json, std::int64_t author_id) {
    return create_review(*slides_table(), json, author_id);
}

Result<SlideRecord> Store::get_slide(std::int64_t id) {
    return get_review(*slides_table(), id);
}

Result<std::vector<SlideRecord>> Store::list_slides() {
    return list_reviews(*slides_table());
}

Result<SlideRecord> Store::update_slide(std::int64_t id,
                                        const std::function<Status(SlideRecord&)>& change,
                                        std::int64_t actor, const std::string& action) {
    auto updated = update_reviews(*slides_table(), {id}, change, false, actor, action);
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Status Store::delete_slide(std::int64_t id, std::int64_t actor) {
    return delete_review(*slides_table(), id, actor);
}

Result<std::vector<PublishedGroup>> Store::publish(
    const std::function<Result<std::vector<CompiledManifest>>(const PublishInput&)>& compile,
    std::int64_t published_by) {
    return guarded(mutex_, [&]() -> Result<std::vector<PublishedGroup>> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        PublishInput input;
        input.now = now_iso8601();
        {
            SQLite::Statement q(*db_, std::string(group_columns) + "ORDER BY g.name");
            while (q.executeStep()) input.groups.push_back(read_group(q));
        }
        {
            SQLite::Statement q(
                *db_,
                "SELECT id, approved_json FROM slides WHERE approved_json IS NOT NULL ORDER BY id");
            while (q.executeStep()) {
                input.slides.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString()});
            }
        }
        {
            SQLite::Statement q(*db_,
                                "SELECT id, approved_json FROM quiz_questions "
                                "WHERE approved_json IS NOT NULL ORDER BY id");
            while (q.executeStep()) {
                input.questions.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString()});
            }
        }
        input.find_media = [this](const std::string& sha) { return find_media_locked(sha); };
        auto compiled = compile(input);
        if (!compiled) return compiled.error();

        std::vector<PublishedGroup> out;
        nlohmann::json before_groups = nlohmann::json::object();
        for (const CompiledManifest& m : *compiled) {
            auto latest = latest_manifest_locked(m.group_id);
            before_groups[m.group] = latest ? nlohmann::json(latest->version) : nullptr;
            out.push_back(store_manifest_locked(m, input.now, published_by));
        }
        nlohmann::json after_groups = nlohmann::json::object();
        for (const PublishedGroup& g : out) after_groups[g.group] = g.version;
        nlohmann::json newly_published = nlohmann::json::object();
        for (const char* table : {"slides", "quiz_questions"}) {
            SQLite::Statement q(*db_, std::string("SELECT id FROM ") + table +
                                          " WHERE status = 'approved' ORDER BY id");
            nlohmann::json ids = nlohmann::json::array();
            while (q.executeStep()) ids.push_back(std::to_string(q.getColumn(0).getInt64()));
            newly_published[table == std::string("slides") ? "slides" : "questions"] =
                std::move(ids);
        }
        audit_locked(published_by, "publish", "publish", "",
                     dump_audit({{"versions", std::move(before_groups)}}),
                     dump_audit({{"versions", std::move(after_groups)},
                                 {"published", std::move(newly_published)}}));
        db_->exec("UPDATE slides SET status = 'published' WHERE status = 'approved'");
        db_->exec("UPDATE quiz_questions SET status = 'published' WHERE status = 'approved'");
        // Every manifest is written, nothing is committed: a test kills the
        // server here to prove a publish lands whole or not at all.
        fault::pause("publish.before_commit");
        tx.commit();
        return out;
    });
}

std::optional<StoredManifest> Store::latest_manifest_locked(std::int64_t group_id) {
    SQLite::Statement q(*db_,
                        "SELECT g.name, m.version, m.json, m.published_at, m.id FROM manifests m "
                        "JOIN groups g ON g.id = m.group_id WHERE m.group_id = ? "
                        "ORDER BY m.id DESC LIMIT 1");
    q.bind(1, group_id);
    if (!q.executeStep()) return std::nullopt;
    return StoredManifest{q.getColumn(0).getString(), q.getColumn(1).getString(),
                          q.getColumn(2).getString(), q.getColumn(3).getString(),
                          q.getColumn(4).getInt64()};
}

PublishedGroup Store::store_manifest_locked(const CompiledManifest& m, const std::string& now,
                                            std::int64_t published_by) {
    if (auto latest = latest_manifest_locked(m.group_id); latest && latest->version == m.version) {
        return PublishedGroup{m.group,
                              m.version,
                              false,
                              std::move(latest->json),
                              std::move(latest->published_at),
                              latest->sequence};
    }
    SQLite::Statement ins(*db_,
                          "INSERT INTO manifests(group_id, version, json, published_at, "
                          "published_by) VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, m.group_id);
    ins.bind(2, m.version);
    ins.bind(3, m.json);
    ins.bind(4, now);
    ins.bind(5, published_by);
    ins.exec();
    return PublishedGroup{m.group, m.version, true, m.json, now, db_->getLastInsertRowid()};
}

Result<std::optional<StoredManifest>> Store::latest_manifest(const std::string& group) {
    return guarded(mutex_, [&]() -> Result<std::optional<StoredManifest>> {
        auto g = find_group_locked(group);
        if (!g) return std::optional<StoredManifest>{};
        return latest_manifest_locked(g->id);
    });
}

// --- Quiz -------------------------------------------------------------------

namespace {
const Store::ReviewTable* questions_table() {
    static const Store::ReviewTable t{"quiz_questions", "question"};
    return &t;
}

Redemption read_redemption(SQLite::Statement& q) {
    return Redemption{q.getColumn(0).getString(), q.getColumn(1).getString()};
}

const char* const redemption_columns =
    "SELECT c.redeemed_at, u.username FROM quiz_claims c JOIN users u ON u.id = c.redeemed_by "
    "WHERE c.screen_id = ? AND c.day = ? AND c.serial = ?";
}  // namespace

Result<QuestionRecord> Store::create_question(const std::string& json, std::int64_t author_id) {
    return create_review(*questions_table(), json, author_id);
}

Result<QuestionRecord> Store::get_question(std::int64_t id) {
    return get_review(*questions_table(), id);
}

Result<std::vector<QuestionRecord>> Store::list_questions() {
    return list_reviews(*questions_table());
}

Result<std::vector<QuestionRecord>> Store::update_questions(
    const std::vector<std::int64_t>& ids, const std::function<Status(QuestionRecord&)>& change,
    bool batch, std::int64_t actor, const std::string& action) {
    return update_reviews(*questions_table(), ids, change, batch, actor, action);
}

Status Store::delete_question(std::int64_t id, std::int64_t actor) {
    return delete_review(*questions_table(), id, actor);
}

Result<std::vector<std::int64_t>> Store::import_questions(const std::vector<std::string>& jsons,
                                                          std::int64_t author_id) {
    return guarded(mutex_, [&]() -> Result<std::vector<std::int64_t>> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string now = now_iso8601();
        SQLite::Statement q(*db_,
                            "INSERT INTO quiz_questions(json, status, author_id, updated_by, "
                            "created_at, updated_at) VALUES (?, 'draft', ?, ?, ?, ?)");
        std::vector<std::int64_t> ids;
        for (const std::string& json : jsons) {
            q.reset();
            q.bind(1, json);
            q.bind(2, author_id);
            q.bind(3, author_id);
            q.bind(4, now);
            q.bind(5, now);
            q.exec();
            ids.push_back(db_->getLastInsertRowid());
            bool found = false;
            const SlideRecord s = read_review_locked(*questions_table(), ids.back(), found);
            audit_locked(author_id, "import", "question", std::to_string(ids.back()), "",
                         review_audit_json(s));
        }
        tx.commit();
        return ids;
    });
}

Result<std::optional<Redemption>> Store::find_redemption(std::int64_t screen_id, int day,
                                                         int serial) {
    return guarded(mutex_, [&]() -> Result<std::optional<Redemption>> {
        SQLite::Statement q(*db_, redemption_columns);
        q.bind(1, screen_id);
        q.bind(2, day);
        q.bind(3, serial);
        if (!q.executeStep()) return std::optional<Redemption>{};
        return std::optional<Redemption>{read_redemption(q)};
    });
}

Result<Redemption> Store::redeem_claim(std::int64_t screen_id, int day, int serial, const User& by,
                                       std::optional<Redemption>& existing) {
    return guarded(mutex_, [&]() -> Result<Redemption> {
        Redemption r{now_iso8601(), by.username};
        SQLite::Statement q(*db_,
                            "INSERT INTO quiz_claims(screen_id, day, serial, redeemed_at, "
                            "redeemed_by) VALUES (?, ?, ?, ?, ?)");
        q.bind(1, screen_id);
        q.bind(2, day);
        q.bind(3, serial);
        q.bind(4, r.redeemed_at);
        q.bind(5, by.id);
        try {
            SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
            q.exec();
            const std::string claim = std::to_string(screen_id) + "/" + std::to_string(day) + "/" +
                                      std::to_string(serial);
            audit_locked(by.id, "redeem", "prize_claim", claim, "",
                         dump_audit({{"screen_id", screen_id},
                                     {"day", day},
                                     {"serial", serial},
                                     {"redeemed_at", r.redeemed_at}}));
            tx.commit();
            return r;
        } catch (const SQLite::Exception& e) {
            if (!is_unique_violation(e)) throw;
        }
        // The UNIQUE constraint decided: someone redeemed it first.
        SQLite::Statement read(*db_, redemption_columns);
        read.bind(1, screen_id);
        read.bind(2, day);
        read.bind(3, serial);
        if (read.executeStep()) existing = read_redemption(read);
        const Redemption shown = existing.value_or(Redemption{});
        return make_error("already_redeemed",
                          "this prize was already handed out at " + shown.redeemed_at + " by " +
                              shown.redeemed_by,
                          "code");
    });
}

Result<int> Store::add_quiz_rounds(std::int64_t screen_id,
                                   const std::vector<QuizRoundRow>& rounds) {
    return guarded(mutex_, [&]() -> Result<int> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string now = now_iso8601();
        SQLite::Statement round(*db_,
                                "INSERT OR IGNORE INTO quiz_rounds(screen_id, round_id, "
                                "finished_at, date, score, total, passed, received_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        SQLite::Statement answer(
            *db_, "INSERT INTO quiz_answers(round, question, correct) VALUES (?, ?, ?)");
        int added = 0;
        for (const QuizRoundRow& r : rounds) {
            round.reset();
            round.bind(1, screen_id);
            round.bind(2, r.round_id);
            round.bind(3, r.finished_at);
            round.bind(4, r.date);
            round.bind(5, r.score);
            round.bind(6, r.total);
            round.bind(7, r.passed ? 1 : 0);
            round.bind(8, now);
            if (round.exec() == 0) continue;  // this round id was counted before
            const std::int64_t row = db_->getLastInsertRowid();
            for (const auto& [question, correct] : r.answers) {
                answer.reset();
                answer.bind(1, row);
                answer.bind(2, question);
                answer.bind(3, correct ? 1 : 0);
                answer.exec();
            }
            ++added;
        }
        tx.commit();
        return added;
    });
}

Result<QuizStats> Store::quiz_stats(const std::string& from, const std::string& to) {
    return guarded(mutex_, [&]() -> Result<QuizStats> {
        QuizStats stats;
        const std::string range = " (? = '' OR r.date >= ?) AND (? = '' OR r.date <= ?) ";
        const auto bind_range = [&](SQLite::Statement& q) {
            q.bind(1, from);
            q.bind(2, from);
            q.bind(3, to);
            q.bind(4, to);
        };
        SQLite::Statement questions(
            *db_,
            "SELECT a.question, COALESCE(q.json, ''), COUNT(*), SUM(a.correct) "
            "FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round "
            "LEFT JOIN quiz_questions q ON CAST(q.id AS TEXT) = a.question WHERE" +
                range +
                "GROUP BY a.question "
                "ORDER BY CAST(SUM(a.correct) AS REAL) / COUNT(*), COUNT(*) DESC, a.question");
        bind_range(questions);
        while (questions.executeStep()) {
            stats.questions.push_back(
                QuestionStat{questions.getColumn(0).getString(), questions.getColumn(1).getString(),
                             questions.getColumn(2).getInt64(), questions.getColumn(3).getInt64()});
        }
        SQLite::Statement rounds(*db_,
                                 "SELECT s.name, r.date, COUNT(*), SUM(r.passed) "
                                 "FROM quiz_rounds r JOIN screens s ON s.id = r.screen_id WHERE" +
                                     range + "GROUP BY s.name, r.date ORDER BY r.date, s.name");
        bind_range(rounds);
        while (rounds.executeStep()) {
            stats.rounds.push_back(
                RoundStat{rounds.getColumn(0).getString(), rounds.getColumn(1).getString(),
                          rounds.getColumn(2).getInt64(), rounds.getColumn(3).getInt64()});
        }
        return stats;
    });
}

}  // namespace signage::server

namespace signage::server {

Result<int> Store::add_plays(std::int64_t screen_id, const std::vector<protocol::Play>& plays) {
    return guarded(mutex_, [&]() -> Result<int> {
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string now = now_iso8601();
        SQLite::Statement q(*db_,
                            "INSERT OR IGNORE INTO plays(screen_id, play_id, loop_id, loop_end, "
                            "kind, slide_id, title, start_ms, duration_ms, public_service, "
                            "manifest_version, received_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        int added = 0;
        for (const protocol::Play& p : plays) {
            q.reset();
            q.bind(1, screen_id);
            q.bind(2, p.id);
            q.bind(3, p.loop_id);
            q.bind(4, p.loop_end ? 1 : 0);
            q.bind(5, std::string(protocol::to_string(p.kind)));
            q.bind(6, p.slide_id);
            q.bind(7, p.title);
            q.bind(8, static_cast<std::int64_t>(p.start_ms));
            q.bind(9, static_cast<std::int64_t>(p.duration_ms));
            q.bind(10, p.public_service ? 1 : 0);
            q.bind(11, p.manifest_version);
            q.bind(12, now);
            added += q.exec();  // 0: this play id was counted before
        }
        tx.commit();
        return added;
    });
}

Result<std::vector<StoredPlay>> Store::plays_between(const std::vector<std::int64_t>& screen_ids,
                                                     std::int64_t from_ms, std::int64_t to_ms) {
    return guarded(mutex_, [&]() -> Result<std::vector<StoredPlay>> {
        SQLite::Statement q(*db_,
                            "SELECT p.screen_id, s.name, p.play_id, p.loop_id, p.loop_end, p.kind, "
                            "p.slide_id, p.title, p.start_ms, p.duration_ms, p.public_service, "
                            "p.manifest_version FROM plays p JOIN screens s ON s.id = p.screen_id "
                            "WHERE p.screen_id = ? AND p.start_ms >= ? AND p.start_ms < ? "
                            "ORDER BY p.start_ms, p.id");
        std::vector<StoredPlay> out;
        for (const std::int64_t id : screen_ids) {
            q.reset();
            q.bind(1, id);
            q.bind(2, static_cast<std::int64_t>(from_ms));
            q.bind(3, static_cast<std::int64_t>(to_ms));
            while (q.executeStep()) {
                StoredPlay r;
                r.screen_id = q.getColumn(0).getInt64();
                r.screen = q.getColumn(1).getString();
                protocol::Play& p = r.play;
                p.id = q.getColumn(2).getString();
                p.loop_id = q.getColumn(3).getString();
                p.loop_end = q.getColumn(4).getInt() != 0;
                const std::string kind = q.getColumn(5).getString();
                p.kind = kind == "emergency"         ? protocol::PlayKind::emergency
                         : kind == "quiz_invitation" ? protocol::PlayKind::quiz_invitation
                                                     : protocol::PlayKind::item;
                p.slide_id = q.getColumn(6).getString();
                p.title = q.getColumn(7).getString();
                p.start_ms = q.getColumn(8).getInt64();
                p.duration_ms = q.getColumn(9).getInt64();
                p.public_service = q.getColumn(10).getInt() != 0;
                p.manifest_version = q.getColumn(11).getString();
                out.push_back(std::move(r));
            }
        }
        return out;
    });
}

}  // namespace signage::server
