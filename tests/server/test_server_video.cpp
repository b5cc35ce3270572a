// Films: uploads probed by content, their facts, posters and refusals, over
// real HTTP against the real server, with films the ffmpeg program makes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "common/sha256.hpp"
#include "server_test_helpers.hpp"
#include "support/film.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

// A PNG's width and height from its IHDR chunk; {0, 0} when it is no PNG.
std::pair<int, int> png_size(const std::string& bytes) {
    if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
        bytes.compare(12, 4, "IHDR") != 0) {
        return {0, 0};
    }
    auto be32 = [&bytes](std::size_t at) {
        int n = 0;
        for (std::size_t i = 0; i < 4; ++i)
            n = (n << 8) | static_cast<unsigned char>(bytes[at + i]);
        return n;
    };
    return {be32(16), be32(20)};
}

HttpResponse upload(HttpClient& client, const std::filesystem::path& file,
                    const std::string& content_type = "application/octet-stream") {
    return client.put_bytes("/api/v1/media", read_text_file(file), content_type);
}

struct Expected {
    FilmSpec spec;
    std::string container;
    std::string content_type;
    std::string codec;
    json audio;
    int poster_width;
    int poster_height;
};

}  // namespace

TEST_CASE("video: MP4, WebM and MOV films are stored with their facts and a poster",
          "[server][media][video]") {
    TempDir films("films");
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const std::vector<Expected> cases{
        {{"mp4", "libx264", "aac", 1280, 720}, "mp4", "video/mp4", "h264", "aac", 640, 360},
        {{"mp4", "libx265", "", 320, 240}, "mp4", "video/mp4", "hevc", nullptr, 320, 240},
        {{"webm", "libvpx-vp9", "libopus", 320, 240},
         "webm",
         "video/webm",
         "vp9",
         "opus",
         320,
         240},
        {{"webm", "libvpx", "libvorbis", 320, 240},
         "webm",
         "video/webm",
         "vp8",
         "vorbis",
         320,
         240},
        {{"mov", "libx264", "", 480, 360}, "mov", "video/quicktime", "h264", nullptr, 480, 360},
    };
    std::map<std::string, const Expected*> by_sha;
    for (const Expected& want : cases) {
        const auto file = make_film(films.path(), want.spec);
        const std::string bytes = read_text_file(file);
        INFO(file.filename().string());
        auto up = upload(editor, file);
        REQUIRE(up.status == 201);
        const json j = up.json();
        CHECK(j.at("sha256") == signage::sha256_hex(bytes));
        CHECK(j.at("size") == bytes.size());
        CHECK(j.at("content_type") == want.content_type);
        CHECK(j.at("width") == want.spec.width);
        CHECK(j.at("height") == want.spec.height);
        const json& v = j.at("video");
        CHECK(v.at("container") == want.container);
        CHECK(v.at("codec") == want.codec);
        CHECK(v.at("width") == want.spec.width);
        CHECK(v.at("height") == want.spec.height);
        CHECK(v.at("fps") == 25.0);
        CHECK(v.at("duration_ms").get<int>() >= 1950);
        CHECK(v.at("duration_ms").get<int>() <= 2100);
        CHECK(v.at("pixel_format") == "yuv420p");
        CHECK(v.at("bit_rate").get<std::int64_t>() > 0);
        CHECK(v.at("audio") == want.audio);
        by_sha[j.at("sha256")] = &want;

        // Served whole or in ranges with its own type.
        const std::string sha = j.at("sha256");
        auto whole = server.client().get("/media/" + sha);
        REQUIRE(whole.status == 200);
        CHECK(whole.header("content-type") == want.content_type);
        CHECK(whole.body == bytes);
        auto part = server.client().request("GET", "/media/" + sha, {}, {{"Range", "bytes=4-11"}});
        CHECK(part.status == 206);
        CHECK(part.body == bytes.substr(4, 8));

        // The poster: a PNG at most 640 wide, the film's shape, for anyone.
        auto poster = server.client().get("/media/" + sha + "/poster.png");
        REQUIRE(poster.status == 200);
        CHECK(poster.header("content-type") == "image/png");
        CHECK(poster.header("cache-control").find("immutable") != std::string::npos);
        CHECK(png_size(poster.body) == std::make_pair(want.poster_width, want.poster_height));
    }

    // The library lists each film with its facts; an image has none.
    auto image = editor.put_bytes("/api/v1/media", make_png(40, 30), "image/png");
    REQUIRE(image.status == 201);
    CHECK(image.json().at("video").is_null());
    CHECK(server.client()
              .get("/media/" + image.json().at("sha256").get<std::string>() + "/poster.png")
              .status == 404);
    auto listed = editor.get("/api/v1/media");
    REQUIRE(listed.status == 200);
    const json library = listed.json().at("media");
    REQUIRE(library.size() == cases.size() + 1);
    for (const json& m : library) {
        const auto want = by_sha.find(m.at("sha256"));
        if (want == by_sha.end()) {
            CHECK(m.at("video").is_null());
            continue;
        }
        CHECK(m.at("content_type") == want->second->content_type);
        CHECK(m.at("video").at("codec") == want->second->codec);
        CHECK(m.at("video").at("audio") == want->second->audio);
    }
    // Each film's file and poster, and the image; and a rendition (with its
    // poster) of each film the default screen profile does not take (H.265,
    // VP9, VP8), once those conversions are over.
    std::size_t renditions = 0;
    for (const auto& [sha, want] : by_sha) {
        const json film = wait_for_film(editor, sha, conversions_ended);
        for (const json& r : film.at("renditions")) renditions += r.at("status") == "done";
        CHECK(film.at("renditions").size() == (want->codec == "h264" ? 0u : 1u));
    }
    CHECK(renditions == 3);
    CHECK(media_files(server).size() == 2 * cases.size() + 1 + 2 * renditions);
}

