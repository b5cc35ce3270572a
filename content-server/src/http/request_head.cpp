#include "http/request_head.hpp"

#include <iterator>

namespace signage::server::http {

namespace bhttp = boost::beast::http;

namespace {

Method method_of(bhttp::verb verb) {
    switch (verb) {
        case bhttp::verb::get:
            return Method::get;
        case bhttp::verb::head:
            return Method::head;
        case bhttp::verb::post:
            return Method::post;
        case bhttp::verb::put:
            return Method::put;
        case bhttp::verb::patch:
            return Method::patch;
        case bhttp::verb::delete_:
            return Method::del;
        case bhttp::verb::options:
            return Method::options;
        default:
            return Method::other;
    }
}

}  // namespace

Request request_from_header(const bhttp::request_header<>& head, std::string remote) {
    Request req;
    req.method = method_of(head.method());
    req.method_text = std::string(head.method_string());
    req.target = std::string(head.target());
    split_target(req.target, req.path, req.query);
    req.headers.reserve(static_cast<std::size_t>(std::distance(head.begin(), head.end())));
    for (const auto& field : head) {
        req.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    req.remote = std::move(remote);
    return req;
}

}  // namespace signage::server::http
