#pragma once
// Moving an installation from SQLite to PostgreSQL (signage-server migrate
// --from DATA --to postgresql://…): every record of DATA/signage.db is
// copied into an empty PostgreSQL database in one transaction, and every
// media file of DATA/media into the media directory the instances will
// share; then both are verified: each table's row count and a digest of its
// rows as read back from PostgreSQL, and each media file's sha256 (its
// name) as read back from where it was put.
//
// The source is brought to this server's schema first (as a starting
// server would), then read in one read transaction, so a server still
// running on it may go on serving; what it writes after that moment is not
// copied. The target's schema is created or migrated as an instance would;
// a target that already holds records is refused, and a copy that fails
// commits nothing.
//
// Errors: "invalid" (field "--to" for a database with records, "--from"
// for a directory without a database), "io" (cannot open or read, a media
// file cannot be written), "internal" (a verification failed: the message
// names the table or file).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/result.hpp"

namespace signage::server {

struct TransferPlan {
    std::filesystem::path from_data;  // DATA: signage.db and media/
    std::string to_database;          // postgresql://…
    // Where the media go; empty, or DATA/media itself: they stay (and are
    // verified) where they are.
    std::filesystem::path to_media;
};

struct TransferReport {
    int tables = 0;
    std::int64_t rows = 0;
    int media_files = 0;  // films' posters included
    std::uint64_t media_bytes = 0;
};

// Copies and verifies as described above; `progress` gets one line per
// step ("users: 3 rows", "media: 40 of 120 files").
Result<TransferReport> transfer_to_postgres(
    const TransferPlan& plan, const std::function<void(const std::string&)>& progress);

}  // namespace signage::server
