#include "preview/preview_service.hpp"

#include <unistd.h>

#include <cstdlib>
#include <future>
#include <system_error>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/sha256.hpp"
#include "preview/child_process.hpp"
#include "protocol/render_report.hpp"

namespace signage::server {
namespace {

bool is_executable_file(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// The child's whole environment: offscreen SDL, no audio, UTF-8, and the
// few variables that choose fonts or sanitizer behaviour.
std::vector<std::string> preview_child_env(const std::filesystem::path& home) {
    std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin",
                                    "LANG=C.UTF-8",
                                    "SDL_VIDEODRIVER=offscreen",
                                    "SDL_AUDIODRIVER=dummy",
                                    "HOME=" + home.string(),
                                    "XDG_RUNTIME_DIR=" + home.string()};
    for (const char* name : {"SIGNAGE_FONT", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"}) {
        if (const char* v = std::getenv(name); v != nullptr && *v != '\0') {
            env.push_back(std::string(name) + "=" + v);
        }
    }
    return env;
}

// The last non-empty line of the player's standard error, without its
// "error: " prefix: what went wrong, for the staff member.
std::string last_error_line(const std::string& err) {
    std::string line;
    std::size_t end = err.size();
    while (end > 0) {
        const std::size_t start = err.rfind('\n', end - 1);
        const std::size_t from = start == std::string::npos ? 0 : start + 1;
        line = err.substr(from, end - from);
        if (!line.empty()) break;
        if (start == std::string::npos) break;
        end = start;
    }
    if (line.rfind("error: ", 0) == 0) line.erase(0, 7);
    return line;
}

std::string preview_key(const PreviewRequest& r) {
    std::string text = r.slide_json;
    text += '\n';
    text += std::to_string(r.width) + "x" + std::to_string(r.height);
    text += "\npage " + std::to_string(r.page) + "\n";
    if (r.settings_json) text += "screen " + *r.settings_json;
    return sha256_hex(text);
}

}  // namespace

std::filesystem::path find_player(const std::filesystem::path& configured) {
    if (!configured.empty()) return is_executable_file(configured) ? configured : "";
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto beside = self.parent_path() / "signage-player";
        if (is_executable_file(beside)) return beside;
    }
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::string dirs = path;
        std::size_t start = 0;
        while (start <= dirs.size()) {
            const std::size_t end = std::min(dirs.find(':', start), dirs.size());
            const std::string dir = dirs.substr(start, end - start);
            if (!dir.empty()) {
                const auto candidate = std::filesystem::path(dir) / "signage-player";
                if (is_executable_file(candidate)) return candidate;
            }
            start = end + 1;
        }
    }
    return {};
}

PreviewService::PreviewService(PreviewConfig config) : config_(std::move(config)) {
    std::string pattern = (std::filesystem::temp_directory_path() / "signage-preview-XXXXXX");
    if (::mkdtemp(pattern.data()) != nullptr) {
        scratch_ = pattern;
    } else {
        spdlog::error("previews: cannot create a temporary directory: previews are unavailable");
        config_.player.clear();
    }
    if (config_.player.empty()) {
        spdlog::warn("previews: no signage-player found (pass --player PATH); previews answer 503");
        return;
    }
    spdlog::info("previews: rendered by {}", config_.player.string());
    const unsigned n = config_.renderers == 0 ? 1 : config_.renderers;
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
}

PreviewService::~PreviewService() {
    stop();
}

void PreviewService::stop() {
    std::map<std::string, std::vector<Done>> left;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;  // stopped before
        stopping_ = true;
        for (const auto& job : queue_) {
            auto it = waiting_.find(job.key);
            if (it != waiting_.end()) {
                left.insert(*it);
                waiting_.erase(it);
            }
        }
        queue_.clear();
    }
    cancel_ = true;
    wake_.notify_all();
    for (auto& [key, dones] : left) {
        for (auto& done : dones) done(make_error(ErrorCode::unavailable, "the server is stopping"));
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    if (!scratch_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(scratch_, ec);
        scratch_.clear();
    }
}

void PreviewService::render(PreviewRequest request, Done done) {
    if (config_.player.empty()) {
        done(make_error(ErrorCode::unavailable,
                        "previews are unavailable: the server found no signage-player program "
                        "(start it with --player PATH)"));
        return;
    }
    const std::string key = preview_key(request);
    std::unique_lock lock(mutex_);
    if (auto hit = cached_.find(key); hit != cached_.end()) {
        lru_.splice(lru_.begin(), lru_, hit->second);
        auto preview = hit->second->second;
        lock.unlock();
        done(std::move(preview));
        return;
    }
    if (auto pending = waiting_.find(key); pending != waiting_.end()) {
        pending->second.push_back(std::move(done));
        return;
    }
    if (stopping_ || queue_.size() >= config_.max_waiting) {
        lock.unlock();
        done(make_error(ErrorCode::unavailable,
                        "too many previews are being rendered: try again in a moment"));
        return;
    }
    waiting_[key].push_back(std::move(done));
    queue_.push_back(Job{key, std::move(request)});
    lock.unlock();
    wake_.notify_one();
}

