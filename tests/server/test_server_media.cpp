// Media upload and download over real HTTP against the real server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"
#include "support/png_bytes.hpp"

using namespace signage::test;

namespace {

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
        CHECK(m.at("uploader") == "editor");
        CHECK(m.at("uploaded_at").get<std::string>().size() >= 20);
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
    CHECK(nlohmann::json::parse(text.body)["error"]["reason"] == "not_image");

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
    // The reason and its numbers, for the console to word.
    const auto big_error = nlohmann::json::parse(big.body)["error"];
    CHECK(big_error["reason"] == "image_too_big");
    CHECK(big_error["params"] ==
          nlohmann::json{{"width", 101}, {"height", 100}, {"max_pixels", 10000}});
    CHECK(editor.put_bytes("/api/v1/media", make_png(100, 100), "image/png").status == 201);

    // Over the byte limit: refused from Content-Length, and from the body when chunked.
    std::string large = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(5000, 'x');
    auto too_large = editor.put_bytes("/api/v1/media", large, "image/png");
    CHECK(too_large.status == 413);
    CHECK(error_field(too_large) == "body");
    const auto large_error = nlohmann::json::parse(too_large.body)["error"];
    CHECK(large_error["reason"] == "file_too_large");
    CHECK(large_error["params"] ==
          nlohmann::json{{"size_bytes", large.size()}, {"limit_bytes", 3000}});
    auto chunked =
        editor.request("PUT", "/api/v1/media", large,
                       {{"Content-Type", "image/png"}, {"Transfer-Encoding", "chunked"}});
    CHECK(chunked.status == 413);
    CHECK(nlohmann::json::parse(chunked.body)["error"]["params"]["limit_bytes"] == 3000);

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

namespace {

// PUT /api/v1/media with extra headers (the upload's name) and query.
HttpResponse upload(HttpClient& client, const std::string& bytes, const std::string& query = {},
                    const HttpHeaders& extra = {}) {
    HttpHeaders headers = {{"Content-Type", "image/png"}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return client.request("PUT", "/api/v1/media" + query, bytes, headers);
}

// The library's entry of `sha` (null when not listed).
nlohmann::json library_entry(HttpClient& client, const std::string& sha) {
    auto res = client.get("/api/v1/media");
    REQUIRE(res.status == 200);
    const nlohmann::json media = res.json().at("media");
    for (const auto& m : media) {
        if (m.at("sha256") == sha) return m;
    }
    return nullptr;
}

// The names the library lists for `query`, in its order.
std::vector<std::string> listed_names(HttpClient& client, const std::string& query) {
    auto res = client.get("/api/v1/media" + query);
    INFO(query << " answered " << res.status << " " << res.body);
    REQUIRE(res.status == 200);
    std::vector<std::string> out;
    const nlohmann::json media = res.json().at("media");
    for (const auto& m : media) out.push_back(m.at("name").get<std::string>());
    return out;
}

std::string created_id(const HttpResponse& res) {
    INFO(res.status << " " << res.body);
    REQUIRE(res.status == 201);
    return res.json().at("id").get<std::string>();
}

}  // namespace

TEST_CASE("server: media have names, an uploader and a time, and the library searches and sorts",
          "[server][media][library]") {
    Staff staff;
    const std::string poster = make_png(60, 40, 1);  // largest
    const std::string photo = make_png(30, 20, 2);
    const std::string plain = make_png(8, 8, 3);  // smallest
    REQUIRE(poster.size() > photo.size());
    REQUIRE(photo.size() > plain.size());

    // The browser's name as percent-encoded UTF-8 in X-Filename, with its folder dropped.
    auto up = upload(staff.editor, poster, {},
                     {{"X-Filename",
                       "C%3A%5Cfotos%5C%E7%A4%BE%E5%8C%BA%E6%B4%BB%E5%8A%A8%E6%B5%B7%"
                       "E6%8A%A5.png"}});
    REQUIRE(up.status == 201);
    CHECK(up.json().at("name") == "社区活动海报.png");
    // Or ?name=.
    auto up2 = upload(staff.editor, photo, "?name=Volunteer%20Photo.PNG");
    REQUIRE(up2.status == 201);
    CHECK(up2.json().at("name") == "Volunteer Photo.PNG");
    // None: named after its sha256.
    auto up3 = upload(staff.editor, plain);
    REQUIRE(up3.status == 201);
    const std::string plain_sha = signage::sha256_hex(plain);
    CHECK(up3.json().at("name") == plain_sha.substr(0, 12) + ".png");
    // The same bytes again keep the first name.
    CHECK(upload(staff.editor, poster, "?name=again.png").json().at("name") == "社区活动海报.png");

    const auto entry = library_entry(staff.reviewer, signage::sha256_hex(poster));
    REQUIRE(entry.is_object());
    CHECK(entry.at("name") == "社区活动海报.png");
    CHECK(entry.at("size") == poster.size());
    CHECK(entry.at("width") == 60);
    CHECK(entry.at("height") == 40);
    CHECK(entry.at("uploader") == "editor");
    CHECK(entry.at("uploaded_at").get<std::string>().size() >= 20);
    CHECK(entry.at("used_by") == nlohmann::json::array());
    CHECK_FALSE(entry.contains("duration_s"));  // images have none

    // Search in names: a part of one, letters in any case.
    CHECK(listed_names(staff.editor, "?q=%E6%B5%B7%E6%8A%A5") ==
          std::vector<std::string>{"社区活动海报.png"});
    CHECK(listed_names(staff.editor, "?q=photo") ==
          std::vector<std::string>{"Volunteer Photo.PNG"});
    CHECK(listed_names(staff.editor, "?q=.png").size() == 3);
    CHECK(listed_names(staff.editor, "?q=%25").empty());  // "%" is a character, not a wildcard
    // Sort by size, name or time, either way.
    const std::string plain_name = plain_sha.substr(0, 12) + ".png";
    CHECK(listed_names(staff.editor, "?sort=size") ==
          std::vector<std::string>{"社区活动海报.png", "Volunteer Photo.PNG", plain_name});
    CHECK(listed_names(staff.editor, "?sort=size&order=asc") ==
          std::vector<std::string>{plain_name, "Volunteer Photo.PNG", "社区活动海报.png"});
    auto by_name = listed_names(staff.editor, "?sort=name");
    CHECK(std::is_sorted(by_name.begin(), by_name.end()));
    auto by_name_desc = listed_names(staff.editor, "?sort=name&order=desc");
    CHECK(std::is_sorted(by_name_desc.rbegin(), by_name_desc.rend()));
    CHECK(listed_names(staff.editor, "?sort=uploaded_at&order=asc").size() == 3);

    // Rename.
    const std::string photo_sha = signage::sha256_hex(photo);
    auto renamed = staff.editor.request("PATCH", "/api/v1/media/" + photo_sha,
                                        R"({"name": "  志愿者合影.png "})",
                                        {{"Content-Type", "application/json"}});
    REQUIRE(renamed.status == 200);
    CHECK(renamed.json().at("name") == "志愿者合影.png");
    CHECK(library_entry(staff.editor, photo_sha).at("name") == "志愿者合影.png");

    // Bad input: 4xx naming the field, and nothing changes.
    auto patch = [&](const std::string& sha, const std::string& body) {
        return staff.editor.request("PATCH", "/api/v1/media/" + sha, body,
                                    {{"Content-Type", "application/json"}});
    };
    auto check_refused = [](const HttpResponse& res, int status, const std::string& field) {
        INFO(res.status << " " << res.body);
        CHECK(res.status == status);
        CHECK(error_field(res) == field);
    };
    check_refused(staff.editor.get("/api/v1/media?sort=colour"), 400, "sort");
    check_refused(staff.editor.get("/api/v1/media?order=up"), 400, "order");
    check_refused(staff.editor.get("/api/v1/media?q=" + std::string(401, 'a')), 400, "q");
    check_refused(patch(photo_sha, R"({"name": ""})"), 400, "name");
    check_refused(patch(photo_sha, R"({"name": "   "})"), 400, "name");
    check_refused(patch(photo_sha, R"({"name": 7})"), 400, "name");
    check_refused(patch(photo_sha, R"({})"), 400, "name");
    check_refused(patch(photo_sha, R"({"name": "a\nb.png"})"), 400, "name");
    check_refused(patch(photo_sha, R"({"name": "a.png", "size": 1})"), 400, "size");
    check_refused(patch(photo_sha, "{\"name\": \"" + std::string(121, 'x') + "\"}"), 400, "name");
    check_refused(patch("NOT-A-SHA", R"({"name": "a.png"})"), 400, "sha256");
    check_refused(patch(std::string(64, '0'), R"({"name": "a.png"})"), 404, "sha256");
    CHECK(patch(photo_sha, "{\"name\": \"" + std::string(120, 'x') + "\"}").status == 200);
    CHECK(staff.reviewer
              .request("PATCH", "/api/v1/media/" + photo_sha, R"({"name": "b.png"})",
                       {{"Content-Type", "application/json"}})
              .status == 403);
    CHECK(library_entry(staff.editor, photo_sha).at("name") == std::string(120, 'x'));
    // A broken name refuses the whole upload: nothing is stored.
    const std::string other = make_png(9, 9, 4);
    check_refused(upload(staff.editor, other, {}, {{"X-Filename", "a%0Ab.png"}}), 400,
                  "X-Filename");
    check_refused(upload(staff.editor, other, {}, {{"X-Filename", "%E6%B5"}}), 400, "X-Filename");
    check_refused(upload(staff.editor, other, "?name=%C0%AF.png"), 400, "name");
    CHECK(library_entry(staff.editor, signage::sha256_hex(other)).is_null());
    CHECK_FALSE(std::filesystem::exists(staff.server.data_dir() / "media" /
                                        signage::sha256_hex(other).substr(0, 2) /
                                        signage::sha256_hex(other)));
}

TEST_CASE("server: used_by names each slide using a medium through any media field, and if live",
          "[server][media][library]") {
    Staff staff;
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "hall"}}).status == 201);
    const std::string image = signage::sha256_hex(make_png(40, 30, 11));
    const std::string backdrop = signage::sha256_hex(make_png(40, 30, 12));
    const std::string portrait = signage::sha256_hex(make_png(30, 40, 13));
    REQUIRE(upload(staff.editor, make_png(40, 30, 11)).status == 201);
    REQUIRE(upload(staff.editor, make_png(40, 30, 12)).status == 201);
    REQUIRE(upload(staff.editor, make_png(30, 40, 13)).status == 201);

    // A draft image slide, a pending text slide with a background image and a
    // live honour roll with a photo that also uses the backdrop.
    const std::string draft = created_id(staff.editor.post(
        "/api/v1/slides",
        {{"type", "image"}, {"title", "海报草稿"}, {"media", image}, {"duration_s", 8}}));
    auto text = text_slide("夜间出行");
    text["background"] = {{"media", backdrop}};
    const std::string pending = created_id(staff.editor.post("/api/v1/slides", text));
    REQUIRE(staff.editor.post("/api/v1/slides/" + pending + "/submit").status == 200);
    const std::string live = staff.approved_slide(
        {{"type", "honor_roll"},
         {"title", "身边好人"},
         {"duration_s", 8},
         {"background", {{"media", backdrop}}},
         {"entries", {{{"name", "张三"}, {"photo", portrait}, {"deed", "扶老人过马路。"}}}}});
    staff.publish();

    auto uses = [&](const std::string& sha) {
        auto e = library_entry(staff.editor, sha);
        REQUIRE(e.is_object());
        return e.at("used_by");
    };
    const auto of_image = uses(image);
    REQUIRE(of_image.size() == 1);
    CHECK(of_image[0].at("id") == draft);
    CHECK(of_image[0].at("title") == "海报草稿");
    CHECK(of_image[0].at("status") == "draft");
    CHECK(of_image[0].at("live") == false);

    const auto of_backdrop = uses(backdrop);
    REQUIRE(of_backdrop.size() == 2);
    CHECK(of_backdrop[0].at("id") == pending);
    CHECK(of_backdrop[0].at("status") == "pending");
    CHECK(of_backdrop[0].at("live") == false);
    CHECK(of_backdrop[1].at("id") == live);
    CHECK(of_backdrop[1].at("status") == "published");
    CHECK(of_backdrop[1].at("live") == true);

    const auto of_portrait = uses(portrait);
    REQUIRE(of_portrait.size() == 1);
    CHECK(of_portrait[0].at("id") == live);
    CHECK(of_portrait[0].at("title") == "身边好人");
    CHECK(of_portrait[0].at("live") == true);
    CHECK(of_portrait[0].at("live_groups") == nlohmann::json::array({"hall"}));
}

