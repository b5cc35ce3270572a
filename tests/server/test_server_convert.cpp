// Films converted to the screen profiles of the groups (media/converter.hpp),
// over real HTTP against the real server, with films the ffmpeg program makes.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "common/fs.hpp"
#include "protocol/time.hpp"
#include "server_test_helpers.hpp"
#include "support/film.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

bool converting(const json& film) {
    const json& r = film.at("renditions");
    return std::any_of(r.begin(), r.end(),
                       [](const json& x) { return x.at("status") == "converting"; });
}

// "h264,1920,1080,yuv420p": what ffprobe says of the first video stream.
std::string probe_stream(const std::filesystem::path& file) {
    std::vector<std::string> args{"-v",  "error",         "-select_streams",
                                  "v:0", "-show_entries", "stream=codec_name,width,height,pix_fmt",
                                  "-of", "csv=p=0",       file.string()};
    const auto program = signage::find_on_path("ffprobe");
    REQUIRE_FALSE(program.empty());
    Process ffprobe(program, args);
    REQUIRE(ffprobe.wait(std::chrono::seconds(30)) == 0);
    ffprobe.wait_for_output_end(std::chrono::seconds(5));
    std::string out = ffprobe.output();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// Uploads a film as `editor`: its sha256.
std::string upload_film(HttpClient& editor, const std::filesystem::path& dir,
                        const FilmSpec& spec) {
    auto up = editor.put_bytes("/api/v1/media", read_text_file(make_film(dir, spec)));
    REQUIRE(up.status == 201);
    return up.json().at("sha256");
}

// Uploads a film as `editor` and waits for its conversions to end: its sha256
// and its library entry, which has one rendition (the default profile's).
std::pair<std::string, json> upload_converted(HttpClient& editor, const std::string& bytes) {
    auto up = editor.put_bytes("/api/v1/media", bytes);
    REQUIRE(up.status == 201);
    const std::string sha = up.json().at("sha256");
    json film = wait_for_film(editor, sha, conversions_ended);
    REQUIRE(film.at("renditions").size() == 1);
    return {sha, film};
}

// A server whose converter waits `ms` once a conversion is recorded as
// converting, before ffmpeg starts (a fault point: common/fault.hpp).
ServerOptions held_conversions(int ms) {
    ServerOptions options;
    options.env = {{"SIGNAGE_FAULT_PAUSE", "convert.before_ffmpeg:" + std::to_string(ms)}};
    return options;
}

json video_slide(const std::string& sha) {
    return {{"type", "video"},       {"title", "公益短片"}, {"media", sha},
            {"play", "to_end"},      {"duration_s", 10},    {"purpose", "public_service"},
            {"public_service", true}};
}

// The film the screen's manifest gives for slide `id` (listed in its media).
std::string film_shown(HttpClient& screen, const std::string& id) {
    const auto m = fetch_manifest(screen);
    const auto item =
        std::find_if(m.items.begin(), m.items.end(), [&](const auto& s) { return s.id == id; });
    REQUIRE(item != m.items.end());
    REQUIRE(m.find_media(item->media) != nullptr);
    return item->media;
}

// The screen's manifest gives `film` for slide `id` within 10 s (the server
// re-issues it when a conversion ends, with no publish).
bool shown_soon(HttpClient& screen, const std::string& id, const std::string& film) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (film_shown(screen, id) != film && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return film_shown(screen, id) == film;
}

// Sets the video profile of the group `name` to at most `width` x `height`.
void set_profile(Staff& staff, const std::string& name, int width, int height) {
    const json profile = {{"max_width", width},
                          {"max_height", height},
                          {"codecs", {"h264"}},
                          {"max_bitrate", 1000000}};
    auto changed =
        staff.admin.put("/api/v1/groups/" + name, {{"settings", {{"video_profile", profile}}}});
    INFO(changed.body);
    REQUIRE(changed.status == 200);
}

const json kDefaultProfile = {
    {"max_width", 1920}, {"max_height", 1080}, {"codecs", {"h264"}}, {"max_bitrate", 8000000}};

}  // namespace

