#include "store/sql/sqlite_connection.hpp"

namespace signage::server::sql {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, const char* doing) {
    const int extended = sqlite3_extended_errcode(db);
    const Error::Kind kind =
        extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY
            ? Error::Kind::unique
            : Error::Kind::other;
    throw Error(kind,
                std::string(doing) + ": " + sqlite3_errmsg(db) + " (" + sqlite3_errstr(rc) + ")");
}

class SqliteStatement final : public StatementImpl {
  public:
    SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
        const int rc =
            sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
        if (rc != SQLITE_OK) fail(db, rc, "preparing a statement");
    }
    ~SqliteStatement() override { sqlite3_finalize(stmt_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }
    void bind_int(int index, std::int64_t value) override {
        check(sqlite3_bind_int64(stmt_, index, value));
    }
    void bind_real(int index, double value) override {
        check(sqlite3_bind_double(stmt_, index, value));
    }
    void bind_text(int index, std::string_view value) override {
        check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                  SQLITE_UTF8));
    }
    void bind_blob(int index, const void* data, std::size_t size) override {
        check(sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT));
    }

    bool step() override {
        if (done_) return false;
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) {
            done_ = true;
            return false;
        }
        fail(db_, rc, "running a statement");
    }
    int exec() override {
        while (step()) {
        }
        return sqlite3_changes(db_);
    }
    void reset() override {
        sqlite3_reset(stmt_);
        done_ = false;
    }

    int columns() override { return sqlite3_column_count(stmt_); }
    bool is_null(int column) override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::int64_t get_int(int column) override { return sqlite3_column_int64(stmt_, column); }
    double get_real(int column) override { return sqlite3_column_double(stmt_, column); }
    std::string get_text(int column) override {
        const auto* p = sqlite3_column_text(stmt_, column);
        const int n = sqlite3_column_bytes(stmt_, column);
        return p == nullptr
                   ? std::string{}
                   : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }
    std::string get_blob(int column) override {
        const void* p = sqlite3_column_blob(stmt_, column);
        const int n = sqlite3_column_bytes(stmt_, column);
        return p == nullptr ? std::string{}
                            : std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
    }

  private:
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<StatementImpl> SqliteConnection::prepare(const std::string& sql) {
    return std::make_unique<SqliteStatement>(db_, sql);
}

void SqliteConnection::exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const std::string why = message != nullptr ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw Error(Error::Kind::other, "running SQL: " + why);
    }
}

}  // namespace signage::server::sql