TEST_CASE(
    "server: an unused medium is deleted with its file, and a used one is a 409 naming its users",
    "[server][media][library]") {
    Staff staff;
    REQUIRE(staff.admin.post("/api/v1/groups", {{"name", "hall"}}).status == 201);
    auto file_of = [&](const std::string& sha) {
        return staff.server.data_dir() / "media" / sha.substr(0, 2) / sha;
    };
    auto in_library = [&](const std::string& sha) {
        return !library_entry(staff.editor, sha).is_null();
    };
    auto check_in_use = [&](const std::string& sha, const std::string& slide) {
        auto res = staff.editor.del("/api/v1/media/" + sha);
        INFO(res.status << " " << res.body);
        CHECK(res.status == 409);
        CHECK(error_field(res) == "sha256");
        CHECK(res.json().at("error").at("message").get<std::string>().find("slide " + slide) !=
              std::string::npos);
        CHECK(std::filesystem::exists(file_of(sha)));
        CHECK(in_library(sha));
        CHECK(staff.server.client().get("/media/" + sha).status == 200);
    };
    const std::string unused_png = make_png(20, 20, 21);
    const std::string unused = signage::sha256_hex(unused_png);
    REQUIRE(upload(staff.editor, unused_png).status == 201);
    REQUIRE(std::filesystem::exists(file_of(unused)));

    // Unused: gone from the library and from disk, and no longer served.
    auto gone = staff.editor.del("/api/v1/media/" + unused);
    INFO(gone.body);
    CHECK(gone.status == 204);
    CHECK_FALSE(std::filesystem::exists(file_of(unused)));
    CHECK_FALSE(in_library(unused));
    CHECK(staff.server.client().get("/media/" + unused).status == 404);
    CHECK(error_field(staff.editor.del("/api/v1/media/" + unused)) == "sha256");
    CHECK(staff.editor.del("/api/v1/media/" + unused).status == 404);
    CHECK(staff.editor.del("/api/v1/media/xyz").status == 400);
    // It can be uploaded again.
    REQUIRE(upload(staff.editor, unused_png).status == 201);
    CHECK(std::filesystem::exists(file_of(unused)));

    // Used only by a draft: refused, and the draft can still be published later.
    const std::string draft_png = make_png(20, 20, 22);
    const std::string draft_media = signage::sha256_hex(draft_png);
    REQUIRE(upload(staff.editor, draft_png).status == 201);
    const std::string draft = created_id(staff.editor.post(
        "/api/v1/slides",
        {{"type", "image"}, {"title", "草稿"}, {"media", draft_media}, {"duration_s", 8}}));
    check_in_use(draft_media, draft);
    CHECK(staff.reviewer.del("/api/v1/media/" + draft_media).status == 403);
    // Once the draft is deleted, it may go.
    REQUIRE(staff.editor.del("/api/v1/slides/" + draft).status == 204);
    CHECK(staff.editor.del("/api/v1/media/" + draft_media).status == 204);
    CHECK_FALSE(std::filesystem::exists(file_of(draft_media)));

    // Live in a manifest, though its slide has since changed to another image
    // and that change was approved but not published yet: screens still show it.
    const std::string old_png = make_png(20, 20, 23);
    const std::string new_png = make_png(20, 20, 24);
    const std::string old_media = signage::sha256_hex(old_png);
    REQUIRE(upload(staff.editor, old_png).status == 201);
    REQUIRE(upload(staff.editor, new_png).status == 201);
    nlohmann::json slide = {
        {"type", "image"}, {"title", "海报"}, {"media", old_media}, {"duration_s", 8}};
    const std::string live = staff.approved_slide(slide);
    staff.publish();
    slide["media"] = signage::sha256_hex(new_png);
    // Editing a live slide sends it back to review.
    REQUIRE(staff.editor.put("/api/v1/slides/" + live, slide).json().at("status") == "pending");
    REQUIRE(approve_as_seen(staff.reviewer, "/api/v1/slides/" + live).status == 200);
    const auto uses = library_entry(staff.editor, old_media).at("used_by");
    REQUIRE(uses.size() == 1);
    CHECK(uses[0].at("id") == live);
    CHECK(uses[0].at("live") == true);
    check_in_use(old_media, live);
    // Published: the old image is on no screen and in no slide any more.
    staff.publish();
    CHECK(library_entry(staff.editor, old_media).at("used_by").empty());
    CHECK(staff.editor.del("/api/v1/media/" + old_media).status == 204);

    // A live slide deleted: its manifest still serves the image.
    const std::string kept_png = make_png(20, 20, 25);
    const std::string kept = signage::sha256_hex(kept_png);
    REQUIRE(upload(staff.editor, kept_png).status == 201);
    const std::string deleted = staff.approved_slide(
        {{"type", "image"}, {"title", "已删的海报"}, {"media", kept}, {"duration_s", 8}});
    staff.publish();
    REQUIRE(staff.editor.del("/api/v1/slides/" + deleted).status == 204);
    const auto served = library_entry(staff.editor, kept).at("used_by");
    REQUIRE(served.size() == 1);
    CHECK(served[0].at("id") == deleted);
    CHECK(served[0].at("title") == "已删的海报");
    CHECK(served[0].at("status").is_null());
    CHECK(served[0].at("live") == true);
    check_in_use(kept, deleted);

    // A slide cannot name a deleted medium.
    REQUIRE(staff.editor.del("/api/v1/media/" + unused).status == 204);
    auto late = staff.editor.post(
        "/api/v1/slides",
        {{"type", "image"}, {"title", "迟到"}, {"media", unused}, {"duration_s", 8}});
    CHECK(late.status == 422);
    CHECK(error_field(late) == "media");
}

