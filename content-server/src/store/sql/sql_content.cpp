// Reviewable content (slides, quiz questions), manifests and media in SQL.
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {
namespace {

// The columns of a review record (a slide or a question) from `table`.
std::string review_columns(const std::string& table) {
    return "SELECT s.id, s.json, s.approved_json, s.status, s.author_id, a.username, "
           "s.updated_by, u.username, s.reviewer_id, r.username, s.reject_reason, "
           "s.created_at, s.updated_at, s.reviewed_at, s.editors, s.published_json, "
           "s.unit_id FROM " +
           table +
           " s JOIN users a ON a.id = s.author_id "
           "JOIN users u ON u.id = s.updated_by LEFT JOIN users r ON r.id = s.reviewer_id ";
}

SlideRecord read_review(Statement& q) {
    SlideRecord s;
    s.id = q.column(0).int64();
    s.json = q.column(1).text();
    if (!q.column(2).is_null()) s.approved_json = q.column(2).text();
    s.status = parse_slide_status(q.column(3).text()).value_or(SlideStatus::draft);
    s.author_id = q.column(4).int64();
    s.author = q.column(5).text();
    s.updated_by_id = q.column(6).int64();
    s.updated_by = q.column(7).text();
    if (!q.column(8).is_null()) s.reviewer_id = q.column(8).int64();
    s.reviewer = q.column(9).text();
    s.reject_reason = q.column(10).text();
    s.created_at = q.column(11).text();
    s.updated_at = q.column(12).text();
    s.reviewed_at = q.column(13).text();
    s.editor_ids = json_list<std::int64_t>(q.column(14).text());
    if (!q.column(15).is_null()) s.published_json = q.column(15).text();
    s.unit_id = q.column(16).int64();
    return s;
}

// The columns media_columns names, from `first` on.
MediaInfo read_media(Statement& q, int first = 0) {
    MediaInfo m;
    m.sha256 = q.column(first).text();
    m.size = q.column(first + 1).int64();
    m.content_type = q.column(first + 2).text();
    m.width = q.column(first + 3).int32();
    m.height = q.column(first + 4).int32();
    m.name = q.column(first + 5).text();
    if (!q.column(first + 6).is_null()) {
        VideoInfo v;
        v.container = q.column(first + 6).text();
        v.codec = q.column(first + 7).text();
        v.width = q.column(first + 8).int32();
        v.height = q.column(first + 9).int32();
        v.fps = q.column(first + 10).real();
        v.duration_ms = q.column(first + 11).int64();
        v.pixel_format = q.column(first + 12).text();
        v.bit_rate = q.column(first + 13).int64();
        if (!q.column(first + 14).is_null()) v.audio = q.column(first + 14).text();
        v.poster_sha256 = q.column(first + 15).text();
        m.video = std::move(v);
    }
    m.rendition_of = q.column(first + 16).text();
    return m;
}

RenditionRecord read_rendition(Statement& q) {
    RenditionRecord r;
    r.original_sha256 = q.column(0).text();
    r.profile_key = q.column(1).text();
    r.status = q.column(2).text();
    r.progress = q.column(3).real();
    r.rendition_sha256 = q.column(4).text();
    r.error = q.column(5).text();
    r.updated_at = q.column(6).text();
    r.claimed_by = q.column(7).text();
    r.lease_until_ms = q.column(8).int64();
    return r;
}

constexpr const char* rendition_columns =
    "SELECT original_sha256, profile_key, status, progress, rendition_sha256, error, updated_at, "
    "claimed_by, lease_until_ms FROM media_rendition ";

// A medium's columns (media m, media_video v), as read_media reads them.
constexpr const char* media_columns =
    "m.sha256, m.size, m.content_type, m.width, m.height, m.name, v.container, v.codec, "
    "v.width, v.height, v.fps, v.duration_ms, v.pixel_format, v.bit_rate, v.audio, "
    "v.poster_sha256, m.rendition_of";

}  // namespace

SlideRecord Reviews::create(const std::string& json, std::int64_t author_id, const std::string& now,
                            std::int64_t unit_id) {
    Statement q(db_, "INSERT INTO " + table_ +
                         "(json, status, author_id, updated_by, created_at, "
                         "updated_at, editors, unit_id) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?) "
                         "RETURNING id");
    q.bind(1, json);
    q.bind(2, author_id);
    q.bind(3, author_id);
    q.bind(4, now);
    q.bind(5, now);
    q.bind(6, list_json(std::vector<std::int64_t>{author_id}));
    q.bind(7, unit_id);
    if (!q.step()) throw std::runtime_error(table_ + ": an insert returned no id");
    auto created = find(q.column(0).int64());
    if (!created) throw std::runtime_error(table_ + ": a new row vanished after its insert");
    return std::move(*created);
}

std::optional<SlideRecord> Reviews::find(std::int64_t id) {
    Statement q(db_, review_columns(table_) + "WHERE s.id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_review(q);
}

std::vector<SlideRecord> Reviews::list(const UnitFilter& units) {
    const UnitCondition c = unit_condition(units, "s.unit_id");
    Statement q(db_, review_columns(table_) + "WHERE " + c.sql + " ORDER BY s.id");
    c.bind(q, 1);
    std::vector<SlideRecord> out;
    while (q.step()) out.push_back(read_review(q));
    return out;
}

void Reviews::save(const SlideRecord& s) {
    Statement q(db_, "UPDATE " + table_ +
                         " SET json = ?, approved_json = ?, status = ?, "
                         "updated_by = ?, reviewer_id = ?, reject_reason = ?, "
                         "updated_at = ?, reviewed_at = ?, editors = ?, published_json = ? "
                         "WHERE id = ?");
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
    q.bind(9, list_json(s.editor_ids));
    if (s.published_json) {
        q.bind(10, *s.published_json);
    } else {
        q.bind(10);
    }
    q.bind(11, s.id);
    q.exec();
}

bool Reviews::remove(std::int64_t id) {
    Statement q(db_, "DELETE FROM " + table_ + " WHERE id = ?");
    q.bind(1, id);
    return q.exec() != 0;
}

std::vector<ReviewRepository::Published> Reviews::published_versions() {
    Statement q(db_, "SELECT id, unit_id, published_json FROM " + table_ +
                         " WHERE published_json IS NOT NULL ORDER BY id");
    std::vector<Published> out;
    while (q.step()) out.push_back({q.column(0).int64(), q.column(1).int64(), q.column(2).text()});
    return out;
}

std::vector<std::int64_t> Reviews::approved_ids(const UnitFilter& units) {
    const UnitCondition c = unit_condition(units, "unit_id");
    Statement q(db_, "SELECT id FROM " + table_ + " WHERE status = 'approved' AND " + c.sql +
                         " ORDER BY id");
    c.bind(q, 1);
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).int64());
    return out;
}