TEST_CASE("video: refused films name their reason and leave nothing stored",
          "[server][media][video]") {
    TempDir films("films");
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const auto library_size = [&editor] {
        return editor.get("/api/v1/media").json().at("media").size();
    };
    struct Refusal {
        std::string what;
        std::string bytes;
        int status;
        std::string reason;
    };
    std::vector<Refusal> refusals;
    refusals.push_back(
        {"ProRes in MOV",
         read_text_file(make_film(films.path(), {"mov", "prores_ks", "", 320, 240, 1})), 415,
         "video_codec"});
    refusals.push_back(
        {"VP9 in MP4",
         read_text_file(make_film(films.path(), {"mp4", "libvpx-vp9", "", 320, 240, 1})), 415,
         "video_codec"});
    refusals.push_back({"sound only",
                        read_text_file(make_film(films.path(), {"m4a", "", "aac", 0, 0, 1})), 422,
                        "no_video"});
    const std::string whole = read_text_file(make_film(films.path(), {"mp4", "libx264", "aac"}));
    refusals.push_back(
        {"the first half of an MP4", whole.substr(0, whole.size() / 2), 422, "video_undecodable"});
    refusals.push_back({"a 12000x12000 frame",
                        read_text_file(make_film(
                            films.path(), {"mov", "mjpeg", "", 12000, 12000, 1, 1, "color=black"})),
                        422, "video_too_big"});
    refusals.push_back({"a film over an hour",
                        read_text_file(make_film(films.path(), {"mp4", "libx264", "", 64, 64, 3601,
                                                                0, "color=black", 1})),
                        422, "video_too_long"});
    for (const Refusal& r : refusals) {
        INFO(r.what);
        auto res = editor.put_bytes("/api/v1/media", r.bytes, "video/mp4");
        CHECK(res.status == r.status);
        CHECK(error_field(res) == "body");
        CHECK(res.json()["error"]["reason"] == r.reason);
        CHECK(library_size() == 0);
        CHECK(media_files(server).empty());
    }
    CHECK(json::parse(
              editor.put_bytes("/api/v1/media", refusals[0].bytes).body)["error"]["message"] ==
          "media: video codec ProRes is not supported; H.264, H.265, VP8, VP9 are");
    CHECK(json::parse(
              editor.put_bytes("/api/v1/media", refusals[1].bytes).body)["error"]["message"] ==
          "media: video codec VP9 is not supported in MP4; H.264, H.265 are");
    CHECK(
        json::parse(editor.put_bytes("/api/v1/media", refusals[4].bytes).body)["error"]["params"] ==
        json({{"width", 12000}, {"height", 12000}, {"max_side", 8192}, {"max_pixels", 35000000}}));
    CHECK(
        json::parse(editor.put_bytes("/api/v1/media", refusals[5].bytes).body)["error"]["params"] ==
        json({{"seconds", 3601}, {"max_seconds", 3600}}));
    // The server goes on: a good film after them is stored.
    CHECK(upload(editor, make_film(films.path(), {"mp4", "libx264", "", 160, 120, 1})).status ==
          201);
}