TEST_CASE("server: a medium deleted while a slide naming it is being saved is not left referenced",
          "[server][media][library]") {
    // The slide pauses after its validation found the medium, and the medium
    // is deleted then (nothing used it yet): the slide's own transaction must
    // see that it is gone.
    ServerOptions options;
    options.env = {{"SIGNAGE_FAULT_PAUSE", "slides.after_validate:2000"}};
    Staff staff(options);
    const std::string png = make_png(20, 20, 41);
    const std::string sha = signage::sha256_hex(png);
    REQUIRE(upload(staff.editor, png).status == 201);
    const std::string paused = "fault: paused at slides.after_validate\n";
    auto creating = std::async(std::launch::async, [&] {
        HttpClient client = staff.server.client(staff.editor.token());
        return client.post(
            "/api/v1/slides",
            {{"type", "image"}, {"title", "与删除同时"}, {"media", sha}, {"duration_s", 8}});
    });
    REQUIRE(wait_until(
        [&] { return staff.server.process().output().find(paused) != std::string::npos; }));
    auto deleted = staff.editor.del("/api/v1/media/" + sha);
    const HttpResponse created = creating.get();
    INFO(deleted.status << " " << deleted.body << " / " << created.status << " " << created.body);
    CHECK(deleted.status == 204);
    CHECK(created.status == 422);
    CHECK(error_field(created) == "media");
    CHECK(staff.editor.get("/api/v1/slides").json().at("slides").empty());
    CHECK(staff.server.client().get("/media/" + sha).status == 404);
}

