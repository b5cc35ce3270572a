#include "app/player.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/sha256.hpp"

namespace signage::app {
namespace {

using std::chrono::milliseconds;

// The loop wakes at least this often to notice a wall-clock jump (NTP after
// a cold boot); it still wakes at once on events.
constexpr milliseconds kMaxWait{60 * 1000};
// A film that cannot be decoded is tried again after this long.
constexpr std::chrono::minutes kFilmRetry{10};

bool is_video(const protocol::Slide* s) {
    return s != nullptr && s->type == protocol::SlideType::video;
}

protocol::Timestamp wall_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The wall clock in milliseconds since 1970, for the play log.
std::int64_t wall_now_ms() {
    return std::chrono::duration_cast<milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

signage::TimeZone zone_for(const protocol::GroupSettings& settings) {
    auto tz = signage::TimeZone::named(settings.timezone);
    if (tz) return *tz;
    spdlog::warn("{}; using UTC+8", tz.error().message);
    return signage::TimeZone::fixed(std::chrono::hours{8});
}

// The built-in slide's JSON, the key that says it is on screen.
const std::string& default_key() {
    static const std::string key = protocol::to_json(player::default_slide()).dump();
    return key;
}

// How logs name a slide.
const std::string& label(const protocol::Slide& slide) {
    static const std::string builtin = "default";
    return slide.id.empty() ? builtin : slide.id;
}

// The steady-clock time at which the wall clock reads `t`.
Player::Clock::time_point steady_at(protocol::Timestamp t) {
    const auto left = t - std::chrono::system_clock::now();
    return Player::Clock::now() + std::chrono::duration_cast<Player::Clock::duration>(left);
}

}  // namespace

Player::Player(render::Display& display, render::FontSet fonts, player::Cache& cache,
               std::filesystem::path snapshot)
    : display_(display),
      fonts_(std::move(fonts)),
      cache_(cache),
      renderer_(display.renderer(), fonts_,
                [this](const std::string& ref) -> std::filesystem::path {
                    if (is_sha256_hex(ref)) cache_.touch(ref);  // its last use, for eviction
                    if (is_sha256_hex(ref) && cache_.has_media(ref)) return cache_.media_path(ref);
                    return {};
                }),
      compositor_(display),
      header_(display.renderer(), fonts_),
      ticker_(display.renderer(), fonts_),
      tz_(zone_for(protocol::GroupSettings{})),
      snapshot_(std::move(snapshot)),
      quiz_(display.renderer(), fonts_, cache_.dir() / "quiz-prizes.json",
            player::QuizWallClock{[] { return wall_now(); },
                                  [this](protocol::Timestamp t) { return tz_.offset_at(t); }}) {
    manifest_event_ = SDL_RegisterEvents(1);
    compositor_.set_header(&header_);
    update_layout(true);
}

bool Player::update_layout(bool force) {
    const bool ticker = !ticker_.empty() && !quiz_.round_on_screen();
    if (!force && layout_.screen.w == display_.size().w && layout_.screen.h == display_.size().h &&
        layout_.has_ticker() == ticker) {
        return false;
    }
    layout_ = render::layout_screen(display_.size(), true, ticker);
    compositor_.set_layout(layout_);
    // The compositor places the ticker in the layout's ticker zone.
    if (auto st = compositor_.set_ticker(ticker ? &ticker_ : nullptr); !st) {
        spdlog::warn("ticker: {}", st.error().message);
    }
    prepared_.reset();
    return true;
}

// The notices valid now run on the ticker. True when the ticker came or
// went: the layout changed and what was on screen no longer fits it.
bool Player::update_ticker(Clock::time_point now) {
    ticker_.set_texts(player::ticker_at(playing(), wall_now(), tz_), now);
    for (const auto& w : ticker_.warnings()) spdlog::warn("ticker: {}", w);
    if (!update_layout(false)) return false;
    compositor_.clear();
    return true;
}

bool Player::film_sound(const protocol::Slide& slide) {
    const protocol::Manifest* m = playing();
    const int volume = m ? m->settings.volume : protocol::GroupSettings::default_volume;
    if (!slide.audio || volume <= 0) return false;
    if (!sound_tried_) {
        sound_tried_ = true;  // once: a screen without sound says so once
        sound_ = render::SoundOut::open();
        if (sound_) compositor_.set_sound_out(sound_.get());
    }
    if (!sound_) return false;
    sound_->set_volume(volume);
    return true;
}

void Player::follow_quiet_hours() {
    if (!sound_) return;
    const protocol::Manifest* m = playing();
    sound_->set_muted(m && player::in_daily_windows(m->settings.quiet_hours, tz_, wall_now()));
}

std::string Player::version() const {
    return manifest_ ? manifest_->version : std::string{};
}

void Player::apply_manifest(protocol::Manifest m) {
    tz_ = zone_for(m.settings);
    header_.set_settings(m.settings);
    keep_current_slide();
    // The loop goes on, what is new or changed plays next; with nothing
    // before or a new minimum share, a new loop starts (and the one in
    // progress ends unfinished).
    if (!player::carry_over(history_, playing(), m)) plays_.break_loop();
    manifest_ = std::move(m);
    if (sound_) sound_->set_volume(manifest_->settings.volume);
    refilter();
    if (quiz_.update(playing())) update_layout(false);
}

void Player::keep_current_slide() {
    if (decision_.slide && decision_.slide != &player::default_slide() &&
        (!kept_slide_ || decision_.slide != &*kept_slide_)) {
        kept_slide_ = *decision_.slide;
        decision_.slide = &*kept_slide_;
    }
}

void Player::refilter() {
    keep_current_slide();
    prepared_.reset();
    filtered_.reset();
    const auto now = Clock::now();
    std::erase_if(failed_films_, [&](const auto& f) { return f.second <= now; });
    if (failed_films_.empty()) {
        std::lock_guard lock(showing_mu_);
        playback_error_.reset();
    }
    if (!manifest_ || failed_films_.empty()) return;
    auto skipped = [&](const protocol::Slide& s) {
        return is_video(&s) && failed_films_.count(s.media) > 0;
    };
    if (std::none_of(manifest_->items.begin(), manifest_->items.end(), skipped)) return;
    filtered_ = *manifest_;
    std::erase_if(filtered_->items, skipped);
}

void Player::film_failed(std::string media, const std::string& slide_id, const std::string& why) {
    spdlog::error("slide {}: its film cannot be played ({}); skipped for {} minutes", slide_id, why,
                  kFilmRetry.count());
    failed_films_[std::move(media)] = Clock::now() + kFilmRetry;
    {
        std::lock_guard lock(showing_mu_);
        playback_error_ = std::string("slide ").append(slide_id).append(": ").append(why);
    }
    refilter();
}

bool Player::film_plays(const player::Decision& d, protocol::Timestamp at) {
    if (d.mode != player::Mode::item || !is_video(d.slide)) return true;
    std::string key = protocol::to_json(*d.slide).dump();
    if (prepared_ && prepared_->key == key && prepared_->page == 0 && prepared_->rendered.film) {
        return true;
    }
    auto rendered = render_page(*d.slide, 0, at);
    if (!rendered) {
        film_failed(d.slide->media, label(*d.slide), rendered.error().message);
        return false;
    }
    prepared_ = Prepared{std::move(key), 0, std::move(*rendered)};
    return true;
}

std::string Player::start() {
    if (auto m = cache_.load_manifest()) {
        spdlog::info("starting from cached manifest {}", m->version);
        apply_manifest(std::move(*m));
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
    wake_loop();
}

void Player::wake_loop() {
    SDL_Event ev{};
    ev.type = manifest_event_;
    display_.post_event(ev);
}

void Player::request_frame(FrameHandler handler) {
    {
        std::lock_guard lock(slot_mu_);
        frame_requests_.push_back(std::move(handler));
    }
    wake_loop();
}

void Player::show_pairing(render::PairingView view) {
    {
        std::lock_guard lock(slot_mu_);
        pairing_slot_.emplace(std::move(view));
    }
    wake_loop();
}

void Player::end_pairing() {
    {
        std::lock_guard lock(slot_mu_);
        pairing_slot_.emplace(std::nullopt);
    }
    wake_loop();
}

void Player::set_device_token(std::string token) {
    {
        std::lock_guard lock(slot_mu_);
        token_slot_ = std::move(token);
    }
    wake_loop();
}

void Player::handle_pairing() {
    std::optional<std::optional<render::PairingView>> change;
    std::optional<std::string> token;
    {
        std::lock_guard lock(slot_mu_);
        change.swap(pairing_slot_);
        token.swap(token_slot_);
    }
    if (token && quiz_.set_device_token(std::move(*token), playing())) update_layout(false);
    if (!change || *change == pairing_) return;
    pairing_ = std::move(*change);
    if (pairing_) {
        draw_pairing();
    } else {
        compositor_.clear_cover();
        spdlog::info("pairing: page closed");
    }
    redraw_ = true;
    snapshot_pending_ = true;
}

void Player::draw_pairing() {
    auto page =
        render::render_pairing_page(display_.renderer(), fonts_, *pairing_, display_.size());
    if (!page) {
        spdlog::error("pairing page: {}", page.error().message);
        return;
    }
    compositor_.show_cover(std::move(*page));
    spdlog::info("pairing: showing the pairing page");
}

void Player::post_quit() {
    SDL_Event ev{};
    ev.type = SDL_QUIT;
    display_.post_event(ev);
}

int Player::run() {
    while (!quit_) {
        const auto now = Clock::now();
        handle_pairing();
        handle_new_manifest(now);
        handle_quiz(now);
        handle_item_end(now);
        handle_page_end(now);
        handle_frame(now);
        handle_prepare();
        handle_events();
    }
    plays_.stop(wall_now_ms());  // the item on screen ends with the player
    return 0;
}

void Player::handle_events() {
    SDL_Event ev;
    bool got = display_.wait_event(ev, time_to_next_deadline(Clock::now()));
    while (got) {
        if (ev.type == SDL_QUIT) {
            spdlog::info("quit requested");
            quit_ = true;
        } else if (ev.type == SDL_FINGERDOWN) {
            fingers_down_.insert(ev.tfinger.fingerId);
        } else if (ev.type == SDL_FINGERUP) {
            // A finger down and up is one tap, where it was lifted.
            if (fingers_down_.erase(ev.tfinger.fingerId) > 0) {
                const render::Size size = display_.size();
                on_tap(static_cast<int>(ev.tfinger.x * static_cast<float>(size.w)),
                       static_cast<int>(ev.tfinger.y * static_cast<float>(size.h)), Clock::now());
            }
        } else if (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) {
            // Mouse events SDL made from a touch were counted as the touch.
            if (ev.button.which == SDL_TOUCH_MOUSEID || ev.button.button != SDL_BUTTON_LEFT) {
                // ignored
            } else if (ev.type == SDL_MOUSEBUTTONDOWN) {
                mouse_down_ = true;
            } else if (mouse_down_) {
                mouse_down_ = false;
                on_tap(ev.button.x, ev.button.y, Clock::now());
            }
        } else if (ev.type != manifest_event_) {
            // The manifest slot is checked by handle_new_manifest() anyway.
            switch (display_.handle_event(ev)) {
                case render::Display::Reaction::none:
                    break;
                case render::Display::Reaction::redraw:
                    compositor_.redraw_all();
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
    // A publish cuts nothing (see the header): what it brings shows at the
    // next switch. A round in progress goes on when the quiz did not change.
    const bool keep = quiz_.round_on_screen() || keeps_screen(*m);
    const std::string v = m->version;
    apply_manifest(std::move(*m));
    std::optional<protocol::Timestamp> shows_at;
    if (!keep) {
        shows_at = wall_now();
        spdlog::info("switched to manifest {}: new content shows now", v);
        show_next(now, true);
    } else if (!quiz_.round_on_screen() && (shows_at = next_switch())) {
        spdlog::info("switched to manifest {}: new content shows at {}", v,
                     protocol::format_iso8601(*shows_at));
    } else {
        spdlog::info("switched to manifest {}: new content shows after the quiz round", v);
    }
    {
        std::lock_guard lock(showing_mu_);
        manifest_shows_at_ = shows_at;
    }
    if (manifest_applied_) manifest_applied_();
}

bool Player::keeps_screen(const protocol::Manifest& next) const {
    if (quiz_.invitation_on_screen()) return true;  // it ends on its own time
    if (decision_.mode != player::Mode::item || !decision_.slide ||
        decision_.slide == &player::default_slide()) {
        return false;  // an emergency or the dark decide anew; the built-in slide makes way
    }
    const bool held =
        std::any_of(next.items.begin(), next.items.end(),
                    [&](const protocol::Slide& s) { return s.id == decision_.slide->id; });
    if (!held) return false;  // withdrawn: it leaves the screen at once
    // An emergency that is valid now, or a power-off window that has begun,
    // takes the screen at once.
    const auto d = player::decide(&next, wall_now(), zone_for(next.settings), history_);
    return d.mode == player::Mode::item;
}

void Player::handle_item_end(Clock::time_point now) {
    if (quiz_.round_on_screen()) {
        // The rotation waits; an emergency or a power-off window ends the round.
        if (now < item_end_ && wall_now() < decision_.until) return;
        const player::Decision d = player::decide(playing(), wall_now(), tz_, history_);
        if (d.mode == player::Mode::item) {
            item_end_ = now + std::chrono::seconds{5};
            return;
        }
        quiz_.interrupt();
        leave_quiz(now);
        return;
    }
    if (quiz_.invitation_on_screen()) {
        // An emergency or a power-off window that starts meanwhile takes the
        // screen at once, as it would from any rotation item.
        if (now >= item_end_ ||
            player::decide(playing(), wall_now(), tz_, history_).mode != player::Mode::item) {
            show_next(now, false);
        }
        return;
    }
    // A film that has ended ends its item (its time is the film's, rounded
    // up to whole seconds by the server); one that broke off is skipped.
    if (decision_.mode == player::Mode::item && is_video(decision_.slide) && compositor_.film() &&
        compositor_.film()->ended(now) && !compositor_.has_emergency()) {
        if (auto why = compositor_.film()->decoder().error()) {
            film_failed(decision_.slide->media, label(*decision_.slide), *why);
        }
        show_next(now, false, true);
        return;
    }
    // The wall clock decides too, in case it jumped since the item started.
    if (now >= item_end_ || wall_now() >= decision_.until) show_next(now, false);
}

void Player::handle_page_end(Clock::time_point now) {
    if (quiz_.on_screen()) return;
    if (decision_.pages <= 1 || page_ + 1 >= decision_.pages || now < page_end_) return;
    ++page_;
    // Pages keep to the item's wall-clock schedule: page k ends duration_s * (k + 1) in.
    page_end_ = std::min(
        item_end_, steady_at(decision_.start +
                             std::chrono::seconds{decision_.slide->duration_s * (page_ + 1)}));
    const std::string key = shown_key_;  // the same slide, another page
    show_slide(*decision_.slide, key, page_, now);
}

void Player::handle_frame(Clock::time_point now) {
    auto header =
        header_.update(layout_, std::chrono::system_clock::now(), tz_.offset_at(wall_now()));
    if (!header) {
        spdlog::warn("header: {}", header.error().message);
    } else if (*header) {
        redraw_ = true;
    }
    // Screenshots asked for since the last frame: the current frame is drawn
    // once more and read back before it is presented. A window's back buffer
    // is undefined once presented (SDL_RenderReadPixels belongs between the
    // drawing and SDL_RenderPresent), so this is the one way every backend
    // gives the picture that is then on screen.
    std::vector<FrameHandler> captures;
    {
        std::lock_guard lock(slot_mu_);
        captures.swap(frame_requests_);
    }
    if (!redraw_ && !compositor_.animating(now) && captures.empty()) return;
    follow_quiet_hours();
    compositor_.draw(now);
    // The snapshot shows the item once it is fully on screen: the crossfade
    // and any reveal over.
    const bool settled = !compositor_.in_transition() && !compositor_.reveal_end();
    const bool snapshot = settled && snapshot_pending_ && !snapshot_.empty();
    if (snapshot || !captures.empty()) display_.keep_next_frame();
    if (const auto& changed = compositor_.changed()) {
        display_.present_changed(*changed);  // the rest of the screen is unchanged
    } else {
        display_.present();
    }
    redraw_ = false;
    for (auto& handler : captures) {
        auto frame = display_.read_frame();
        if (!frame) spdlog::warn("screenshot: cannot read the frame: {}", frame.error().message);
        handler(std::move(frame));
    }
    if (settled && snapshot_pending_) {
        snapshot_pending_ = false;
        if (snapshot) write_snapshot();
    }
}

std::chrono::milliseconds Player::time_to_next_deadline(Clock::time_point now) const {
    if (quit_ || redraw_) return milliseconds{0};
    {
        std::lock_guard lock(slot_mu_);
        if (slot_ || pairing_slot_ || token_slot_ || !frame_requests_.empty()) {
            return milliseconds{0};
        }
    }
    // A film that has ended ends its item at once (handle_item_end).
    if (decision_.mode == player::Mode::item && is_video(decision_.slide) && compositor_.film() &&
        compositor_.film()->ended(now)) {
        return milliseconds{0};
    }
    auto due = item_end_;
    // The next frame (a film's picture, the ticker's step, a crossfade's).
    if (auto frame = compositor_.next_frame_due(now)) due = std::min(due, *frame);
    if (auto quiz = quiz_.next_deadline(now)) due = std::min(due, *quiz);
    // The header's clock changes at the next minute.
    const auto wall = std::chrono::system_clock::now();
    due = std::min(due, now + std::chrono::duration_cast<Clock::duration>(
                                  render::ScreenHeader::next_change(wall) - wall));
    if (decision_.pages > 1 && page_ + 1 < decision_.pages) due = std::min(due, page_end_);
    const auto left = std::chrono::ceil<milliseconds>(due - now);
    return std::clamp(left, milliseconds{0}, kMaxWait);
}

void Player::show_next(Clock::time_point now, bool force, bool early) {
    // A forced switch (start, a new manifest, the end of a quiz round) comes
    // at any fraction of a second: its item's schedule starts at the next
    // whole second, so it shows for at least its duration instead of up to a
    // second less (proof of play measured such first items cutting a loop's
    // public-service share). An item that ends on time starts the next one
    // on its second as before.
    const auto wall =
        force || early ? std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now())
                       : wall_now();
    // Films skipped for a while are tried again.
    if (!failed_films_.empty() && std::any_of(failed_films_.begin(), failed_films_.end(),
                                              [&](const auto& f) { return f.second <= now; })) {
        refilter();
    }
    // Every few items the quiz's invitation, when the schedule would show an
    // ordinary item.
    if (!force && quiz_.invitation_due()) {
        const player::Decision next = player::decide(playing(), wall, tz_, history_);
        // What a publish brought goes first; the invitation comes after it.
        const bool fresh = next.slide && history_.is_fresh(next.slide->id);
        if (next.mode == player::Mode::item && !fresh) {
            plays_.show_invitation(wall_now_ms(), version(), next.starts_loop);
            show_invitation(now);
            return;
        }
    }
    quiz_.rotation_item_shown();
    const player::Mode previous_mode = decision_.mode;
    player::Decision next = player::decide(playing(), wall, tz_, history_);
    // A film is decoded before its item counts as shown; one that cannot be
    // leaves the rotation and the schedule picks again.
    for (int tries = 0; tries < 16 && !film_plays(next, wall); ++tries) {
        next = player::decide(playing(), wall, tz_, history_);
    }
    decision_ = next;
    player::record(history_, decision_);
    plays_.show(decision_, wall_now_ms(), version());
    item_end_ = steady_at(decision_.until);
    page_ = 0;
    set_showing(decision_.slide ? decision_.slide->id : std::string{},
                decision_.slide ? decision_.slide->title : std::string{}, decision_.until);
    const std::string v = version();
    if (update_ticker(now)) force = true;

    if (decision_.mode == player::Mode::power_off) {
        if (previous_mode != player::Mode::power_off || force) {
            spdlog::info("screen off until {}", protocol::format_iso8601(decision_.until));
            show_off();
        }
        return;
    }
    if (decision_.mode != player::Mode::emergency && compositor_.has_emergency()) {
        compositor_.clear_emergency();  // the rotation underneath shows again
        redraw_ = true;
        snapshot_pending_ = true;
    }
    const protocol::Slide& slide = *decision_.slide;
    if (decision_.pages > 1) {
        page_end_ = steady_at(decision_.start + std::chrono::seconds{slide.duration_s});
    }
    spdlog::info("showing {} from manifest {}", label(slide), v.empty() ? "none" : v);
    const std::string key = protocol::to_json(slide).dump();
    // A film that played to its end starts again; one that loops goes on.
    const bool restarts = is_video(&slide) && slide.play == protocol::VideoPlay::to_end;
    if (!force && !restarts && decision_.pages <= 1 && shown_pages_ <= 1 && key == shown_key_ &&
        compositor_.has_content()) {
        return;  // already on screen
    }
    if (show_slide(slide, key, 0, now)) {
        extend_for_text_pages(slide);
    } else if (!compositor_.has_content()) {
        // Never a black screen: fall back to the built-in slide.
        show_slide(player::default_slide(), default_key(), 0, now);
    }
}

void Player::handle_prepare() {
    if (quiz_.on_screen() || prepared_ || compositor_.in_transition() || compositor_.reveal_end() ||
        !compositor_.has_content() || decision_.mode == player::Mode::power_off ||
        !decision_.slide) {
        return;
    }
    // What the schedule will pick when this item (or page) ends, unless a
    // publish or the clock changes it; a wrong guess only costs a render.
    const protocol::Slide* next = decision_.slide;
    int page = page_ + 1;
    if (page >= decision_.pages) {
        const player::Decision d = player::decide(playing(), decision_.until, tz_, history_);
        if (d.mode == player::Mode::power_off || !d.slide) return;
        next = d.slide;
        page = 0;
    }
    Prepared p{protocol::to_json(*next).dump(), page, {}};
    const bool restarts = is_video(next) && next->play == protocol::VideoPlay::to_end;
    if (p.key == shown_key_ && page == 0 && decision_.pages <= 1 && !restarts) {
        return;  // stays on screen
    }
    auto rendered = render_page(*next, page, decision_.until);
    if (!rendered) {
        // A film that cannot be decoded now will not be at its turn either.
        if (is_video(next)) film_failed(next->media, label(*next), rendered.error().message);
        return;
    }
    p.rendered = std::move(*rendered);
    prepared_ = std::move(p);
}

Result<render::RenderedSlide> Player::render_page(const protocol::Slide& slide, int page,
                                                  protocol::Timestamp at) {
    const auto t0 = Clock::now();
    const bool full_screen = slide.type == protocol::SlideType::emergency;
    render::RenderOptions options;
    options.live_video = true;
    options.film_sound = slide.type == protocol::SlideType::video && film_sound(slide);
    options.page = page;
    options.now = at;
    options.local_offset = tz_.offset_at(at);
    auto rendered =
        renderer_.render(slide, full_screen ? display_.size() : layout_.main_size(), options);
    if (!rendered) {
        spdlog::error("cannot render slide {}: {}", label(slide), rendered.error().message);
        return rendered;
    }
    for (const auto& w : rendered->layout.warnings) {
        spdlog::warn("slide {}: {}", label(slide), w);
    }
    spdlog::debug("rendered slide {} page {} in {} ms", label(slide), page + 1,
                  std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count());
    return rendered;
}

// A text slide too long for one page at the minimum size pages too; only
// its layout knows how many pages, so the item grows by duration_s for each
// extra page (unless its expiry or another limit cut it short), and the
// loop's history counts that airtime.
void Player::extend_for_text_pages(const protocol::Slide& slide) {
    if (slide.type != protocol::SlideType::text || shown_pages_ <= decision_.pages ||
        decision_.airtime_s() != slide.duration_s) {
        return;
    }
    // Not into a power-off window or an emergency that starts when it ends.
    const player::Decision after = player::decide(playing(), decision_.until, tz_, history_);
    if (after.mode != player::Mode::item) return;
    auto until =
        decision_.until + std::chrono::seconds{slide.duration_s * (shown_pages_ - decision_.pages)};
    if (auto expiry = slide.valid_until_at(tz_.offset_at(decision_.start))) {
        until = std::min(until, *expiry);
    }
    const auto extra = until - decision_.until;
    decision_.pages = shown_pages_;
    decision_.until = until;
    item_end_ = steady_at(decision_.until);
    page_end_ = steady_at(decision_.start + std::chrono::seconds{slide.duration_s});
    history_.played_s += extra.count();
    if (slide.public_service) history_.public_s += extra.count();
    std::lock_guard lock(showing_mu_);
    showing_until_ = decision_.until;
}

bool Player::show_slide(const protocol::Slide& slide, const std::string& key, int page,
                        Clock::time_point now) {
    render::RenderedSlide rendered;
    if (prepared_ && prepared_->page == page && prepared_->key == key) {
        rendered = std::move(prepared_->rendered);
    } else {
        auto fresh = render_page(slide, page, wall_now());
        if (!fresh) return false;
        rendered = std::move(*fresh);
    }
    prepared_.reset();
    shown_key_ = key;
    shown_pages_ = rendered.layout.pages;
    // The very first frame is the finished slide (a cold start shows content
    // at once); reveals play when a slide replaces another.
    if (!compositor_.has_content()) rendered.reveal_base.reset();
    if (slide.type == protocol::SlideType::emergency) {
        compositor_.show_emergency(std::move(rendered.texture));  // at once, no fade
    } else {
        // The crossfade starts after rendering, so it is never cut short.
        compositor_.show(std::move(rendered), std::max(now, Clock::now()));
    }
    redraw_ = true;
    snapshot_pending_ = true;
    return true;
}

// The power-off window: the whole panel dark (a real screen is switched off
// by its own timer or DPMS; a dark frame costs it nothing). Drawn as a cover,
// so the ticker stops and the loop sleeps until the window ends.
void Player::show_off() {
    SDL_Renderer* r = display_.renderer();
    const render::Size size = display_.size();
    render::TexturePtr black(
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, size.w, size.h));
    if (!black) {
        spdlog::error("screen off: {}", SDL_GetError());
        return;
    }
    SDL_Texture* previous = SDL_GetRenderTarget(r);
    SDL_SetRenderTarget(r, black.get());
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    SDL_SetRenderTarget(r, previous);
    compositor_.show_emergency(std::move(black));
    shown_key_.clear();
    redraw_ = true;
    snapshot_pending_ = true;
}

void Player::rerender_current() {
    spdlog::info("output is now {}x{}: rendering again", display_.size().w, display_.size().h);
    compositor_.clear();
    update_layout(true);
    if (pairing_) draw_pairing();
    if (quiz_.round_on_screen()) {
        const auto now = Clock::now();
        apply_quiz(quiz_.draw(now, layout_, false), now);
    } else if (quiz_.invitation_on_screen()) {
        show_invitation(Clock::now());
    } else if (decision_.mode == player::Mode::power_off) {
        show_off();
    } else if (!show_slide(current_slide(), protocol::to_json(current_slide()).dump(), page_,
                           Clock::now())) {
        show_slide(player::default_slide(), default_key(), 0, Clock::now());
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

void Player::set_showing(std::string id, std::string title,
                         std::optional<protocol::Timestamp> until) {
    std::lock_guard lock(showing_mu_);
    showing_id_ = std::move(id);
    showing_title_ = std::move(title);
    showing_until_ = until;
}

void Player::enable_quiz(QuizServices services) {
    if (quiz_.enable(std::move(services), playing())) update_layout(false);
}

void Player::enable_play_log(player::Outbox* plays, std::function<void()> added) {
    plays_outbox_ = plays;
    plays_added_ = std::move(added);
}

void Player::log_play(const protocol::Play& p) {
    spdlog::debug("play {} {} {} ms", p.id, p.slide_id, p.duration_ms);
    if (plays_outbox_ == nullptr) return;
    if (auto st = plays_outbox_->add(protocol::to_json(p)); !st) {
        spdlog::error("play log: cannot queue play {}: {}", p.id, st.error().message);
        return;
    }
    if (plays_added_) plays_added_();
}

// ---------------------------------------------------------------- the quiz

void Player::handle_quiz(Clock::time_point now) {
    apply_quiz(quiz_.handle(now, layout_), now);
}

void Player::on_tap(int x, int y, Clock::time_point now) {
    spdlog::debug("tap at {},{}", x, y);
    if (pairing_) return;                              // nothing to touch on the pairing page
    if (decision_.mode != player::Mode::item) return;  // emergency, power-off
    if (quiz_.round_on_screen()) {
        apply_quiz(quiz_.tap(x, y, now, layout_), now);
        return;
    }
    if (!quiz_.start_round(now)) return;
    plays_.stop(wall_now_ms());  // the item under the tap ends; a round is not a play
    prepared_.reset();
    if (update_layout(false)) compositor_.clear();  // the ticker hides
    apply_quiz(quiz_.draw(now, layout_, true), now);
}

void Player::apply_quiz(QuizStep step, Clock::time_point now) {
    switch (step.kind) {
        case QuizStep::Kind::none:
            return;
        case QuizStep::Kind::leave:
            leave_quiz(now);
            return;
        case QuizStep::Kind::show:
            break;
    }
    set_showing("quiz", QuizController::kTitle, std::nullopt);
    shown_key_.clear();
    if (step.fade && compositor_.has_content()) {
        compositor_.show(std::move(step.texture), std::max(now, Clock::now()));
    } else if (compositor_.has_content()) {
        compositor_.replace(std::move(step.texture));
    } else {
        compositor_.show(std::move(step.texture), now);
    }
    redraw_ = true;
    // The snapshot follows every change of the screen but the countdown.
    if (step.snapshot) snapshot_pending_ = true;
}

// The round is over (the controller has let it go): the rotation takes the
// screen again.
void Player::leave_quiz(Clock::time_point now) {
    if (update_layout(false)) compositor_.clear();  // the ticker comes back
    show_next(now, true);
}

void Player::show_invitation(Clock::time_point now) {
    auto texture = quiz_.invite(layout_.main_size());
    if (!texture) return;
    item_end_ = now + QuizController::kInviteSeconds;
    set_showing("quiz-invitation", QuizController::kTitle,
                wall_now() + std::chrono::duration_cast<std::chrono::seconds>(
                                 QuizController::kInviteSeconds));
    const std::string v = version();
    spdlog::info("showing quiz-invitation from manifest {}", v.empty() ? "none" : v);
    shown_key_.clear();
    prepared_.reset();
    compositor_.show(std::move(texture), std::max(now, Clock::now()));
    redraw_ = true;
    snapshot_pending_ = true;
}

}  // namespace signage::app
