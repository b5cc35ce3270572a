#include "core/cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/sha256.hpp"

namespace fs = std::filesystem;

namespace signage::player {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A file's mtime in nanoseconds since the epoch; 0 when it cannot be read.
std::int64_t mtime_ns(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// Every media file `m` refers to, and the size the manifest gives for it (0
// for a reference the media list lacks).
std::map<std::string, std::int64_t> media_of(const protocol::Manifest& m) {
    std::map<std::string, std::int64_t> out;
    for (const auto& item : m.items) {
        for (const auto& ref : item.media_refs()) out.emplace(ref, 0);
    }
    for (const auto& ref : m.media) out[ref.sha256] = ref.size;
    return out;
}

struct Partial {
    std::string sha256;
    fs::path path;
    std::int64_t size = 0;
    std::int64_t last_use_ns = 0;
};

}  // namespace

std::optional<std::int64_t> parse_byte_count(std::string_view text) {
    std::size_t i = 0;
    std::int64_t n = 0;
    constexpr std::int64_t kMax = std::int64_t{1} << 62;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        // Refused before the multiplication could overflow.
        if (n > (kMax - (text[i] - '0')) / 10) return std::nullopt;
        n = n * 10 + (text[i] - '0');
    }
    if (i == 0) return std::nullopt;
    std::string unit;
    for (; i < text.size(); ++i) {
        unit += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    }
    if (unit.empty() || unit == "B") return n > 0 ? std::optional(n) : std::nullopt;
    const std::string suffix = unit.substr(1);
    if (!suffix.empty() && suffix != "B" && suffix != "IB") return std::nullopt;
    int shift = 0;
    switch (unit[0]) {
        case 'K':
            shift = 10;
            break;
        case 'M':
            shift = 20;
            break;
        case 'G':
            shift = 30;
            break;
        case 'T':
            shift = 40;
            break;
        default:
            return std::nullopt;
    }
    if (n == 0 || n > (kMax >> shift)) return std::nullopt;
    return n << shift;
}

std::string format_bytes(std::int64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
    return text;
}

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
            Media media;
            media.size = static_cast<std::int64_t>(entry.file_size(ec));
            media.last_use_ns = mtime_ns(entry.path());
            cache->newest_use_ns_ = std::max(cache->newest_use_ns_, media.last_use_ns);
            cache->verified_.emplace(name, media);
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
    Media& media = verified_[sha256];
    media.size = expected_size;
    mark_used_locked(sha256, media);  // downloaded now: the most recently used
    return {};
}

