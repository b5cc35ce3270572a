#include "store/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "store/sql/sql_tx.hpp"
#include "store/sql/sqlite_connection.hpp"

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

// Version 7: a withdrawn slide has its own status (it was "rejected"). SQLite
// cannot change a CHECK constraint, so the table is rebuilt; no table refers
// to slides, so the foreign keys stay on.
const char* const schema_v7_withdrawn = R"sql(
CREATE TABLE slides_v7(
    id INTEGER PRIMARY KEY,
    json TEXT NOT NULL,
    approved_json TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'published', 'withdrawn')),
    author_id INTEGER NOT NULL REFERENCES users(id),
    updated_by INTEGER NOT NULL REFERENCES users(id),
    reviewer_id INTEGER REFERENCES users(id),
    reject_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reviewed_at TEXT NOT NULL DEFAULT '');
INSERT INTO slides_v7(id, json, approved_json, status, author_id, updated_by, reviewer_id,
                      reject_reason, created_at, updated_at, reviewed_at)
    SELECT id, json, approved_json, status, author_id, updated_by, reviewer_id,
           reject_reason, created_at, updated_at, reviewed_at FROM slides;
DROP TABLE slides;
ALTER TABLE slides_v7 RENAME TO slides;
)sql";

// Version 8: alerts. Webhooks (events and groups as JSON arrays of strings),
// their deliveries (pending and retrying ones survive a restart; the last
// ones of each webhook are kept as its log) and the marks that make each
// alert go once.
const char* const schema_v8_alerts = R"sql(
CREATE TABLE webhooks(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('wecom', 'dingtalk', 'plain')),
    secret TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL,
    groups TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE TABLE webhook_deliveries(
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    message TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    http_status INTEGER,
    error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    delivered_at TEXT NOT NULL DEFAULT '',
    next_unix INTEGER NOT NULL DEFAULT 0);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_unix);
CREATE TABLE alert_marks(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL);
)sql";

// Version 9: media have a name (the uploaded file's name). Media uploaded
// before are named as an upload without a name is: the first 12 hex digits
// of their sha256 and the extension of their type.
const char* const schema_v9_media_names = R"sql(
ALTER TABLE media ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE media SET name = substr(sha256, 1, 12) ||
    CASE content_type WHEN 'image/png' THEN '.png' WHEN 'image/jpeg' THEN '.jpg' ELSE '' END;
)sql";

// Version 10: each group's rotation order, as slide ids (a JSON array): the
// one staff propose, with its review state, and the approved one the next
// publish uses. No row, or NULL: none.
const char* const schema_v10_orders = R"sql(
CREATE TABLE group_orders(
    group_id INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
    proposed TEXT,
    status TEXT NOT NULL DEFAULT 'none' CHECK (status IN ('none', 'pending', 'rejected')),
    proposed_by INTEGER REFERENCES users(id),
    proposed_at TEXT NOT NULL DEFAULT '',
    reviewer_id INTEGER REFERENCES users(id),
    reject_reason TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT NOT NULL DEFAULT '',
    approved TEXT,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT NOT NULL DEFAULT '');
)sql";

// Version 11: review and claim hardening. A revoked screen's claim key is
// retired (moved here), so codes made with it are refused by name while a
// new pairing gives the screen a new key. Slides and questions keep who
// changed them since they were last approved (user ids, a JSON array): for
// those waiting, the author and the last editor (all that was known).
const char* const schema_v11_review = R"sql(
ALTER TABLE slides ADD COLUMN editors TEXT NOT NULL DEFAULT '[]';
ALTER TABLE quiz_questions ADD COLUMN editors TEXT NOT NULL DEFAULT '[]';
UPDATE slides SET editors = CASE WHEN author_id = updated_by THEN json_array(author_id)
    ELSE json_array(author_id, updated_by) END
    WHERE status IN ('draft', 'pending', 'rejected', 'withdrawn');
UPDATE quiz_questions SET editors = CASE WHEN author_id = updated_by THEN json_array(author_id)
    ELSE json_array(author_id, updated_by) END
    WHERE status IN ('draft', 'pending', 'rejected', 'withdrawn');
CREATE TABLE retired_claim_keys(
    id INTEGER PRIMARY KEY,
    screen_id INTEGER NOT NULL REFERENCES screens(id) ON DELETE CASCADE,
    claim_key_id TEXT NOT NULL,
    claim_public_key TEXT NOT NULL,
    retired_at TEXT NOT NULL);
CREATE INDEX retired_claim_keys_by_id ON retired_claim_keys(claim_key_id);
INSERT INTO retired_claim_keys(screen_id, claim_key_id, claim_public_key, retired_at)
    SELECT id, claim_key_id, claim_public_key, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM screens WHERE token_hash LIKE 'revoked:%' AND claim_key_id IS NOT NULL
        AND claim_public_key IS NOT NULL;
