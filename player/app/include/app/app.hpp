#pragma once
// The player program: a thin main() calls run().

#include "app/options.hpp"

namespace signage::app {

// Runs the whole program; returns the process exit code.
int run(int argc, char** argv);

// --render: one slide to a PNG (and --lines JSON on stdout). Exit codes:
// 0 done, 1 rendering or output failed, 2 the slide file is unreadable or
// invalid (the message names the field).
int render_command(const RenderOptions& options, const std::filesystem::path& font);

// Playing on a screen until SIGINT/SIGTERM or the window closes (exit 0).
int play_command(const PlayOptions& options, const std::filesystem::path& font);

// Sets up spdlog on stderr: "[2026-11-22 08:30:00.123] [info] message", or
// "<6>message" when stderr is the systemd journal (common/logging.hpp).
void setup_logging(const std::string& level);

}  // namespace signage::app
