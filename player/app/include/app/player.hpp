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
// applied at once: a new loop starts with it and the screen crossfades to its
// first item, so a publish shows within a second.
//
// Log lines other tools parse (spdlog on stderr, with timestamps):
//   showing <slide id | default> from manifest <version | none>
//   switched to manifest <version>
//   screen off until <ISO 8601>
//
// Threading: construct, run() and destroy on the main thread; post_quit() and
// the sync callbacks may come from any thread.

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/options.hpp"
#include "core/cache.hpp"
#include "core/schedule.hpp"
#include "core/time_zone.hpp"
#include "protocol/manifest.hpp"
#include "render/chrome.hpp"
#include "render/compositor.hpp"
#include "render/display.hpp"
#include "render/fonts.hpp"
#include "render/png.hpp"
#include "render/screen_layout.hpp"
#include "render/slide_renderer.hpp"

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

    // Hands a new manifest to the loop. Thread-safe (the sync thread).
    void deliver_manifest(protocol::Manifest m);
    // Asks the loop to stop. Thread-safe.
    void post_quit();

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
    // Waits until the snapshots taken so far are on disk (they are written on
    // a background thread).
    void flush_snapshots() { snapshot_writer_.flush(); }

  private:
    // The loop's steps.
    void handle_events();
    void handle_new_manifest(Clock::time_point now);
    void handle_item_end(Clock::time_point now);
    void handle_page_end(Clock::time_point now);
    // While the screen is idle, renders what comes next, so the switch
    // itself costs no more than any other frame.
    void handle_prepare();
    void handle_frame(Clock::time_point now);
    std::chrono::milliseconds time_to_next_deadline(Clock::time_point now) const;

    // Asks the schedule what comes next and puts it on screen.
    void show_next(Clock::time_point now, bool force);
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
    void rerender_current();
    void write_snapshot();
    std::string version() const;
    const protocol::Manifest* playing() const { return manifest_ ? &*manifest_ : nullptr; }

    render::Display& display_;
    render::FontCache fonts_;
    player::Cache& cache_;
    render::SlideRenderer renderer_;
    render::Compositor compositor_;
    render::ScreenHeader header_;
    render::Ticker ticker_;
    render::ScreenLayout layout_;
    std::optional<protocol::Manifest> manifest_;
    player::TimeZone tz_;
    player::LoopState history_;
    player::Decision decision_;
    std::filesystem::path snapshot_;
    render::PngWriter snapshot_writer_;
    Uint32 manifest_event_ = 0;

    mutable std::mutex showing_mu_;
    std::string showing_id_;  // guarded by showing_mu_

    mutable std::mutex slot_mu_;
    std::optional<protocol::Manifest> slot_;  // guarded by slot_mu_

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
};

}  // namespace signage::app
