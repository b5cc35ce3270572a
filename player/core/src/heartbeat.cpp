#include "core/heartbeat.hpp"

#include <curl/curl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include "common/json_input.hpp"
#include "protocol/heartbeat.hpp"

#ifndef SIGNAGE_VERSION
#define SIGNAGE_VERSION "0.0.0"
#endif

namespace signage::player {
namespace {

using HbEasyPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HbSlistPtr = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

std::size_t hb_collect(char* ptr, std::size_t size, std::size_t n, void* userdata) {
    auto* out = static_cast<std::string*>(userdata);
    const std::size_t bytes = size * n;
    if (out->size() + bytes > (64u << 10)) return 0;  // answers are small
    out->append(ptr, bytes);
    return bytes;
}

std::string hb_url(const std::string& server, const char* path) {
    std::string url = server;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + path;
}

struct HbResponse {
    long status = 0;
    std::string body;
};

// One request; "network" when there is no HTTP answer.
Result<HbResponse> hb_request(const ReportTarget& target, const char* method, const char* path,
                              const std::string& body, const std::string& content_type,
                              const std::string& extra_header) {
    static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curl_ready) return make_error(ErrorCode::network, "libcurl could not be initialised");
    HbEasyPtr easy(curl_easy_init(), &curl_easy_cleanup);
    if (!easy) return make_error(ErrorCode::network, "cannot create a libcurl handle");
    HbSlistPtr headers(nullptr, &curl_slist_free_all);
    auto add = [&](const std::string& h) {
        headers.reset(curl_slist_append(headers.release(), h.c_str()));
    };
    add("Authorization: Bearer " + target.token);
    add("Content-Type: " + content_type);
    add("Expect:");
    if (!extra_header.empty()) add(extra_header);
    const std::string url = hb_url(target.server_url, path);
    HbResponse res;
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &hb_collect);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &res.body);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(target.timeout.count()));
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(target.timeout.count()));
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    const CURLcode rc = curl_easy_perform(easy.get());
    if (rc != CURLE_OK) {
        return make_error(ErrorCode::network, std::string("cannot reach ") + target.server_url +
                                                  ": " + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &res.status);
    if (res.status == 401 || res.status == 403) {
        return make_error(ErrorCode::auth, "the server refused this screen's token (HTTP " +
                                               std::to_string(res.status) + ")");
    }
    if (res.status < 200 || res.status >= 300) {
        std::string message = std::string(path) + " answered HTTP " + std::to_string(res.status);
        auto j = signage::read_json(res.body);
        if (j.is_object() && j.contains("error") && j["error"].is_object()) {
            message += ": " + j["error"].value("message", std::string{});
        }
        return make_error(ErrorCode::network, message);
    }
    return res;
}

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

const char* software_version() {
    return SIGNAGE_VERSION;
}

nlohmann::json heartbeat_json(const HeartbeatReport& r) {
    auto text_or_null = [](const std::string& s) {
        return s.empty() ? std::nullopt : std::optional<std::string>(s);
    };
    protocol::Heartbeat hb;
    hb.software_version = software_version();
    hb.manifest_version = text_or_null(r.manifest_version);
    hb.item_id = text_or_null(r.item_id);
    hb.item_title = text_or_null(r.item_title);
    hb.manifest_shows_at = text_or_null(r.manifest_shows_at);
    hb.last_sync_error = r.last_sync_error;
    hb.interval_s = r.interval_s;
    hb.uptime_s = r.uptime_s;
    hb.rss_bytes = r.rss_bytes;
    hb.cache_bytes = r.cache_bytes;
    hb.free_disk_bytes = r.free_disk_bytes;
    hb.clock_offset_ms = r.clock_offset_ms;
    hb.sent_at = r.sent_at;
    return protocol::to_json(hb);
}

std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size = 0, resident = 0;
    if (!(statm >> size >> resident)) return 0;
    return resident * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

std::int64_t directory_bytes(const std::filesystem::path& dir) {
    std::error_code ec;
    std::int64_t total = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(
             dir, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code fec;
        if (it->is_regular_file(fec)) {
            const auto size = it->file_size(fec);
            if (!fec) total += static_cast<std::int64_t>(size);
        }
    }
    return total;
}

std::int64_t free_disk_bytes(const std::filesystem::path& dir) {
    struct statvfs vfs {};
    if (::statvfs(dir.c_str(), &vfs) != 0) return 0;
    return static_cast<std::int64_t>(vfs.f_bavail) * static_cast<std::int64_t>(vfs.f_frsize);
}

Result<HeartbeatAnswer> post_heartbeat(const ReportTarget& target, const HeartbeatReport& report) {
    const std::int64_t sent = unix_ms_now();
    auto res = hb_request(target, "POST", "/api/v1/player/heartbeat", heartbeat_json(report).dump(),
                          "application/json", {});
    if (!res) return res.error();
    const std::int64_t received = unix_ms_now();
    HeartbeatAnswer answer;
    auto j = signage::read_json(res->body);
    if (j.is_object() && j.contains("server_time_ms") && j["server_time_ms"].is_number_integer()) {
        answer.clock_offset_ms = j["server_time_ms"].get<std::int64_t>() - (sent + received) / 2;
    }
    return answer;
}

Status put_screenshot(const ReportTarget& target, const std::string& png, const std::string& id) {
    auto res = hb_request(target, "PUT", "/api/v1/player/screenshot", png, "image/png",
                          id.empty() ? std::string{} : "Signage-Screenshot-Id: " + id);
    if (!res) return res.error();
    return {};
}

Status post_screenshot_failure(const ReportTarget& target, const std::string& id,
                               const std::string& reason, const std::string& detail) {
    // A character cut in two becomes U+FFFD rather than an error.
    const nlohmann::json body = {{"id", id}, {"reason", reason}, {"detail", detail.substr(0, 500)}};
    auto res = hb_request(target, "POST", "/api/v1/player/screenshot-failure",
                          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                          "application/json", {});
    if (!res) return res.error();
    return {};
}

}  // namespace signage::player
