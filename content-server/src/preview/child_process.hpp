#pragma once
// Runs a helper program (the preview renderer) to completion under a time
// limit: posix_spawn with standard input from /dev/null, standard output and
// error captured through pipes, no other inherited descriptors
// (posix_spawn_file_actions_addclosefrom_np), the default disposition for
// the signals the server ignores or catches, and only the environment given.
//
// Threading: any thread; blocks the caller until the child exits or is
// killed (SIGKILL) at the deadline.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace signage::server {

struct ChildResult {
    int exit_code = -1;      // the exit status; -1 when killed by a signal
    bool timed_out = false;  // killed at the deadline
    bool cancelled = false;  // killed because ChildLimits::cancel was set
    std::string out;         // standard output (at most ChildLimits::output_bytes)
    std::string err;         // standard error (at most ChildLimits::output_bytes)
};

struct ChildLimits {
    std::chrono::milliseconds timeout{20000};
    std::size_t output_bytes = 1 << 20;  // per stream; the rest is read and dropped
    // When set, looked at every 100 ms: true kills the child (a server stopping).
    const std::atomic<bool>* cancel = nullptr;
    // When set, handed each piece of standard output as it arrives (all of
    // it, also past output_bytes).
    std::function<void(std::string_view)> on_out = nullptr;
    // The child leads a process group of its own, and the whole group is
    // killed at the deadline or on cancel (a program that starts others).
    bool own_group = false;
};

// `env` holds "NAME=value" entries: the child's whole environment. Errors
// only when the program cannot be started ("unavailable").
Result<ChildResult> run_child(const std::filesystem::path& program,
                              const std::vector<std::string>& args,
                              const std::vector<std::string>& env, const ChildLimits& limits);

}  // namespace signage::server