TEST_CASE("video: the bytes decide, not the name or the declared type", "[server][media][video]") {
    TempDir films("films");
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const std::string png = make_png(40, 30);
    auto image =
        editor.request("PUT", "/api/v1/media?name=film.mp4", png, {{"Content-Type", "video/mp4"}});
    REQUIRE(image.status == 201);
    CHECK(image.json().at("content_type") == "image/png");
    CHECK(image.json().at("name") == "film.mp4");
    CHECK(image.json().at("video").is_null());

    const auto film = make_film(films.path(), {"mp4", "libx264", "", 160, 120, 1});
    auto video = editor.request("PUT", "/api/v1/media?name=picture.png", read_text_file(film),
                                {{"Content-Type", "image/png"}});
    REQUIRE(video.status == 201);
    CHECK(video.json().at("content_type") == "video/mp4");
    CHECK(video.json().at("name") == "picture.png");
    CHECK(video.json().at("video").at("codec") == "h264");
}

TEST_CASE("video: films have their own size limit, images keep theirs", "[server][media][video]") {
    TempDir films("films");
    const std::string small =
        read_text_file(make_film(films.path(), {"mp4", "libx264", "", 160, 120, 1}));
    const std::string large =
        read_text_file(make_film(films.path(), {"mp4", "libx264", "aac", 640, 480, 2}));
    const std::string jpeg = make_jpeg(400, 300, 7);
    REQUIRE(small.size() > 3000);
    REQUIRE(jpeg.size() > 3000);
    REQUIRE(large.size() > small.size() + 100);
    const std::uint64_t film_limit = small.size() + 100;
    ServerOptions options;
    options.args = {"--max-upload-bytes", "3000", "--max-video-bytes", std::to_string(film_limit)};
    ServerFixture server(options);
    auto editor = server.client(server.add_staff("editor", "editor"));

    // Over the image limit, under the film limit: the gate lets it through.
    CHECK(editor.put_bytes("/api/v1/media", small, "video/mp4").status == 201);
    auto too_long = editor.put_bytes("/api/v1/media", large, "video/mp4");
    CHECK(too_long.status == 413);
    CHECK(error_field(too_long) == "body");
    CHECK(too_long.json()["error"]["params"]["limit_bytes"] == film_limit);
    // An image is held to its own limit once its bytes say it is one.
    auto image = editor.put_bytes("/api/v1/media", jpeg, "video/mp4");
    CHECK(image.status == 413);
    CHECK(image.json()["error"]["reason"] == "file_too_large");
    CHECK(image.json()["error"]["params"]["limit_bytes"] == 3000);
    CHECK(editor.get("/api/v1/media").json().at("media").size() == 1);
}

