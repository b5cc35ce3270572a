#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/fs.hpp"
#include "common/sha256.hpp"
#include "core/cache.hpp"

namespace fs = std::filesystem;
using namespace signage;
using namespace signage::player;

namespace {

struct TempCacheDir {
    fs::path path;
    TempCacheDir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("signage-cache-" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~TempCacheDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write_bytes(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

// Places `bytes` as a finished download and commits it.
std::string add_media(Cache& cache, const std::string& bytes) {
    const auto sha = sha256_hex(bytes);
    write_bytes(cache.partial_path(sha), bytes);
    REQUIRE(cache.commit_media(sha, static_cast<std::int64_t>(bytes.size())).ok());
    return sha;
}

// A manifest of image slides, one per file.
protocol::Manifest manifest_of(const std::string& version,
                               const std::vector<std::pair<std::string, std::int64_t>>& files) {
    protocol::Manifest m;
    m.version = version;
    for (const auto& [sha, size] : files) {
        protocol::Slide image;
        image.id = std::to_string(m.items.size() + 1);
        image.type = protocol::SlideType::image;
        image.media = sha;
        m.items.push_back(image);
        m.media.push_back({sha, size, "image/png"});
    }
    return m;
}

// `n` bytes of `c`.
std::string bytes_of(char c, std::size_t n) {
    return std::string(n, c);
}

std::unique_ptr<Cache> open_cache(const TempCacheDir& dir) {
    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    return std::move(*cache);
}

// A new cache in a temporary folder.
struct Fresh {
    TempCacheDir dir;
    std::unique_ptr<Cache> cache = open_cache(dir);
    // Adds `n` bytes of `c` as a finished download: its sha256.
    std::string add(char c, std::size_t n) { return add_media(*cache, bytes_of(c, n)); }
};

protocol::Manifest manifest_with(const std::string& version, const std::string& sha,
                                 std::int64_t size) {
    protocol::Manifest m;
    m.version = version;
    protocol::Slide text;
    text.id = "1";
    text.title = "文明出行";
    m.items.push_back(text);
    protocol::Slide image;
    image.id = "2";
    image.type = protocol::SlideType::image;
    image.media = sha;
    m.items.push_back(image);
    m.media.push_back({sha, size, "image/png"});
    return m;
}

}  // namespace

TEST_CASE("a manifest whose media are not all cached cannot be switched to", "[player][cache]") {
    TempCacheDir dir;
    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    const std::string bytes = "image bytes";
    const auto m = manifest_with("v1", sha256_hex(bytes), static_cast<std::int64_t>(bytes.size()));

    CHECK_FALSE((*cache)->has_all_media(m));
    auto refused = (*cache)->commit_manifest(m);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == signage::ErrorCode::missing_media);
    CHECK_FALSE((*cache)->load_manifest().has_value());

    add_media(**cache, bytes);
    CHECK((*cache)->has_all_media(m));
    REQUIRE((*cache)->commit_manifest(m).ok());
    auto loaded = (*cache)->load_manifest();
    REQUIRE(loaded.has_value());
    CHECK(loaded->version == "v1");
}

TEST_CASE("a download that does not match its sha256 is refused and removed", "[player][cache]") {
    TempCacheDir dir;
    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    const std::string good = "the real image";
    const auto sha = sha256_hex(good);

    SECTION("wrong bytes, right size") {
        write_bytes((*cache)->partial_path(sha), "the fake image");
        auto st = (*cache)->commit_media(sha, static_cast<std::int64_t>(good.size()));
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().code == signage::ErrorCode::corrupt);
    }
    SECTION("truncated") {
        write_bytes((*cache)->partial_path(sha), good.substr(0, 4));
        auto st = (*cache)->commit_media(sha, static_cast<std::int64_t>(good.size()));
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().code == signage::ErrorCode::corrupt);
    }
    CHECK_FALSE((*cache)->has_media(sha));
    CHECK_FALSE(fs::exists((*cache)->media_path(sha)));
    CHECK_FALSE(fs::exists((*cache)->partial_path(sha)));
}

