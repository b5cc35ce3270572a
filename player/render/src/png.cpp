#include "render/png.hpp"

#include <system_error>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"

namespace signage::render {

Status save_png_atomic(SDL_Surface& surface, const std::filesystem::path& path) {
    std::error_code ec;
    const auto parent = path.parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    const std::filesystem::path tmp = path.string() + ".tmp-" + random_suffix();
    if (IMG_SavePNG(&surface, tmp.c_str()) != 0) {
        std::filesystem::remove(tmp, ec);
        return make_error(ErrorCode::io,
                          "cannot write PNG " + tmp.string() + ": " + IMG_GetError());
    }
    auto st = commit_file(tmp, path);
    if (!st) {
        std::filesystem::remove(tmp, ec);
        return st;
    }
    return {};
}

PngWriter::PngWriter() : thread_([this] { run(); }) {}

PngWriter::~PngWriter() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void PngWriter::submit(SurfacePtr frame, std::filesystem::path path) {
    {
        std::lock_guard lock(mu_);
        pending_.emplace(std::move(frame), std::move(path));
    }
    cv_.notify_all();
}

void PngWriter::flush() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !pending_ && !busy_; });
}

void PngWriter::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return pending_.has_value() || stop_; });
        if (!pending_) return;  // stopping with nothing left to write
        auto job = std::move(*pending_);
        pending_.reset();
        busy_ = true;
        lock.unlock();
        if (auto st = save_png_atomic(*job.first, job.second); !st) {
            spdlog::warn("snapshot: {}", st.error().message);
        } else {
            spdlog::debug("snapshot written to {}", job.second.string());
        }
        job.first.reset();
        lock.lock();
        busy_ = false;
        cv_.notify_all();
    }
}

}  // namespace signage::render