TEST_CASE("video: a video slide shows a stored film and lasts it when it plays to the end",
          "[server][media][video][slides]") {
    TempDir films("films");
    Staff staff;
    auto film = staff.editor.put_bytes(
        "/api/v1/media",
        read_text_file(make_film(films.path(), {"mp4", "libx264", "", 320, 240, 2.5})));
    REQUIRE(film.status == 201);
    const std::string film_sha = film.json().at("sha256");
    const std::int64_t duration_ms = film.json().at("video").at("duration_ms");
    REQUIRE(duration_ms % 1000 != 0);  // so that rounding up shows
    const int film_seconds = static_cast<int>((duration_ms + 999) / 1000);
    auto image = staff.editor.put_bytes("/api/v1/media", make_png(40, 30), "image/png");
    REQUIRE(image.status == 201);
    const std::string image_sha = image.json().at("sha256");
    const auto slide_count = [&staff] {
        return staff.editor.get("/api/v1/slides").json().at("slides").size();
    };
    const auto before = slide_count();

    // To the end: the film's length, rounded up, whatever the editor sent.
    json slide = {{"type", "video"},       {"title", "公益短片"}, {"media", film_sha},
                  {"play", "to_end"},      {"duration_s", 30},    {"purpose", "public_service"},
                  {"public_service", true}};
    auto created = staff.editor.post("/api/v1/slides", slide);
    REQUIRE(created.status == 201);
    CHECK(created.json().at("duration_s") == film_seconds);
    const std::string id = created.json().at("id");
    slide["duration_s"] = 99;
    auto updated = staff.editor.put("/api/v1/slides/" + id, slide);
    REQUIRE(updated.status == 200);
    CHECK(updated.json().at("duration_s") == film_seconds);

    // Looping: the editor's duration stands.
    json looping = slide;
    looping["play"] = "loop";
    looping["duration_s"] = 30;
    auto loop = staff.editor.post("/api/v1/slides", looping);
    REQUIRE(loop.status == 201);
    CHECK(loop.json().at("duration_s") == 30);

    // A video slide needs a stored film; an image slide a picture.
    json picture = slide;
    picture["media"] = image_sha;
    auto not_film = staff.editor.post("/api/v1/slides", picture);
    CHECK(not_film.status == 422);
    CHECK(error_field(not_film) == "media");
    CHECK(not_film.json()["error"]["params"]["format"] == "video");
    json unknown = slide;
    unknown["media"] = std::string(64, 'a');
    auto missing = staff.editor.post("/api/v1/slides", unknown);
    CHECK(missing.status == 422);
    CHECK(error_field(missing) == "media");
    auto film_as_image = staff.editor.post(
        "/api/v1/slides",
        {{"type", "image"}, {"title", "海报"}, {"media", film_sha}, {"duration_s", 8}});
    CHECK(film_as_image.status == 422);
    CHECK(error_field(film_as_image) == "media");
    CHECK(film_as_image.json()["error"]["params"]["format"] == "picture");
    auto changed_to_film = staff.editor.put(
        "/api/v1/slides/" + loop.json().at("id").get<std::string>(),
        {{"type", "image"}, {"title", "海报"}, {"media", film_sha}, {"duration_s", 8}});
    CHECK(changed_to_film.status == 422);
    CHECK(slide_count() == before + 2);
    CHECK(staff.editor.get("/api/v1/slides/" + loop.json().at("id").get<std::string>())
              .json()
              .at("type") == "video");

    // The screen's manifest: the slide with the film's length, the film with its facts.
    auto screen = staff.server.client(staff.server.add_screen("hall", "community"));
    const std::string approved = staff.approved_slide(slide);
    staff.publish();
    const auto manifest = fetch_manifest(screen);
    const auto item = std::find_if(manifest.items.begin(), manifest.items.end(),
                                   [&](const auto& s) { return s.id == approved; });
    REQUIRE(item != manifest.items.end());
    CHECK(item->duration_s == film_seconds);
    const auto* ref = manifest.find_media(film_sha);
    REQUIRE(ref != nullptr);
    CHECK(ref->content_type == "video/mp4");
    REQUIRE(ref->video.has_value());
    CHECK(ref->video->duration_ms == duration_ms);
    CHECK(ref->video->width == 320);
    CHECK(ref->video->height == 240);
    CHECK(ref->video->codec == "h264");
}

