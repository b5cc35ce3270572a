// Media upload and download over real HTTP against the real server.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"
#include "support/png_bytes.hpp"

using namespace signage::test;

namespace {

// Regular files under DATA/media (empty when the directory does not exist).
std::vector<std::filesystem::path> media_files(const ServerFixture& server) {
    std::vector<std::filesystem::path> out;
    const auto dir = server.data_dir() / "media";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) out.push_back(e.path());
    }
    return out;
}

std::string from_hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

}  // namespace

TEST_CASE("server: PNG and JPEG uploads are stored once, by content, with their size",
          "[server][media]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const std::string png = make_png(40, 30);
    const std::string jpeg = make_jpeg(64, 48);

    auto up = editor.put_bytes("/api/v1/media", png, "image/png");
    REQUIRE(up.status == 201);
    auto j = up.json();
    CHECK(j.at("sha256") == signage::sha256_hex(png));
    CHECK(j.at("size") == png.size());
    CHECK(j.at("content_type") == "image/png");
    CHECK(j.at("width") == 40);
    CHECK(j.at("height") == 30);

    // Declared types are not trusted: the JPEG is recognised by its bytes.
    auto up_jpeg = editor.put_bytes("/api/v1/media", jpeg, "application/octet-stream");
    REQUIRE(up_jpeg.status == 201);
    CHECK(up_jpeg.json().at("content_type") == "image/jpeg");
    CHECK(up_jpeg.json().at("width") == 64);
    CHECK(up_jpeg.json().at("height") == 48);

    // The same bytes again: same record, no second copy.
    auto again = editor.put_bytes("/api/v1/media", png, "image/png");
    CHECK(again.status == 200);
    CHECK(again.json().at("sha256") == j.at("sha256"));
    const auto files = media_files(server);
    REQUIRE(files.size() == 2);
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        CHECK((name == signage::sha256_hex(png) || name == signage::sha256_hex(jpeg)));
        CHECK(read_text_file(f) == (name == signage::sha256_hex(png) ? png : jpeg));
    }

    // The library lists each once, with who uploaded it and when.
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));
    auto listed = reviewer.get("/api/v1/media");
    REQUIRE(listed.status == 200);
    const nlohmann::json library = listed.json().at("media");
    REQUIRE(library.size() == 2);
    for (const auto& m : library) {
        CHECK((m.at("sha256") == signage::sha256_hex(png) ||
               m.at("sha256") == signage::sha256_hex(jpeg)));
        CHECK(m.at("uploaded_by") == "editor");
        CHECK(m.at("created_at").get<std::string>().size() >= 20);
        CHECK(m.at("width").get<int>() > 0);
    }
}

TEST_CASE("server: non-images, oversize and over-pixel uploads are refused and nothing is stored",
          "[server][media]") {
    ServerOptions options;
    options.args = {"--max-upload-bytes", "3000", "--max-pixels", "10000"};
    ServerFixture server(options);
    auto editor = server.client(server.add_staff("editor", "editor"));

    auto text = editor.put_bytes("/api/v1/media", "这不是图片，只是一段文字。\n", "image/png");
    CHECK(text.status == 415);
    CHECK(error_field(text) == "body");

    // PNG magic with a broken header is not a PNG either.
    auto fake = editor.put_bytes("/api/v1/media", std::string("\x89PNG\r\n\x1a\n", 8) + "garbage",
                                 "image/png");
    CHECK(fake.status == 415);

    // A JPEG whose Huffman table lists more codes than a table holds (found
    // by fuzz_image: it overflowed stb_image's header reader, which the
    // server used before libjpeg-turbo) is refused, and the server goes on.
    const std::string huffman_overflow = from_hex(
        "ffd8ffe000104a9346494600010100000100010000ffdb008400060405ffd8ff06060506070706080a100a0a"
        "09090a140e0f0c10171418181789504e470d0a1a000000000d49484452000000100000000c08000000000000"
        "00000000000000000000000000000000000000000002000000e400e400004d49444154785e636460e7132505"
        "300684c791a661c1f275282828282828282828282828282828012200021101031101ffc401a2000001050101"
        "0101011d31c8dbfec95bbf05f88755d46f2faedadf4d9ae3ec8f37976b234519750d0c61548ca8ce0027d73c"
        "d72de06d56e35cda90adbe4febf13fffd9");
    auto overflow = editor.put_bytes("/api/v1/media", huffman_overflow, "image/jpeg");
    CHECK(overflow.status == 415);
    CHECK(error_field(overflow) == "body");

    // 100 x 100 = 10000 pixels is the limit; 101 x 100 is over it.
    auto big = editor.put_bytes("/api/v1/media", make_png(101, 100), "image/png");
    CHECK(big.status == 422);
    CHECK(error_field(big) == "body");
    CHECK(editor.put_bytes("/api/v1/media", make_png(100, 100), "image/png").status == 201);

    // Over the byte limit: refused from Content-Length, and from the body when chunked.
    std::string large = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(5000, 'x');
    auto too_large = editor.put_bytes("/api/v1/media", large, "image/png");
    CHECK(too_large.status == 413);
    CHECK(error_field(too_large) == "body");
    auto chunked =
        editor.request("PUT", "/api/v1/media", large,
                       {{"Content-Type", "image/png"}, {"Transfer-Encoding", "chunked"}});
    CHECK(chunked.status == 413);

    // Only the one accepted image is on disk.
    CHECK(media_files(server).size() == 1);
    CHECK(server.client().put_bytes("/api/v1/media", make_png(8, 8)).status == 401);
}

