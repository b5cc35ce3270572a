#pragma once
// Plain HTTP request and response values, independent of Beast, so handlers
// compile fast and can be called without a socket. The session converts
// between these and Beast messages.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signage::server::http {

enum class Method { get, head, post, put, patch, del, options, other };
std::string_view to_string(Method method);

// Header fields in order; names compare case-insensitively.
class Headers {
  public:
    // The first value of `name`, or "" when absent.
    std::string_view get(std::string_view name) const;
    bool has(std::string_view name) const;
    // Replaces every field called `name` with one.
    void set(std::string_view name, std::string value);
    void add(std::string name, std::string value);
    // Field `index` becomes name: value (appended when index is the count),
    // in the memory its strings already hold; then truncate(count) drops the
    // rest. A connection refills one request's fields this way.
    void assign_at(std::size_t index, std::string_view name, std::string_view value);
    void truncate(std::size_t count);
    void reserve(std::size_t fields) { fields_.reserve(fields); }
    const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

  private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
    Method method = Method::get;
    std::string method_text;  // as sent, for logs and 405 messages
    std::string target;       // as sent: path and query
    std::string path;         // the target before '?', still percent-encoded
    std::string query;        // the target after '?', still percent-encoded
    Headers headers;
    std::string body;
    // The body, when the route spools it to disk (RouteOptions::spool)
    // instead of `body`; removed once the response is sent.
    std::filesystem::path body_file;
    std::string remote;  // peer address and port, for logs
    // Who the client is: the peer's address, or the forwarded one when the
    // peer is a trusted proxy (http/connection_guard.hpp). Throttles key on it.
    std::string client;
    std::vector<std::string> params;  // path parameters, filled by the router

    std::string_view header(std::string_view name) const { return headers.get(name); }
    // A query parameter, percent-decoded; nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
    // The token of "Authorization: Bearer <token>", or "".
    std::string bearer_token() const;
    // The same, pointing into the header.
    std::string_view bearer_token_view() const;
};

// A file region sent as the body (media, console files), streamed from disk.
struct FileSlice {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    // When set, told once the body has been written, or its connection has
    // failed, how many of the slice's bytes the client's socket took: all of
    // them, or fewer when it failed part way; 0 for HEAD and other bodiless
    // answers, and when the file cannot be opened. Runs on the I/O thread;
    // must be quick.
    std::function<void(std::uint64_t bytes)> on_sent = nullptr;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    // The body shared with other answers instead of `body`: a group's
    // manifest sent to each of its waiting screens is one string in memory,
    // not a copy per screen. When set, `body` is empty.
    std::shared_ptr<const std::string> shared_body;
    std::optional<FileSlice> file;  // when set, the body comes from this file

    std::uint64_t body_size() const {
        return file ? file->length : shared_body ? shared_body->size() : body.size();
    }
};

// Splits a target into path and query.
void split_target(std::string_view target, std::string& path, std::string& query);
// Decodes %XX escapes ('+' stays '+'); nullopt for a broken escape or a NUL.
std::optional<std::string> percent_decode(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
// Without the spaces and tabs around it (HTTP's optional whitespace).
std::string_view trim_ows(std::string_view s);

}  // namespace signage::server::http
