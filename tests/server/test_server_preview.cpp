// Previews drawn by the real signage-player (from the build's bin directory,
// next to the server) over real HTTP, and the missing-glyph warnings.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <sys/types.h>

#include "server_test_helpers.hpp"
#include "support/png_bytes.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using nlohmann::json;

namespace {

const char* const kGrin = "\xF0\x9F\x98\x80";  // U+1F600: in none of the Noto CJK faces

std::string percent_decoded(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// A stand-in for signage-player: a script that writes its process id to
// `pid_file` (so a test knows it ran, and which process it is), then runs
// `then` in its place.
std::filesystem::path stub_player(const TempDir& dir, const std::filesystem::path& pid_file,
                                  const std::string& then) {
    const auto path = dir.path() / "stub-player";
    {
        std::ofstream f(path);
        f << "#!/bin/sh\necho $$ > '" << pid_file.string() << ".tmp'\nmv '" << pid_file.string()
          << ".tmp' '" << pid_file.string() << "'\nexec " << then << "\n";
    }
    ::chmod(path.c_str(), 0755);
    return path;
}

// The process id a stub player wrote.
pid_t stub_pid(const std::filesystem::path& pid_file) {
    return static_cast<pid_t>(std::stol(read_text_file(pid_file)));
}

// True while the process exists and has not ended (a zombie has ended).
bool process_running(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return false;
    const auto name_end = text.rfind(')');
    return name_end != std::string::npos && name_end + 2 < text.size() && text[name_end + 2] != 'Z';
}

// The X-Signage-Warnings header: [{"field","message"}].
json preview_warnings(const HttpResponse& res) {
    return json::parse(percent_decoded(res.header("x-signage-warnings")));
}

}  // namespace

TEST_CASE("server: a preview is the slide drawn by the player, at the size asked for",
          "[server][preview]") {
    Staff staff;
    auto first = staff.editor.post("/api/v1/preview?size=960x540", text_slide("文明出行 从我做起"));
    const Pixels a = decode_png(first);
    CHECK(a.w == 960);
    CHECK(a.h == 540);
    CHECK(a.flattest_share() < 0.9);  // drawn, not one flat colour
    CHECK(preview_warnings(first) == json::array());
    CHECK(first.header("x-signage-pages") == "1");

    auto second =
        staff.reviewer.post("/api/v1/preview?size=960x540", text_slide("垃圾分类 人人有责"));
    const Pixels b = decode_png(second);
    REQUIRE(b.w == 960);
    CHECK(a.differing_pixels(b) > 2000);  // another title, other pixels

    // Portrait by default size rules: the size is the screen's.
    auto portrait = staff.admin.post("/api/v1/preview?size=540x960", text_slide("文明出行"));
    const Pixels p = decode_png(portrait);
    CHECK(p.w == 540);
    CHECK(p.h == 960);

    // The same slide again is the same picture.
    auto again = staff.editor.post("/api/v1/preview?size=960x540", text_slide("文明出行 从我做起"));
    REQUIRE(again.status == 200);
    CHECK(again.body == first.body);

    // With a group: the whole screen, its header showing the group's unit name.
    REQUIRE(
        staff.admin
            .post("/api/v1/groups", {{"name", "hall"}, {"settings", {{"unit_name", "幸福里社区"}}}})
            .status == 201);
    auto screen = staff.editor.post("/api/v1/preview?size=960x540&group=hall",
                                    text_slide("文明出行 从我做起"));
    const Pixels s = decode_png(screen);
    CHECK(s.differing_pixels(a) > 2000);
}

TEST_CASE("server: a preview draws uploaded media from the media store", "[server][preview]") {
    Staff staff;
    std::vector<unsigned char> green(64 * 64 * 3, 0);
    for (std::size_t i = 1; i < green.size(); i += 3) green[i] = 200;
    auto up = staff.editor.put_bytes("/api/v1/media", png_bytes(64, 64, 3, green), "image/png");
    REQUIRE(up.status == 201);
    const std::string sha = up.json().at("sha256");
    auto res = staff.editor.post(
        "/api/v1/preview?size=480x270",
        {{"type", "image"}, {"title", "绿色出行"}, {"media", sha}, {"fit", "cover"}});
    const Pixels p = decode_png(res);
    CHECK(p.share_near(0, 200, 0) > 0.5);
}

TEST_CASE("server: a bad preview request names the field and draws nothing", "[server][preview]") {
    // A stand-in player shows whether anything was drawn.
    TempDir dir;
    const auto ran = dir.path() / "player.pid";
    ServerOptions options;
    options.args = {"--player", stub_player(dir, ran, "true").string()};
    Staff staff(options);
    // The same reader as saving a slide.
    auto bad = staff.editor.post("/api/v1/preview",
                                 {{"type", "text"}, {"title", "t"}, {"duration_s", "ten"}});
    CHECK(bad.status == 400);
    CHECK(error_field(bad) == "duration_s");
    auto no_type = staff.editor.post("/api/v1/preview", {{"title", "t"}});
    CHECK(no_type.status == 400);
    CHECK(error_field(no_type) == "type");
    auto broken = staff.editor.request("POST", "/api/v1/preview",
                                       "{\"type\": ", {{"Content-Type", "application/json"}});
    CHECK(broken.status == 400);
    CHECK(error_field(broken) == "body");

    const std::string unknown(64, 'a');
    auto media = staff.editor.post("/api/v1/preview",
                                   {{"type", "image"}, {"title", "t"}, {"media", unknown}});
    CHECK(media.status == 422);
    CHECK(error_field(media) == "media");
    auto photo =
        staff.editor.post("/api/v1/preview", {{"type", "honor_roll"},
                                              {"title", "光荣榜"},
                                              {"entries", {{{"name", "李"}, {"photo", unknown}}}}});
    CHECK(photo.status == 422);
    CHECK(error_field(photo) == "entries[0].photo");

    for (const char* size : {"0x0", "1920", "99999x1080", "x", "1920x1080x2", "-5x100"}) {
        INFO(size);
        auto res =
            staff.editor.post(std::string("/api/v1/preview?size=") + size, text_slide("文明出行"));
        CHECK(res.status == 400);
        CHECK(error_field(res) == "size");
    }
    auto page = staff.editor.post("/api/v1/preview?page=-1", text_slide("文明出行"));
    CHECK(error_field(page) == "page");
    auto group = staff.editor.post("/api/v1/preview?group=nowhere", text_slide("文明出行"));
    CHECK(group.status == 422);
    CHECK(error_field(group) == "group");

    auto none = staff.server.client().post("/api/v1/preview", text_slide("文明出行"));
    CHECK(none.status == 401);
    // Nothing was stored or drawn by any of it...
    CHECK(staff.editor.get("/api/v1/slides").json().at("slides").empty());
    CHECK_FALSE(std::filesystem::exists(ran));
    // ...while a good request does start the player (which here draws nothing).
    (void)staff.editor.post("/api/v1/preview", text_slide("文明出行"));
    CHECK(std::filesystem::exists(ran));
}

TEST_CASE("server: characters the screen's font lacks warn in the preview and at submit",
          "[server][preview]") {
    Staff staff;
    const json slide = text_slide(std::string("文明") + kGrin + "出行", "礼让斑马线。");
    auto res = staff.editor.post("/api/v1/preview?size=480x270", slide);
    decode_png(res);
    const json warnings = preview_warnings(res);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].at("field") == "title");
    CHECK(warnings[0].at("message").get<std::string>().find(kGrin) != std::string::npos);

    auto created = staff.editor.post("/api/v1/slides", slide);
    REQUIRE(created.status == 201);
    const std::string id = created.json().at("id");
    // The stored slide's own preview.
    auto stored = staff.reviewer.get("/api/v1/slides/" + id + "/preview.png?size=480x270");
    const Pixels p = decode_png(stored);
    CHECK(p.w == 480);
    CHECK(preview_warnings(stored).size() == 1);
    CHECK(staff.editor.get("/api/v1/slides/" + id + "/preview.png?version=approved").status == 404);
    CHECK(staff.editor.get("/api/v1/slides/999/preview.png").status == 404);

    auto submitted = staff.editor.post("/api/v1/slides/" + id + "/submit");
    REQUIRE(submitted.status == 200);
    CHECK(submitted.json().at("status") == "pending");  // a warning, not a block
    const json at_submit = submitted.json().at("warnings");
    REQUIRE(at_submit.size() == 1);
    CHECK(at_submit[0].at("field") == "title");
    CHECK(at_submit[0].at("message").get<std::string>().find(kGrin) != std::string::npos);
}

