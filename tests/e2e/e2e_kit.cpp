#include "e2e_kit.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace signage::test {

std::vector<std::string> log_lines(const std::filesystem::path& log, const std::regex& pattern) {
    std::vector<std::string> out;
    std::istringstream in(read_or_empty(log));
    for (std::string line; std::getline(in, line);) {
        if (std::regex_search(line, pattern)) out.push_back(line);
    }
    return out;
}

std::size_t count_log_lines(const std::filesystem::path& log, const std::regex& pattern) {
    return log_lines(log, pattern).size();
}

std::optional<std::chrono::system_clock::time_point> log_line_time(const std::string& line) {
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(line.c_str(), "[%d-%d-%d %d:%d:%d.%d]", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(t) + std::chrono::milliseconds(ms);
}

std::optional<std::chrono::system_clock::time_point> modified_at(
    const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(st.st_mtim.tv_sec) +
            std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

nlohmann::json screen_named(HttpClient& staff, const std::string& name) {
    auto res = staff.get("/api/v1/screens");
    if (res.status != 200) return nullptr;
    const nlohmann::json all = res.json();
    for (const auto& s : all.at("screens")) {
        if (s.at("name") == name) return s;
    }
    return nullptr;
}

std::unique_ptr<Process> start_headless_player(const std::filesystem::path& binary,
                                               const std::string& url, const std::string& token,
                                               const std::filesystem::path& cache,
                                               const std::filesystem::path& snapshot,
                                               const std::filesystem::path& log,
                                               const std::vector<std::string>& extra) {
    ProcessOptions opt;
    opt.stderr_file = log;
    std::vector<std::string> args{"--server",   url,          "--token",
                                  token,        "--cache",    cache.string(),
                                  "--headless", "--snapshot", snapshot.string()};
    bool sized = false;
    for (const auto& a : extra) sized = sized || a == "--size";
    if (!sized) args.insert(args.end(), {"--size", "640x360"});
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<Process>(binary, args, opt);
}

AskedScreenshot ask_screenshot(HttpClient& staff, const std::string& screen_id,
                               std::chrono::milliseconds timeout) {
    AskedScreenshot out;
    const auto asked = std::chrono::steady_clock::now();
    auto req = staff.post("/api/v1/screens/" + screen_id + "/screenshot");
    if (req.status != 202) {
        throw std::runtime_error("asking for a screenshot answered " + std::to_string(req.status) +
                                 ": " + req.body);
    }
    out.id = req.json().at("id").get<std::string>();
    out.arrived = wait_until(
        [&] {
            out.shot = staff.get("/api/v1/screens/" + screen_id + "/screenshot");
            return out.shot.status == 200 && out.shot.header("signage-screenshot-id") == out.id;
        },
        timeout, std::chrono::milliseconds(10));
    out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - asked);
    out.arrived_at = std::chrono::system_clock::now();
    return out;
}

Image render_screen(const std::filesystem::path& binary, const ScreenRender& what,
                    const std::filesystem::path& dir, const std::string& name) {
    // The API's bookkeeping fields that --render does not take as slide fields.
    nlohmann::json slide = what.slide;
    for (const char* key : {"has_approved_version", "warnings", "reviewed_at", "updated_by"}) {
        slide.erase(key);
    }
    const auto json_file = dir / (name + ".json");
    const auto png_file = dir / (name + ".png");
    write_text_file(json_file, slide.dump());
    const std::time_t t = std::chrono::system_clock::to_time_t(what.now);
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char now[32];
    std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::vector<std::string> args{"--render", json_file.string(), "--screen", "--now",          now,
                                  "--size",   what.size,          "--out",    png_file.string()};
    if (!what.settings.is_null()) {
        const auto settings_file = dir / (name + "-settings.json");
        write_text_file(settings_file, what.settings.dump());
        args.insert(args.end(), {"--settings", settings_file.string()});
    }
    Process render(binary, args);
    const auto status = render.wait(std::chrono::seconds(60));
    if (status != 0) {
        throw std::runtime_error("signage-player --render " + json_file.string() + " ended with " +
                                 (status ? std::to_string(*status) : std::string("a timeout")));
    }
    auto img = Image::load(png_file);
    if (!img) throw std::runtime_error("--render wrote no readable " + png_file.string());
    return std::move(*img);
}

ScreenRender published_slide(HttpClient& staff, const std::string& id, const std::string& group,
                             std::chrono::system_clock::time_point now) {
    auto slide = staff.get("/api/v1/slides/" + id);
    if (slide.status != 200) {
        throw std::runtime_error("GET /api/v1/slides/" + id + ": " + std::to_string(slide.status));
    }
    auto g = staff.get("/api/v1/groups/" + group);
    if (g.status != 200) {
        throw std::runtime_error("GET /api/v1/groups/" + group + ": " + std::to_string(g.status));
    }
    ScreenRender r;
    r.slide = slide.json();
    r.settings = g.json().at("settings");
    r.now = now;
    return r;
}

}  // namespace signage::test