TEST_CASE("convert: a 4K H.265 film becomes a 1080p H.264 rendition that the group's screens get",
          "[server][media][video][convert]") {
    TempDir films("films");
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("hall", "community"));
    const auto file =
        make_film(films.path(), {"mp4", "libx265", "", 3840, 2160, 1, 0, "testsrc2", 5});
    const std::string bytes = read_text_file(file);
    const auto [sha, film] = upload_converted(staff.editor, bytes);
    const json& r = film.at("renditions")[0];
    CHECK(r.at("status") == "done");
    CHECK(r.at("progress") == 100);
    CHECK(r.at("profile") == kDefaultProfile);
    CHECK(r.at("groups") == json::array({"community"}));
    CHECK(film.at("playable") == true);
    const std::string rendition = r.at("sha256");
    CHECK(rendition != sha);

    // The rendition is served by its address: H.264, 1080p, yuv420p.
    auto served = staff.server.client().get("/media/" + rendition);
    REQUIRE(served.status == 200);
    CHECK(served.header("content-type") == "video/mp4");
    const auto copy = films.path() / "rendition.mp4";
    write_text_file(copy, served.body);
    CHECK(probe_stream(copy) == "h264,1920,1080,yuv420p");

    // The library lists the original only; the original is as uploaded.
    const json library = staff.editor.get("/api/v1/media").json().at("media");
    REQUIRE(library.size() == 1);
    CHECK(library[0].at("sha256") == sha);
    CHECK(library[0].at("video_codec") == "hevc");
    CHECK(library[0].at("renditions")[0].at("sha256") == rendition);
    CHECK(staff.editor.get("/api/v1/media/" + rendition).status == 404);
    CHECK(staff.server.client().get("/media/" + sha).body == bytes);

    // The group's manifest names the rendition, with its facts, not the original.
    const std::string id = staff.approved_slide(video_slide(sha));
    staff.publish();
    const auto manifest = fetch_manifest(screen);
    const auto item = std::find_if(manifest.items.begin(), manifest.items.end(),
                                   [&](const auto& s) { return s.id == id; });
    REQUIRE(item != manifest.items.end());
    CHECK(item->media == rendition);
    CHECK(manifest.find_media(sha) == nullptr);
    const auto* ref = manifest.find_media(rendition);
    REQUIRE(ref != nullptr);
    CHECK(ref->content_type == "video/mp4");
    REQUIRE(ref->video.has_value());
    CHECK(ref->video->codec == "h264");
    CHECK(ref->video->width == 1920);
    CHECK(ref->video->height == 1080);
    // The film is live on the group's screens, through its rendition.
    const json used = staff.editor.get("/api/v1/media/" + sha).json().at("used_by");
    REQUIRE(used.size() == 1);
    CHECK(used[0].at("live") == true);
    CHECK(used[0].at("live_groups") == json::array({"community"}));
}

TEST_CASE("convert: a film that fits is not converted until a group's profile needs it",
          "[server][media][video][convert]") {
    TempDir films("films");
    Staff staff;
    auto screen = staff.server.client(staff.server.add_screen("hall", "community"));
    const std::string sha =
        upload_film(staff.editor, films.path(), {"mp4", "libx264", "", 1280, 720, 1});
    const json film = staff.editor.get("/api/v1/media/" + sha).json();
    // Published as it is: it fits the group's screens.
    const std::string id = staff.approved_slide(video_slide(sha));
    staff.publish();
    auto shown = [&] { return film_shown(screen, id); };
    CHECK(shown() == sha);
    CHECK(film.at("renditions") == json::array());
    CHECK(film.at("playable") == true);
    CHECK(media_files(staff.server).size() == 2);  // the film and its poster

    // A group whose screens take at most 640x360: a rendition for it.
    set_profile(staff, "community", 640, 360);
    const json converted = wait_for_film(staff.editor, sha, [](const json& f) {
        return !f.at("renditions").empty() && conversions_ended(f);
    });
    REQUIRE(converted.at("renditions").size() == 1);
    const json& r = converted.at("renditions")[0];
    CHECK(r.at("status") == "done");
    CHECK(r.at("groups") == json::array({"community"}));
    CHECK(r.at("profile").at("max_width") == 640);
    const auto copy = films.path() / "small.mp4";
    write_text_file(copy,
                    staff.server.client().get("/media/" + r.at("sha256").get<std::string>()).body);
    CHECK(probe_stream(copy) == "h264,640,360,yuv420p");
    CHECK(converted.at("playable") == true);

    // The group's screens get the rendition as soon as it is made, with no
    // publish (the server re-issues the manifest when the conversion ends).
    CHECK(shown_soon(screen, id, r.at("sha256")));
}

