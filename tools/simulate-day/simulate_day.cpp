// signage-simulate-day: a simulated day of one screen, for the compliance
// report. It runs the player's real schedule engine (core/schedule.hpp) and
// play log (core/play_log.hpp) over 24 hours of simulated time on the
// screen's real manifest, queues the plays in a real outbox and posts them
// with the player's uploader to a real server; then it signs in as staff and
// prints the report for that screen and day (and writes its CSV tables).
//
//   signage-simulate-day --server URL --token-file FILE --day 2026-11-28
//                        --user reviewer --password demo-reviewer [--screen NAME]
//                        [--out DIR]
//
// What the simulation leaves out: taps (so no quiz rounds and no quiz
// invitation, which is shown only between items on a screen with the quiz
// on), rendering, and the extra pages of text slides too long for one page
// (their layout needs the renderer).

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/json_input.hpp"
#include "common/random.hpp"
#include "common/time_zone.hpp"
#include "common/url.hpp"
#include "core/outbox.hpp"
#include "core/play_log.hpp"
#include "core/schedule.hpp"
#include "protocol/manifest.hpp"
#include "protocol/play.hpp"

using namespace signage;
namespace fs = std::filesystem;

namespace {

struct SimHttp {
    long status = 0;
    std::string body;
    std::string error;
};

std::size_t sim_collect(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

SimHttp sim_request(const std::string& url, const std::string& token,
                    const std::string* post_json = nullptr) {
    SimHttp r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                        &curl_slist_free_all);
    if (!token.empty()) {
        const std::string auth = "Authorization: Bearer " + token;
        headers.reset(curl_slist_append(headers.release(), auth.c_str()));
    }
    if (post_json) {
        headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, post_json->c_str());
    }
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &sim_collect);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 60000L);
    const CURLcode rc = curl_easy_perform(easy.get());
    if (rc != CURLE_OK) {
        r.error = curl_easy_strerror(rc);
        return r;
    }
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

std::string sim_percent_share(double share) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f%%", share * 100.0);
    return buf;
}

