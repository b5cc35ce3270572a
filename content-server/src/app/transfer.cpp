#include "app/transfer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/sha256.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sql/pg_connection.hpp"
#include "store/sql/sqlite_connection.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace signage::server {
namespace {

namespace fs = std::filesystem;

// How a column's values are read, written and compared.
enum class Kind { integer, real, text, bytes };

struct Column {
    std::string name;
    Kind kind = Kind::text;
    bool identity = false;  // GENERATED … AS IDENTITY: its sequence is set after the copy
};

struct Table {
    std::string name;
    std::vector<Column> columns;
};

Kind kind_of(const std::string& pg_type) {
    if (pg_type == "bigint" || pg_type == "integer" || pg_type == "smallint" ||
        pg_type == "boolean") {
        return Kind::integer;
    }
    if (pg_type == "double precision" || pg_type == "real" || pg_type == "numeric") {
        return Kind::real;
    }
    if (pg_type == "bytea") return Kind::bytes;
    return Kind::text;
}

std::string quoted(const std::string& name) {
    return "\"" + name + "\"";
}

std::string column_list(const Table& t) {
    std::string out;
    for (const Column& c : t.columns) {
        if (!out.empty()) out += ", ";
        out += quoted(c.name);
    }
    return out;
}

// The PostgreSQL schema's tables (but schema_migrations), parents before
// the tables whose foreign keys point at them.
std::vector<Table> target_tables(sql::Connection& pg) {
    std::map<std::string, Table> by_name;
    sql::Statement cols(pg,
                        "SELECT c.table_name, c.column_name, c.data_type, c.is_identity "
                        "FROM information_schema.columns c JOIN information_schema.tables t "
                        "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                        "AND c.table_name <> 'schema_migrations' "
                        "ORDER BY c.table_name, c.ordinal_position");
    while (cols.step()) {
        Table& t = by_name[cols.column(0).text()];
        t.name = cols.column(0).text();
        t.columns.push_back({cols.column(1).text(), kind_of(cols.column(2).text()),
                             cols.column(3).text() == "YES"});
    }
    std::map<std::string, std::set<std::string>> parents;
    sql::Statement fks(pg,
                       "SELECT child.relname, parent.relname FROM pg_constraint k "
                       "JOIN pg_class child ON child.oid = k.conrelid "
                       "JOIN pg_class parent ON parent.oid = k.confrelid "
                       "JOIN pg_namespace n ON n.oid = child.relnamespace "
                       "WHERE k.contype = 'f' AND n.nspname = current_schema()");
    while (fks.step()) {
        if (fks.column(0).text() != fks.column(1).text()) {
            parents[fks.column(0).text()].insert(fks.column(1).text());
        }
    }
    std::vector<Table> ordered;
    std::set<std::string> placed;
    while (ordered.size() < by_name.size()) {
        const std::size_t before = ordered.size();
        for (auto& [name, table] : by_name) {
            if (placed.count(name)) continue;
            const auto& need = parents[name];
            if (std::all_of(need.begin(), need.end(),
                            [&](const std::string& p) { return placed.count(p) > 0; })) {
                ordered.push_back(table);
                placed.insert(name);
            }
        }
        if (ordered.size() == before) {
            throw std::runtime_error("the tables' foreign keys form a cycle");
        }
    }
    return ordered;
}

// The names of the SQLite database's tables (but its bookkeeping) and of
// each one's columns.
std::map<std::string, std::set<std::string>> source_tables(sql::Connection& db) {
    std::map<std::string, std::set<std::string>> tables;
    sql::Statement names(db,
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
                         "('schema_version', 'sqlite_sequence') AND name NOT LIKE 'sqlite_%'");
    std::vector<std::string> list;
    while (names.step()) list.push_back(names.column(0).text());
    for (const std::string& name : list) {
        sql::Statement info(db, "SELECT name FROM pragma_table_info(?)");
        info.bind(1, name);
        auto& columns = tables[name];
        while (info.step()) columns.insert(info.column(0).text());
    }
    return tables;
}

// Refuses a copy between schemas that do not match table for table and
// column for column (they are the same version: a mismatch is a defect).
Status same_shape(const std::vector<Table>& target,
                  const std::map<std::string, std::set<std::string>>& source) {
    std::set<std::string> seen;
    for (const Table& t : target) {
        auto it = source.find(t.name);
        if (it == source.end()) {
            return make_error(ErrorCode::internal, "table " + t.name +
                                                       " is not in the SQLite "
                                                       "database");
        }
        std::set<std::string> mine;
        for (const Column& c : t.columns) mine.insert(c.name);
        if (mine != it->second) {
            return make_error(
                ErrorCode::internal,
                "table " + t.name + " has other columns in SQLite than in PostgreSQL");
        }
        seen.insert(t.name);
    }
    for (const auto& [name, columns] : source) {
        if (!seen.count(name)) {
            return make_error(ErrorCode::internal,
                              "table " + name + " of the SQLite database is not in PostgreSQL");
        }
    }
    return {};
}

// One value as the digest sees it: its kind's reading, so SQLite and
// PostgreSQL agree on equal values ("N" for NULL).
void add_value(std::string& row, sql::Statement& q, int i, Kind kind) {
    if (q.column(i).is_null()) {
        row += "N;";
        return;
    }
    switch (kind) {
        case Kind::integer:
            row += "i" + std::to_string(q.column(i).int64());
            break;
        case Kind::real: {
            char text[40];
            std::snprintf(text, sizeof text, "r%.17g", q.column(i).real());
            row += text;
            break;
        }
        case Kind::text: {
            const std::string v = q.column(i).text();
            row += "t" + std::to_string(v.size()) + ":" + v;
            break;
        }
        case Kind::bytes: {
            const std::string v = q.column(i).blob();
            row += "b" + std::to_string(v.size()) + ":" + v;
            break;
        }
    }
    row += ';';
}

void bind_value(sql::Statement& insert, int index, sql::Statement& from, int i, Kind kind) {
    if (from.column(i).is_null()) return insert.bind(index);
    switch (kind) {
        case Kind::integer:
            return insert.bind(index, from.column(i).int64());
        case Kind::real:
            return insert.bind(index, from.column(i).real());
        case Kind::text:
            return insert.bind(index, from.column(i).text());
        case Kind::bytes:
            return insert.bind_blob(index, from.column(i).blob());
    }
}

// A table's rows, order aside: the sha256 of its rows' sorted sha256s.
class TableDigest {
  public:
    void add(const std::string& row) {
        rows_.push_back(sha256_hex(row));
        ++count_;
    }
    std::string hex() {
        std::sort(rows_.begin(), rows_.end());
        Sha256 all;
        for (const std::string& r : rows_) all.update(r);
        return all.hex();
    }
    std::int64_t count() const { return count_; }

