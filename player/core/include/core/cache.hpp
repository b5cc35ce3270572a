#pragma once
// The player's on-disk cache: the current manifest and the media it needs.
// Layout under the cache directory:
//   manifest.json          the manifest being played (written atomically)
//   media/<sha256>         verified media files, named by their hash
//   tmp/                   partial downloads (<sha256>.part), resumable
// Every write is a temporary file + fsync + rename, so a crash or power cut
// leaves either the old or the new file, never a torn one.
//
// Size limit: media/ and tmp/ are kept under a byte limit (the player's
// --cache-max-bytes). Each media file's last use (drawn, or downloaded) is
// its mtime, set by touch() and commit_media() with utimensat, so the least
// recently used order survives a restart whatever the mount's atime setting.
// make_room() evicts the least recently used files no manifest in hand needs.
//
// Threading: a Cache may be used from several threads; methods are guarded by
// an internal mutex except the path getters, which are pure.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "protocol/manifest.hpp"

namespace signage::player {

// "1234", "512K", "300M", "20G" (K, M, G: 1024, 1024², 1024³; a trailing
// "B" or "iB" allowed, any case) as bytes; nullopt for anything else, zero,
// or a count over 2^62.
std::optional<std::int64_t> parse_byte_count(std::string_view text);
// A byte count for people: "512 bytes", "3.5 KiB", "1.1 GiB" (one decimal).
std::string format_bytes(std::int64_t bytes);

// What make_room() did.
struct Room {
    std::size_t evicted_files = 0;  // media files and stale partial downloads deleted
    std::int64_t evicted_bytes = 0;
    std::int64_t missing_bytes = 0;  // still to download for the incoming manifest
};

class Cache {
  public:
    // Opens (creating if needed) the cache at `dir`. Media files are checked
    // against their sha256 once here; a file that does not match is deleted so
    // it is fetched again and never shown.
    static Result<std::unique_ptr<Cache>> open(const std::filesystem::path& dir);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path media_path(const std::string& sha256) const;
    std::filesystem::path partial_path(const std::string& sha256) const;

    // True when the verified file for `sha256` is present.
    bool has_media(const std::string& sha256) const;
    // Every media of `m` is present and verified: only then may the player
    // switch to `m` (the manifest switch rule).
    bool has_all_media(const protocol::Manifest& m) const;

    // Moves a finished download into place after checking its size and hash;
    // a mismatch deletes the partial file and fails ("corrupt").
    Status commit_media(const std::string& sha256, std::int64_t expected_size);

    // The last committed manifest, if it parses and all its media are present.
    std::optional<protocol::Manifest> load_manifest() const;
    // Atomically replaces manifest.json. Fails ("missing_media") unless every
    // media file the manifest needs is present.
    Status commit_manifest(const protocol::Manifest& m);

    // Records that the player opened `sha256` to draw it: it becomes the most
    // recently used (its file's mtime is set to now). Unknown media: nothing.
    void touch(const std::string& sha256);
    // The verified media, least recently used first.
    std::vector<std::string> media_by_last_use() const;
    // Bytes the limit counts: verified media plus partial downloads in tmp/.
    std::int64_t bytes_used() const;

    // Before downloading what `incoming` lacks: deletes least recently used
    // media until the missing bytes fit under `max_bytes` (0: no limit).
    // Files `incoming` or `on_screen` need are never deleted; partial
    // downloads of other files go first. When even deleting everything else
    // could not make room, nothing is deleted and the error (cache_full) gives
    // the figures: what `incoming` needs, what fits beside what `on_screen`
    // keeps, and the limit.
    Result<Room> make_room(const protocol::Manifest& incoming, const protocol::Manifest* on_screen,
                           std::int64_t max_bytes);

  private:
    struct Media {
        std::int64_t size = 0;
        std::int64_t last_use_ns = 0;  // since the epoch; the file's mtime
    };
    explicit Cache(std::filesystem::path dir);
    // Sets `sha256`'s last use to now, in memory and on disk. Holds mu_.
    void mark_used_locked(const std::string& sha256, Media& media);
    std::filesystem::path dir_;
    mutable std::mutex mu_;
    std::map<std::string, Media> verified_;  // media files known good, by sha256
    std::int64_t newest_use_ns_ = 0;         // last uses are kept strictly increasing
};

}  // namespace signage::player