int sim_fail(const std::string& message) {
    std::cerr << "signage-simulate-day: " << message << "\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Simulates a day of a screen with the real schedule engine and prints the "
        "compliance report"};
    std::string server, token, token_file, day, user, password, screen_name;
    fs::path out_dir;
    app.add_option("--server", server, "Content server URL")->required();
    app.add_option("--token", token, "The screen's device token");
    app.add_option("--token-file", token_file, "File holding the device token");
    app.add_option("--day", day, "The local day to simulate (YYYY-MM-DD)")->required();
    app.add_option("--user", user, "Staff account that reads the report")->required();
    app.add_option("--password", password, "Its password")->required();
    app.add_option("--screen", screen_name, "The screen's name (default: the first of its group)");
    app.add_option("--out", out_dir, "Write report.json and the CSV tables here");
    CLI11_PARSE(app, argc, argv);
    while (!server.empty() && server.back() == '/') server.pop_back();
    if (token.empty() && !token_file.empty()) {
        auto text = read_file(token_file);
        if (!text) return sim_fail("cannot read " + token_file);
        token = *text;
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    }
    if (token.empty()) return sim_fail("give --token or --token-file");
    curl_global_init(CURL_GLOBAL_DEFAULT);

    // The screen's manifest, as the player gets it.
    const SimHttp got = sim_request(server + "/api/v1/player/manifest", token);
    if (got.status != 200) {
        return sim_fail("manifest: " + (got.error.empty()
                                            ? std::string{"HTTP "} + std::to_string(got.status)
                                            : got.error));
    }
    auto manifest = protocol::parse_manifest_text(got.body);
    if (!manifest) return sim_fail("manifest: " + manifest.error().message);
    auto zone = signage::TimeZone::named(manifest->settings.timezone);
    if (!zone) return sim_fail(zone.error().message);

    // Local midnight to midnight.
    const auto utc_day = protocol::parse_iso8601(day);
    if (!utc_day || day.size() != 10) return sim_fail("--day: not a date (YYYY-MM-DD)");
    const protocol::Timestamp from =
        *utc_day - zone->offset_at(*utc_day - zone->offset_at(*utc_day));
    const protocol::Timestamp to = from + std::chrono::hours{24};

    // The real engine over simulated time, into a real outbox.
    const fs::path queue =
        fs::temp_directory_path() / (std::string{"signage-simulate-"} + random_hex(6));
    auto outbox = player::Outbox::open(queue);
    if (!outbox) return sim_fail(outbox.error().message);
    std::size_t logged = 0;
    player::PlayLog log(player::PlayLog::new_boot_id(), [&](const protocol::Play& p) {
        if ((*outbox)->add(protocol::to_json(p))) ++logged;
    });
    const auto ms = [](protocol::Timestamp t) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    };
    player::LoopState history;
    for (auto now = from; now < to;) {
        const player::Decision d = player::decide(&*manifest, now, *zone, history);
        player::record(history, d);
        log.show(d, ms(now), manifest->version);
        now = std::min(d.until, to);
    }
    log.stop(ms(to));

    // Posted in batches, as the player's uploader does.
    player::UploaderOptions upload;
    upload.server_url = server;
    upload.token = token;
    upload.path = "/api/v1/player/plays";
    upload.key = "plays";
    upload.batch = 200;
    {
        player::OutboxUploader uploader(**outbox, upload);
        if (auto st = uploader.send_pending(); !st) return sim_fail(st.error().message);
    }
    std::error_code ec;
    fs::remove_all(queue, ec);

    // The report, as staff read it.
    const std::string login_body =
        nlohmann::json{{"username", user}, {"password", password}}.dump();
    const SimHttp login = sim_request(server + "/api/v1/auth/login", "", &login_body);
    if (login.status != 200)
        return sim_fail(std::string{"sign-in: HTTP "} + std::to_string(login.status));
    const std::string staff = nlohmann::json::parse(login.body).at("token").get<std::string>();
    const SimHttp screens = sim_request(server + "/api/v1/screens", staff);
    std::string screen_id;
    const nlohmann::json list = signage::read_json(screens.body);
    const nlohmann::json screen_list =
        list.is_object() && list.contains("screens") ? list.at("screens") : list;
    for (const auto& s : screen_list) {
        const bool named = screen_name.empty() ? s.value("group", "") == manifest->group
                                               : s.value("name", "") == screen_name;
        if (named && screen_id.empty()) {
            screen_id = s.at("id").is_string() ? s.at("id").get<std::string>()
                                               : std::to_string(s.at("id").get<long long>());
        }
    }
    if (screen_id.empty()) return sim_fail("no such screen");
    const std::string base =
        server + "/api/v1/reports/plays?screen=" + screen_id + "&from=" + percent_encode(day);
    const SimHttp report = sim_request(base, staff);
    if (report.status != 200)
        return sim_fail(std::string{"report: HTTP "} + std::to_string(report.status));
    const nlohmann::json r = nlohmann::json::parse(report.body);

    const auto& sum = r.at("summary");
    std::cout << "Simulated " << day << " (" << r.at("timezone").get<std::string>() << ") on "
              << r.at("screens")[0].at("name").get<std::string>() << " in group "
              << r.at("group").get<std::string>() << ": " << logged << " plays logged and posted\n"
              << "Minimum public-service share: "
              << sim_percent_share(r.at("min_public_share").get<double>()) << "\n"
              << "Airtime " << sum.at("airtime_ms").get<long long>() / 1000 << " s, public service "
              << sum.at("public_service_ms").get<long long>() / 1000 << " s ("
              << sim_percent_share(sum.at("share").get<double>()) << ")\n"
              << "Loops: " << sum.at("loops") << ", complete " << sum.at("loops_complete")
              << ", fell short " << sum.at("loops_short") << "; hours short "
              << sum.at("hours_short") << "\n\n";
    std::cout << "hour  plays  airtime_s  public_s  share   minimum\n";
    for (const auto& h : r.at("hours")) {
        char line[128];
        std::snprintf(line, sizeof line, "%02d    %5lld  %9lld  %8lld  %-6s  %s%s\n",
                      h.at("hour").get<int>(), h.at("plays").get<long long>(),
                      h.at("airtime_ms").get<long long>() / 1000,
                      h.at("public_service_ms").get<long long>() / 1000,
                      sim_percent_share(h.at("share").get<double>()).c_str(),
                      sim_percent_share(r.at("min_public_share").get<double>()).c_str(),
                      h.at("short").get<bool>() ? "  SHORT" : "");
        std::cout << line;
    }
    std::cout << "\nitem                                      plays  airtime_s  public\n";
    for (const auto& i : r.at("items")) {
        std::string name = i.at("slide_id").get<std::string>();
        name = (name.empty() ? std::string("(built-in)") : "#" + name) + " " +
               i.at("title").get<std::string>();
        std::cout << name << "  " << i.at("plays") << "  "
                  << i.at("airtime_ms").get<long long>() / 1000 << "  "
                  << (i.at("public_service").get<bool>() ? "yes" : "no") << "\n";
    }
    if (!out_dir.empty()) {
        fs::create_directories(out_dir, ec);
        std::ofstream(out_dir / "report.json") << r.dump(2) << "\n";
        for (const char* table : {"hours", "loops", "items"}) {
            const SimHttp csv = sim_request(base + "&format=csv&table=" + table, staff);
            std::ofstream(out_dir / (std::string("report-") + table + ".csv"), std::ios::binary)
                << csv.body;
        }
        std::cout << "\nreport.json and report-{hours,loops,items}.csv in " << out_dir.string()
                  << "\n";
    }
    curl_global_cleanup();
    return 0;
}
