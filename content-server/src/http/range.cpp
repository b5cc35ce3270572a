#include "http/range.hpp"

#include <charconv>

#include "http/message.hpp"

namespace signage::server::http {
namespace {

bool parse_u64(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

ByteRange parse_range(std::string_view header, std::uint64_t size) {
    using Kind = ByteRange::Kind;
    const ByteRange whole{};
    header = trim_ows(header);
    constexpr std::string_view unit = "bytes=";
    if (header.size() <= unit.size() || !iequals(header.substr(0, unit.size()), unit)) return whole;
    std::string_view spec = trim_ows(header.substr(unit.size()));
    if (spec.find(',') != std::string_view::npos) return whole;
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    const std::string_view first = trim_ows(spec.substr(0, dash));
    const std::string_view last = trim_ows(spec.substr(dash + 1));
    std::uint64_t a = 0, b = 0;
    if (first.empty()) {  // suffix: the last n bytes
        if (!parse_u64(last, b)) return whole;
        if (b == 0 || size == 0) return {Kind::unsatisfiable, 0, 0};
        const std::uint64_t n = b < size ? b : size;
        return {Kind::partial, size - n, n};
    }
    if (!parse_u64(first, a)) return whole;
    if (last.empty()) {
        b = size == 0 ? 0 : size - 1;
    } else if (!parse_u64(last, b) || b < a) {
        return whole;
    }
    if (a >= size) return {Kind::unsatisfiable, 0, 0};
    if (b >= size) b = size - 1;
    return {Kind::partial, a, b - a + 1};
}

}  // namespace signage::server::http
