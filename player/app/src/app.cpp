#include "app/app.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/health_reporter.hpp"
#include "app/input_fifo.hpp"
#include "app/player.hpp"
#include "common/logging.hpp"
#include "core/cache.hpp"
#include "core/outbox.hpp"
#include "core/pairing.hpp"
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

// Local wall time of `t` as "YYYY-MM-DD HH:MM" for the pairing log line.
std::string pairing_local_time(protocol::Timestamp t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    localtime_r(&tt, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    return text;
}

// Who the screen is to the server, and the threads that speak for it: while
// it has a device token, the manifest sync and the results upload; while it
// has none, the pairing loop (code, page, poll). A token the server refuses
// (revoked) is forgotten and the screen pairs again. Runs on its own thread.
class ScreenSession {
  public:
    ScreenSession(const PlayOptions& options, player::Cache& cache, player::Outbox& outbox,
                  player::Outbox& plays, Player& player, std::string version,
                  std::chrono::steady_clock::time_point started)
        : options_(options),
          started_(started),
          cache_(cache),
          outbox_(outbox),
          plays_(plays),
          player_(player),
          version_(std::move(version)),
          pairing_(options.server) {}
    ~ScreenSession() { stop(); }
    ScreenSession(const ScreenSession&) = delete;
    ScreenSession& operator=(const ScreenSession&) = delete;

    void start(std::string token, bool may_pair) {
        thread_ = std::thread([this, token = std::move(token), may_pair]() mutable {
            run(std::move(token), may_pair);
        });
    }
    void stop() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        pairing_.cancel();
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    // A finished quiz round was queued: upload now.
    void results_added() {
        std::lock_guard lock(mu_);
        if (uploader_) uploader_->notify();
    }
    // A play was logged: the plays go in batches (every kPlaysFlush, or at
    // once when a batch is full).
    void play_added() {
        if (plays_.size() < kPlaysBatch) return;
        std::lock_guard lock(mu_);
        if (plays_uploader_) plays_uploader_->notify();
    }

    // The play loop applied a new manifest: the server hears at once when it
    // will show (the heartbeat's manifest_shows_at).
    void manifest_applied() {
        std::lock_guard lock(mu_);
        if (reporter_) reporter_->notify_change();
    }

  private:
    bool stopping() {
        std::lock_guard lock(mu_);
        return stopping_;
    }
    // Sleeps up to `d`; false when stopping.
    bool sleep_for(std::chrono::milliseconds d) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, d, [this] { return stopping_; });
        return !stopping_;
    }

    void run(std::string token, bool may_pair) {
        while (!stopping()) {
            if (token.empty()) {
                token = pair();
                if (token.empty()) return;  // stopping
            }
            player_.set_device_token(token);
            if (!serve(token, may_pair)) return;
            // The server refused the token: it was revoked.
            spdlog::warn("pairing: the server refused this screen's token; pairing again");
            player::forget_device_token(options_.cache);
            token.clear();
            player_.set_device_token({});
        }
    }

    // Syncs and uploads with `token` until stopping (false) or, when
    // `may_pair`, until the server refuses the token (true). A token given
    // on the command line is kept and retried.
    bool serve(const std::string& token, bool may_pair) {
        player::UploaderOptions upload;
        upload.server_url = options_.server;
        upload.token = token;
        upload.path = "/api/v1/player/quiz-results";
        upload.key = "rounds";
        player::UploaderOptions plays_upload = upload;
        plays_upload.path = "/api/v1/player/plays";
        plays_upload.key = "plays";
        plays_upload.batch = kPlaysBatch;
        plays_upload.flush_every = plays_flush_every();
        {
            std::lock_guard lock(mu_);
            uploader_ = std::make_unique<player::OutboxUploader>(outbox_, upload);
            uploader_->start();
            plays_uploader_ = std::make_unique<player::OutboxUploader>(plays_, plays_upload);
            plays_uploader_->start();
        }
        HealthOptions health;
        health.heartbeat_s = options_.heartbeat_s;
        health.screenshot_s = options_.screenshot_s;
        health.cache = options_.cache;
        health.started = started_;
        HealthReporter reporter(health, player::ReportTarget{options_.server, token}, player_,
                                [this](player::HeartbeatReport& r) {
                                    r.item_id = player_.showing_id();
                                    r.item_title = player_.showing_title();
                                    if (auto at = player_.manifest_shows_at()) {
                                        r.manifest_shows_at = protocol::format_iso8601(*at);
                                    }
                                    std::lock_guard lock(mu_);
                                    r.manifest_version = version_;
                                    r.last_sync_error = last_sync_error_;
                                    // A film the screen cannot play is reported too.
                                    if (!r.last_sync_error) {
                                        r.last_sync_error = player_.playback_error();
                                    }
                                });
        reporter.start();
        {
            std::lock_guard lock(mu_);
            reporter_ = &reporter;
        }
        player::SyncOptions sync_options;
        sync_options.server_url = options_.server;
        sync_options.token = token;
        sync_options.max_download_bytes_per_s = options_.max_download_bytes_per_s;
        sync_options.cache_max_bytes = options_.cache_max_bytes;
        bool refused = false;
        {
            player::SyncClient sync(
                sync_options, cache_,
                [this, &reporter](protocol::Manifest m) {
                    {
                        std::lock_guard lock(mu_);
                        version_ = m.version;
                    }
                    player_.deliver_manifest(std::move(m));  // manifest_applied() follows
                },
                [this, &refused, may_pair, &reporter](const Error& e) {
                    spdlog::warn("sync: {}", e.to_string());
                    bool changed = false;
                    {
                        std::lock_guard lock(mu_);
                        changed = last_sync_error_ != e.to_string();
                        last_sync_error_ = e.to_string();
                    }
                    if (changed) reporter.notify_change();
                    if (e.code == ErrorCode::auth && may_pair) {
                        std::lock_guard lock(mu_);
                        refused = true;
                        cv_.notify_all();
                    }
                });
            sync.set_success_handler([this, &reporter] {
                bool cleared = false;
                {
                    std::lock_guard lock(mu_);
                    cleared = last_sync_error_.has_value();
                    last_sync_error_.reset();
                }
                if (cleared) reporter.notify_change();
            });
            sync.set_command_handler(
                [&reporter](const std::string& command, const std::string& id) {
                    if (command == "screenshot") {
                        reporter.request_screenshot(id);
                    } else {
                        spdlog::info("sync: ignoring unknown command={}", command);
                    }
                });
            std::string version;
            {
                std::lock_guard lock(mu_);
                version = version_;
            }
            sync.start(version);
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this, &refused] { return stopping_ || refused; });
            lock.unlock();
            sync.stop();
        }
        {
            std::lock_guard lock(mu_);
            reporter_ = nullptr;
        }
        reporter.stop();
        std::unique_ptr<player::OutboxUploader> uploader;
        std::unique_ptr<player::OutboxUploader> plays_uploader;
        {
            std::lock_guard lock(mu_);
            uploader = std::move(uploader_);
            plays_uploader = std::move(plays_uploader_);
        }
        uploader->stop();
        plays_uploader->stop();
        std::lock_guard lock(mu_);
        return refused && !stopping_;
    }

    // Shows codes until staff claim one: the new token, saved in the cache;
    // "" when stopping.
    std::string pair() {
        using namespace std::chrono;
        render::PairingView view{{}, options_.server, "正在获取配对码…"};
        player_.show_pairing(view);
        auto backoff = milliseconds{1000};
        while (!stopping()) {
            auto code = pairing_.request_code(options_.name_hint);
            if (!code) {
                if (code.error().code == ErrorCode::stopped) break;
                spdlog::warn("pairing: {}", code.error().to_string());
                view.code.clear();
                view.status = code.error().code == ErrorCode::rate_limited
                                  ? "请求过于频繁，稍后自动重试"
                                  : "暂时无法连接服务器，正在重试…";
                player_.show_pairing(view);
                if (!sleep_for(backoff)) break;
                backoff = std::min(backoff * 2, milliseconds{30000});
                continue;
            }
            backoff = milliseconds{1000};
            spdlog::info("pairing: code {} (expires {})", code->code,
                         pairing_local_time(code->expires_at));
            view.code = code->code;
            view.status.clear();
            player_.show_pairing(view);
            // Renew a little before the code expires (a tenth of its life,
            // at most a minute), so the screen never shows a dead code.
            // (At least a minute: a clock far ahead of the server's must not
            // make the screen ask again and again; an expired code is noticed
            // by the poll anyway.)
            const auto life = std::max<seconds>(
                code->expires_at - time_point_cast<seconds>(system_clock::now()), minutes{1});
            const auto margin = std::min<system_clock::duration>(life / 10, minutes{1});
            const auto renew_at = steady_clock::now() + (life - margin);
            while (steady_clock::now() < renew_at) {
                auto outcome = pairing_.poll(code->pairing_id);
                if (outcome && outcome->paired) {
                    if (auto st = player::save_device_token(options_.cache, outcome->token); !st) {
                        spdlog::error("pairing: cannot save the device token: {}",
                                      st.error().to_string());
                    }
                    spdlog::info("pairing: paired as {} in group {}", outcome->screen,
                                 outcome->group);
                    player_.end_pairing();
                    return outcome->token;
                }
                if (!outcome && outcome.error().code == ErrorCode::stopped) return {};
                if (!outcome && outcome.error().code == ErrorCode::expired) break;
                if (!outcome) spdlog::warn("pairing: {}", outcome.error().to_string());
                if (!sleep_for(kPollEvery)) return {};
            }
            spdlog::info("pairing: code {} is about to expire; asking for a new one", code->code);
        }
        return {};
    }

    static constexpr std::chrono::milliseconds kPollEvery{1000};
    static constexpr std::size_t kPlaysBatch = 200;
    // How often logged plays are sent: a minute, or $SIGNAGE_PLAY_UPLOAD_SECONDS
    // (tests and demos).
    static std::chrono::milliseconds plays_flush_every() {
        if (const char* env = std::getenv("SIGNAGE_PLAY_UPLOAD_SECONDS")) {
            const long s = std::strtol(env, nullptr, 10);
            if (s > 0 && s <= 3600) return std::chrono::seconds{s};
        }
        return std::chrono::seconds{60};
    }

    const PlayOptions& options_;
    std::chrono::steady_clock::time_point started_;
    player::Cache& cache_;
    player::Outbox& outbox_;
    player::Outbox& plays_;
    Player& player_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;                                   // guarded by mu_
    std::string version_;                                     // guarded by mu_
    std::optional<std::string> last_sync_error_;              // guarded by mu_
    std::unique_ptr<player::OutboxUploader> uploader_;        // guarded by mu_
    std::unique_ptr<player::OutboxUploader> plays_uploader_;  // guarded by mu_
    HealthReporter* reporter_ = nullptr;                      // guarded by mu_
    player::PairingClient pairing_;
    std::thread thread_;
};