  private:
    std::vector<std::string> rows_;
    std::int64_t count_ = 0;
};

TableDigest read_digest(sql::Connection& db, const Table& t) {
    TableDigest digest;
    sql::Statement q(db, "SELECT " + column_list(t) + " FROM " + quoted(t.name));
    while (q.step()) {
        std::string row;
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            add_value(row, q, static_cast<int>(i), t.columns[i].kind);
        }
        digest.add(row);
    }
    return digest;
}

// Whether a media directory's file is one the store made: <sha256> or
// <sha256>.poster.png (not a temporary, not a spool).
bool is_media_file(const std::string& name) {
    if (name.size() == 64) return is_sha256_hex(name);
    return name.size() == 64 + 11 && name.compare(64, 11, ".poster.png") == 0 &&
           is_sha256_hex(std::string_view(name).substr(0, 64));
}

struct SqliteHandle {
    sqlite3* db = nullptr;
    ~SqliteHandle() {
        if (db) sqlite3_close(db);
    }
};

Result<TransferReport> copy_records(const TransferPlan& plan,
                                    const std::function<void(const std::string&)>& progress) {
    const fs::path db_file = plan.from_data / "signage.db";
    std::error_code ec;
    if (!fs::is_regular_file(db_file, ec)) {
        return make_error(
            ErrorCode::invalid,
            "no database in " + plan.from_data.string() + " (expected " + db_file.string() + ")",
            "--from");
    }
    // Both brought to this server's schema, as starting servers would.
    {
        auto source = open_sqlite_store(db_file);
        if (!source) return source.error();
        auto target = open_postgres_store(plan.to_database);
        if (!target) return target.error();
        (*target)->stop_events();
    }
    SqliteHandle src;
    if (sqlite3_open_v2(db_file.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        return make_error(ErrorCode::io, "cannot open " + db_file.string() + ": " +
                                             (src.db ? sqlite3_errmsg(src.db) : "out of memory"));
    }
    sqlite3_busy_timeout(src.db, 10000);
    sql::SqliteConnection source(src.db);
    sql::PgConnection target(plan.to_database);

    const std::vector<Table> tables = target_tables(target);
    source.exec("BEGIN");  // one snapshot of every table
    if (auto st = same_shape(tables, source_tables(source)); !st) return st.error();
    for (const Table& t : tables) {
        // The migrations make the top unit: a table holding only that is
        // empty for this purpose (it is copied over from the source).
        const std::int64_t seeded = t.name == "units" ? 1 : 0;
        if (sql::query_int(target, "SELECT count(*) FROM " + quoted(t.name)) > seeded) {
            return make_error(ErrorCode::invalid,
                              "the target database already holds records (table " + t.name +
                                  "); copy into an empty database",
                              "--to");
        }
    }

    TransferReport report;
    std::map<std::string, std::pair<std::int64_t, std::string>> expected;  // count, digest
    target.exec("BEGIN");
    try {
        target.exec("DELETE FROM units");
        for (const Table& t : tables) {
            std::string marks;
            for (std::size_t i = 0; i < t.columns.size(); ++i) marks += i ? ", ?" : "?";
            sql::Statement read(source, "SELECT " + column_list(t) + " FROM " + quoted(t.name));
            sql::Statement insert(target, "INSERT INTO " + quoted(t.name) + "(" + column_list(t) +
                                              ") VALUES (" + marks + ")");
            TableDigest digest;
            while (read.step()) {
                std::string row;
                insert.reset();
                for (std::size_t i = 0; i < t.columns.size(); ++i) {
                    const int col = static_cast<int>(i);
                    bind_value(insert, col + 1, read, col, t.columns[i].kind);
                    add_value(row, read, col, t.columns[i].kind);
                }
                insert.exec();
                digest.add(row);
            }
            for (const Column& c : t.columns) {
                if (!c.identity) continue;
                sql::Statement next(target,
                                    "SELECT setval(pg_get_serial_sequence(?, ?), "
                                    "COALESCE(MAX(" +
                                        quoted(c.name) + "), 0) + 1, false) FROM " +
                                        quoted(t.name));
                next.bind(1, t.name);
                next.bind(2, c.name);
                next.step();
            }
            progress(t.name + ": " + std::to_string(digest.count()) + " rows");
            report.rows += digest.count();
            ++report.tables;
            expected[t.name] = {digest.count(), digest.hex()};
        }
        target.exec("COMMIT");
    } catch (...) {
        target.exec("ROLLBACK");
        throw;
    }
    source.exec("COMMIT");

    // Read back what was committed, table by table.
    for (const Table& t : tables) {
        TableDigest got = read_digest(target, t);
        const auto& [count, hex] = expected[t.name];
        if (got.count() != count || got.hex() != hex) {
            return make_error(ErrorCode::internal,
                              "table " + t.name +
                                  " does not read back as copied: " + std::to_string(got.count()) +
                                  " rows of " + std::to_string(count) +
                                  (got.count() == count ? ", with other values" : ""));
        }
    }
    progress("records verified: " + std::to_string(report.tables) + " tables, " +
             std::to_string(report.rows) + " rows (counts and sha256 of every row)");
    return report;
}

Status copy_media(const TransferPlan& plan, TransferReport& report,
                  const std::function<void(const std::string&)>& progress) {
    const fs::path from = plan.from_data / "media";
    std::error_code ec;
    const bool in_place = plan.to_media.empty() || fs::equivalent(from, plan.to_media, ec);
    std::vector<fs::path> files;
    if (fs::is_directory(from, ec)) {
        for (auto it = fs::recursive_directory_iterator(from, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory(ec) && it->path().filename().string().front() == '.') {
                it.disable_recursion_pending();  // .spool: uploads in progress
                continue;
            }
            if (it->is_regular_file(ec) && is_media_file(it->path().filename().string())) {
                files.push_back(it->path());
            }
        }
        if (ec)
            return make_error(ErrorCode::io, "cannot list " + from.string() + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());
    int done = 0;
    for (const fs::path& file : files) {
        auto source_sha = sha256_file(file);
        if (!source_sha) return source_sha.error();
        const std::string name = file.filename().string();
        if (name.size() == 64 && *source_sha != name) {
            return make_error(ErrorCode::internal, "media file " + file.string() +
                                                       " is damaged: its sha256 is " + *source_sha);
        }
        fs::path to = file;
        if (!in_place) {
            to = plan.to_media / fs::relative(file, from);
            fs::create_directories(to.parent_path(), ec);
            const auto tmp = temporary_path_for(to);
            fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
            if (ec) {
                fs::remove(tmp, ec);
                return make_error(ErrorCode::io, "cannot copy " + file.string() + " to " +
                                                     to.string() + ": " + ec.message());
            }
            if (auto st = commit_file(tmp, to); !st) {
                fs::remove(tmp, ec);
                return st;
            }
            auto copied_sha = sha256_file(to);
            if (!copied_sha) return copied_sha.error();
            if (*copied_sha != *source_sha) {
                return make_error(ErrorCode::internal,
                                  "media file " + to.string() + " does not read back as copied");
            }
        }
        report.media_bytes += fs::file_size(to, ec);
        ++report.media_files;
        if (++done % 50 == 0 || done == static_cast<int>(files.size())) {
            progress("media: " + std::to_string(done) + " of " + std::to_string(files.size()) +
                     " files");
        }
    }
    progress("media verified: " + std::to_string(report.media_files) + " files, " +
             std::to_string(report.media_bytes) + " bytes (sha256 of each)" +
             (in_place ? " in " + from.string() : " in " + plan.to_media.string()));
    return {};
}

}  // namespace

Result<TransferReport> transfer_to_postgres(
    const TransferPlan& plan, const std::function<void(const std::string&)>& progress) {
    Result<TransferReport> report = make_error(ErrorCode::internal, "not copied");
    try {
        report = copy_records(plan, progress);
    } catch (const std::exception& e) {
        return make_error(ErrorCode::io, std::string("copying the records failed, nothing was "
                                                     "committed: ") +
                                             e.what());
    }
    if (!report) return report;
    if (auto st = copy_media(plan, *report, progress); !st) return st.error();
    return report;
}

}  // namespace signage::server
