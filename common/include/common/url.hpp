#pragma once
// Percent-encoding for query values and RFC 5987 file names: A-Z, a-z, 0-9,
// '-', '.', '_' stay as they are, every other byte (UTF-8 included) is %XX.

#include <string>
#include <string_view>

namespace signage {

std::string percent_encode(std::string_view text);

}  // namespace signage