TEST_CASE(
    "convert: while a new profile's rendition is made, the group's screens keep the one they "
    "had, never the film they cannot play",
    "[server][media][video][convert]") {
    TempDir films("films");
    // Each conversion waits 2 s once it is recorded as converting.
    Staff staff(held_conversions(2000));
    auto screen = staff.server.client(staff.server.add_screen("hall", "community"));
    // H.265: outside every profile here (H.264 only), so the screens only
    // ever get renditions of it.
    const auto file =
        make_film(films.path(), {"mp4", "libx265", "", 1280, 720, 1, 0, "testsrc2", 5});
    const auto [sha, film] = upload_converted(staff.editor, read_text_file(file));
    const std::string first = film.at("renditions")[0].at("sha256");
    const std::string id = staff.approved_slide(video_slide(sha));
    staff.publish();
    auto shown = [&] { return film_shown(screen, id); };
    REQUIRE(shown() == first);

    // The group's screens now take at most 640x360: while that rendition is
    // made, the manifest re-issued for the new settings keeps the 720p one.
    set_profile(staff, "community", 640, 360);
    wait_for_film(staff.editor, sha, converting);
    CHECK(shown() == first);
    CHECK(shown() != sha);

    // Once it is made, the screens get it.
    const json done = wait_for_film(staff.editor, sha, [](const json& f) {
        return f.at("renditions").size() == 2 && conversions_ended(f);
    });
    std::string small;
    for (const json& r : done.at("renditions")) {
        if (r.at("profile").at("max_width") == 640) small = r.at("sha256");
    }
    REQUIRE_FALSE(small.empty());
    CHECK(shown_soon(screen, id, small));
}

TEST_CASE("convert: a slide is submitted only once its film is playable on its groups' screens",
          "[server][media][video][convert][slides]") {
    TempDir films("films");
    // Each conversion waits 3 s once it is recorded as converting.
    Staff staff(held_conversions(3000));
    staff.server.add_screen("hall", "community");
    const std::string sha =
        upload_film(staff.editor, films.path(), {"mp4", "libx265", "", 640, 480, 1});
    // A draft may be saved while the film converts.
    auto created = staff.editor.post("/api/v1/slides", video_slide(sha));
    REQUIRE(created.status == 201);
    const std::string id = created.json().at("id");

    const json during = wait_for_film(staff.editor, sha, converting);
    CHECK(during.at("playable") == false);
    auto refused = staff.editor.post("/api/v1/slides/" + id + "/submit", json::object());
    CHECK(refused.status == 409);
    CHECK(error_field(refused) == "media");
    CHECK(refused.json()["error"]["reason"] == "video_converting");
    CHECK(refused.json()["error"]["params"]["group"] == "community");
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("status") == "draft");

    wait_for_film(staff.editor, sha, conversions_ended);
    auto submitted = staff.editor.post("/api/v1/slides/" + id + "/submit", json::object());
    CHECK(submitted.status == 200);
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("status") == "pending");

    // The group's screens now take less: approving waits for that conversion too.
    const json small = {
        {"max_width", 320}, {"max_height", 240}, {"codecs", {"h264"}}, {"max_bitrate", 1000000}};
    REQUIRE(staff.admin.put("/api/v1/groups/community", {{"settings", {{"video_profile", small}}}})
                .status == 200);
    wait_for_film(staff.editor, sha, converting);
    auto not_yet = approve_as_seen(staff.reviewer, "/api/v1/slides/" + id);
    CHECK(not_yet.status == 409);
    CHECK(error_field(not_yet) == "media");
    CHECK(not_yet.json()["error"]["reason"] == "video_converting");
    wait_for_film(staff.editor, sha, conversions_ended);
    CHECK(approve_as_seen(staff.reviewer, "/api/v1/slides/" + id).status == 200);
    CHECK(staff.editor.get("/api/v1/slides/" + id).json().at("status") == "approved");
}