TEST_CASE("video: a film is probed from disk, never held in memory", "[server][media][video]") {
    TempDir films("films");
    // 75 MB: 30 s of 1080p at 20 Mbit/s.
    const auto film =
        make_film(films.path(),
                  {"mp4", "libx264", "aac", 1920, 1080, 30, 0, "testsrc2", 25, {"-b:v", "20M"}});
    const auto size = std::filesystem::file_size(film);
    REQUIRE(size > 60'000'000);
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    REQUIRE(editor.get("/api/v1/media").status == 200);  // signed in (argon2id's peak is past)
    reset_peak_resident(server.process());
    const long before = peak_resident_kb(server.process());
    REQUIRE(before > 0);
    auto up = editor.put_bytes("/api/v1/media", read_text_file(film));
    REQUIRE(up.status == 201);
    CHECK(up.json().at("size") == size);
    CHECK(up.json().at("video").at("width") == 1920);
    const long after = peak_resident_kb(server.process());
    INFO("film " << size / 1000 << " kB; peak VmHWM before " << before << " kB, after " << after
                 << " kB");
    // The film in memory would be 75 MB more; probing it (a few decoded
    // frames, at most 8 MiB of packets) takes about 22 MB.
    CHECK(after - before < growth_bound_kb(45'000, 200'000));
}

TEST_CASE("video: the upload answer names a film's facts flat and its poster by sha256",
          "[server][media][video]") {
    TempDir films("films");
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    auto up = upload(editor, make_film(films.path(), {"webm", "libvpx-vp9", "libopus", 320, 240}));
    REQUIRE(up.status == 201);
    const json j = up.json();
    CHECK(j.at("duration_s").is_number());
    CHECK(j.at("duration_s").get<double>() >= 1.95);
    CHECK(j.at("duration_s").get<double>() <= 2.1);
    CHECK(j.at("video_codec") == "vp9");
    CHECK(j.at("frame_rate") == 25.0);
    CHECK(j.at("audio_codec") == "opus");
    const std::string sha = j.at("sha256");
    const std::string poster_sha = j.at("poster");
    // The poster's address is its own content's sha256, and it is served there
    // as it is under the film's address.
    auto poster = server.client().get("/media/" + poster_sha);
    REQUIRE(poster.status == 200);
    CHECK(poster.header("content-type") == "image/png");
    CHECK(poster.header("cache-control").find("immutable") != std::string::npos);
    CHECK(signage::sha256_hex(poster.body) == poster_sha);
    CHECK(png_size(poster.body) == std::make_pair(320, 240));
    CHECK(server.client().get("/media/" + sha + "/poster.png").body == poster.body);

    // A silent film's sound is null; the library lists the same facts.
    auto silent = upload(editor, make_film(films.path(), {"mp4", "libx264", "", 160, 120, 1}));
    REQUIRE(silent.status == 201);
    CHECK(silent.json().at("audio_codec").is_null());
    CHECK(silent.json().at("video_codec") == "h264");
    const json library = editor.get("/api/v1/media").json().at("media");
    const auto listed = std::find_if(library.begin(), library.end(),
                                     [&](const json& m) { return m.at("sha256") == sha; });
    REQUIRE(listed != library.end());
    CHECK(listed->at("poster") == poster_sha);
    CHECK(listed->at("video_codec") == "vp9");
    CHECK(listed->at("audio_codec") == "opus");
    // An image has none of them.
    auto image = editor.put_bytes("/api/v1/media", make_png(40, 30), "image/png");
    REQUIRE(image.status == 201);
    CHECK_FALSE(image.json().contains("poster"));
}