UPDATE screens SET claim_key_id = NULL, claim_public_key = NULL
    WHERE token_hash LIKE 'revoked:%';
)sql";

// Version 12: films. What the probe found of each film (VideoInfo), one row
// per film medium; images have none. audio is NULL for a silent film.
const char* const schema_v12_video = R"sql(
CREATE TABLE media_video(
    sha256 TEXT PRIMARY KEY REFERENCES media(sha256) ON DELETE CASCADE,
    container TEXT NOT NULL CHECK (container IN ('mp4', 'webm', 'mov')),
    codec TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    fps REAL NOT NULL,
    duration_ms INTEGER NOT NULL,
    pixel_format TEXT NOT NULL,
    bit_rate INTEGER NOT NULL,
    audio TEXT);
)sql";

// Version 13: screen profiles. A film's poster is addressed by its sha256
// too; a medium made by converting a film to a group's video profile names
// its original (rendition_of; NULL for uploads); and each film's conversion
// to each profile it does not fit is tracked (profile_key: the profile's
// JSON), so a restart resumes it.
const char* const schema_v13_renditions = R"sql(
ALTER TABLE media_video ADD COLUMN poster_sha256 TEXT;
CREATE INDEX media_video_poster ON media_video(poster_sha256);
ALTER TABLE media ADD COLUMN rendition_of TEXT;
CREATE TABLE media_rendition(
    original_sha256 TEXT NOT NULL,
    profile_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'converting', 'done', 'failed')),
    progress REAL NOT NULL DEFAULT 0,
    rendition_sha256 TEXT,
    error TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (original_sha256, profile_key));
)sql";

// Version 14: what several server instances on one database share, kept
// in it: attempts counted by the throttles (sign-in, prize codes, pairing
// codes and requests) and the screens waiting to be paired (the hash of
// their secret id, their live code; once claimed, the new token until the
// screen collects it).
const char* const schema_v14_shared = R"sql(
CREATE TABLE throttle_events(
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at INTEGER NOT NULL);
CREATE INDEX throttle_events_by_key ON throttle_events(key, at);
CREATE TABLE pairing_requests(
    pairing_hash TEXT PRIMARY KEY,
    code TEXT UNIQUE,
    name_hint TEXT NOT NULL,
    expires_unix INTEGER NOT NULL,
    claimed INTEGER NOT NULL,
    token TEXT NOT NULL,
    screen TEXT NOT NULL,
    group_name TEXT NOT NULL);
)sql";

// Screenshot requests, for every instance to answer about (they were in
// one server's memory), and which instance converts a film until when.
const char* const schema_v15_screenshot_requests = R"sql(
CREATE TABLE screenshot_requests(
    id TEXT PRIMARY KEY,
    screen_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    expires_ms INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    timeout_s INTEGER NOT NULL);
ALTER TABLE media_rendition ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE media_rendition ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 16: units. The tree of offices (市 → 区 → 街道 → 社区, any depth),
// each unit's path its ancestors' ids and its own ("/1/4/9/"); an existing
// installation becomes the top unit, 1, holding every user, group, slide,
// question, medium and audit entry. The version on screens of each slide
// and question (published_json) is kept apart from the approved one, so a
// unit's publish puts only its own subtree's approved content on screens:
// it starts as the approved version, which is what screens were given.
// Orders gain the items a unit takes off its screens (hidden).
const char* const schema_v16_units = R"sql(
CREATE TABLE units(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    path TEXT NOT NULL UNIQUE,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL);
CREATE INDEX units_by_parent ON units(parent_id, name);
INSERT INTO units(id, name, parent_id, path, created_at)
    VALUES (1, '全市', NULL, '/1/', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
ALTER TABLE users ADD COLUMN unit_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX users_by_unit ON users(unit_id);
ALTER TABLE groups ADD COLUMN unit_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX groups_by_unit ON groups(unit_id);
ALTER TABLE slides ADD COLUMN unit_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE slides ADD COLUMN published_json TEXT;
UPDATE slides SET published_json = approved_json;
CREATE INDEX slides_by_unit ON slides(unit_id, id);
ALTER TABLE quiz_questions ADD COLUMN unit_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE quiz_questions ADD COLUMN published_json TEXT;
UPDATE quiz_questions SET published_json = approved_json;
CREATE INDEX quiz_questions_by_unit ON quiz_questions(unit_id, id);
ALTER TABLE audit_log ADD COLUMN unit_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX audit_by_unit ON audit_log(unit_id, id);
CREATE TABLE media_units(
    sha256 TEXT NOT NULL REFERENCES media(sha256) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (sha256, unit_id));
CREATE INDEX media_units_by_unit ON media_units(unit_id);
INSERT INTO media_units(sha256, unit_id) SELECT sha256, 1 FROM media WHERE rendition_of IS NULL;
ALTER TABLE group_orders ADD COLUMN proposed_hidden TEXT NOT NULL DEFAULT '[]';
ALTER TABLE group_orders ADD COLUMN approved_hidden TEXT NOT NULL DEFAULT '[]';
)sql";