TEST_CASE("convert: a failed conversion says why and leaves the original as it was",
          "[server][media][video][convert]") {
    TempDir films("films");
    ServerOptions options;
    options.args = {"--convert-timeout-ms", "1"};  // ffmpeg is stopped at once
    Staff staff(options);
    staff.server.add_screen("hall", "community");
    const std::string bytes =
        read_text_file(make_film(films.path(), {"mp4", "libx265", "", 640, 480, 1}));
    const auto [sha, film] = upload_converted(staff.editor, bytes);
    const json& r = film.at("renditions")[0];
    CHECK(r.at("status") == "failed");
    CHECK(r.at("error").get<std::string>().find("ffmpeg took longer than 0.001 s") == 0);
    CHECK_FALSE(r.contains("sha256"));
    CHECK(film.at("playable") == false);
    // The original is downloadable and unchanged; nothing else was stored.
    CHECK(staff.server.client().get("/media/" + sha).body == bytes);
    CHECK(film.at("video_codec") == "hevc");
    CHECK(staff.editor.get("/api/v1/media").json().at("media").size() == 1);
    CHECK(media_files(staff.server).size() == 2);

    auto created = staff.editor.post("/api/v1/slides", video_slide(sha));
    REQUIRE(created.status == 201);
    auto refused = staff.editor.post(
        "/api/v1/slides/" + created.json().at("id").get<std::string>() + "/submit", json::object());
    CHECK(refused.status == 409);
    CHECK(error_field(refused) == "media");
    CHECK(refused.json()["error"]["reason"] == "video_conversion_failed");
    CHECK(refused.json()["error"]["params"]["error"] == r.at("error"));
}