TEST_CASE("the cache survives a restart and drops what a crash left half-done", "[player][cache]") {
    TempCacheDir dir;
    const std::string bytes = "png bytes for the restart test";
    const auto sha = sha256_hex(bytes);
    const auto m = manifest_with("v7", sha, static_cast<std::int64_t>(bytes.size()));
    {
        auto cache = Cache::open(dir.path);
        REQUIRE(cache.ok());
        add_media(**cache, bytes);
        REQUIRE((*cache)->commit_manifest(m).ok());
    }
    // A crash in the middle of the next manifest write leaves a temporary file
    // beside manifest.json; it must be ignored and cleaned, not read.
    write_bytes(dir.path / "manifest.json.tmp-123456", R"({"version":"half)");

    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    auto loaded = (*cache)->load_manifest();
    REQUIRE(loaded.has_value());
    CHECK(loaded->version == "v7");
    CHECK((*cache)->has_media(sha));
    CHECK_FALSE(fs::exists(dir.path / "manifest.json.tmp-123456"));
}

TEST_CASE("a media file corrupted on disk is detected at start and never used", "[player][cache]") {
    TempCacheDir dir;
    const std::string bytes = "original image bytes";
    const auto sha = sha256_hex(bytes);
    const auto m = manifest_with("v2", sha, static_cast<std::int64_t>(bytes.size()));
    {
        auto cache = Cache::open(dir.path);
        REQUIRE(cache.ok());
        add_media(**cache, bytes);
        REQUIRE((*cache)->commit_manifest(m).ok());
    }
    write_bytes(dir.path / "media" / sha, "flipped image bytes!");

    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    CHECK_FALSE((*cache)->has_media(sha));
    CHECK_FALSE(fs::exists(dir.path / "media" / sha));
    // The manifest that needs it is not offered for playing until it is fetched again.
    CHECK_FALSE((*cache)->load_manifest().has_value());
}

TEST_CASE("a garbled manifest.json is ignored, not trusted", "[player][cache]") {
    TempCacheDir dir;
    write_bytes(dir.path / "manifest.json", R"({"version": 5, "items": "x"})");
    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    CHECK_FALSE((*cache)->load_manifest().has_value());
}

