#pragma once
// The PostgreSQL backend of the store (libpq): several server instances on
// one database. Its schema is created or migrated when it opens, each
// migration in one transaction, recorded in schema_migrations, under an
// advisory lock so instances starting together migrate once. Transactions
// run on a pool of connections; those that write take one advisory lock
// for their duration, so writes are serialised across every instance as
// SQLite serialises them in one (reads run side by side). A connection
// found broken is opened again at its next use.

#include <cstddef>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "store/store.hpp"

namespace signage::server {

inline constexpr int postgres_schema_version = 16;

struct PostgresOptions {
    std::size_t pool_size = 8;  // connections at most
};

// Connects to `uri` (postgresql://user@host:port/db) and brings the schema
// up to date. Refuses a database written by a newer schema.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& uri,
                                                   const PostgresOptions& options = {});

// What the database at `uri` holds, read without changing anything: its
// schema version (0: none yet) and the PostgreSQL server's version.
struct PostgresFacts {
    int schema = 0;
    std::string server_version;
};
Result<PostgresFacts> inspect_postgres(const std::string& uri);

// `uri` with any password replaced by "***" (for logs and errors).
std::string redacted_uri(const std::string& uri);

}  // namespace signage::server