PreviewResult PreviewService::render_wait(PreviewRequest request) {
    auto promise = std::make_shared<std::promise<PreviewResult>>();
    auto future = promise->get_future();
    render(std::move(request), [promise](PreviewResult r) { promise->set_value(std::move(r)); });
    return future.get();
}

void PreviewService::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        PreviewResult result = render_now(job);
        std::vector<Done> dones;
        {
            std::lock_guard lock(mutex_);
            if (result) remember(job.key, *result);
            if (auto it = waiting_.find(job.key); it != waiting_.end()) {
                dones = std::move(it->second);
                waiting_.erase(it);
            }
        }
        for (auto& done : dones) done(result);
    }
}

void PreviewService::remember(const std::string& key,
                              const std::shared_ptr<const Preview>& preview) {
    if (cached_.count(key) != 0 || preview->png.size() > config_.cache_bytes) return;
    lru_.emplace_front(key, preview);
    cached_[key] = lru_.begin();
    cached_bytes_ += preview->png.size();
    while (cached_bytes_ > config_.cache_bytes && !lru_.empty()) {
        cached_bytes_ -= lru_.back().second->png.size();
        cached_.erase(lru_.back().first);
        lru_.pop_back();
    }
}

PreviewResult PreviewService::render_now(const Job& job) const {
    const PreviewRequest& r = job.request;
    const auto slide_file = scratch_ / (job.key + ".json");
    const auto settings_file = scratch_ / (job.key + "-settings.json");
    const auto png_file = scratch_ / (job.key + ".png");
    struct Cleanup {
        std::vector<std::filesystem::path> files;
        ~Cleanup() {
            std::error_code ec;
            for (const auto& f : files) std::filesystem::remove(f, ec);
        }
    } cleanup{{slide_file, settings_file, png_file}};

    if (auto st = write_file_atomic(slide_file, r.slide_json, 0600); !st) return st.error();
    std::vector<std::string> args = {
        "--render", slide_file.string(),
        "--out",    png_file.string(),
        "--size",   std::to_string(r.width) + "x" + std::to_string(r.height),
        "--page",   std::to_string(r.page),
        "--lines",  "--log-level",
        "error"};
    if (r.settings_json) {
        if (auto st = write_file_atomic(settings_file, *r.settings_json, 0600); !st) {
            return st.error();
        }
        args.insert(args.end(), {"--screen", "--settings", settings_file.string()});
    }
    ChildLimits limits;
    limits.timeout = config_.timeout;
    limits.cancel = &cancel_;
    const auto started = std::chrono::steady_clock::now();
    auto child = run_child(config_.player, args, preview_child_env(scratch_), limits);
    if (!child) {
        spdlog::error("previews: cannot run {}: {}", config_.player.string(),
                      child.error().message);
        return make_error(ErrorCode::unavailable, "the preview renderer cannot be started");
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (child->timed_out) {
        spdlog::error("previews: the renderer took more than {} ms and was stopped",
                      config_.timeout.count());
        return make_error(ErrorCode::timeout,
                          "the preview took too long to render and was stopped (" +
                              std::to_string(config_.timeout.count() / 1000) + " s limit)");
    }
    if (child->cancelled) return make_error(ErrorCode::unavailable, "the server is stopping");
    if (child->exit_code == 2) {
        // The server validated the slide; the player refused it all the same.
        return make_error(ErrorCode::unprocessable, last_error_line(child->err), "body");
    }
    if (child->exit_code != 0) {
        spdlog::error("previews: the renderer failed (exit {}): {}", child->exit_code, child->err);
        return make_error(ErrorCode::unavailable,
                          "the preview renderer failed: " + last_error_line(child->err));
    }
    auto png = read_file(png_file);
    if (!png) return make_error(ErrorCode::unavailable, "the preview renderer wrote no image");
    auto preview = std::make_shared<Preview>();
    preview->png = std::move(*png);
    if (auto report = protocol::parse_render_report(child->out)) {
        preview->pages = report->pages;
        for (const protocol::FieldGlyphs& g : report->missing_glyphs) {
            preview->warnings.push_back(
                {g.field, "has characters the screen's font cannot show: " + g.glyphs,
                 "missing_glyphs", g.glyphs});
        }
        for (const std::string& field : report->shortened) {
            preview->warnings.push_back(
                {field,
                 "does not fit whole on the screen: it is shown up to a clause end",
                 "shortened",
                 {}});
        }
    } else {
        spdlog::warn("previews: the renderer's --lines report is unreadable: {}",
                     report.error().to_string());
    }
    spdlog::debug("previews: rendered {}x{} in {} ms", r.width, r.height, took.count());
    return std::shared_ptr<const Preview>(std::move(preview));
}

}  // namespace signage::server
