// Requests as a connection reads them, with the session's own steps: Beast's
// parser with the session's header limit, then request_from_header, the
// route's body limit (refused by Content-Length before the body is read),
// the body (Content-Length or chunked) under that limit, and the router with
// real route patterns; several requests in a row while the client keeps the
// connection open. Never crash; what reaches a handler is within the limits
// and its path parameters are decoded, non-empty text; every request gets
// exactly one answer with a real status; ranges stay inside the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "http/connection_guard.hpp"
#include "http/message.hpp"
#include "http/range.hpp"
#include "http/request_head.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"
#include "http/session.hpp"

namespace bhttp = boost::beast::http;
using namespace signage::server::http;

namespace {

constexpr std::uint64_t kFileSize = 1000;  // the media file behind /media/{sha256}

void check_params(const Request& req) {
    for (const std::string& p : req.params) {
        if (p.find('\0') != std::string::npos) std::abort();
    }
}

Router& router() {
    static Router r = [] {
        spdlog::set_level(spdlog::level::off);
        Router router([](std::function<void()> task) { task(); });
        auto json_route = [](Request& req) -> signage::Result<Response> {
            check_params(req);
            if (req.params.size() == 1 && req.params[0].empty()) std::abort();
            auto body = parse_json_object(req);
            if (!body) return body.error();
            return json_response(200, {{"keys", body->size()}});
        };
        auto id_route = [](Request& req) -> signage::Result<Response> {
            check_params(req);
            if (req.params.size() != 1 || req.params[0].empty()) std::abort();
            auto id = parse_path_id(req.params[0], "slide");
            if (!id) return id.error();
            if (*id <= 0) std::abort();
            return json_response(200, {{"id", *id}});
        };
        router.add(Method::get, "/api/v1/slides/{id}", id_route);
        router.add(Method::put, "/api/v1/slides/{id}", json_route);
        router.add(Method::post, "/api/v1/slides/{id}/approve", json_route);
        router.add(Method::post, "/api/v1/player/plays", json_route, RouteOptions{1024 * 1024});
        router.add(Method::put, "/api/v1/media", json_route, RouteOptions{4 * 1024 * 1024});
        router.add_async(Method::get, "/api/v1/manifest",
                         [](Request& req, const Responder& respond) {
                             check_params(req);
                             Response res;
                             res.status = req.header("if-none-match").empty() ? 200 : 304;
                             respond(std::move(res));
                         });
        router.add(Method::get, "/media/{sha256}", [](Request& req) -> signage::Result<Response> {
            check_params(req);
            if (req.params.size() != 1 || req.params[0].empty()) std::abort();
            const ByteRange range = parse_range(req.header("range"), kFileSize);
            if (range.kind == ByteRange::Kind::partial &&
                (range.length == 0 || range.offset + range.length > kFileSize)) {
                std::abort();
            }
            Response res;
            res.status = range.kind == ByteRange::Kind::partial ? 206
                         : range.kind == ByteRange::Kind::whole ? 200
                                                                : 416;
            return res;
        });
        router.add(Method::get, "/{*}", [](Request& req) -> signage::Result<Response> {
            check_params(req);
            if (req.params.size() != 1) std::abort();
            return Response{};
        });
        return router;
    }();
    return r;
}

void check_request(const Request& req) {
    if (req.path.find('?') != std::string::npos) std::abort();
    if (req.path.size() + req.query.size() > req.target.size()) std::abort();
    const std::string token = req.bearer_token();
    if (!token.empty() && (token.front() == ' ' || token.back() == ' ' || token.back() == '\t')) {
        std::abort();
    }
    // Every query parameter decodes to text without a NUL, or to the
    // marker of a broken escape.
    std::string_view rest = req.query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        auto value = req.query_param(std::string(pair.substr(0, pair.find('='))));
        if (!value) std::abort();
        if (*value != "\x01" && value->find('\0') != std::string::npos) std::abort();
    }
}

// The client behind a trusted proxy is an address the header names, or the
// proxy itself; from an untrusted peer the header is never believed.
void check_client(std::string_view forwarded) {
    static const AddressSet trusted = *AddressSet::parse({"127.0.0.1", "10.0.0.0/8"}, "fuzz");
    static const AddressSet none = *AddressSet::parse({}, "fuzz");
    const auto proxy = boost::asio::ip::make_address("127.0.0.1");
    const auto stranger = boost::asio::ip::make_address("203.0.113.9");
    if (client_address(stranger, forwarded, trusted) != "203.0.113.9") std::abort();
    if (client_address(proxy, forwarded, none) != "127.0.0.1") std::abort();
    const std::string client = client_address(proxy, forwarded, trusted);
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(client, ec);
    if (ec) std::abort();
    if (client != "127.0.0.1" && forwarded.find(client) == std::string_view::npos &&
        client.find(':') == std::string::npos) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const SessionLimits limits;
    for (int n = 0; n < 4 && !in.empty(); ++n) {
        boost::beast::error_code ec;
        bhttp::request_parser<bhttp::empty_body> head;
        head.header_limit(limits.header_limit);
        head.body_limit(std::numeric_limits<std::uint64_t>::max());
        std::size_t used = head.put(boost::asio::buffer(in.data(), in.size()), ec);
        if (ec || !head.is_header_done()) return 0;  // the session answers 400/431 or waits
        if (used > limits.header_limit) std::abort();
        in.remove_prefix(used);

        Request req = request_from_header(head.get(), "fuzz");
        check_request(req);
        check_client(req.header("x-forwarded-for"));
        const bool keep_alive = head.get().keep_alive();
        const std::uint64_t limit = router().body_limit(req.method, req.path);
        const auto length = head.content_length();
        if (length && *length > limit) return 0;  // 413 before the body, then close

        bhttp::request_parser<bhttp::string_body> body(std::move(head));
        body.body_limit(limit);
        body.eager(true);
        while (!body.is_done()) {
            used = body.put(boost::asio::buffer(in.data(), in.size()), ec);
            in.remove_prefix(used);
            if (ec) return 0;  // 400 or 413, then close; or waiting for more
            if (used == 0) return 0;
        }
        req.body = std::move(body.get().body());
        if (req.body.size() > limit) std::abort();
        if (length && req.body.size() != *length) std::abort();

        int answers = 0;
        int status = 0;
        router().dispatch(std::move(req), Responder{[&](Response r) {
                              ++answers;
                              status = r.status;
                          }});
        if (answers != 1 || status < 200 || status > 599) std::abort();
        if (!keep_alive) break;
    }
    return 0;
}