TEST_CASE("convert: a restart finishes the conversions it found queued or cut short",
          "[server][media][video][convert]") {
    TempDir films("films");
    // The first conversion is held long enough to kill the server in it.
    Staff staff(held_conversions(60000));
    staff.server.add_screen("hall", "community");
    std::vector<std::string> shas;
    for (const FilmSpec& spec : {FilmSpec{"mp4", "libx265", "", 320, 240, 1},
                                 FilmSpec{"webm", "libvpx-vp9", "", 320, 240, 1}}) {
        shas.push_back(upload_film(staff.editor, films.path(), spec));
    }
    // One converting, the other queued behind it.
    const auto states = [&] {
        std::vector<std::string> out;
        for (const auto& sha : shas) {
            out.push_back(
                staff.editor.get("/api/v1/media/" + sha).json().at("renditions")[0].at("status"));
        }
        std::sort(out.begin(), out.end());
        return out;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (states() != std::vector<std::string>{"converting", "queued"} &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(states() == std::vector<std::string>{"converting", "queued"});

    staff.server.kill9();
    staff.server.set_env({});
    staff.server.start();
    for (const auto& sha : shas) {
        const json film = wait_for_film(staff.editor, sha, conversions_ended);
        CHECK(film.at("renditions")[0].at("status") == "done");
        CHECK(film.at("playable") == true);
    }
}

namespace {

// An ffmpeg that fails, saying so, while `broken` exists, and is the real
// one otherwise: a conversion failing for a while (a full disk, say).
std::filesystem::path flaky_ffmpeg(const std::filesystem::path& dir,
                                   const std::filesystem::path& broken) {
    const auto real = signage::find_on_path("ffmpeg");
    REQUIRE_FALSE(real.empty());
    const auto script = dir / "ffmpeg";
    write_text_file(script, "#!/bin/sh\nif [ -e '" + broken.string() +
                                "' ]; then echo 'No space left on device' >&2; exit 1; fi\n"
                                "exec '" +
                                real.string() + "' \"$@\"\n");
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    return script;
}

// The rendition of the film `sha` as the library shows it now.
json only_rendition(HttpClient& editor, const std::string& sha) {
    const json film = editor.get("/api/v1/media/" + sha).json();
    REQUIRE(film.at("renditions").size() == 1);
    return film.at("renditions")[0];
}

// The times a failed conversion of the film `sha` was to be tried again
// (retry_at), each once, in order, until it is failed with no retry left;
// a restart of the server after the first. Fails after `limit`.
std::vector<std::string> follow_retries(Staff& staff, const std::string& sha,
                                        std::chrono::seconds limit) {
    std::vector<std::string> retries;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool restarted = false;
    for (;;) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        const json r = only_rendition(staff.editor, sha);
        if (r.at("status") == "failed") {
            if (!r.contains("retry_at")) return retries;
            const std::string at = r.at("retry_at");
            if (retries.empty() || retries.back() != at) retries.push_back(at);
            if (!restarted) {
                // The schedule is kept in the store: a restart goes on with it.
                staff.server.restart();
                restarted = true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace

TEST_CASE(
    "convert: a failed conversion is tried again after growing delays, then stays failed with "
    "its reason until staff ask for it again",
    "[server][media][video][convert]") {
    TempDir dir("convert-retry");
    const auto broken = dir.path() / "broken";
    write_text_file(broken, "");
    ServerOptions options;
    options.args = {"--ffmpeg", flaky_ffmpeg(dir.path(), broken).string(),
                    "--convert-retry-seconds", "1,2"};
    options.log_file = dir.path() / "server.log";
    Staff staff(options);
    staff.server.add_screen("hall", "community");
    const std::string sha =
        upload_film(staff.editor, dir.path(), {"mp4", "libx265", "", 320, 240, 1});

    // Three attempts: the first, one a second after it failed, one two
    // seconds after that; the restart in between changes nothing.
    const std::vector<std::string> retries = follow_retries(staff, sha, std::chrono::seconds(60));
    REQUIRE(retries.size() == 2);
    const auto first = signage::protocol::parse_iso8601(retries[0]);
    const auto second = signage::protocol::parse_iso8601(retries[1]);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(*second - *first >= std::chrono::seconds(2));
    json failed = only_rendition(staff.editor, sha);
    CHECK(failed.at("error") == "ffmpeg exited with status 1: No space left on device");
    CHECK(staff.editor.get("/api/v1/media/" + sha).json().at("playable") == false);
    // And no more: it stays failed, with its reason.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(only_rendition(staff.editor, sha) == failed);
    const std::string log = read_text_file(dir.path() / "server.log");
    auto said = [&log](const std::string& text) {
        std::size_t n = 0;
        for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
        return n;
    };
    CHECK(said("failed (attempt ") == 3);
    CHECK(said("failed (attempt 3): ffmpeg exited with status 1: No space left on device; not "
               "tried again unless staff ask") == 1);

    // The disk has room again; a reviewer may not ask, an editor does.
    std::filesystem::remove(broken);
    CHECK(staff.reviewer.post("/api/v1/media/" + sha + "/renditions/retry").status == 403);
    auto asked = staff.editor.post("/api/v1/media/" + sha + "/renditions/retry");
    INFO(asked.body);
    REQUIRE(asked.status == 200);
    CHECK(asked.json().at("sha256") == sha);
    const std::string now = asked.json().at("renditions")[0].at("status");
    CHECK((now == "queued" || now == "converting"));
    const json done = wait_for_film(staff.editor, sha, conversions_ended);
    CHECK(done.at("renditions")[0].at("status") == "done");
    CHECK(done.at("playable") == true);
    // Nothing failed now: nothing to ask again.
    auto again = staff.editor.post("/api/v1/media/" + sha + "/renditions/retry");
    CHECK(again.status == 409);
    CHECK(error_field(again) == "sha256");
    CHECK(again.json()["error"]["reason"] == "nothing_failed");
    CHECK(staff.editor.post("/api/v1/media/" + std::string(64, 'a') + "/renditions/retry").status ==
          404);
    // Who asked is in the audit log, with what had failed.
    const json audit =
        staff.admin.get("/api/v1/audit?object_type=media&object_id=" + sha).json().at("entries");
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].at("action") == "retry_conversion");
    CHECK(audit[0].at("actor") == "editor");
    CHECK(audit[0].at("before").at("failed")[0].at("error") == failed.at("error"));
}

namespace {

// Waits (up to 30 s) until `file` has `text` in it.
bool wait_for_text(const std::filesystem::path& file, const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (read_text_file(file).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace

TEST_CASE(
    "convert: a rendition for a screen profile no group has any more is removed, record and "
    "files, once no slide or current manifest names it",
    "[server][media][video][convert]") {
    TempDir dir("convert-sweep");
    ServerOptions options;
    options.log_file = dir.path() / "server.log";
    Staff staff(options);
    auto screen = staff.server.client(staff.server.add_screen("hall", "community"));
    // It fits the default profile: only the groups' own profiles convert it.
    const std::string sha =
        upload_film(staff.editor, dir.path(), {"mp4", "libx264", "", 800, 450, 1});
    auto rendition_for = [&](int width) {
        const json film = wait_for_film(staff.editor, sha, [&](const json& f) {
            const json& r = f.at("renditions");
            return r.size() == 1 && r[0].at("profile").at("max_width") == width &&
                   r[0].at("status") == "done";
        });
        return film.at("renditions")[0].at("sha256").get<std::string>();
    };
    auto rows = [&] {
        return staff.server.query(
            "SELECT profile_key FROM media_rendition WHERE original_sha256 = ? ORDER BY 1", {sha});
    };
    auto files = [&] {
        std::set<std::string> names;
        for (const auto& f : media_files(staff.server)) names.insert(f.filename().string());
        return names;
    };

    // The group's screens take 640x360: a rendition, on its screens.
    set_profile(staff, "community", 640, 360);
    const std::string first = rendition_for(640);
    const std::string id = staff.approved_slide(video_slide(sha));
    staff.publish();
    CHECK(film_shown(screen, id) == first);
    // A draft names that rendition itself.
    auto draft = staff.editor.post("/api/v1/slides", video_slide(first));
    REQUIRE(draft.status == 201);

    // Now they take 320x180: a second rendition, which the screens get at once.
    set_profile(staff, "community", 320, 180);
    const std::string second = rendition_for(320);
    REQUIRE(shown_soon(screen, id, second));
    // No group has 640x360, but the draft names its rendition: kept.
    REQUIRE(wait_for_text(options.log_file,
                          "1 conversion(s) for screen profiles no group has "
                          "kept for now"));
    CHECK(rows().size() == 2);
    CHECK(staff.server.client().get("/media/" + first).status == 200);
    CHECK(files().count(first) == 1);

    // The draft goes; the next sweep (here: the group's settings saved
    // again) removes the rendition, its poster and its record.
    REQUIRE(staff.editor.del("/api/v1/slides/" + draft.json().at("id").get<std::string>()).status ==
            204);
    set_profile(staff, "community", 320, 180);
    REQUIRE(wait_for_text(options.log_file,
                          "1 conversion(s) for screen profiles no group has removed"));
    CHECK(staff.server.client().get("/media/" + first).status == 404);
    CHECK(files() ==
          std::set<std::string>{sha, sha + ".poster.png", second, second + ".poster.png"});
    const auto left = rows();
    REQUIRE(left.size() == 1);
    CHECK(left[0][0].find("\"max_width\":320") != std::string::npos);
    // What the screens play, and the film, are as they were.
    CHECK(film_shown(screen, id) == second);
    CHECK(staff.server.client().get("/media/" + second).status == 200);
    CHECK(staff.editor.get("/api/v1/media/" + sha).json().at("playable") == true);
}