void Reviews::mark_approved_published(const UnitFilter& units) {
    const UnitCondition c = unit_condition(units, "unit_id");
    Statement q(db_, "UPDATE " + table_ +
                         " SET status = 'published', published_json = approved_json "
                         "WHERE status = 'approved' AND " +
                         c.sql);
    c.bind(q, 1);
    q.exec();
}

std::optional<StoredManifest> Manifests::latest(std::int64_t group_id) {
    Statement q(db_,
                "SELECT g.name, m.version, m.json, m.published_at, m.id FROM manifests m "
                "JOIN groups g ON g.id = m.group_id WHERE m.group_id = ? "
                "ORDER BY m.id DESC LIMIT 1");
    q.bind(1, group_id);
    if (!q.step()) return std::nullopt;
    return StoredManifest{q.column(0).text(), q.column(1).text(), q.column(2).text(),
                          q.column(3).text(), q.column(4).int64()};
}

std::int64_t Manifests::add(std::int64_t group_id, const std::string& version,
                            const std::string& json, const std::string& published_at,
                            std::optional<std::int64_t> published_by) {
    Statement ins(db_,
                  "INSERT INTO manifests(group_id, version, json, published_at, "
                  "published_by) VALUES (?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, group_id);
    ins.bind(2, version);
    ins.bind(3, json);
    ins.bind(4, published_at);
    if (published_by) {
        ins.bind(5, *published_by);
    } else {
        ins.bind(5);  // NULL: re-issued by the server itself
    }
    if (!ins.step()) throw std::runtime_error("manifests: an insert returned no id");
    const std::int64_t sequence = ins.column(0).int64();
    if (db_.dialect() == Dialect::postgresql) {
        Statement g(db_, "SELECT name FROM groups WHERE id = ?");
        g.bind(1, group_id);
        if (g.step()) db_.notify("manifest " + g.column(0).text());
    }
    return sequence;
}

void Media::add(const MediaInfo& media, std::optional<std::int64_t> uploaded_by,
                std::int64_t unit_id) {
    add_row(media, uploaded_by);
    if (!media.rendition_of.empty()) return;  // renditions belong to their original
    Statement owner(db_,
                    "INSERT INTO media_units(sha256, unit_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING");
    owner.bind(1, media.sha256);
    owner.bind(2, unit_id);
    owner.exec();
}

std::vector<std::int64_t> Media::owners(const std::string& sha256) {
    Statement q(db_, "SELECT unit_id FROM media_units WHERE sha256 = ? ORDER BY unit_id");
    q.bind(1, sha256);
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.column(0).int64());
    return out;
}

