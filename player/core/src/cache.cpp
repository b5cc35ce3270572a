#include "core/cache.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/sha256.hpp"

namespace fs = std::filesystem;

namespace signage::player {

Cache::Cache(fs::path dir) : dir_(std::move(dir)) {}

Result<std::unique_ptr<Cache>> Cache::open(const fs::path& dir) {
    std::error_code ec;
    for (const auto& sub : {dir, dir / "media", dir / "tmp"}) {
        fs::create_directories(sub, ec);
        if (ec)
            return make_error(ErrorCode::io,
                              "cannot create cache folder " + sub.string() + ": " + ec.message());
    }
    std::unique_ptr<Cache> cache(new Cache(dir));

    // Leftovers of interrupted atomic writes (manifest.json.tmp-*) are never valid.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (name.find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
    }
    // Check every media file against its name once; a corrupt one is deleted so
    // that it is fetched again and never shown.
    for (const auto& entry : fs::directory_iterator(dir / "media", ec)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_regular_file() || !is_sha256_hex(name)) {
            fs::remove(entry.path(), ec);
            continue;
        }
        auto hash = sha256_file(entry.path());
        if (hash && *hash == name) {
            cache->verified_.insert(name);
        } else {
            spdlog::warn("cache: {} does not match its sha256; deleting it", entry.path().string());
            fs::remove(entry.path(), ec);
        }
    }
    return cache;
}

fs::path Cache::media_path(const std::string& sha256) const {
    return dir_ / "media" / sha256;
}

fs::path Cache::partial_path(const std::string& sha256) const {
    return dir_ / "tmp" / (sha256 + ".part");
}

bool Cache::has_media(const std::string& sha256) const {
    std::lock_guard lock(mu_);
    return verified_.count(sha256) != 0;
}

bool Cache::has_all_media(const protocol::Manifest& m) const {
    std::lock_guard lock(mu_);
    for (const auto& item : m.items) {
        for (const auto& ref : item.media_refs()) {
            if (verified_.count(ref) == 0) return false;
        }
    }
    for (const auto& ref : m.media) {
        if (verified_.count(ref.sha256) == 0) return false;
    }
    return true;
}

Status Cache::commit_media(const std::string& sha256, std::int64_t expected_size) {
    if (!is_sha256_hex(sha256)) return make_error(ErrorCode::invalid, "not a sha256: " + sha256);
    const auto part = partial_path(sha256);
    std::error_code ec;
    const auto size = fs::file_size(part, ec);
    if (ec) return make_error(ErrorCode::io, "no download for " + sha256 + ": " + ec.message());
    if (static_cast<std::int64_t>(size) != expected_size) {
        fs::remove(part, ec);
        return make_error(ErrorCode::corrupt, "download of " + sha256 + " has " +
                                                  std::to_string(size) + " bytes, expected " +
                                                  std::to_string(expected_size));
    }
    auto hash = sha256_file(part);
    if (!hash) return hash.error();
    if (*hash != sha256) {
        fs::remove(part, ec);
        return make_error(ErrorCode::corrupt, "download of " + sha256 + " hashes to " + *hash);
    }
    if (auto st = commit_file(part, media_path(sha256)); !st) return st;
    std::lock_guard lock(mu_);
    verified_.insert(sha256);
    return {};
}

std::optional<protocol::Manifest> Cache::load_manifest() const {
    auto text = read_file(dir_ / "manifest.json");
    if (!text) {
        if (text.error().code != ErrorCode::not_found)
            spdlog::warn("cache: {}", text.error().to_string());
        return std::nullopt;
    }
    auto m = protocol::parse_manifest_text(*text);
    if (!m) {
        spdlog::warn("cache: manifest.json is not usable ({}); ignoring it", m.error().to_string());
        return std::nullopt;
    }
    if (!has_all_media(*m)) {
        spdlog::warn("cache: manifest {} lacks media files; ignoring it", m->version);
        return std::nullopt;
    }
    return std::move(*m);
}

Status Cache::commit_manifest(const protocol::Manifest& m) {
    if (!has_all_media(m)) {
        return make_error(ErrorCode::missing_media,
                          "manifest " + m.version + " needs media not yet cached");
    }
    return write_file_atomic(dir_ / "manifest.json", protocol::to_json(m).dump());
}

void Cache::prune_media(const protocol::Manifest& keep, const protocol::Manifest* also_keep) {
    std::set<std::string> wanted;
    for (const auto& ref : keep.media) wanted.insert(ref.sha256);
    if (also_keep != nullptr) {
        for (const auto& ref : also_keep->media) wanted.insert(ref.sha256);
    }
    std::lock_guard lock(mu_);
    std::error_code ec;
    for (auto it = verified_.begin(); it != verified_.end();) {
        if (wanted.count(*it) == 0) {
            fs::remove(media_path(*it), ec);
            it = verified_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace signage::player