TEST_CASE("server: temporary files a crash left in media are removed at start, stored media stay",
          "[server][media][leftovers]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const std::string png = make_png(40, 30);
    REQUIRE(editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
    const std::string sha = signage::sha256_hex(png);
    REQUIRE(server.stop() == 0);

    // What kill -9 during uploads leaves: temporaries next to where the
    // files were going, one of them beside a stored file.
    const auto media = server.data_dir() / "media";
    const auto leftover_a = media / sha.substr(0, 2) / (sha + ".tmp-0123456789ab");
    const std::string other(64, 'e');
    const auto leftover_b = media / "ee" / (other + ".tmp-ba9876543210");
    std::filesystem::create_directories(leftover_b.parent_path());
    write_text_file(leftover_a, std::string(300000, 'x'));
    write_text_file(leftover_b, std::string(2000, 'y'));
    REQUIRE(media_files(server).size() == 3);

    server.start();
    const auto files = media_files(server);
    REQUIRE(files.size() == 1);
    CHECK(files[0].filename() == sha);
    auto served = server.client().get("/media/" + sha);
    CHECK(served.status == 200);
    CHECK(served.body == png);

    // An upload that fails while writing its file leaves no temporary behind:
    // here its final name is taken by a directory, so the rename fails.
    const std::string jpeg = make_jpeg(32, 24);
    const std::string jpeg_sha = signage::sha256_hex(jpeg);
    std::filesystem::create_directories(media / jpeg_sha.substr(0, 2) / jpeg_sha);
    auto failed = editor.put_bytes("/api/v1/media", jpeg, "image/jpeg");
    CHECK(failed.status == 500);
    CHECK(media_files(server).size() == 1);
    CHECK(editor.get("/api/v1/media").json().at("media").size() == 1);
    std::filesystem::remove(media / jpeg_sha.substr(0, 2) / jpeg_sha);
    CHECK(editor.put_bytes("/api/v1/media", jpeg, "image/jpeg").status == 201);
    CHECK(media_files(server).size() == 2);
}

TEST_CASE(
    "server: in a media directory other instances share, only temporaries over an hour old are "
    "removed at start",
    "[server][media][leftovers]") {
    TempDir shared_media("signage-shared-media");
    ServerOptions options;
    options.args = {"--media-dir", shared_media.path().string()};
    ServerFixture server(options);
    auto editor = server.client(server.add_staff("editor", "editor"));
    const std::string png = make_png(40, 30, 9);
    const std::string sha = signage::sha256_hex(png);
    REQUIRE(editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
    CHECK(std::filesystem::is_regular_file(shared_media / sha.substr(0, 2) / sha));
    CHECK_FALSE(std::filesystem::exists(server.data_dir() / "media" / sha.substr(0, 2) / sha));
    REQUIRE(server.stop() == 0);

    // Another instance's upload in progress, and one a crash left yesterday.
    const auto writing = shared_media / "ab" / (std::string(64, 'a') + ".tmp-0123456789ab");
    const auto stale = shared_media / "cd" / (std::string(64, 'c') + ".tmp-ba9876543210");
    std::filesystem::create_directories(writing.parent_path());
    std::filesystem::create_directories(stale.parent_path());
    write_text_file(writing, "still being written");
    write_text_file(stale, "left by a crash");
    std::filesystem::last_write_time(
        stale, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));

    server.start();
    CHECK(std::filesystem::exists(writing));
    CHECK_FALSE(std::filesystem::exists(stale));
    auto served = server.client().get("/media/" + sha);
    CHECK(served.status == 200);
    CHECK(served.body == png);
}

namespace {

std::uint32_t crc32_of(std::string_view bytes) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (const char ch : bytes) {
        c ^= static_cast<unsigned char>(ch);
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::string png_chunk(std::string_view type, std::string_view data) {
    const std::string body = std::string(type).append(data);
    return be32(static_cast<std::uint32_t>(data.size())) + body + be32(crc32_of(body));
}

}  // namespace

TEST_CASE("server: an image with a good header whose data does not decode is refused, 422",
          "[server][media][decode]") {
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const auto refused = [&](const std::string& bytes) {
        auto res = editor.put_bytes("/api/v1/media", bytes, "application/octet-stream");
        INFO(res.body);
        CHECK(res.status == 422);
        CHECK(error_field(res) == "body");
        CHECK(nlohmann::json::parse(res.body)["error"]["reason"] == "image_undecodable");
    };
    // 45 bytes: a PNG claiming 7680x4320 (RGB, 8 bits) whose image data is one
    // empty chunk: its header reads cleanly, and there is no picture.
    const std::string header_only =
        std::string("\x89PNG\r\n\x1a\n", 8) +
        png_chunk("IHDR", be32(7680) + be32(4320) + std::string("\x08\x02\x00\x00\x00", 5)) +
        png_chunk("IDAT", "");
    REQUIRE(header_only.size() == 45);
    refused(header_only);

    // A PNG cut in the middle of its image data.
    const std::string png = noise_png(64, 64, 7);
    refused(png.substr(0, png.size() / 2));

    // A JPEG cut right after its start-of-scan header: every marker, no scan.
    const std::string jpeg = make_jpeg(64, 48);
    const auto sos = jpeg.find("\xFF\xDA");
    REQUIRE(sos != std::string::npos);
    const auto sos_len = static_cast<std::size_t>(static_cast<unsigned char>(jpeg[sos + 2]) << 8 |
                                                  static_cast<unsigned char>(jpeg[sos + 3]));
    refused(jpeg.substr(0, sos + 2 + sos_len));
    // And one cut halfway through its scan.
    refused(jpeg.substr(0, sos + 2 + sos_len + (jpeg.size() - sos) / 2));

    // Nothing was stored; whole pictures still are.
    CHECK(media_files(server).empty());
    CHECK(editor.put_bytes("/api/v1/media", png, "image/png").status == 201);
    CHECK(editor.put_bytes("/api/v1/media", jpeg, "image/jpeg").status == 201);
}
