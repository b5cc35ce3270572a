#pragma once
// File helpers that survive crashes and power cuts: a file is either the old
// version or the complete new one, never a torn mix.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace signage {

// Writes bytes to `path.tmp-<random>`, fsyncs it, renames it over `path` and
// fsyncs the directory. Creates the parent directory when missing. `mode`:
// the new file's permissions (before the umask), e.g. 0600 for secrets.
// On any failure the temporary file is removed again; only a crash can
// leave one behind (see remove_stale_temporaries).
Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                         unsigned mode = 0644);

// Makes a finished temporary file durable under its final name: fsync the file,
// rename it over `to`, fsync the directory of `to`.
Status commit_file(const std::filesystem::path& tmp, const std::filesystem::path& to);

// Reads a whole file; "not_found" when it does not exist, "io" otherwise.
Result<std::string> read_file(const std::filesystem::path& path);

// fsyncs a directory so a rename inside it survives a power cut.
Status fsync_dir(const std::filesystem::path& dir);

// A fresh random suffix for temporary file names.
std::string random_suffix();

// `path.tmp-<random suffix>`: where write_file_atomic writes before renaming.
std::filesystem::path temporary_path_for(const std::filesystem::path& path);
// Whether a file name is one temporary_path_for makes ("x.tmp-0123456789ab").
bool is_temporary_name(std::string_view file_name);

struct StaleTemporaries {
    std::uint64_t files = 0;  // removed
    std::uint64_t bytes = 0;  // their total size
};
// Removes the temporaries a crash left under `dir` (any depth): regular files
// named as temporary_path_for names them. Call it only while nothing writes
// under `dir`, or give `older_than`: then only temporaries last written
// longer ago than that go (a directory other processes write to). A missing
// `dir` has none; "io" when a file cannot be removed.
Result<StaleTemporaries> remove_stale_temporaries(
    const std::filesystem::path& dir, std::chrono::seconds older_than = std::chrono::seconds{0});

// The program `name` as the shell would find it in the directories of PATH
// (/usr/bin:/bin when unset): the first executable regular file; empty when
// there is none.
std::filesystem::path find_on_path(std::string_view name);

}  // namespace signage
