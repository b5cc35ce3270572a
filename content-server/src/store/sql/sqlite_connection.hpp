#pragma once
// sql::Connection over an open SQLite database (sqlite3's C API; the
// handle stays the caller's).

#include <sqlite3.h>

#include "store/sql/connection.hpp"

namespace signage::server::sql {

class SqliteConnection final : public Connection {
  public:
    explicit SqliteConnection(sqlite3* db) : db_(db) {}
    Dialect dialect() const override { return Dialect::sqlite; }
    std::unique_ptr<StatementImpl> prepare(const std::string& sql) override;
    void exec(const std::string& sql) override;

  private:
    sqlite3* db_;
};

}  // namespace signage::server::sql
