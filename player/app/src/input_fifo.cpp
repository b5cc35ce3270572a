#include "app/input_fifo.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

namespace signage::app {

std::optional<std::vector<SDL_Event>> parse_input_line(const std::string& line, render::Size size) {
    std::istringstream in(line);
    std::string verb;
    int x = 0, y = 0;
    if (!(in >> verb >> x >> y) || x < 0 || y < 0 || x >= size.w || y >= size.h) {
        return std::nullopt;
    }
    std::string rest;
    if (in >> rest) return std::nullopt;
    std::vector<SDL_Event> out;
    if (verb == "tap") {
        for (const Uint32 type : {SDL_FINGERDOWN, SDL_FINGERUP}) {
            SDL_Event ev{};
            ev.type = type;
            ev.tfinger.timestamp = SDL_GetTicks();
            ev.tfinger.touchId = 1;
            ev.tfinger.fingerId = 1;
            ev.tfinger.x = (static_cast<float>(x) + 0.5F) / static_cast<float>(size.w);
            ev.tfinger.y = (static_cast<float>(y) + 0.5F) / static_cast<float>(size.h);
            ev.tfinger.pressure = 1.0F;
            out.push_back(ev);
        }
        return out;
    }
    if (verb == "click") {
        for (const Uint32 type : {SDL_MOUSEBUTTONDOWN, SDL_MOUSEBUTTONUP}) {
            SDL_Event ev{};
            ev.type = type;
            ev.button.timestamp = SDL_GetTicks();
            ev.button.which = 0;
            ev.button.button = SDL_BUTTON_LEFT;
            ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
            ev.button.clicks = 1;
            ev.button.x = x;
            ev.button.y = y;
            out.push_back(ev);
        }
        return out;
    }
    return std::nullopt;
}

Result<std::unique_ptr<InputFifo>> InputFifo::open(const std::filesystem::path& path,
                                                   render::Size size, Post post) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (::mkfifo(path.c_str(), 0600) != 0) {
            return make_error(ErrorCode::io,
                              "--input-fifo " + path.string() + ": " + std::strerror(errno));
        }
    } else if (!S_ISFIFO(st.st_mode)) {
        return make_error(ErrorCode::invalid, "--input-fifo " + path.string() + ": not a FIFO");
    }
    // Read-write: the FIFO always has a writer (this one), so a test's writer
    // closing never turns into an endless end-of-file.
    const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return make_error(ErrorCode::io,
                          "--input-fifo " + path.string() + ": " + std::strerror(errno));
    }
    spdlog::info("input: reading taps and clicks from {}", path.string());
    return std::unique_ptr<InputFifo>(new InputFifo(fd, size, std::move(post)));
}

InputFifo::InputFifo(int fd, render::Size size, Post post)
    : fd_(fd), size_(size), post_(std::move(post)) {
    thread_ = std::thread([this] { run(); });
}

InputFifo::~InputFifo() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
}

void InputFifo::run() {
    std::string pending;
    char buf[512];
    while (!stopping_) {
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, 100) <= 0) continue;
        const auto n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) continue;
        pending.append(buf, static_cast<std::size_t>(n));
        for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            auto events = parse_input_line(line, size_);
            if (!events) {
                spdlog::warn("input: ignoring '{}' (want 'tap X Y' or 'click X Y' inside {}x{})",
                             line, size_.w, size_.h);
                continue;
            }
            spdlog::debug("input: {}", line);
            for (const auto& ev : *events) post_(ev);
        }
    }
}

}  // namespace signage::app
