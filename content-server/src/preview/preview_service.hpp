#pragma once
// Previews: a slide drawn by the screen's own engine. The service runs the
// signage-player binary (`--render SLIDE.json --out FILE.png --lines`,
// offscreen) on a slide whose media references are already local file
// paths, and keeps the answers.
//
// - At most `renderers` renders run at once, each on the service's own
//   thread, so a render never holds an HTTP worker or the I/O thread; at
//   most `max_waiting` more wait. Past that, "unavailable" (503) at once.
// - A render is killed at `timeout`: "timeout" (504).
// - Answers are cached by the sha256 of the normalised input (slide JSON
//   with its media paths, which are content-addressed; size; page; header
//   settings), least recently used first out past `cache_bytes`; the same
//   input asked again while it renders waits for that render, so a staff
//   member typing does not queue a render per keystroke.
// - Missing glyphs come from the player (`missing_glyphs` in its --lines
//   JSON: every text field checked against the fonts it draws with) and are
//   turned into submit-style warnings.
//
// Threading: every public method is safe from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "checks/content_checks.hpp"
#include "common/result.hpp"

namespace signage::server {

struct PreviewConfig {
    std::filesystem::path player;  // the signage-player binary; empty: previews are unavailable
    std::chrono::milliseconds timeout{20000};
    unsigned renderers = 1;
    std::size_t max_waiting = 8;
    std::size_t cache_bytes = 48u << 20;
};

struct PreviewRequest {
    std::string slide_json;  // a valid slide; media references are local file paths
    int width = 1920;
    int height = 1080;
    int page = 0;
    // A group's settings (protocol::GroupSettings JSON): the full screen,
    // header included. nullopt: the slide alone at the whole size.
    std::optional<std::string> settings_json;
};

struct Preview {
    std::string png;
    std::vector<CheckWarning> warnings;  // characters the screen's fonts lack, per field
    int pages = 1;                       // pages of the slide (text bodies, lists)
};

using PreviewResult = Result<std::shared_ptr<const Preview>>;

// The player binary to use: `configured` when set (checked to be an
// executable file), else signage-player next to this program's own
// executable (/proc/self/exe), else the first on PATH. Empty when none.
std::filesystem::path find_player(const std::filesystem::path& configured);

class PreviewService {
  public:
    using Done = std::function<void(PreviewResult)>;

    explicit PreviewService(PreviewConfig config);
    // Waiting requests are answered "unavailable"; running renders are killed.
    ~PreviewService();
    // The same, before the destructor: answers go out while what they call
    // (the router's request metrics) is still there. Idempotent.
    void stop();
    PreviewService(const PreviewService&) = delete;
    PreviewService& operator=(const PreviewService&) = delete;

    // Calls `done` exactly once: at once on this thread for a cached answer
    // or a refusal, else later on a renderer thread.
    void render(PreviewRequest request, Done done);
    // The same, waiting for the answer.
    PreviewResult render_wait(PreviewRequest request);

    const std::filesystem::path& player() const { return config_.player; }

  private:
    struct Job {
        std::string key;
        PreviewRequest request;
    };
    void run();
    PreviewResult render_now(const Job& job) const;
    void remember(const std::string& key, const std::shared_ptr<const Preview>& preview);

    PreviewConfig config_;
    std::filesystem::path scratch_;  // private temporary directory for slide files and PNGs

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<bool> cancel_{false};  // kills running renders (at destruction)
    std::deque<Job> queue_;
    std::map<std::string, std::vector<Done>> waiting_;  // by key: queued or rendering
    // Cache, most recently used first.
    std::list<std::pair<std::string, std::shared_ptr<const Preview>>> lru_;
    std::map<std::string, decltype(lru_)::iterator> cached_;
    std::size_t cached_bytes_ = 0;
    std::vector<std::thread> threads_;
};

}  // namespace signage::server
