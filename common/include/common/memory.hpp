#pragma once
// Process-wide allocator policy for long-running programs.

namespace signage {

// Makes glibc serve every allocation of 256 KiB or more with its own mmap,
// returned to the system on free. By default glibc raises that threshold
// after the first large free (up to 32 MiB), after which full-screen pixel
// buffers (8 MB at 1080p) come from the heap, fragment it, and the resident
// size creeps up for hours although nothing leaks. Call once, first thing.
void return_large_blocks_to_system();

}  // namespace signage
