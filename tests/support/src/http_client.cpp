#include "support/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

#include <curl/curl.h>

namespace signage::test {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* res = static_cast<HttpResponse*>(user);
    std::string_view line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.substr(0, 5) == "HTTP/") {
        res->headers.clear();  // a new response (after 100 Continue): start over
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        res->headers.emplace_back(lower(line.substr(0, colon)), std::string(value));
    }
    return size * n;
}

HttpResponse perform(CURL* curl, const std::string& method, const std::string& url,
                     const HttpHeaders& headers, const std::string& body,
                     std::chrono::milliseconds timeout, const std::string& local_address = {}) {
    HttpResponse res;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    const std::string interface = "host!" + local_address;
    curl_easy_setopt(curl, CURLOPT_INTERFACE, local_address.empty() ? nullptr : interface.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    if (method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 0L);
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        if (method != "GET") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    const bool sends_body = method == "POST" || method == "PUT" || method == "PATCH" ||
                            (!body.empty() && method != "HEAD");
    if (sends_body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_slist* list = nullptr;
    bool has_expect = false;
    bool has_type = false;
    for (const auto& [name, value] : headers) {
        list = curl_slist_append(list, (name + ": " + value).c_str());
        has_expect = has_expect || lower(name) == "expect";
        has_type = has_type || lower(name) == "content-type";
    }
    if (!has_expect) list = curl_slist_append(list, "Expect:");
    if (sends_body && !has_type) {
        list = curl_slist_append(list, "Content-Type: application/octet-stream");
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(list);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    if (rc != CURLE_OK) {
        res.status = 0;
        res.error = curl_easy_strerror(rc);
        return res;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);
    return res;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    const std::string key = lower(name);
    for (const auto& [n, v] : headers) {
        if (n == key) return v;
    }
    return {};
}

nlohmann::json HttpResponse::json() const {
    return nlohmann::json::parse(body);
}

HttpResponse http_request(const std::string& method, const std::string& url,
                          const HttpHeaders& headers, const std::string& body,
                          std::chrono::milliseconds timeout) {
    global_init();
    CURL* curl = curl_easy_init();
    if (!curl) return HttpResponse{0, "curl_easy_init failed", {}, {}};
    HttpResponse res = perform(curl, method, url, headers, body, timeout);
    curl_easy_cleanup(curl);
    return res;
}

struct HttpClient::Handle {
    Handle() {
        global_init();
        curl = curl_easy_init();
    }
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);
    }
    CURL* curl = nullptr;
};

HttpClient::HttpClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)),
      token_(std::move(token)),
      handle_(std::make_unique<Handle>()) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

void HttpClient::set_local_address(std::string address) {
    // A kept-alive connection from the old address must not be reused.
    if (address != local_address_) handle_ = std::make_unique<Handle>();
    local_address_ = std::move(address);
}
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 const std::string& body, const HttpHeaders& headers,
                                 std::chrono::milliseconds timeout) {
    HttpHeaders all = headers;
    if (!token_.empty()) all.emplace_back("Authorization", "Bearer " + token_);
    if (!handle_ || !handle_->curl) return HttpResponse{0, "no curl handle", {}, {}};
    return perform(handle_->curl, method, base_url_ + path, all, body, timeout, local_address_);
}

HttpResponse HttpClient::get(const std::string& path, const HttpHeaders& headers,
                             std::chrono::milliseconds timeout) {
    return request("GET", path, {}, headers, timeout);
}

HttpResponse HttpClient::head(const std::string& path, const HttpHeaders& headers) {
    return request("HEAD", path, {}, headers);
}

HttpResponse HttpClient::del(const std::string& path) {
    return request("DELETE", path);
}

HttpResponse HttpClient::post(const std::string& path, const nlohmann::json& body) {
    return request("POST", path, body.dump(), {{"Content-Type", "application/json"}});
}

HttpResponse HttpClient::put(const std::string& path, const nlohmann::json& body) {
    return request("PUT", path, body.dump(), {{"Content-Type", "application/json"}});
}

HttpResponse HttpClient::put_bytes(const std::string& path, const std::string& bytes,
                                   const std::string& content_type) {
    return request("PUT", path, bytes, {{"Content-Type", content_type}});
}

}  // namespace signage::test
