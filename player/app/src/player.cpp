#include "app/player.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/sha256.hpp"

namespace signage::app {
namespace {

using std::chrono::milliseconds;

// One animation frame while a crossfade runs (vsync paces the window backend).
constexpr milliseconds kFrameInterval{16};
// Nothing is due for longer than this; the loop still wakes at once on events.
constexpr milliseconds kMaxWait{60 * 60 * 1000};

protocol::Timestamp wall_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

Player::Player(render::Display& display, render::FontSet fonts, player::Cache& cache,
               std::filesystem::path snapshot)
    : display_(display),
      fonts_(std::move(fonts)),
      cache_(cache),
      renderer_(display.renderer(), fonts_,
                [this](const std::string& ref) -> std::filesystem::path {
                    if (is_sha256_hex(ref) && cache_.has_media(ref)) return cache_.media_path(ref);
                    return {};
                }),
      compositor_(display),
      snapshot_(std::move(snapshot)) {
    manifest_event_ = SDL_RegisterEvents(1);
}

std::string Player::version() const {
    return playlist_.manifest() ? playlist_.manifest()->version : std::string{};
}

std::string Player::start() {
    if (auto m = cache_.load_manifest()) {
        spdlog::info("starting from cached manifest {}", m->version);
        playlist_.set_manifest(std::move(*m));
    } else {
        spdlog::info("no cached manifest: starting with the built-in default slide");
    }
    const auto now = Clock::now();
    show_next(now, true);
    handle_frame(now);  // the first present is a finished slide
    return version();
}

void Player::deliver_manifest(protocol::Manifest m) {
    {
        std::lock_guard lock(slot_mu_);
        slot_ = std::move(m);  // a newer one replaces one not yet taken
    }
    SDL_Event ev{};
    ev.type = manifest_event_;
    display_.post_event(ev);
}

void Player::post_quit() {
    SDL_Event ev{};
    ev.type = SDL_QUIT;
    display_.post_event(ev);
}

int Player::run() {
    while (!quit_) {
        const auto now = Clock::now();
        handle_new_manifest(now);
        handle_item_end(now);
        handle_frame(now);
        handle_events();
    }
    return 0;
}

void Player::handle_events() {
    SDL_Event ev;
    bool got = display_.wait_event(ev, time_to_next_deadline(Clock::now()));
    while (got) {
        if (ev.type == SDL_QUIT) {
            spdlog::info("quit requested");
            quit_ = true;
        } else if (ev.type != manifest_event_) {
            // The manifest slot is checked by handle_new_manifest() anyway.
            switch (display_.handle_event(ev)) {
                case render::Display::Reaction::none:
                    break;
                case render::Display::Reaction::redraw:
                    redraw_ = true;
                    break;
                case render::Display::Reaction::rerender:
                    rerender_current();
                    break;
            }
        }
        got = display_.wait_event(ev, milliseconds{0});
    }
}

void Player::handle_new_manifest(Clock::time_point now) {
    std::optional<protocol::Manifest> m;
    {
        std::lock_guard lock(slot_mu_);
        m.swap(slot_);
    }
    if (!m) return;
    spdlog::info("switched to manifest {}", m->version);
    // A publish restarts the loop: the screen crossfades at once to the new
    // manifest's first valid item (the loop's designed order, core values
    // first), whatever was playing before.
    playlist_ = player::Playlist{};
    playlist_.set_manifest(std::move(*m));
    show_next(now, true);
}

void Player::handle_item_end(Clock::time_point now) {
    if (now >= item_end_) show_next(now, false);
}

void Player::handle_frame(Clock::time_point now) {
    if (!compositor_.in_transition() && !redraw_) return;
    const auto end = compositor_.transition_end();
    const bool final_frame = !end || now >= *end;
    const bool snapshot = final_frame && snapshot_pending_ && !snapshot_.empty();
    compositor_.draw(now);
    if (snapshot) display_.keep_next_frame();
    display_.present();
    redraw_ = false;
    if (final_frame && snapshot_pending_) {
        snapshot_pending_ = false;
        if (snapshot) write_snapshot();
    }
}

std::chrono::milliseconds Player::time_to_next_deadline(Clock::time_point now) const {
    if (quit_ || redraw_) return milliseconds{0};
    {
        std::lock_guard lock(slot_mu_);
        if (slot_) return milliseconds{0};
    }
    if (compositor_.in_transition()) return kFrameInterval;
    const auto left = std::chrono::ceil<milliseconds>(item_end_ - now);
    return std::clamp(left, milliseconds{0}, kMaxWait);
}

void Player::show_next(Clock::time_point now, bool force) {
    const protocol::Slide& slide = playlist_.next(wall_now());
    const std::string v = version();
    spdlog::info("showing {} from manifest {}", slide.id.empty() ? "default" : slide.id,
                 v.empty() ? "none" : v);
    item_end_ = now + std::chrono::seconds{std::max(1, slide.duration_s)};
    std::string key = protocol::to_json(slide).dump();
    if (!force && key == shown_key_ && compositor_.has_content()) return;  // already on screen
    if (show_slide(slide, now)) {
        shown_key_ = std::move(key);
    } else if (!compositor_.has_content()) {
        // Never a black screen: fall back to the built-in slide.
        const protocol::Slide fallback = player::default_slide();
        if (show_slide(fallback, now)) shown_key_ = protocol::to_json(fallback).dump();
    }
}

bool Player::show_slide(const protocol::Slide& slide, Clock::time_point now) {
    const auto t0 = Clock::now();
    auto rendered = renderer_.render(slide, display_.size());
    if (!rendered) {
        spdlog::error("cannot render slide {}: {}", slide.id.empty() ? "default" : slide.id,
                      rendered.error().message);
        return false;
    }
    spdlog::debug("rendered slide {} in {} ms", slide.id.empty() ? "default" : slide.id,
                  std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count());
    // The crossfade starts after rendering, so it is never cut short.
    compositor_.show(std::move(rendered->texture), std::max(now, Clock::now()));
    redraw_ = true;
    snapshot_pending_ = true;
    return true;
}

void Player::rerender_current() {
    spdlog::info("output is now {}x{}: rendering again", display_.size().w, display_.size().h);
    compositor_.clear();
    if (!show_slide(playlist_.current(), Clock::now())) {
        const protocol::Slide fallback = player::default_slide();
        show_slide(fallback, Clock::now());
    }
}

void Player::write_snapshot() {
    auto frame = display_.read_frame();
    if (!frame) {
        spdlog::warn("snapshot: {}", frame.error().message);
        return;
    }
    snapshot_writer_.submit(std::move(*frame), snapshot_);
}

}  // namespace signage::app
