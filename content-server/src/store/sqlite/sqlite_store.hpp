#pragma once
// The SQLite backend of the store: one database file (WAL, foreign keys, busy
// timeout), its schema created or migrated when it opens; transactions are
// serialised on one connection.

#include <filesystem>
#include <memory>

#include "common/result.hpp"
#include "store/store.hpp"

namespace signage::server {

inline constexpr int sqlite_schema_version = 16;

// Opens (creating when missing) the database file and brings its schema up to
// date. Refuses a database written by a newer schema.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& db_file);

// The schema version of the database file, read without changing anything
// (0: no file, or no schema yet).
Result<int> sqlite_schema_of(const std::filesystem::path& db_file);

}  // namespace signage::server
