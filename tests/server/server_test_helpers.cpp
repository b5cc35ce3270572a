#include "server_test_helpers.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include <csv.h>
#include <stb_image_write.h>

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#undef STB_IMAGE_IMPLEMENTATION

#include "support/png_bytes.hpp"

namespace signage::test {
namespace {

std::vector<unsigned char> pixels(int width, int height, int seed) {
    std::vector<unsigned char> rgb(static_cast<std::size_t>(width * height * 3));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const auto i = static_cast<std::size_t>((y * width + x) * 3);
            rgb[i] = static_cast<unsigned char>((x * 7 + seed) & 0xff);
            rgb[i + 1] = static_cast<unsigned char>((y * 5 + seed * 3) & 0xff);
            rgb[i + 2] = static_cast<unsigned char>(200);
        }
    }
    return rgb;
}

struct CsvRows {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
};

void expect(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error(what);
}

}  // namespace

std::array<int, 3> Pixels::at(int x, int y) const {
    const auto i =
        (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) *
        3;
    return {rgb.at(i), rgb.at(i + 1), rgb.at(i + 2)};
}

double Pixels::flattest_share() const {
    std::map<unsigned, std::size_t> counts;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        ++counts[(unsigned{rgb[i]} << 16) | (unsigned{rgb[i + 1]} << 8) | rgb[i + 2]];
    }
    std::size_t most = 0;
    for (const auto& [colour, n] : counts) most = std::max(most, n);
    return static_cast<double>(most) / static_cast<double>(w * h);
}

double Pixels::share_near(int r, int g, int b) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
        if (std::abs(rgb[i] - r) < 40 && std::abs(rgb[i + 1] - g) < 40 &&
            std::abs(rgb[i + 2] - b) < 40) {
            ++n;
        }
    }
    return static_cast<double>(n) / static_cast<double>(w * h);
}

std::size_t Pixels::differing_pixels(const Pixels& other) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 2 < rgb.size() && i + 2 < other.rgb.size(); i += 3) {
        if (rgb[i] != other.rgb[i] || rgb[i + 1] != other.rgb[i + 1] ||
            rgb[i + 2] != other.rgb[i + 2]) {
            ++n;
        }
    }
    return n;
}

Pixels decode_png(const HttpResponse& res) {
    const std::string what = std::to_string(res.status) + " " +
                             std::string(res.header("content-type")) + " " +
                             res.body.substr(0, 300);
    expect(res.status == 200 && res.header("content-type") == "image/png" && res.body.size() > 8 &&
               res.body.compare(1, 3, "PNG") == 0,
           "not a PNG: " + what);
    Pixels p;
    int channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> data(
        stbi_load_from_memory(reinterpret_cast<const unsigned char*>(res.body.data()),
                              static_cast<int>(res.body.size()), &p.w, &p.h, &channels, 3),
        stbi_image_free);
    expect(data != nullptr, "the PNG does not decode: " + what);
    p.rgb.assign(data.get(), data.get() + static_cast<std::size_t>(p.w) * p.h * 3);
    return p;
}

std::string make_png(int width, int height, int seed) {
    return png_bytes(width, height, 3, pixels(width, height, seed));
}

std::vector<std::filesystem::path> media_files(const ServerFixture& server) {
    std::vector<std::filesystem::path> out;
    const auto dir = server.data_dir() / "media";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) out.push_back(e.path());
    }
    return out;
}

long peak_resident_kb(Process& process) {
    std::ifstream status("/proc/" + std::to_string(process.pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

void reset_peak_resident(Process& process) {
    std::ofstream("/proc/" + std::to_string(process.pid()) + "/clear_refs") << "5";
}

std::string make_jpeg(int width, int height, int seed) {
    std::string out;
    auto rgb = pixels(width, height, seed);
    expect(stbi_write_jpg_to_func(append_to_string, &out, width, height, 3, rgb.data(), 90) != 0,
           "stbi_write_jpg_to_func failed");
    return out;
}

nlohmann::json text_slide(const std::string& title, const std::string& body) {
    return {{"type", "text"}, {"title", title}, {"body", body}, {"duration_s", 8}};
}

nlohmann::json good_heartbeat() {
    return {{"software_version", "0.1.0"},
            {"manifest_version", "v1"},
            {"item_id", "7"},
            {"item_title", "文明出行"},
            {"uptime_s", 120},
            {"rss_bytes", 52'000'000},
            {"cache_bytes", 3'000'000},
            {"free_disk_bytes", 9'000'000'000},
            {"last_sync_error", nullptr},
            {"clock_offset_ms", -42},
            {"interval_s", 60},
            {"sent_at", "2026-11-28T08:30:00Z"}};
}

std::string error_field(const HttpResponse& res) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_object() || !j.contains("error") || !j["error"].contains("field")) return {};
    return j["error"]["field"].get<std::string>();
}

std::string error_code(const HttpResponse& res) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_object() || !j.contains("error") || !j["error"].contains("code")) return {};
    return j["error"]["code"].get<std::string>();
}

