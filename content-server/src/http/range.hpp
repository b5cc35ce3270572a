#pragma once
// Single byte ranges of the Range header (RFC 9110 14.2): "bytes=a-b",
// "bytes=a-" and "bytes=-n". Anything else (other units, several ranges, bad
// syntax) is ignored and the whole body is sent, as the RFC allows.

#include <cstdint>
#include <string_view>

namespace signage::server::http {

struct ByteRange {
    enum class Kind { whole, partial, unsatisfiable };
    Kind kind = Kind::whole;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;  // for partial
};

ByteRange parse_range(std::string_view header, std::uint64_t size);

}  // namespace signage::server::http