// The cache's size limit: --cache-max-bytes, else 80% of the free space of
// its file system now, counting what the cache holds (its own files are room
// it may reuse, so the default does not shrink at each restart).
Result<std::int64_t> cache_limit(const PlayOptions& options, const player::Cache& cache) {
    const std::int64_t held = cache.bytes_used();
    if (options.cache_max_bytes > 0) {
        spdlog::info("cache: media kept under {} (--cache-max-bytes); {} held now",
                     player::format_bytes(options.cache_max_bytes), player::format_bytes(held));
        return options.cache_max_bytes;
    }
    struct statvfs vfs {};
    if (::statvfs(options.cache.c_str(), &vfs) != 0) {
        return make_error(ErrorCode::io, std::string("cache: cannot read the free space of ")
                                             .append(options.cache.string())
                                             .append(" (")
                                             .append(std::strerror(errno))
                                             .append("); give --cache-max-bytes"));
    }
    const std::int64_t free_bytes =
        static_cast<std::int64_t>(vfs.f_bavail) * static_cast<std::int64_t>(vfs.f_frsize);
    const std::int64_t limit = (free_bytes + held) / 5 * 4;
    spdlog::info(
        "cache: media kept under {} (80% of the {} free on its file system and the {} "
        "the cache holds; --cache-max-bytes sets another limit)",
        player::format_bytes(limit), player::format_bytes(free_bytes), player::format_bytes(held));
    if (limit <= 0) {
        // The screen goes on with what it has; manifests with media wait.
        spdlog::warn("cache: no free space on its file system; no media can be fetched");
        return std::int64_t{1};
    }
    return limit;
}

}  // namespace

