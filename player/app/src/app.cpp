#include "app/app.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/input_fifo.hpp"
#include "app/player.hpp"
#include "core/cache.hpp"
#include "core/outbox.hpp"
#include "core/sync_client.hpp"
#include "render/display.hpp"

namespace signage::app {
namespace {

// SIGINT and SIGTERM are handled by a thread that waits for them (sigwait),
// so the handler may do real work: it asks the play loop to stop. SIGUSR1
// stops that thread itself. The signals are blocked in every other thread;
// block them before any thread starts.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    return set;
}

class SignalThread {
  public:
    explicit SignalThread(std::function<void()> on_stop)
        : thread_([on_stop = std::move(on_stop)] {
              const sigset_t set = stop_signals();
              int requests = 0;
              for (;;) {
                  int sig = 0;
                  if (sigwait(&set, &sig) != 0) continue;
                  if (sig == SIGUSR1) return;
                  if (++requests > 1) {
                      // A second Ctrl-C while stopping: give up waiting.
                      std::_Exit(130);
                  }
                  spdlog::info("signal {}: stopping", sig);
                  on_stop();
              }
          }) {}
    ~SignalThread() {
        pthread_kill(thread_.native_handle(), SIGUSR1);
        thread_.join();
    }
    SignalThread(const SignalThread&) = delete;
    SignalThread& operator=(const SignalThread&) = delete;

  private:
    std::thread thread_;
};

}  // namespace

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("signage-player");
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(level));
    spdlog::flush_on(spdlog::level::info);
}

int play_command(const PlayOptions& options, const std::filesystem::path& font) {
    const sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    const render::FontSet fonts = render::FontSet::defaults(font);
    if (auto st = fonts.check(); !st) {
        spdlog::critical("{}", st.error().message);
        return 1;
    }
    // One touch is one tap: no mouse events made from touches, no touches
    // made from the mouse (both are handled, each once).
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    auto runtime = render::SdlRuntime::init(!options.headless);
    if (!runtime) {
        spdlog::critical("{}{}", runtime.error().message,
                         options.headless ? "" : " (no display? try --headless)");
        return 1;
    }
    auto display = options.headless ? render::make_offscreen_display(options.size)
                                    : render::make_window_display(render::WindowOptions{
                                          options.size, options.fullscreen, "civic-signage"});
    if (!display) {
        spdlog::critical("{}{}", display.error().message,
                         options.headless ? "" : " (no display? try --headless)");
        return 1;
    }
    auto cache = player::Cache::open(options.cache);
    if (!cache) {
        spdlog::critical("cache {}: {}", options.cache.string(), cache.error().to_string());
        return 1;
    }
    const render::Size size = (*display)->size();
    spdlog::info("display {} {}x{}, cache {}, server {}", (*display)->name(), size.w, size.h,
                 options.cache.string(), options.server);

    // Finished quiz rounds wait on disk until the server has them.
    auto outbox = player::Outbox::open(options.cache / "outbox" / "quiz-results");
    if (!outbox) {
        spdlog::critical("outbox: {}", outbox.error().to_string());
        return 1;
    }
    player::UploaderOptions upload;
    upload.server_url = options.server;
    upload.token = options.token;
    upload.path = "/api/v1/player/quiz-results";
    upload.key = "rounds";
    player::OutboxUploader uploader(**outbox, upload);

    int code = 0;
    {
        Player player(**display, fonts, **cache, options.snapshot);
        player.enable_quiz(
            QuizServices{options.token, outbox->get(), [&uploader] { uploader.notify(); }});
        const std::string version = player.start();
        SignalThread signals([&player] { player.post_quit(); });
        uploader.start();
        std::unique_ptr<InputFifo> fifo;
        if (!options.input_fifo.empty()) {
            render::Display& d = **display;
            auto f =
                InputFifo::open(options.input_fifo, size, [&d](SDL_Event ev) { d.post_event(ev); });
            if (!f) {
                spdlog::critical("{}", f.error().message);
                return 1;
            }
            fifo = std::move(*f);
        }

        player::SyncOptions sync_options;
        sync_options.server_url = options.server;
        sync_options.token = options.token;
        sync_options.max_download_bytes_per_s = options.max_download_bytes_per_s;
        player::SyncClient sync(
            sync_options, **cache,
            [&player](protocol::Manifest m) { player.deliver_manifest(std::move(m)); },
            [](const Error& e) { spdlog::warn("sync: {}", e.to_string()); });
        sync.start(version);

        code = player.run();
        fifo.reset();
        sync.stop();
        uploader.stop();
    }
    spdlog::info("stopped");
    return code;
}

int run(int argc, char** argv) {
    ParsedArgs parsed = parse_args(argc, argv);
    if (!parsed.options) return parsed.exit_code;
    const Options& options = *parsed.options;
    setup_logging(options.log_level);
    if (const auto* r = std::get_if<RenderOptions>(&options.mode)) {
        return render_command(*r, options.font);
    }
    return play_command(std::get<PlayOptions>(options.mode), options.font);
}

}  // namespace signage::app
