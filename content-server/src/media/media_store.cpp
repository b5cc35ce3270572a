#include "media/media_store.hpp"

#include <system_error>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/sha256.hpp"
#include "media/sniff.hpp"
#include "store/store.hpp"

namespace signage::server {

MediaStore::MediaStore(std::filesystem::path dir, Store& store, MediaLimits limits)
    : dir_(std::move(dir)), store_(store), limits_(limits) {}

std::filesystem::path MediaStore::path_for(std::string_view sha256) const {
    return dir_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

Result<MediaInfo> MediaStore::ingest(std::string_view bytes,
                                     std::optional<std::int64_t> uploaded_by, bool* created) {
    if (created) *created = false;
    if (bytes.size() > limits_.max_bytes) {
        return make_error(ErrorCode::too_large,
                          "the upload has " + std::to_string(bytes.size()) +
                              " bytes; the limit is " + std::to_string(limits_.max_bytes),
                          "body");
    }
    auto image = sniff_image(bytes);
    if (!image) return image.error();
    const auto pixels =
        static_cast<std::uint64_t>(image->width) * static_cast<std::uint64_t>(image->height);
    if (pixels > limits_.max_pixels) {
        return make_error(ErrorCode::unprocessable,
                          "the image has " + std::to_string(image->width) + "x" +
                              std::to_string(image->height) + " pixels; the limit is " +
                              std::to_string(limits_.max_pixels) + " pixels",
                          "body");
    }
    MediaInfo info{sha256_hex(bytes), static_cast<std::int64_t>(bytes.size()), image->content_type,
                   image->width, image->height};

    const auto path = path_for(info.sha256);
    std::error_code ec;
    const bool have_file = std::filesystem::is_regular_file(path, ec) &&
                           std::filesystem::file_size(path, ec) == bytes.size();
    if (!have_file) {
        if (auto st = write_file_atomic(path, bytes); !st) {
            spdlog::error("media: cannot write {}: {}", path.string(), st.error().to_string());
            return make_error(ErrorCode::internal, "the media file could not be stored");
        }
    }
    bool added = false;
    auto recorded = store_.write([&](Tx& tx) -> Result<MediaInfo> {
        if (auto existing = tx.media().find(info.sha256)) return std::move(*existing);
        tx.media().add(info, uploaded_by);
        added = true;
        return info;
    });
    if (recorded && added && created) *created = true;
    return recorded;
}

Result<std::optional<MediaInfo>> MediaStore::find(const std::string& sha256) {
    auto row = store_.read(
        [&](Tx& tx) -> Result<std::optional<MediaInfo>> { return tx.media().find(sha256); });
    if (!row || !*row) return row;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_for(sha256), ec)) {
        spdlog::error("media: {} is recorded but its file is missing", sha256);
        return std::optional<MediaInfo>{};
    }
    return row;
}

Result<std::vector<MediaEntry>> MediaStore::library(int limit) {
    return store_.read(
        [&](Tx& tx) -> Result<std::vector<MediaEntry>> { return tx.media().list(limit); });
}

}  // namespace signage::server