std::int64_t Media::remove_owners(const std::string& sha256, const UnitFilter& units) {
    const UnitCondition c = unit_condition(units, "unit_id");
    Statement q(db_, "DELETE FROM media_units WHERE sha256 = ? AND " + c.sql);
    q.bind(1, sha256);
    c.bind(q, 2);
    q.exec();
    Statement left(db_, "SELECT COUNT(*) FROM media_units WHERE sha256 = ?");
    left.bind(1, sha256);
    return left.step() ? left.column(0).int64() : 0;
}

void Media::add_row(const MediaInfo& media, std::optional<std::int64_t> uploaded_by) {
    Statement q(db_,
                "INSERT INTO media(sha256, size, content_type, width, height, "
                "uploaded_by, created_at, name, rendition_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING");
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
    q.bind(8, media.name);
    if (media.rendition_of.empty()) {
        q.bind(9);
    } else {
        q.bind(9, media.rendition_of);
    }
    if (q.exec() == 0 || !media.video) return;
    const VideoInfo& v = *media.video;
    Statement film(db_,
                   "INSERT INTO media_video(sha256, container, codec, width, height, fps, "
                   "duration_ms, pixel_format, bit_rate, audio, poster_sha256) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    film.bind(1, media.sha256);
    film.bind(2, v.container);
    film.bind(3, v.codec);
    film.bind(4, v.width);
    film.bind(5, v.height);
    film.bind(6, v.fps);
    film.bind(7, v.duration_ms);
    film.bind(8, v.pixel_format);
    film.bind(9, v.bit_rate);
    if (v.audio) {
        film.bind(10, *v.audio);
    } else {
        film.bind(10);
    }
    if (v.poster_sha256.empty()) {
        film.bind(11);
    } else {
        film.bind(11, v.poster_sha256);
    }
    film.exec();
}

std::optional<MediaInfo> Media::find(const std::string& sha256) {
    Statement q(db_, std::string("SELECT ")
                         .append(media_columns)
                         .append(" FROM media m LEFT JOIN media_video v ON v.sha256 = "
                                 "m.sha256 WHERE m.sha256 = ?"));
    q.bind(1, sha256);
    if (!q.step()) return std::nullopt;
    return read_media(q);
}

std::vector<MediaEntry> Media::list(const MediaQuery& query) {
    const char* column = query.sort == MediaQuery::Sort::name   ? "m.name"
                         : query.sort == MediaQuery::Sort::size ? "m.size"
                                                                : "m.created_at";
    const char* direction = query.descending ? " DESC" : " ASC";
    // A search for "50%" or "a_b" means those characters (escaped for LIKE).
    const UnitCondition units = unit_condition(query.units, "mu.unit_id");
    Statement q(db_, std::string("SELECT COALESCE(u.username, ''), m.created_at, ")
                         .append(media_columns)
                         .append(" FROM media m "
                                 "LEFT JOIN media_video v ON v.sha256 = m.sha256 "
                                 "LEFT JOIN users u ON u.id = m.uploaded_by "
                                 "WHERE m.rendition_of IS NULL AND "
                                 "(? = '' OR lower(m.name) LIKE lower(?) ESCAPE '\\') AND ")
                         .append(query.units.subtree_path.empty()
                                     ? std::string("1 = 1")
                                     : "EXISTS (SELECT 1 FROM media_units mu WHERE mu.sha256 = "
                                       "m.sha256 AND " +
                                           units.sql + ")")
                         .append(" ORDER BY ")
                         .append(column)
                         .append(direction)
                         .append(", m.sha256 LIMIT ?"));
    q.bind(1, query.search);
    // Built by appending: GCC 12 reports a false -Wrestrict for "%" + string.
    std::string pattern = "%";
    pattern.append(like_escaped(query.search)).push_back('%');
    q.bind(2, pattern);
    q.bind(units.bind(q, 3), query.limit);
    std::vector<MediaEntry> out;
    while (q.step()) {
        out.push_back({read_media(q, 2), q.column(0).text(), q.column(1).text()});
    }
    return out;
}

std::optional<MediaEntry> Media::entry(const std::string& sha256) {
    Statement q(db_, std::string("SELECT COALESCE(u.username, ''), m.created_at, ")
                         .append(media_columns)
                         .append(" FROM media m "
                                 "LEFT JOIN media_video v ON v.sha256 = m.sha256 "
                                 "LEFT JOIN users u ON u.id = m.uploaded_by "
                                 "WHERE m.sha256 = ? AND m.rendition_of IS NULL"));
    q.bind(1, sha256);
    if (!q.step()) return std::nullopt;
    return MediaEntry{read_media(q, 2), q.column(0).text(), q.column(1).text()};
}

bool Media::rename(const std::string& sha256, const std::string& name) {
    Statement q(db_, "UPDATE media SET name = ? WHERE sha256 = ?");
    q.bind(1, name);
    q.bind(2, sha256);
    return q.exec() > 0;
}

bool Media::remove(const std::string& sha256) {
    Statement owners(db_, "DELETE FROM media_units WHERE sha256 = ?");
    owners.bind(1, sha256);
    owners.exec();
    Statement film(db_, "DELETE FROM media_video WHERE sha256 = ?");
    film.bind(1, sha256);
    film.exec();
    Statement q(db_, "DELETE FROM media WHERE sha256 = ?");
    q.bind(1, sha256);
    return q.exec() > 0;
}

std::optional<std::string> Media::film_of_poster(const std::string& poster_sha256) {
    Statement q(db_, "SELECT sha256 FROM media_video WHERE poster_sha256 = ? LIMIT 1");
    q.bind(1, poster_sha256);
    if (!q.step()) return std::nullopt;
    return q.column(0).text();
}

void Media::set_poster(const std::string& sha256, const std::string& poster_sha256) {
    Statement q(db_, "UPDATE media_video SET poster_sha256 = ? WHERE sha256 = ?");
    q.bind(1, poster_sha256);
    q.bind(2, sha256);
    q.exec();
}

std::vector<MediaInfo> Media::original_films() {
    Statement q(db_, std::string("SELECT ")
                         .append(media_columns)
                         .append(" FROM media m JOIN media_video v ON v.sha256 = m.sha256 "
                                 "WHERE m.rendition_of IS NULL ORDER BY m.sha256"));
    std::vector<MediaInfo> out;
    while (q.step()) out.push_back(read_media(q));
    return out;
}

std::vector<RenditionRecord> Media::renditions(const std::string& original) {
    Statement q(db_, std::string(rendition_columns)
                         .append("WHERE ? = '' OR original_sha256 = ? "
                                 "ORDER BY original_sha256, profile_key"));
    q.bind(1, original);
    q.bind(2, original);
    std::vector<RenditionRecord> out;
    while (q.step()) out.push_back(read_rendition(q));
    return out;
}

bool Media::queue_rendition(const std::string& original, const std::string& profile_key,
                            const std::string& now) {
    Statement q(db_,
                "INSERT INTO media_rendition(original_sha256, profile_key, "
                "status, progress, error, updated_at) VALUES (?, ?, 'queued', 0, '', ?) "
                "ON CONFLICT DO NOTHING");
    q.bind(1, original);
    q.bind(2, profile_key);
    q.bind(3, now);
    return q.exec() > 0;
}

void Media::save_rendition(const RenditionRecord& r) {
    Statement q(db_,
                "UPDATE media_rendition SET status = ?, progress = ?, rendition_sha256 = ?, "
                "error = ?, updated_at = ?, claimed_by = ?, lease_until_ms = ? "
                "WHERE original_sha256 = ? AND profile_key = ?");
    q.bind(1, r.status);
    q.bind(2, r.progress);
    if (r.rendition_sha256.empty()) {
        q.bind(3);
    } else {
        q.bind(3, r.rendition_sha256);
    }
    q.bind(4, r.error);
    q.bind(5, r.updated_at);
    q.bind(6, r.claimed_by);
    q.bind(7, r.lease_until_ms);
    q.bind(8, r.original_sha256);
    q.bind(9, r.profile_key);
    q.exec();
}

std::optional<RenditionRecord> Media::claim_rendition(const std::string& instance,
                                                      std::int64_t now_ms,
                                                      std::int64_t lease_until_ms,
                                                      bool honour_leases, RenditionRecord& before) {
    Statement q(db_, std::string(rendition_columns)
                         .append("WHERE status = 'queued' OR (status = 'converting' AND "
                                 "(? = 0 OR lease_until_ms <= ? OR claimed_by = ?)) OR "
                                 "(status = 'failed' AND lease_until_ms > 0 AND lease_until_ms "
                                 "<= ?) ORDER BY CASE status WHEN 'converting' THEN 0 WHEN "
                                 "'queued' THEN 1 ELSE 2 END, updated_at, original_sha256, "
                                 "profile_key LIMIT 1"));
    q.bind(1, honour_leases ? 1 : 0);
    q.bind(2, now_ms);
    q.bind(3, instance);
    q.bind(4, now_ms);
    if (!q.step()) return std::nullopt;
    RenditionRecord r = read_rendition(q);
    q.reset();
    before = r;
    r.status = "converting";
    r.claimed_by = instance;
    r.lease_until_ms = lease_until_ms;
    Statement claim(db_,
                    "UPDATE media_rendition SET status = 'converting', claimed_by = ?, "
                    "lease_until_ms = ? WHERE original_sha256 = ? AND profile_key = ?");
    claim.bind(1, r.claimed_by);
    claim.bind(2, r.lease_until_ms);
    claim.bind(3, r.original_sha256);
    claim.bind(4, r.profile_key);
    claim.exec();
    return r;
}

void Media::remove_renditions(const std::string& original) {
    Statement q(db_, "DELETE FROM media_rendition WHERE original_sha256 = ?");
    q.bind(1, original);
    q.exec();
}

void Media::remove_rendition(const std::string& original, const std::string& profile_key) {
    Statement q(db_, "DELETE FROM media_rendition WHERE original_sha256 = ? AND profile_key = ?");
    q.bind(1, original);
    q.bind(2, profile_key);
    q.exec();
}

}  // namespace signage::server::sql
