#pragma once
// The play loop (in the style of mpv's player/playloop.c): each turn runs a
// flat list of small handle_* steps, then sleeps in Display::wait_event()
// until the next deadline (the end of the current item or page, or the next
// animation frame while a crossfade runs) or an event. A static slide costs
// no CPU.
//
// What to show comes from the schedule engine (core/schedule.hpp), asked
// again at the end of every item with the loop's play history. The screen
// is the header (unit, slogan, date and time; redrawn each minute), the main
// zone and, while notices are valid, the ticker; an emergency notice, and the
// dark of a power-off window, cover all of it.
//
// New manifests arrive from the sync thread through a mutex-protected slot
// plus a registered SDL user event that wakes the wait. A new manifest is
// applied at once but cuts nothing: the item on screen plays out, the loop
// goes on where it was, and what the publish brought (new or changed items)
// plays at the next switch (core/schedule.hpp, rule 6). Only an emergency that
// starts, a power-off window that has begun, the withdrawal of the item on
// screen, or the built-in slide (nothing to show before) switch at once.
//
// Log lines other tools parse (spdlog on stderr, with timestamps):
//   showing <slide id | default> from manifest <version | none>
//   switched to manifest <version>: new content shows now|at <ISO 8601>|after the quiz round
//   screen off until <ISO 8601>
//   showing quiz-invitation from manifest <version>
//   quiz: …   (app/quiz_controller.hpp)
//   pairing: showing the pairing page
//   screenshot: sent id=ID|periodic bytes=N ms=N   (app/health_reporter.hpp)
//
// The quiz (app/quiz_controller.hpp) has its own step, handle_quiz(): while
// the group's quiz is enabled and its bank is not empty, the invitation joins
// the rotation after every QuizController::kInviteEvery items, and a tap
// anywhere (finger or mouse, each touch once) starts a round. During a round
// the header stays, the ticker hides, the rotation pauses; an emergency or a
// power-off window ends the round. The loop keeps the rotation and the
// screen; the controller keeps the round and its results.
//
// Proof of play: each item that leaves the screen (or is cut short) is one
// protocol::Play in the plays outbox; a quiz round is not a play (its result
// is), a power-off window is none. Quit ends the item on screen.
//
// Threading: construct, run() and destroy on the main thread; post_quit() and
// the sync callbacks may come from any thread.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/quiz_controller.hpp"
#include "common/time_zone.hpp"
#include "core/cache.hpp"
#include "core/outbox.hpp"
#include "core/play_log.hpp"
#include "core/schedule.hpp"
#include "protocol/manifest.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/pairing_screen.hpp"
#include "render/png.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"
#include "render/sound.hpp"

namespace signage::app {

class Player {
  public:
    using Clock = std::chrono::steady_clock;

    // `display` and `cache` must outlive the player.
    Player(render::Display& display, render::FontSet fonts, player::Cache& cache,
           std::filesystem::path snapshot);

    // Shows the cached manifest if there is one, else the built-in default
    // slide: the first frame is a finished slide. Returns the version playing
    // ("" when none) for the sync client's If-None-Match.
    std::string start();
    // Runs until quit; returns the exit code.
    int run();

    // Prize codes and results for the quiz; call before start().
    void enable_quiz(QuizServices services);
    // Proof of play: every item shown (rotation items, emergencies, the quiz
    // invitation) goes to `plays` when it ends (core/play_log.hpp); `added`
    // is called after each. Call before start().
    void enable_play_log(player::Outbox* plays, std::function<void()> added);

    // Hands a new manifest to the loop. Thread-safe (the sync thread).
    void deliver_manifest(protocol::Manifest m);
    // Asks the loop to stop. Thread-safe.
    void post_quit();

    // The pairing page (render/pairing_screen.hpp) covers the whole screen
    // until end_pairing(); a new view replaces it. The rotation (the built-in
    // slide, or the cached manifest) carries on underneath. Thread-safe.
    void show_pairing(render::PairingView view);
    void end_pairing();
    // The screen has a new device token (paired again): the quiz's prize
    // codes are signed with keys derived from it from now on. Thread-safe.
    void set_device_token(std::string token);