TEST_CASE("server: media are served immutable with ETag, 304, ranges and HEAD", "[server][media]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const std::string png = make_png(50, 20, 7);
    const std::string sha = signage::sha256_hex(png);
    REQUIRE(editor.put_bytes("/api/v1/media", png).status == 201);
    const std::string size = std::to_string(png.size());
    auto anon = server.client();  // media are public

    auto full = anon.get("/media/" + sha);
    REQUIRE(full.status == 200);
    CHECK(full.body == png);
    CHECK(full.header("etag") == "\"" + sha + "\"");
    CHECK(full.header("cache-control") == "public, max-age=31536000, immutable");
    CHECK(full.header("content-type") == "image/png");
    CHECK(full.header("content-length") == size);

    auto cached = anon.get("/media/" + sha, {{"If-None-Match", "\"" + sha + "\""}});
    CHECK(cached.status == 304);
    CHECK(cached.body.empty());

    auto first = anon.get("/media/" + sha, {{"Range", "bytes=0-9"}});
    CHECK(first.status == 206);
    CHECK(first.body == png.substr(0, 10));
    CHECK(first.header("content-range") == "bytes 0-9/" + size);
    auto rest = anon.get("/media/" + sha, {{"Range", "bytes=10-"}});
    CHECK(rest.status == 206);
    CHECK(rest.body == png.substr(10));
    auto tail = anon.get("/media/" + sha, {{"Range", "bytes=-5"}});
    CHECK(tail.status == 206);
    CHECK(tail.body == png.substr(png.size() - 5));
    auto beyond = anon.get("/media/" + sha, {{"Range", "bytes=" + size + "-"}});
    CHECK(beyond.status == 416);
    CHECK(beyond.header("content-range") == "bytes */" + size);

    auto head = anon.head("/media/" + sha);
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == size);
    CHECK(head.body.empty());

    CHECK(anon.get("/media/not-a-sha").status == 400);
    CHECK(anon.get("/media/" + std::string(64, '0')).status == 404);
}

TEST_CASE("server: a photo of several megabytes uploads and downloads whole", "[server][media]") {
    // The limit is the route's (32 MB by default), not the HTTP parser's own
    // 1 MB default, which once refused every upload over 1 MB as malformed.
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    std::vector<unsigned char> noise(1400u * 1000u * 3u);
    std::uint32_t x = 2463534242u;
    for (auto& b : noise) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<unsigned char>(x & 0xffu);
    }
    const std::string png = png_bytes(1400, 1000, 3, noise);
    REQUIRE(png.size() > 3u * 1024u * 1024u);
    auto up = editor.put_bytes("/api/v1/media", png, "image/png");
    INFO(up.body);
    REQUIRE(up.status == 201);
    CHECK(up.json().at("size") == png.size());
    auto down = server.client().get("/media/" + up.json().at("sha256").get<std::string>());
    CHECK(down.status == 200);
    CHECK(down.body == png);
}
