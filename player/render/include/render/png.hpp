#pragma once
// PNG output, atomically: IMG_SavePNG to a temporary file next to the target,
// then commit_file() (fsync, rename, fsync dir), so readers never see a torn
// PNG.

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "common/result.hpp"
#include "render/sdl.hpp"

namespace signage::render {

Status save_png_atomic(SDL_Surface& surface, const std::filesystem::path& path);

// Writes PNGs on its own thread, so encoding and fsync never stall the play
// loop. Only the newest frame matters: a frame submitted while an earlier one
// still waits replaces it. Failures are logged.
//
// Threading: submit() and flush() from any thread; the destructor writes what
// is pending, then joins.
class PngWriter {
  public:
    PngWriter();
    ~PngWriter();
    PngWriter(const PngWriter&) = delete;
    PngWriter& operator=(const PngWriter&) = delete;

    void submit(SurfacePtr frame, std::filesystem::path path);
    // Returns once everything submitted before the call is on disk.
    void flush();

  private:
    void run();

    std::mutex mu_;
    std::condition_variable cv_;
    std::optional<std::pair<SurfacePtr, std::filesystem::path>> pending_;  // guarded by mu_
    bool busy_ = false;                                                    // guarded by mu_
    bool stop_ = false;                                                    // guarded by mu_
    std::thread thread_;
};

}  // namespace signage::render