namespace {

using Rgb = std::array<int, 3>;

// How a film keeps its colours: the matrix its 8-bit Y'CbCr is made with
// (BT.709 or BT.601) and its range (full 0..255, or video 16..235).
struct Coding {
    bool bt709 = false;
    bool full = false;
};

// `colour` kept as Y'CbCr `as` says, read back as RGB with `read`.
Rgb through_yuv(const Rgb& colour, Coding as, Coding read) {
    auto weights = [](Coding c) {
        return c.bt709 ? std::pair{0.2126, 0.0722} : std::pair{0.299, 0.114};
    };
    const auto [kr, kb] = weights(as);
    const double r = colour[0] / 255.0, g = colour[1] / 255.0, b = colour[2] / 255.0;
    const double y = kr * r + (1 - kr - kb) * g + kb * b;
    const double cb = (b - y) / (2 * (1 - kb)), cr = (r - y) / (2 * (1 - kr));
    // Stored as 8-bit numbers...
    const double luma = as.full ? 255.0 : 219.0, chroma = as.full ? 255.0 : 224.0;
    const double Y = std::round((as.full ? 0 : 16) + luma * y);
    const double Cb = std::round(128 + chroma * cb), Cr = std::round(128 + chroma * cr);
    // ...and read.
    const auto [rkr, rkb] = weights(read);
    const double rl = read.full ? 255.0 : 219.0, rc = read.full ? 255.0 : 224.0;
    const double y2 = (Y - (read.full ? 0 : 16)) / rl;
    const double cb2 = (Cb - 128) / rc, cr2 = (Cr - 128) / rc;
    const double r2 = y2 + 2 * (1 - rkr) * cr2, b2 = y2 + 2 * (1 - rkb) * cb2;
    const double g2 = (y2 - rkr * r2 - rkb * b2) / (1 - rkr - rkb);
    auto channel = [](double v) {
        return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
    };
    return {channel(r2), channel(g2), channel(b2)};
}

int farthest(const Rgb& a, const Rgb& b) {
    int most = 0;
    for (std::size_t i = 0; i < 3; ++i) most = std::max(most, std::abs(a[i] - b[i]));
    return most;
}

// A second of one colour, its Y'CbCr made as `as` says, its stream tagged
// with that matrix and range when `tagged`: H.264 in MP4, or VP9 in WebM
// (whose decoder says full range as a tag, not as a yuvj pixel format).
FilmSpec solid_film(const Rgb& colour, int w, int h, Coding as, bool tagged, bool vp9 = false) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%02X%02X%02X", colour[0], colour[1], colour[2]);
    std::vector<std::string> options{"-vf", std::string("scale=out_color_matrix=")
                                                .append(as.bt709 ? "bt709" : "bt601")
                                                .append(":out_range=")
                                                .append(as.full ? "pc" : "tv")};
    if (tagged) {
        options.insert(options.end(), {"-colorspace", as.bt709 ? "bt709" : "smpte170m",
                                       "-color_range", as.full ? "pc" : "tv"});
    }
    return FilmSpec(vp9 ? "webm" : "mp4", vp9 ? "libvpx-vp9" : "libx264", {}, w, h, 1, 0,
                    std::string("color=c=").append(hex), 25, options);
}

}  // namespace

