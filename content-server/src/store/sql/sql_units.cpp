// The unit tree in SQL, and the filter by units the other repositories use.
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {

namespace {

constexpr const char* unit_columns =
    "SELECT id, name, parent_id, path, settings, created_at FROM units ";

Unit read_unit(Statement& q) {
    Unit u;
    u.id = q.column(0).int64();
    u.name = q.column(1).text();
    if (!q.column(2).is_null()) u.parent = q.column(2).int64();
    u.path = q.column(3).text();
    u.settings_json = q.column(4).text();
    u.created_at = q.column(5).text();
    return u;
}

// The tree changed: its version moves on (kept in settings, so a database
// that never changed its units has none, version 0).
void bump_version(Connection& db) {
    db.exec(
        "INSERT INTO settings(key, value) VALUES ('units_version', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)");
}

}  // namespace

UnitCondition unit_condition(const UnitFilter& filter, const std::string& column) {
    UnitCondition c;
    if (filter.subtree_path.empty()) {
        c.sql = "1 = 1";
        return c;
    }
    // Paths are digits and '/': those starting with P are the ones from P
    // up to P with its last '/' raised to '0', which an index serves.
    std::string end = filter.subtree_path;
    end.back() = '0';
    c.sql = "(" + column + " IN (SELECT id FROM units WHERE path >= ? AND path < ?)";
    c.texts = {filter.subtree_path, end};
    if (!filter.also.empty()) {
        c.sql += " OR " + column + " IN (";
        for (std::size_t i = 0; i < filter.also.size(); ++i) c.sql += i ? ", ?" : "?";
        c.sql += ")";
        c.ints = filter.also;
    }
    c.sql += ")";
    return c;
}

int UnitCondition::bind(Statement& q, int index) const {
    for (const std::string& t : texts) q.bind(index++, t);
    for (const std::int64_t i : ints) q.bind(index++, i);
    return index;
}

std::vector<Unit> Units::list() {
    Statement q(db_, std::string(unit_columns) + "ORDER BY id");
    std::vector<Unit> out;
    while (q.step()) out.push_back(read_unit(q));
    return out;
}

std::optional<Unit> Units::find(std::int64_t id) {
    Statement q(db_, std::string(unit_columns) + "WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_unit(q);
}

Result<Unit> Units::add(const std::string& name, std::int64_t parent,
                        const std::string& settings_json) {
    auto above = find(parent);
    if (!above) throw std::runtime_error("units: the parent unit vanished");
    Statement taken(db_, "SELECT 1 FROM units WHERE parent_id = ? AND name = ?");
    taken.bind(1, parent);
    taken.bind(2, name);
    if (taken.step()) {
        return make_error(ErrorCode::conflict,
                          "unit " + above->name + " already has a unit named " + name, "name")
            .because(ErrorReason::taken);
    }
    // The path needs the id: a unique placeholder first, then the real one.
    Statement ins(db_,
                  "INSERT INTO units(name, parent_id, path, settings, created_at) "
                  "VALUES (?, ?, ?, ?, ?) RETURNING id");
    const std::string now = now_iso8601();
    ins.bind(1, name);
    ins.bind(2, parent);
    ins.bind(3, above->path + "new:" + name);
    ins.bind(4, settings_json);
    ins.bind(5, now);
    if (!ins.step()) throw std::runtime_error("units: an insert returned no id");
    Unit u;
    u.id = ins.column(0).int64();
    u.name = name;
    u.parent = parent;
    u.path = above->path + std::to_string(u.id) + "/";
    u.settings_json = settings_json;
    u.created_at = now;
    Statement path(db_, "UPDATE units SET path = ? WHERE id = ?");
    path.bind(1, u.path);
    path.bind(2, u.id);
    path.exec();
    bump_version(db_);
    return u;
}

Status Units::update(const Unit& unit) {
    if (unit.parent) {
        Statement taken(db_, "SELECT 1 FROM units WHERE parent_id = ? AND name = ? AND id != ?");
        taken.bind(1, *unit.parent);
        taken.bind(2, unit.name);
        taken.bind(3, unit.id);
        if (taken.step()) {
            return make_error(ErrorCode::conflict,
                              "the unit above already has a unit named " + unit.name, "name")
                .because(ErrorReason::taken);
        }
    }
    Statement q(db_, "UPDATE units SET name = ?, settings = ? WHERE id = ?");
    q.bind(1, unit.name);
    q.bind(2, unit.settings_json);
    q.bind(3, unit.id);
    q.exec();
    bump_version(db_);
    return {};
}

bool Units::remove(std::int64_t id) {
    Statement q(db_, "DELETE FROM units WHERE id = ? AND parent_id IS NOT NULL");
    q.bind(1, id);
    const bool removed = q.exec() != 0;
    if (removed) bump_version(db_);
    return removed;
}

UnitHoldings Units::holdings(std::int64_t id) {
    const auto count = [&](const char* sql) {
        Statement q(db_, sql);
        q.bind(1, id);
        return q.step() ? q.column(0).int64() : 0;
    };
    UnitHoldings h;
    h.units = count("SELECT COUNT(*) FROM units WHERE parent_id = ?");
    h.users = count("SELECT COUNT(*) FROM users WHERE unit_id = ?");
    h.groups = count("SELECT COUNT(*) FROM groups WHERE unit_id = ?");
    h.slides = count("SELECT COUNT(*) FROM slides WHERE unit_id = ?");
    h.questions = count("SELECT COUNT(*) FROM quiz_questions WHERE unit_id = ?");
    h.media = count("SELECT COUNT(*) FROM media_units WHERE unit_id = ?");
    return h;
}

std::int64_t Units::version() {
    Statement q(db_, "SELECT value FROM settings WHERE key = 'units_version'");
    if (!q.step()) return 0;
    try {
        return std::stoll(q.column(0).text());
    } catch (const std::exception&) {
        return -1;
    }
}

}  // namespace signage::server::sql
