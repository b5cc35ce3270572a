#include "e2e_kit.hpp"

#include "support/temp_dir.hpp"

namespace signage::test {

std::string read_or_empty(const std::filesystem::path& path) {
    try {
        return read_text_file(path);
    } catch (...) {
        return {};
    }
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

}  // namespace signage::test
