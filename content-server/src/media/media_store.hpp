#pragma once
// Content-addressed media: each image is stored once, as DIR/<aa>/<sha256>,
// and recorded in the store. Files are written to a temporary name, fsynced and
// renamed, so a file under its final name is always complete.
//
// Threading: any thread. ingest() hashes and fsyncs: call it from a worker.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

struct MediaLimits {
    std::uint64_t max_bytes = 32ull * 1024 * 1024;  // per upload
    std::uint64_t max_pixels = 7680ull * 4320;      // width * height (8K)
};

class MediaStore {
  public:
    MediaStore(std::filesystem::path dir, Store& store, MediaLimits limits);

    const MediaLimits& limits() const { return limits_; }

    // Checks the bytes (size "too_large" 413, kind "unsupported_media_type"
    // 415, pixels "unprocessable" 422; all with field "body") and stores them
    // unless the same content is already there. Nothing is written for a
    // rejected upload. `created` tells whether the content was new.
    Result<MediaInfo> ingest(std::string_view bytes, std::optional<std::int64_t> uploaded_by,
                             bool* created = nullptr);

    // The record of a stored media file; nullopt when unknown or its file is gone.
    Result<std::optional<MediaInfo>> find(const std::string& sha256);

    // The media library, newest first: at most `limit` entries.
    Result<std::vector<MediaEntry>> library(int limit);

    std::filesystem::path path_for(std::string_view sha256) const;

  private:
    std::filesystem::path dir_;
    Store& store_;
    MediaLimits limits_;
};

}  // namespace signage::server
