#pragma once
// A Request made from the request line and header fields Beast parsed: what
// a handler sees of a request, before its body. The session and the HTTP fuzz
// target both use it.

#include <string>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include "http/message.hpp"

namespace signage::server::http {

// Method, target (split into path and query), header fields in order, and
// `remote`; the body and the path parameters stay empty.
Request request_from_header(const boost::beast::http::request_header<>& head, std::string remote);
// The same into `req`, reusing the memory its strings hold (a connection's
// next request), with its body, body file and parameters cleared.
void fill_request(const boost::beast::http::request_header<>& head, std::string_view remote,
                  Request& req);

}  // namespace signage::server::http