signage::protocol::Manifest fetch_manifest(HttpClient& screen) {
    auto res = screen.get("/api/v1/player/manifest");
    expect(res.status == 200, "manifest: " + std::to_string(res.status) + " " + res.body);
    auto m = signage::protocol::parse_manifest_text(res.body);
    expect(m.ok(), "manifest does not parse: " + (m.ok() ? "" : m.error().to_string()));
    return std::move(*m);
}

std::string unquote(std::string etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
        etag = etag.substr(1, etag.size() - 2);
    }
    return etag;
}

nlohmann::json screen_named(HttpClient& staff, const std::string& name) {
    auto res = staff.get("/api/v1/screens");
    expect(res.status == 200, "list screens: " + std::to_string(res.status) + " " + res.body);
    const nlohmann::json body = res.json();
    for (const auto& screen : body.at("screens")) {
        if (screen.at("name") == name) return screen;
    }
    return nullptr;
}

bool wait_for_waiting(HttpClient& staff, const std::string& name) {
    return wait_until([&] {
        const nlohmann::json screen = screen_named(staff, name);
        return screen.is_object() && screen.at("waiting") == true;
    });
}

std::future<Poll> start_poll(const std::string& url, const std::string& device,
                             const std::string& version, int wait_s) {
    return std::async(std::launch::async, [=] {
        auto res = http_request(
            "GET", url + "/api/v1/player/manifest?wait=" + std::to_string(wait_s),
            {{"Authorization", "Bearer " + device}, {"If-None-Match", "\"" + version + "\""}}, {},
            std::chrono::seconds(wait_s + 10));
        return Poll{std::move(res), Clock::now()};
    });
}

Staff::Staff(ServerOptions options)
    : server(std::move(options)),
      admin(server.url(), server.add_staff("admin", "admin")),
      editor(server.url(), server.add_staff("editor", "editor")),
      reviewer(server.url(), server.add_staff("reviewer", "reviewer")) {}

std::string Staff::approved_slide(const nlohmann::json& slide) {
    return approve_slide(editor, reviewer, slide);
}

nlohmann::json Staff::publish() {
    auto res = reviewer.post("/api/v1/publish");
    expect(res.status == 200, "publish: " + std::to_string(res.status) + " " + res.body);
    return res.json();
}

std::string Staff::screen_id(const std::string& name) {
    const nlohmann::json screen = screen_named(admin, name);
    expect(screen.is_object(), "no screen named " + name);
    return screen.at("id").get<std::string>();
}

double metric_value(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    csv_parser p;
    expect(csv_init(&p, CSV_STRICT) == 0, "csv_init");
    CsvRows out;
    auto on_field = [](void* data, size_t n, void* self) {
        static_cast<CsvRows*>(self)->row.emplace_back(static_cast<const char*>(data), n);
    };
    auto on_row = [](int, void* self) {
        auto* r = static_cast<CsvRows*>(self);
        r->rows.push_back(std::move(r->row));
        r->row.clear();
    };
    const bool parsed =
        csv_parse(&p, text.data(), text.size(), on_field, on_row, &out) == text.size();
    csv_fini(&p, on_field, on_row, &out);
    csv_free(&p);
    expect(parsed, "not valid CSV");
    return out.rows;
}

}  // namespace signage::test

namespace signage::test {

nlohmann::json wait_for_film(HttpClient& client, const std::string& sha,
                             const std::function<bool(const nlohmann::json&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    nlohmann::json last;
    while (std::chrono::steady_clock::now() < deadline) {
        auto res = client.get("/api/v1/media/" + sha);
        if (res.status != 200) {
            throw std::runtime_error("GET /api/v1/media/" + sha + ": " +
                                     std::to_string(res.status) + " " + res.body);
        }
        last = res.json();
        if (done(last)) return last;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("the film never got there: " + last.dump());
}

bool conversions_ended(const nlohmann::json& film) {
    for (const nlohmann::json& r : film.at("renditions")) {
        if (r.at("status") != "done" && r.at("status") != "failed") return false;
    }
    return true;
}

}  // namespace signage::test
