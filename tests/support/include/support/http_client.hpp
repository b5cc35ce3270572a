#pragma once
// HTTP requests for tests, on libcurl. Requests never throw: a transport
// failure gives status 0 and a message in `error`.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace signage::test {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    long status = 0;      // 0: no response (see error)
    std::string error;    // libcurl's message when the request failed
    HttpHeaders headers;  // names in lower case, in the order received
    std::string body;

    // The first value of a header (name in any case), "" when absent.
    std::string header(std::string_view name) const;
    // The body parsed as JSON; throws nlohmann::json::parse_error when it is not.
    nlohmann::json json() const;
};

// One request on a new connection. "Expect: 100-continue" is not sent unless
// given in `headers`. Method "HEAD" asks for no body.
HttpResponse http_request(const std::string& method, const std::string& url,
                          const HttpHeaders& headers = {}, const std::string& body = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Requests against one server with an optional bearer token, reusing its
// connection (keep-alive) between requests. Not thread-safe: one per thread.
class HttpClient {
  public:
    explicit HttpClient(std::string base_url, std::string token = {});
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    void set_token(std::string token) { token_ = std::move(token); }
    // Connect from this local address (e.g. "127.0.0.2": all of 127.0.0.0/8
    // is loopback on Linux), so the server sees another client address.
    void set_local_address(std::string address);
    const std::string& token() const { return token_; }
    const std::string& base_url() const { return base_url_; }

    // `path` starts with '/'; adds "Authorization: Bearer <token>" when set.
    HttpResponse request(const std::string& method, const std::string& path,
                         const std::string& body = {}, const HttpHeaders& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
    HttpResponse get(const std::string& path, const HttpHeaders& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
    HttpResponse head(const std::string& path, const HttpHeaders& headers = {});
    HttpResponse del(const std::string& path);
    // JSON bodies (Content-Type: application/json).
    HttpResponse post(const std::string& path,
                      const nlohmann::json& body = nlohmann::json::object());
    HttpResponse put(const std::string& path, const nlohmann::json& body);
    // Raw bytes (uploads).
    HttpResponse put_bytes(const std::string& path, const std::string& bytes,
                           const std::string& content_type = "application/octet-stream");

  private:
    struct Handle;
    std::string base_url_;
    std::string token_;
    std::string local_address_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace signage::test