    // What is on screen: for tests. The built-in slide while the screen is off.
    const protocol::Slide& current_slide() const {
        return decision_.slide ? *decision_.slide : player::default_slide();
    }
    bool screen_off() const { return decision_.mode == player::Mode::power_off; }
    // The id of the item on screen ("" while off). Thread-safe (tests, status).
    std::string showing_id() const {
        std::lock_guard lock(showing_mu_);
        return showing_id_;
    }
    // The title of the item on screen ("" when none). Thread-safe.
    std::string showing_title() const {
        std::lock_guard lock(showing_mu_);
        return showing_title_;
    }
    // When the screen switches next (the item on screen ends); nullopt while
    // a quiz round holds it. Thread-safe.
    std::optional<protocol::Timestamp> next_switch() const {
        std::lock_guard lock(showing_mu_);
        return showing_until_;
    }
    // When what the playing manifest brought is first on screen: the end of
    // the item that played out, or when it arrived; nullopt while it waits
    // for a quiz round, or before any manifest. Thread-safe.
    std::optional<protocol::Timestamp> manifest_shows_at() const {
        std::lock_guard lock(showing_mu_);
        return manifest_shows_at_;
    }
    // Why a film could not be played, while one is being skipped (the
    // heartbeat's last_sync_error when sync has none). Thread-safe.
    std::optional<std::string> playback_error() const {
        std::lock_guard lock(showing_mu_);
        return playback_error_;
    }
    // The film playing in the slide on screen, if any (tests).
    const render::Film* film() const { return compositor_.film(); }
    // Called on the loop's thread each time a new manifest has been applied
    // (the screen knows when it will show it). Call before start().
    void on_manifest_applied(std::function<void()> applied) {
        manifest_applied_ = std::move(applied);
    }
    // Asks for a copy of the next frame on screen: the loop draws the
    // current frame once more and reads it back before presenting it, so
    // every backend (offscreen, window, full-screen KMS/DRM) gives the
    // picture it then shows. `handler` gets it, or why it could not be read,
    // on the main thread, once, and must only hand it over (encoding belongs
    // elsewhere). Requests made before the next frame share it. Thread-safe.
    using FrameHandler = std::function<void(Result<render::SurfacePtr>)>;
    void request_frame(FrameHandler handler);

    // Waits until the snapshots taken so far are on disk (they are written on
    // a background thread).
    void flush_snapshots() { snapshot_writer_.flush(); }

  private:
    // Wakes the loop's wait (thread-safe): a slot has something.
    void wake_loop();
    // The loop's steps.
    void handle_events();
    void handle_quiz(Clock::time_point now);
    void handle_new_manifest(Clock::time_point now);
    void handle_pairing();
    void draw_pairing();
    void handle_item_end(Clock::time_point now);
    void handle_page_end(Clock::time_point now);
    // While the screen is idle, renders what comes next, so the switch
    // itself costs no more than any other frame.
    void handle_prepare();
    void handle_frame(Clock::time_point now);
    std::chrono::milliseconds time_to_next_deadline(Clock::time_point now) const;

    // Asks the schedule what comes next and puts it on screen. A forced
    // switch (or one before the item's time, `early`: a film that ended)
    // starts the next item's schedule at the next whole second.
    void show_next(Clock::time_point now, bool force, bool early = false);
    // A video item's film is decoded before it counts as shown: false when
    // it cannot be (the film is then skipped, see film_failed()).
    bool film_plays(const player::Decision& d, protocol::Timestamp at);
    // A film that cannot be decoded leaves the rotation for kFilmRetry,
    // logged and reported (playback_error()); never a black screen, never
    // retried in a tight loop.
    void film_failed(std::string media, const std::string& slide_id, const std::string& why);
    // playing(): the manifest without the items whose films are skipped.
    void refilter();
    // The item on screen outlives the manifest (or filtered copy) it came from.
    void keep_current_slide();
    // Puts page `page` of `slide` (whose JSON is `key`) on screen, from the
    // slide rendered ahead when it matches.
    bool show_slide(const protocol::Slide& slide, const std::string& key, int page,
                    Clock::time_point now);
    // Renders a page for the main zone, or an emergency for the whole screen,
    // as it should look at wall time `at`.
    Result<render::RenderedSlide> render_page(const protocol::Slide& slide, int page,
                                              protocol::Timestamp at);
    void show_off();
    void extend_for_text_pages(const protocol::Slide& slide);
    // Lays the screen out again when the ticker comes or goes, or the output
    // size changed; true when it did (slides must be rendered anew).
    bool update_layout(bool force);
    bool update_ticker(Clock::time_point now);
    void apply_manifest(protocol::Manifest m);
    // Whether the screen keeps what it shows when `next` arrives.
    bool keeps_screen(const protocol::Manifest& next) const;
    void rerender_current();
    void write_snapshot();
    // What the screen reports as showing (showing_id(), showing_title()).
    void set_showing(std::string id, std::string title, std::optional<protocol::Timestamp> until);
    // The quiz: a tap starts a round or goes to it; the invitation is a
    // rotation item; a quiz step is put on screen, and a round that is over
    // gives the screen back to the rotation.
    void on_tap(int x, int y, Clock::time_point now);
    void show_invitation(Clock::time_point now);
    void apply_quiz(QuizStep step, Clock::time_point now);
    void leave_quiz(Clock::time_point now);
    std::string version() const;
    const protocol::Manifest* playing() const {
        if (filtered_) return &*filtered_;
        return manifest_ ? &*manifest_ : nullptr;
    }