Status migrate(SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    int version = 0;
    if (db.tableExists("schema_version")) {
        version = db.execAndGet("SELECT version FROM schema_version").getInt();
    } else {
        db.exec("CREATE TABLE schema_version(version INTEGER NOT NULL)");
        db.exec("INSERT INTO schema_version(version) VALUES (0)");
    }
    if (version > sqlite_schema_version) {
        return make_error(ErrorCode::internal,
                          "the database was written by a newer signage-server (schema " +
                              std::to_string(version) + ", this one knows " +
                              std::to_string(sqlite_schema_version) + ")");
    }
    if (version < 1) {
        db.exec(schema_v1);
        version = 1;
    }
    if (version < 2) {
        db.exec(schema_v2);
        version = 2;
    }
    if (version < 3) {
        db.exec(schema_v3);
        version = 3;
    }
    if (version < 4) {
        db.exec(schema_v4);
        version = 4;
    }
    if (version < 5) {
        db.exec(schema_v5_plays);
        version = 5;
    }
    if (version < 6) {
        db.exec(schema_v6_screen_health);
        version = 6;
    }
    if (version < 7) {
        db.exec(schema_v7_withdrawn);
        version = 7;
    }
    if (version < 8) {
        db.exec(schema_v8_alerts);
        version = 8;
    }
    if (version < 9) {
        db.exec(schema_v9_media_names);
        version = 9;
    }
    if (version < 10) {
        db.exec(schema_v10_orders);
        version = 10;
    }
    if (version < 11) {
        db.exec(schema_v11_review);
        version = 11;
    }
    if (version < 12) {
        db.exec(schema_v12_video);
        version = 12;
    }
    if (version < 13) {
        db.exec(schema_v13_renditions);
        version = 13;
    }
    if (version < 14) {
        db.exec(schema_v14_shared);
        version = 14;
    }
    if (version < 15) {
        db.exec(schema_v15_screenshot_requests);
        version = 15;
    }
    if (version < 16) {
        db.exec(schema_v16_units);
        version = 16;
    }
    // Later migrations go here: if (version < 17) { ...; version = 17; }
    SQLite::Statement set(db, "UPDATE schema_version SET version = ?");
    set.bind(1, version);
    set.exec();
    tx.commit();
    return {};
}

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(std::unique_ptr<SQLite::Database> db)
        : db_(std::move(db)), connection_(db_->getHandle()) {}

  protected:
    Status transact(Mode mode, const std::function<bool(Tx&)>& body) override {
        std::lock_guard lock(mutex_);
        sql::SqlTx tx(connection_, screen_cache(), unit_cache());
        try {
            SQLite::Transaction transaction(*db_, mode == Mode::write
                                                      ? SQLite::TransactionBehavior::IMMEDIATE
                                                      : SQLite::TransactionBehavior::DEFERRED);
            if (body(tx)) transaction.commit();
        } catch (const std::exception& e) {
            if (tx.screens_changed) screen_cache().forget();
            spdlog::error("store: {}", e.what());
            return make_error(ErrorCode::internal, std::string("database error: ") + e.what());
        }
        // Forgotten again once the change is visible (or undone).
        if (tx.screens_changed) screen_cache().forget();
        return {};
    }

  private:
    std::mutex mutex_;
    std::unique_ptr<SQLite::Database> db_;
    sql::SqliteConnection connection_;
};

}  // namespace

Result<int> sqlite_schema_of(const std::filesystem::path& db_file) {
    std::error_code ec;
    if (!std::filesystem::exists(db_file, ec)) return 0;
    try {
        SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY);
        if (!db.tableExists("schema_version")) return 0;
        return db.execAndGet("SELECT version FROM schema_version").getInt();
    } catch (const std::exception& e) {
        return make_error(ErrorCode::io, "cannot read " + db_file.string() + ": " + e.what());
    }
}

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& db_file) {
    std::unique_ptr<SQLite::Database> db;
    try {
        db = std::make_unique<SQLite::Database>(
            db_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms);
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = FULL");
        db->exec("PRAGMA foreign_keys = ON");
    } catch (const std::exception& e) {
        return make_error(ErrorCode::io,
                          "cannot open database " + db_file.string() + ": " + e.what());
    }
    try {
        if (auto st = migrate(*db); !st) return st.error();
    } catch (const std::exception& e) {
        spdlog::error("store: {}", e.what());
        return make_error(ErrorCode::internal, std::string("database error: ") + e.what());
    }
    return std::unique_ptr<Store>(new SqliteStore(std::move(db)));
}

}  // namespace signage::server
