#include <catch2/catch.hpp>

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

TEST_CASE("pruning keeps the media of the current and previous manifests", "[player][cache]") {
    TempCacheDir dir;
    auto cache = Cache::open(dir.path);
    REQUIRE(cache.ok());
    const auto a = add_media(**cache, "aaaa");
    const auto b = add_media(**cache, "bbbb");
    const auto c = add_media(**cache, "cccc");
    const auto ma = manifest_with("a", a, 4);
    const auto mb = manifest_with("b", b, 4);
    (*cache)->prune_media(mb, &ma);
    CHECK((*cache)->has_media(a));
    CHECK((*cache)->has_media(b));
    CHECK_FALSE((*cache)->has_media(c));
    CHECK_FALSE(fs::exists((*cache)->media_path(c)));
}
