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
    fill_request(head, remote, req);
    return req;
}

void fill_request(const bhttp::request_header<>& head, std::string_view remote, Request& req) {
    req.method = method_of(head.method());
    const auto verb = head.method_string();
    req.method_text.assign(verb.data(), verb.size());
    const auto target = head.target();
    req.target.assign(target.data(), target.size());
    split_target(req.target, req.path, req.query);
    std::size_t n = 0;
    for (const auto& field : head) {
        const auto name = field.name_string();
        const auto value = field.value();
        req.headers.assign_at(n++, {name.data(), name.size()}, {value.data(), value.size()});
    }
    req.headers.truncate(n);
    req.body.clear();
    req.body_file.clear();
    req.remote.assign(remote);
    req.client.clear();
    req.params.clear();
}

}  // namespace signage::server::http
