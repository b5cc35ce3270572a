#pragma once
// --input-fifo PATH: injected input for tests and diagnostics. A thread reads
// lines from a FIFO (created when missing) and posts them as SDL events, so
// they take the same path through the play loop as a real touch or click:
//   tap X Y     SDL_FINGERDOWN + SDL_FINGERUP at screen pixel (X, Y)
//               (normalized by the output size, as SDL reports touches)
//   click X Y   SDL_MOUSEBUTTONDOWN + SDL_MOUSEBUTTONUP (left button)
// Other lines are logged and ignored.

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "render/sdl.hpp"

namespace signage::app {

// The events one line stands for; nullopt when it is not a command.
std::optional<std::vector<SDL_Event>> parse_input_line(const std::string& line, render::Size size);

class InputFifo {
  public:
    using Post = std::function<void(SDL_Event)>;

    // Opens (making it when missing) the FIFO at `path`; `post` is called on
    // the reader thread (Display::post_event is thread-safe).
    static Result<std::unique_ptr<InputFifo>> open(const std::filesystem::path& path,
                                                   render::Size size, Post post);
    ~InputFifo();  // stops the thread
    InputFifo(const InputFifo&) = delete;
    InputFifo& operator=(const InputFifo&) = delete;

  private:
    InputFifo(int fd, render::Size size, Post post);
    void run();

    int fd_ = -1;
    render::Size size_;
    Post post_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace signage::app