TEST_CASE("server: a preview that takes too long is stopped with a 504", "[server][preview]") {
    TempDir dir;
    const auto started = dir.path() / "player.pid";
    ServerOptions options;
    options.args = {"--player", stub_player(dir, started, "sleep 30").string(), "--preview-timeout",
                    "1"};
    Staff staff(options);
    auto res = staff.editor.post("/api/v1/preview", text_slide("文明出行"));
    CHECK(res.status == 504);
    CHECK(error_code(res) == "timeout");
    CHECK(res.json().at("error").at("message").get<std::string>().find("too long") !=
          std::string::npos);
    // The player it started is stopped, not left running.
    REQUIRE(std::filesystem::exists(started));
    const pid_t player = stub_pid(started);
    CHECK(wait_until([&] { return !process_running(player); }, std::chrono::seconds(5)));
    // The server goes on answering.
    CHECK(staff.editor.get("/api/v1/slides").status == 200);
}

TEST_CASE("server: stopping the server stops a render in progress", "[server][preview]") {
    TempDir dir;
    const auto started = dir.path() / "player.pid";
    ServerOptions options;
    options.args = {"--player", stub_player(dir, started, "sleep 120").string(),
                    "--preview-timeout", "120"};
    Staff staff(options);
    auto pending =
        std::async(std::launch::async, [url = staff.server.url(), token = staff.editor.token()] {
            return HttpClient(url, token).post("/api/v1/preview", text_slide("文明出行"));
        });
    REQUIRE(wait_until([&] { return std::filesystem::exists(started); }));
    const pid_t player = stub_pid(started);
    CHECK(process_running(player));
    // A clean exit (0), not the SIGKILL the fixture sends a server that hangs.
    CHECK(staff.server.stop() == 0);
    CHECK(pending.get().status != 200);
    // The render was stopped, not left behind.
    CHECK(wait_until([&] { return !process_running(player); }, std::chrono::seconds(5)));
}

TEST_CASE("server: --player must name an executable", "[server][preview]") {
    TempDir dir;
    auto res = ServerFixture::run_cli({"--data", dir.path().string(), "--listen", "127.0.0.1:0",
                                       "--player", (dir.path() / "nothing").string()});
    CHECK(res.status != 0);
}