TEST_CASE("a manifest.json nested 200,000 deep is ignored without a crash", "[player][cache]") {
    TempCacheDir dir;
    write_bytes(dir.path / "manifest.json",
                R"({"version": 5, "items": )" + std::string(200'000, '[') + "}");
    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    CHECK_FALSE((*cache)->load_manifest().has_value());
}

TEST_CASE("making room evicts the least recently used media first", "[player][cache]") {
    Fresh f;
    auto& cache = f.cache;
    // Downloaded a, b, c, d in that order (a braced list runs left to
    // right); then a was drawn.
    const std::array<std::string, 4> files{f.add('a', 100), f.add('b', 100), f.add('c', 100),
                                           f.add('d', 100)};
    const auto& [a, b, c, d] = files;
    cache->touch(a);
    CHECK(cache->media_by_last_use() == std::vector<std::string>{b, c, d, a});
    CHECK(cache->bytes_used() == 400);

    const auto on_screen = manifest_of("v1", {{d, 100}});
    const std::string e_bytes = bytes_of('e', 100);
    const auto incoming = manifest_of("v2", {{sha256_hex(e_bytes), 100}});
    auto room = cache->make_room(incoming, &on_screen, 400);
    REQUIRE(room.ok());
    CHECK(room->evicted_files == 1);
    CHECK(room->evicted_bytes == 100);
    CHECK(room->missing_bytes == 100);
    CHECK_FALSE(cache->has_media(b));
    CHECK_FALSE(fs::exists(cache->media_path(b)));
    CHECK(cache->has_media(a));
    CHECK(cache->has_media(c));
    CHECK(cache->has_media(d));

    // Two more files wanted, with v1 off the screen: c and d go, the least
    // recently used; a, drawn after both were downloaded, stays.
    add_media(*cache, e_bytes);
    const auto next = manifest_of(
        "v3", {{sha256_hex(bytes_of('f', 100)), 100}, {sha256_hex(bytes_of('g', 100)), 100}});
    const auto shown = manifest_of("v2", {{sha256_hex(e_bytes), 100}});
    room = cache->make_room(next, &shown, 400);
    REQUIRE(room.ok());
    CHECK(room->evicted_files == 2);
    CHECK_FALSE(cache->has_media(c));
    CHECK_FALSE(cache->has_media(d));
    CHECK(cache->has_media(a));
    CHECK(cache->has_media(sha256_hex(e_bytes)));
    CHECK(cache->bytes_used() == 200);
}

TEST_CASE("media of the manifest on screen and of the incoming one are never evicted",
          "[player][cache]") {
    Fresh f;
    auto& cache = f.cache;
    // The oldest two belong to the manifests in hand.
    const auto shown_file = f.add('s', 100);
    const auto kept_file = f.add('k', 100);
    const auto old1 = f.add('1', 100);
    const auto old2 = f.add('2', 100);
    const auto on_screen = manifest_of("v1", {{shown_file, 100}});
    const auto new_file = sha256_hex(bytes_of('n', 200));
    const auto incoming = manifest_of("v2", {{kept_file, 100}, {new_file, 200}});

    auto room = cache->make_room(incoming, &on_screen, 400);
    REQUIRE(room.ok());
    CHECK(room->missing_bytes == 200);
    CHECK(room->evicted_files == 2);
    CHECK(cache->has_media(shown_file));
    CHECK(cache->has_media(kept_file));
    CHECK(fs::exists(cache->media_path(shown_file)));
    CHECK(fs::exists(cache->media_path(kept_file)));
    CHECK_FALSE(cache->has_media(old1));
    CHECK_FALSE(cache->has_media(old2));
}

TEST_CASE("a manifest that cannot fit evicts nothing and says what does not fit",
          "[player][cache]") {
    Fresh f;
    auto& cache = f.cache;
    const auto shown_file = f.add('s', 600);
    const auto on_screen = manifest_of("v1", {{shown_file, 600}});
    const auto other = f.add('o', 100);
    const auto incoming = manifest_of(
        "v2", {{sha256_hex(bytes_of('b', 500)), 500}, {sha256_hex(bytes_of('c', 300)), 300}});

    auto room = cache->make_room(incoming, &on_screen, 1000);
    REQUIRE_FALSE(room.ok());
    CHECK(room.error().code == signage::ErrorCode::cache_full);
    CHECK(room.error().message ==
          "cache: manifest v2 needs 800 bytes of media, 400 bytes fit under --cache-max-bytes "
          "1000 bytes (600 bytes kept for the manifest on screen)");
    // Nothing was given up for a manifest that cannot come.
    CHECK(cache->has_media(other));
    CHECK(cache->has_media(shown_file));
    CHECK(cache->bytes_used() == 700);

    // Files both manifests share count once, as the incoming one's.
    const auto sharing = manifest_of("v3", {{shown_file, 600}, {sha256_hex("x"), 400}});
    CHECK(cache->make_room(sharing, &on_screen, 1000).ok());
}

TEST_CASE("partial downloads count toward the limit, and stale ones go first", "[player][cache]") {
    Fresh f;
    auto& cache = f.cache;
    const auto old = f.add('o', 100);
    const auto shown_file = f.add('s', 300);
    const auto on_screen = manifest_of("v1", {{shown_file, 300}});
    // Half of the incoming file arrived before a restart; another download,
    // for a manifest since replaced, was left unfinished.
    const std::string wanted = bytes_of('w', 400);
    const auto wanted_sha = sha256_hex(wanted);
    write_bytes(cache->partial_path(wanted_sha), wanted.substr(0, 200));
    const auto stale_sha = sha256_hex(bytes_of('z', 500));
    write_bytes(cache->partial_path(stale_sha), bytes_of('z', 250));
    CHECK(cache->bytes_used() == 100 + 300 + 200 + 250);

    // 850 used + 200 still to come: the stale part goes, and is enough.
    const auto incoming = manifest_of("v2", {{wanted_sha, 400}});
    auto room = cache->make_room(incoming, &on_screen, 1000);
    REQUIRE(room.ok());
    CHECK(room->missing_bytes == 200);
    CHECK(room->evicted_files == 1);
    CHECK(room->evicted_bytes == 250);
    CHECK_FALSE(fs::exists(cache->partial_path(stale_sha)));
    CHECK(fs::exists(cache->partial_path(wanted_sha)));
    CHECK(cache->has_media(old));

    // Under a lower limit the least recently used file goes too.
    room = cache->make_room(incoming, &on_screen, 700);
    REQUIRE(room.ok());
    CHECK_FALSE(cache->has_media(old));
    CHECK(fs::exists(cache->partial_path(wanted_sha)));
}

TEST_CASE("the order of last use survives reopening the cache", "[player][cache]") {
    TempCacheDir dir;
    std::string a, b, c;
    {
        auto cache = open_cache(dir);
        a = add_media(*cache, bytes_of('a', 100));
        b = add_media(*cache, bytes_of('b', 100));
        c = add_media(*cache, bytes_of('c', 100));
        cache->touch(a);
        cache->touch(b);
    }
    // Opening reads (hashes) every file: that is not a use.
    for (int reopen = 0; reopen < 2; ++reopen) {
        auto cache = open_cache(dir);
        CHECK(cache->media_by_last_use() == std::vector<std::string>{c, a, b});
    }
    auto cache = open_cache(dir);
    const auto incoming = manifest_of("v9", {{sha256_hex("new"), 100}});
    auto room = cache->make_room(incoming, nullptr, 300);
    REQUIRE(room.ok());
    CHECK_FALSE(cache->has_media(c));
    CHECK(cache->has_media(a));
    CHECK(cache->has_media(b));
    // A touch after reopening still orders after the uses before it.
    cache->touch(a);
    CHECK(cache->media_by_last_use() == std::vector<std::string>{b, a});
}

TEST_CASE("cache limits are read with K, M and G suffixes, and junk is refused",
          "[player][cache]") {
    CHECK(parse_byte_count("1234") == 1234);
    CHECK(parse_byte_count("512K") == 512 * 1024);
    CHECK(parse_byte_count("512k") == 512 * 1024);
    CHECK(parse_byte_count("300M") == 300LL * 1024 * 1024);
    CHECK(parse_byte_count("20G") == 20LL * 1024 * 1024 * 1024);
    CHECK(parse_byte_count("20GB") == 20LL * 1024 * 1024 * 1024);
    CHECK(parse_byte_count("20GiB") == 20LL * 1024 * 1024 * 1024);
    CHECK(parse_byte_count("2T") == 2LL * 1024 * 1024 * 1024 * 1024);
    CHECK(parse_byte_count("100B") == 100);
    for (const char* junk : {"", "G", "0", "0G", "-5", "1.5G", " 5", "5 ", "12X", "12GG", "abc",
                             "99999999999999999999", "5000000000G", "0x10"}) {
        INFO("'" << junk << "'");
        CHECK_FALSE(parse_byte_count(junk).has_value());
    }
    CHECK(format_bytes(0) == "0 bytes");
    CHECK(format_bytes(512) == "512 bytes");
    CHECK(format_bytes(1536) == "1.5 KiB");
    CHECK(format_bytes(3LL << 30) == "3.0 GiB");
    CHECK(format_bytes(2469606195LL) == "2.3 GiB");
}
