#include "common/memory.hpp"

#include <malloc.h>

namespace signage {

void return_large_blocks_to_system() {
    // Setting the threshold explicitly also turns off glibc's dynamic
    // adjustment of it.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

}  // namespace signage