TEST_CASE("video: a film's poster has the colours a screen shows it in, by its matrix and range",
          "[server][media][video]") {
    TempDir films("films");
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const Rgb colour{200, 60, 40};
    constexpr int kTolerance = 5;
    // What libswscale reads every film as unless told: BT.601, video range.
    constexpr Coding kSwscaleDefault{false, false};
    struct Case {
        const char* what;
        int width, height;
        Coding as;
        bool tagged;
        bool vp9 = false;
    };
    for (const Case& c :
         {Case{"HD, BT.709, tagged", 1280, 720, {true, false}, true},
          Case{"HD, BT.709, untagged: by its size", 1280, 720, {true, false}, false},
          Case{"SD, BT.709, tagged: the tag over its size", 640, 360, {true, false}, true},
          Case{"SD, BT.601, full range, tagged (VP9)", 640, 360, {false, true}, true, true},
          Case{"SD, BT.601, untagged: by its size", 640, 360, {false, false}, false}}) {
        INFO(c.what);
        auto up = upload(editor, make_film(films.path(), solid_film(colour, c.width, c.height, c.as,
                                                                    c.tagged, c.vp9)));
        REQUIRE(up.status == 201);
        const Pixels poster = decode_png(server.client().get(
            "/media/" + up.json().at("sha256").get<std::string>() + "/poster.png"));
        const Rgb shown = poster.at(poster.w / 2, poster.h / 2);
        INFO("poster " << shown[0] << "," << shown[1] << "," << shown[2]);
        CHECK(farthest(shown, colour) <= kTolerance);
        // Read as libswscale reads a film unless told, each of the others
        // would miss the colour by more than the tolerance.
        const bool as_default = !c.as.bt709 && !c.as.full;
        const int miss = farthest(through_yuv(colour, c.as, kSwscaleDefault), colour);
        INFO("read as BT.601 video range: off by " << miss);
        CHECK((as_default ? miss <= 1 : miss > 2 * kTolerance));
    }
}

TEST_CASE(
    "video: films stored before posters were drawn or addressed get one when the server starts",
    "[server][media][video]") {
    TempDir films("films");
    ServerFixture server;
    auto editor = server.client(server.add_staff("editor", "editor"));
    const Rgb colour{200, 60, 40};
    auto upload_solid = [&](int width) {
        auto up = upload(editor, make_film(films.path(), solid_film(colour, width, width * 9 / 16,
                                                                    {true, false}, true)));
        REQUIRE(up.status == 201);
        return up.json();
    };
    // One as a film was stored before posters were drawn (no poster file,
    // none recorded), one as before they were addressed by their sha256
    // (the file, none recorded).
    const json undrawn = upload_solid(640);
    const json unaddressed = upload_solid(320);
    const std::string undrawn_sha = undrawn.at("sha256");
    const std::string unaddressed_sha = unaddressed.at("sha256");
    const auto poster_file = [&](const std::string& sha) {
        return server.data_dir() / "media" / sha.substr(0, 2) / (sha + ".poster.png");
    };
    REQUIRE(std::filesystem::remove(poster_file(undrawn_sha)));
    REQUIRE(server
                .query("UPDATE media_video SET poster_sha256 = NULL WHERE sha256 IN (?, ?) "
                       "RETURNING sha256",
                       {undrawn_sha, unaddressed_sha})
                .size() == 2);
    // What staff and screens see of them then: no poster.
    auto anyone = server.client();
    CHECK(editor.get("/api/v1/media/" + undrawn_sha).json().at("poster").is_null());
    CHECK(editor.get("/api/v1/media/" + unaddressed_sha).json().at("poster").is_null());
    CHECK(anyone.get("/media/" + undrawn_sha + "/poster.png").status == 404);
    CHECK(anyone.get("/media/" + unaddressed.at("poster").get<std::string>()).status == 404);

    server.restart();

    for (const auto& [film, width, same_bytes] :
         {std::tuple{undrawn, 640, false}, std::tuple{unaddressed, 320, true}}) {
        const std::string sha = film.at("sha256");
        INFO(sha);
        const json entry = editor.get("/api/v1/media/" + sha).json();
        REQUIRE(entry.at("poster").is_string());
        const std::string poster_sha = entry.at("poster");
        // Served at its own address and under the film's, the film's picture.
        auto by_address = anyone.get("/media/" + poster_sha);
        REQUIRE(by_address.status == 200);
        CHECK(signage::sha256_hex(by_address.body) == poster_sha);
        CHECK(anyone.get("/media/" + sha + "/poster.png").body == by_address.body);
        const Pixels poster = decode_png(by_address);
        CHECK(poster.w == width);
        CHECK(farthest(poster.at(poster.w / 2, poster.h / 2), colour) <= 5);
        // The poster that was there is kept as it was.
        if (same_bytes) CHECK(poster_sha == film.at("poster"));
    }
}
