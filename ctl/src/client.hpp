#pragma once
// signagectl's HTTP client (libcurl) and how its failures map to exit
// statuses: 1 for a refused request, 2 for a usage error, 3 when the server
// cannot be reached.

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace signage::ctl {

enum ExitStatus : int { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3 };

// Thrown by commands; main prints `what()` (when not empty) and exits with `status`.
class CtlError : public std::runtime_error {
  public:
    CtlError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

struct Response {
    long status = 0;
    std::string content_type;
    std::string body;
    // The body as JSON; a CtlError (kRefused) when it is not JSON.
    nlohmann::json json() const;
};

// Requests against one server (base URL without the /api/v1 part) with an
// optional bearer token. Throws CtlError(kUnreachable) naming the URL when
// no response arrives.
class Client {
  public:
    Client(std::string server, std::string token);
    const std::string& server() const { return server_; }

    Response request(const std::string& method, const std::string& path,
                     const std::string& body = {}, const std::string& content_type = {});
    Response post_json(const std::string& path, const nlohmann::json& body);

    // Like request(), but a response of 400 or more becomes a CtlError
    // (kRefused) carrying the server's message (see error_text).
    Response checked(const std::string& method, const std::string& path,
                     const std::string& body = {}, const std::string& content_type = {});

  private:
    std::string server_;
    std::string token_;
};

// The lines to print for an error response: `field: message` (or the message
// alone), then one `row R, column C: message` line per row problem.
std::string error_text(const Response& res);

}  // namespace signage::ctl