void Cache::mark_used_locked(const std::string& sha256, Media& media) {
    // Strictly increasing, so two uses within the clock's resolution (or
    // after the clock stepped back) still order the files.
    newest_use_ns_ = std::max(now_ns(), newest_use_ns_ + 1);
    media.last_use_ns = newest_use_ns_;
    const struct timespec times[2] = {
        {0, UTIME_OMIT},
        {static_cast<time_t>(newest_use_ns_ / 1'000'000'000),
         static_cast<long>(newest_use_ns_ % 1'000'000'000)},
    };
    if (::utimensat(AT_FDCWD, media_path(sha256).c_str(), times, 0) != 0) {
        spdlog::warn("cache: cannot record the use of {}: {}", sha256, std::strerror(errno));
    }
}

void Cache::touch(const std::string& sha256) {
    std::lock_guard lock(mu_);
    auto it = verified_.find(sha256);
    if (it != verified_.end()) mark_used_locked(sha256, it->second);
}

std::vector<std::string> Cache::media_by_last_use() const {
    std::vector<std::pair<std::int64_t, std::string>> order;
    {
        std::lock_guard lock(mu_);
        for (const auto& [sha, media] : verified_) order.emplace_back(media.last_use_ns, sha);
    }
    std::sort(order.begin(), order.end());
    std::vector<std::string> out;
    for (auto& [when, sha] : order) out.push_back(std::move(sha));
    return out;
}

namespace {

// The partial downloads in `tmp`: <sha256>.part files.
std::vector<Partial> partials_in(const fs::path& tmp) {
    std::vector<Partial> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(tmp, ec)) {
        const auto name = entry.path().filename().string();
        constexpr std::string_view kSuffix = ".part";
        if (!entry.is_regular_file(ec) || name.size() <= kSuffix.size() ||
            name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
            continue;
        }
        Partial p;
        p.sha256 = name.substr(0, name.size() - kSuffix.size());
        p.path = entry.path();
        p.size = static_cast<std::int64_t>(entry.file_size(ec));
        p.last_use_ns = mtime_ns(entry.path());
        if (!ec) out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

std::int64_t Cache::bytes_used() const {
    std::int64_t total = 0;
    for (const auto& p : partials_in(dir_ / "tmp")) total += p.size;
    std::lock_guard lock(mu_);
    for (const auto& [sha, media] : verified_) total += media.size;
    return total;
}

Result<Room> Cache::make_room(const protocol::Manifest& incoming,
                              const protocol::Manifest* on_screen, std::int64_t max_bytes) {
    const auto needed = media_of(incoming);
    const auto shown =
        on_screen != nullptr ? media_of(*on_screen) : std::map<std::string, std::int64_t>{};
    auto partials = partials_in(dir_ / "tmp");

    std::lock_guard lock(mu_);
    Room room;
    // What the incoming manifest needs in all, and what the one on screen
    // keeps besides.
    std::int64_t need = 0;
    for (const auto& [sha, size] : needed) need += size;
    std::int64_t kept = 0;
    for (const auto& [sha, size] : shown) {
        auto it = verified_.find(sha);
        if (needed.count(sha) == 0 && it != verified_.end()) kept += it->second.size;
    }
    // Partial downloads of incoming files count as theirs; the others are
    // stale and go first.
    std::int64_t used = 0;
    for (const auto& [sha, media] : verified_) used += media.size;
    std::vector<Partial> stale;
    std::map<std::string, std::int64_t> resumed;
    for (auto& p : partials) {
        used += p.size;
        auto it = needed.find(p.sha256);
        if (it != needed.end() && verified_.count(p.sha256) == 0 && p.size <= it->second) {
            resumed[p.sha256] = p.size;
        } else {
            stale.push_back(std::move(p));
        }
    }
    for (const auto& [sha, size] : needed) {
        if (verified_.count(sha) != 0) continue;
        auto it = resumed.find(sha);
        room.missing_bytes += size - (it != resumed.end() ? it->second : 0);
    }
    if (max_bytes <= 0 || used + room.missing_bytes <= max_bytes) return room;
    if (kept + need > max_bytes) {
        return make_error(ErrorCode::cache_full,
                          std::string("cache: manifest ")
                              .append(incoming.version)
                              .append(" needs ")
                              .append(format_bytes(need))
                              .append(" of media, ")
                              .append(format_bytes(std::max<std::int64_t>(max_bytes - kept, 0)))
                              .append(" fit under --cache-max-bytes ")
                              .append(format_bytes(max_bytes))
                              .append(" (")
                              .append(format_bytes(kept))
                              .append(" kept for the manifest on screen)"));
    }
    // Stale partial downloads first (oldest first), then media no manifest in
    // hand needs, least recently used first.
    std::sort(stale.begin(), stale.end(),
              [](const Partial& a, const Partial& b) { return a.last_use_ns < b.last_use_ns; });
    std::vector<std::pair<std::int64_t, std::string>> lru;
    for (const auto& [sha, media] : verified_) {
        if (needed.count(sha) == 0 && shown.count(sha) == 0)
            lru.emplace_back(media.last_use_ns, sha);
    }
    std::sort(lru.begin(), lru.end());
    std::error_code ec;
    for (const auto& p : stale) {
        if (used + room.missing_bytes <= max_bytes) break;
        fs::remove(p.path, ec);
        used -= p.size;
        ++room.evicted_files;
        room.evicted_bytes += p.size;
        spdlog::info("cache: deleted the partial download {} ({})", p.sha256, format_bytes(p.size));
    }
    for (const auto& [when, sha] : lru) {
        if (used + room.missing_bytes <= max_bytes) break;
        const std::int64_t size = verified_[sha].size;
        fs::remove(media_path(sha), ec);
        verified_.erase(sha);
        used -= size;
        ++room.evicted_files;
        room.evicted_bytes += size;
        spdlog::info("cache: evicted {} ({}), the least recently used", sha, format_bytes(size));
    }
    return room;
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

}  // namespace signage::player