void setup_logging(const std::string& level) {
    signage::setup_logging("signage-player", level, "[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
}

int play_command(const PlayOptions& options, const std::filesystem::path& font) {
    const auto started = std::chrono::steady_clock::now();
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
    PlayOptions play = options;
    if (auto limit = cache_limit(options, **cache); limit) {
        play.cache_max_bytes = *limit;
    } else {
        spdlog::critical("{}", limit.error().message);
        return 1;
    }

    // Finished quiz rounds wait on disk until the server has them.
    auto outbox = player::Outbox::open(options.cache / "outbox" / "quiz-results");
    if (!outbox) {
        spdlog::critical("outbox: {}", outbox.error().to_string());
        return 1;
    }
    // Proof of play: every item shown, until the server has it (at most
    // kMaxQueuedPlays; beyond that the oldest go, with a log line).
    constexpr std::size_t kMaxQueuedPlays = 100000;
    auto plays = player::Outbox::open(options.cache / "outbox" / "plays", kMaxQueuedPlays);
    if (!plays) {
        spdlog::critical("outbox: {}", plays.error().to_string());
        return 1;
    }
    // The token: --token / --token-file, else the one saved at pairing,
    // else the screen pairs first.
    std::string token = options.token;
    const bool may_pair = token.empty();
    if (token.empty()) {
        token = player::load_device_token(options.cache);
        if (!token.empty()) spdlog::info("pairing: using the saved device token");
    }

    int code = 0;
    {
        Player player(**display, fonts, **cache, options.snapshot);
        ScreenSession* session_ptr = nullptr;
        player.enable_quiz(QuizServices{token, options.public_url, outbox->get(), [&session_ptr] {
                                            if (session_ptr) session_ptr->results_added();
                                        }});
        player.enable_play_log(plays->get(), [&session_ptr] {
            if (session_ptr) session_ptr->play_added();
        });
        player.on_manifest_applied([&session_ptr] {
            if (session_ptr) session_ptr->manifest_applied();
        });
        const std::string version = player.start();
        SignalThread signals([&player] { player.post_quit(); });
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

        ScreenSession session(play, **cache, **outbox, **plays, player, version, started);
        session_ptr = &session;
        session.start(token, may_pair);

        code = player.run();
        fifo.reset();
        session.stop();
        session_ptr = nullptr;
    }
    spdlog::info("stopped");
    return code;
}

int run(int argc, char** argv) {
    ParsedArgs parsed = parse_args(argc, argv);
    if (!parsed.options) return parsed.exit_code;
    const Options& options = *parsed.options;
    setup_logging(options.log_level);
    render::set_hardware_decoding(options.hwdec);
    if (const auto* r = std::get_if<RenderOptions>(&options.mode)) {
        return render_command(*r, options.font);
    }
    return play_command(std::get<PlayOptions>(options.mode), options.font);
}

}  // namespace signage::app
