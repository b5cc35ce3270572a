#pragma once
// The player's on-disk cache: the current manifest and the media it needs.
// Layout under the cache directory:
//   manifest.json          the manifest being played (written atomically)
//   media/<sha256>         verified media files, named by their hash
//   tmp/                   partial downloads (<sha256>.part), resumable
// Every write is a temporary file + fsync + rename, so a crash or power cut
// leaves either the old or the new file, never a torn one.
//
// Threading: a Cache may be used from several threads; methods are guarded by
// an internal mutex except the path getters, which are pure.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/result.hpp"
#include "protocol/manifest.hpp"

namespace signage::player {

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

    // Deletes media files referenced by neither `keep` nor `also_keep`.
    void prune_media(const protocol::Manifest& keep, const protocol::Manifest* also_keep = nullptr);

  private:
    explicit Cache(std::filesystem::path dir);
    std::filesystem::path dir_;
    mutable std::mutex mu_;
    std::set<std::string> verified_;  // sha256 of media files known good
};

}  // namespace signage::player