    // Film sound: whether `slide` is rendered with its sound (opening the
    // sound device the first time one asks); quiet hours mute it.
    bool film_sound(const protocol::Slide& slide);
    void follow_quiet_hours();

    render::Display& display_;
    render::FontCache fonts_;
    player::Cache& cache_;
    std::unique_ptr<render::SoundOut> sound_;  // opened when a film first sounds
    bool sound_tried_ = false;
    render::SlideRenderer renderer_;
    render::Compositor compositor_;
    render::ScreenHeader header_;
    render::Ticker ticker_;
    render::ScreenLayout layout_;
    std::optional<protocol::Manifest> manifest_;
    std::optional<protocol::Manifest> filtered_;             // manifest_ without skipped films
    std::map<std::string, Clock::time_point> failed_films_;  // media → when to try again
    signage::TimeZone tz_;
    player::LoopState history_;
    player::Decision decision_;
    std::filesystem::path snapshot_;
    render::PngWriter snapshot_writer_;
    Uint32 manifest_event_ = 0;

    mutable std::mutex showing_mu_;
    std::string showing_id_;                                // guarded by showing_mu_
    std::string showing_title_;                             // guarded by showing_mu_
    std::optional<protocol::Timestamp> showing_until_;      // guarded by showing_mu_
    std::optional<protocol::Timestamp> manifest_shows_at_;  // guarded by showing_mu_
    std::optional<std::string> playback_error_;             // guarded by showing_mu_
    std::function<void()> manifest_applied_;
    // The item on screen when a manifest replaced the one it came from: it
    // plays out from this copy (decision_.slide points here).
    std::optional<protocol::Slide> kept_slide_;

    mutable std::mutex slot_mu_;
    std::optional<protocol::Manifest> slot_;  // guarded by slot_mu_
    // A pairing change not yet applied: a view to show, or nullopt to end.
    std::optional<std::optional<render::PairingView>> pairing_slot_;  // guarded by slot_mu_
    std::optional<render::PairingView> pairing_;                      // shown now (main thread)
    std::optional<std::string> token_slot_;                           // guarded by slot_mu_
    std::vector<FrameHandler> frame_requests_;                        // guarded by slot_mu_

    bool quit_ = false;
    bool redraw_ = false;            // present the current frame again
    bool snapshot_pending_ = false;  // write a snapshot once the item is fully shown
    struct Prepared {
        std::string key;  // the slide's JSON
        int page = 0;
        render::RenderedSlide rendered;
    };
    std::optional<Prepared> prepared_;
    Clock::time_point item_end_{};
    int page_ = 0;
    int shown_pages_ = 1;  // pages of the slide last rendered for the screen
    Clock::time_point page_end_{};
    std::string shown_key_;  // the JSON of the slide on screen, to skip fading to itself

    // Proof of play.
    void log_play(const protocol::Play& p);
    player::PlayLog plays_{player::PlayLog::new_boot_id(),
                           [this](const protocol::Play& p) { log_play(p); }};
    player::Outbox* plays_outbox_ = nullptr;
    std::function<void()> plays_added_;

    QuizController quiz_;  // the touch quiz: its round, invitation and results
    std::set<SDL_FingerID> fingers_down_;
    bool mouse_down_ = false;
};

}  // namespace signage::app
