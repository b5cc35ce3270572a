// Screen pairing end to end: a headless player with no token shows a code,
// an admin claims it through the API, the player saves its new token and
// plays the published content; a restart uses the saved token; revoking the
// token sends the screen back to pairing.

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <regex>

#include "e2e_kit.hpp"
#include "image_check.hpp"
#include "support/process.hpp"
#include "support/server_fixture.hpp"
#include "support/show_on_failure.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace signage::test;
using namespace std::chrono_literals;

namespace {

const fs::path kPairPlayer = SIGNAGE_PLAYER_BINARY;
constexpr std::uint8_t kPairR = 0x0b, kPairG = 0x6e, kPairB = 0x4f;

// The last match of `pattern`'s first group in the log; "" when none.
std::string pair_last_match(const fs::path& log, const std::regex& pattern) {
    const std::string text = read_or_empty(log);
    std::string last;
    for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
        last = (*it)[1].str();
    }
    return last;
}

int pair_count(const fs::path& log, const std::string& needle) {
    const std::string text = read_or_empty(log);
    int n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
}

std::unique_ptr<Process> start_unpaired_player(const std::string& url, const fs::path& cache,
                                               const fs::path& snapshot, const fs::path& log,
                                               const std::vector<std::string>& extra = {}) {
    ProcessOptions opt;
    opt.stderr_file = log;
    std::vector<std::string> args{"--server",     url,          "--cache",
                                  cache.string(), "--headless", "--size",
                                  "640x360",      "--snapshot", snapshot.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<Process>(kPairPlayer, args, opt);
}

bool pair_shows_published(const fs::path& snapshot) {
    auto img = Image::load(snapshot);
    if (!img) return false;
    const double bg = img->share_of(kPairR, kPairG, kPairB);
    return bg > 0.3 && bg < 0.98;
}

// The pairing page: the code's cream tiles and the gold pill on campaign
// red, none of the published slide's green.
bool pair_shows_pairing_page(const fs::path& snapshot) {
    auto img = Image::load(snapshot);
    if (!img) return false;
    return img->share_of(0xFF, 0xFD, 0xF8, 6) > 0.05 &&
           img->share_of(0xE9, 0xB9, 0x49, 6) > 0.002 &&
           img->share_of(kPairR, kPairG, kPairB) < 0.01;
}

}  // namespace

TEST_CASE("a screen without a token pairs, plays, keeps its token and pairs again when revoked",
          "[e2e][pairing]") {
    ServerFixture server;
    auto admin = server.client(server.add_staff("ada", "admin"));
    auto editor = server.client(server.add_staff("erin", "editor"));
    auto reviewer = server.client(server.add_staff("rita", "reviewer"));

    TempDir dir("signage-pairing-e2e");
    const auto cache = dir / "cache";
    const auto snapshot = dir / "screen.png";
    const auto log = dir / "player.log";
    ShowOnFailure shown_log("player log", log);
    auto player = start_unpaired_player(server.url(), cache, snapshot, log);
    const std::regex code_line(R"(pairing: code (\d{6}) \(expires [^)]+\))");

    REQUIRE(wait_until([&] { return !pair_last_match(log, code_line).empty(); }, 20s));
    const std::string code = pair_last_match(log, code_line);
    REQUIRE(wait_until([&] { return pair_shows_pairing_page(snapshot); }, 10s));

    // A wrong code is refused; the right one pairs the screen.
    std::string wrong = code;
    wrong[5] = wrong[5] == '0' ? '1' : '0';
    CHECK(admin
              .post("/api/v1/screens/pair",
                    {{"code", wrong}, {"name", "lobby"}, {"group", "community"}})
              .status == 404);
    auto claimed = admin.post("/api/v1/screens/pair",
                              {{"code", code}, {"name", "lobby"}, {"group", "community"}});
    REQUIRE(claimed.status == 201);
    const std::string screen_id = claimed.json().at("id");
    REQUIRE(wait_until(
        [&] { return pair_count(log, "pairing: paired as lobby in group community") == 1; }, 10s));

    // The token is saved, for the owner only.
    const fs::path token_file = cache / "device-token";
    REQUIRE(fs::exists(token_file));
    struct stat st {};
    REQUIRE(::stat(token_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_text_file(token_file).size() == 65);  // 64 hex digits and a newline

    // Content published now reaches the screen, without a restart.
    const nlohmann::json slide = {{"type", "text"},
                                  {"title", "文明出行 礼让行人"},
                                  {"body", "机动车行经人行横道，应当减速行驶。"},
                                  {"duration_s", 600},
                                  {"public_service", true},
                                  {"background", "#0b6e4f"}};
    approve_slide(editor, reviewer, slide);
    REQUIRE(reviewer.post("/api/v1/publish").status == 200);
    REQUIRE(wait_until([&] { return pair_shows_published(snapshot); }, 15s));
    CHECK(read_or_empty(log).find("switched to manifest") != std::string::npos);

    // A restart uses the saved token: no new code.
    REQUIRE(player->terminate() == 0);
    fs::remove(snapshot);
    const auto log2 = dir / "player2.log";
    ShowOnFailure shown_log2("second player log", log2);
    // At debug level the player logs each heartbeat the server accepted.
    player = start_unpaired_player(server.url(), cache, snapshot, log2, {"--log-level", "debug"});
    REQUIRE(wait_until(
        [&] { return pair_count(log2, "pairing: using the saved device token") == 1; }, 15s));
    REQUIRE(wait_until([&] { return pair_shows_published(snapshot); }, 15s));
    // The server took the saved token (it accepted the heartbeat sent at
    // start with it), and the player never asked for a code on the way.
    REQUIRE(wait_until([&] { return pair_count(log2, "heartbeat: sent ") >= 1; }, 15s));
    CHECK(pair_count(log2, "pairing: code ") == 0);
    CHECK(admin.get("/api/v1/screens").json().at("screens").at(0).at("last_seen") != nullptr);

    // Revoked: the player forgets the token and shows a new code.
    REQUIRE(admin.post("/api/v1/screens/" + screen_id + "/revoke").status == 200);
    REQUIRE(wait_until([&] { return !pair_last_match(log2, code_line).empty(); }, 15s));
    CHECK(pair_count(log2, "pairing: the server refused this screen's token") == 1);
    CHECK(!fs::exists(token_file));
    REQUIRE(wait_until([&] { return pair_shows_pairing_page(snapshot); }, 10s));

    // Paired again (same name, it was revoked): back to the content.
    const std::string code2 = pair_last_match(log2, code_line);
    REQUIRE(admin
                .post("/api/v1/screens/pair",
                      {{"code", code2}, {"name", "lobby"}, {"group", "community"}})
                .status == 201);
    REQUIRE(wait_until(
        [&] { return pair_count(log2, "pairing: paired as lobby in group community") == 1; }, 10s));
    REQUIRE(wait_until([&] { return pair_shows_published(snapshot); }, 15s));
    CHECK(fs::exists(token_file));
    CHECK(player->terminate() == 0);
}
