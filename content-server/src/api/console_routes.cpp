#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "http/responses.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

std::string_view content_type_for(const std::filesystem::path& path) {
    const std::string ext = path.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

// A relative path with no ".", ".." or empty segment, or nullopt.
std::optional<std::filesystem::path> safe_relative(const std::string& decoded) {
    if (decoded.empty()) return std::filesystem::path("index.html");
    std::filesystem::path out;
    std::string_view rest = decoded;
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        if (seg.empty() || seg == "." || seg == ".." || seg.find('\\') != std::string_view::npos) {
            return std::nullopt;
        }
        out /= std::string(seg);
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

void add_console_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add(Method::get, "/{*}", {.access = Access::anyone()}, [&s](Call& c) -> Result<Response> {
        const Request& req = c.req;
        const std::string& rel_text = req.params.at(0);
        const auto not_found = make_error(ErrorCode::not_found, "nothing at " + req.path, "path");
        if (rel_text.rfind("api/", 0) == 0 || rel_text.rfind("media/", 0) == 0) return not_found;
        auto rel = safe_relative(rel_text);
        if (!rel) return not_found;
        std::error_code ec;
        const auto root = std::filesystem::canonical(s.console_dir, ec);
        if (ec) return not_found;
        const auto file = std::filesystem::weakly_canonical(root / *rel, ec);
        if (ec || !std::filesystem::is_regular_file(file, ec)) return not_found;
        // Symbolic links must not lead out of the console directory.
        const auto [r, f] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
        if (r != root.end()) return not_found;
        const auto size = std::filesystem::file_size(file, ec);
        if (ec) return not_found;
        Response res;
        res.headers.set("Content-Type", std::string(content_type_for(file)));
        res.headers.set("Cache-Control", "no-cache");
        res.headers.set("X-Content-Type-Options", "nosniff");
        res.file = http::FileSlice{file, 0, size};
        return res;
    });
}

}  // namespace signage::server
