#include "client.hpp"
#include "common/json_input.hpp"

#include <curl/curl.h>

#include <memory>
#include <utility>

namespace signage::ctl {

namespace {

struct CtlCurlGlobal {
    CtlCurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~CtlCurlGlobal() { curl_global_cleanup(); }
    CtlCurlGlobal(const CtlCurlGlobal&) = delete;
    CtlCurlGlobal& operator=(const CtlCurlGlobal&) = delete;
};

void ctl_curl_init() {
    static const CtlCurlGlobal global;
}

std::size_t ctl_append_body(char* ptr, std::size_t size, std::size_t n, void* userdata) {
    static_cast<std::string*>(userdata)->append(ptr, size * n);
    return size * n;
}

std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

}  // namespace

nlohmann::json Response::json() const {
    auto parsed = signage::read_json(body);
    if (parsed.is_discarded()) {
        throw CtlError(kRefused,
                       "the server's answer is not JSON (HTTP " + std::to_string(status) + ")");
    }
    return parsed;
}

Client::Client(std::string server, std::string token)
    : server_(without_trailing_slash(std::move(server))), token_(std::move(token)) {}

Response Client::request(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& content_type) {
    ctl_curl_init();
    using EasyPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
    using SlistPtr = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;
    EasyPtr easy(curl_easy_init(), &curl_easy_cleanup);
    if (!easy) throw CtlError(kUnreachable, "cannot create a libcurl handle");

    const std::string url = server_ + path;
    SlistPtr headers(nullptr, &curl_slist_free_all);
    auto add_header = [&headers](const std::string& h) {
        headers.reset(curl_slist_append(headers.release(), h.c_str()));
    };
    if (!token_.empty()) add_header("Authorization: Bearer " + token_);
    if (!content_type.empty()) add_header("Content-Type: " + content_type);
    add_header("Expect:");

    Response res;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "GET") curl_easy_setopt(easy.get(), CURLOPT_HTTPGET, 1L);
    if (method == "POST" || method == "PUT") {
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &ctl_append_body);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &res.body);
    curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 300000L);
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);

    const CURLcode rc = curl_easy_perform(easy.get());
    if (rc != CURLE_OK) {
        const std::string why = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
        throw CtlError(kUnreachable, "cannot reach the server at " + url + ": " + why);
    }
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &res.status);
    char* type = nullptr;
    curl_easy_getinfo(easy.get(), CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) res.content_type = type;
    return res;
}

Response Client::post_json(const std::string& path, const nlohmann::json& body) {
    return checked("POST", path, body.dump(), "application/json");
}

Response Client::checked(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& content_type) {
    Response res = request(method, path, body, content_type);
    if (res.status >= 400) throw CtlError(kRefused, error_text(res));
    return res;
}

std::string error_text(const Response& res) {
    const auto parsed = signage::read_json(res.body);
    std::string http = "HTTP ";
    http += std::to_string(res.status);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("error") ||
        !parsed["error"].is_object()) {
        return res.body.empty() ? http : http + ": " + res.body;
    }
    const nlohmann::json& err = parsed["error"];
    auto text_of = [](const nlohmann::json& v) {
        return v.is_string() ? v.get<std::string>() : v.dump();
    };
    std::string out;
    const std::string field = err.contains("field") ? text_of(err["field"]) : std::string();
    const std::string message =
        err.contains("message") ? text_of(err["message"]) : text_of(err.value("code", http));
    out = field.empty() ? message : field + ": " + message;
    if (err.contains("rows") && err["rows"].is_array()) {
        for (const auto& row : err["rows"]) {
            out += "\nrow ";
            out += row.contains("row") ? text_of(row["row"]) : std::string("?");
            out += ", column ";
            out += row.contains("column") ? text_of(row["column"]) : std::string("?");
            out += ": ";
            out += row.contains("message") ? text_of(row["message"]) : std::string();
        }
    }
    return out;
}

}  // namespace signage::ctl
