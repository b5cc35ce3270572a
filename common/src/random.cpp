#include "common/random.hpp"

#include <stdexcept>
#include <vector>

#include <sodium.h>

#include "common/sha256.hpp"

namespace signage {

std::string random_hex(std::size_t bytes) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    return to_hex(buf.data(), buf.size());
}

}  // namespace signage
