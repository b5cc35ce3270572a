#pragma once
// The touch quiz on the screen (文明知识有奖问答), between the play loop and
// the quiz's state machine (core/quiz.hpp): it makes the quiz from the
// manifest's bank and the group's quiz settings, decides when the invitation
// is due, turns taps into answers, draws each quiz screen
// (render/quiz_screens.hpp) and logs it, leaves the round on the idle timeout,
// and queues finished rounds in the results outbox.
//
// The play loop (app/player.hpp) keeps the rotation and the screen: it hands
// the controller taps, the time (handle(), once a turn) and the layout, asks
// whether the quiz holds the screen, and puts up what the controller drew
// (a QuizStep). Log lines (rectangles in screen pixels):
//   quiz: round of N questions started
//   quiz: question N/M id=ID type=TYPE targets A=x,y,w,h B=… [confirm=x,y,w,h]
//   quiz: feedback correct|wrong next=x,y,w,h
//   quiz: result SCORE/TOTAL passed|failed [claim=CODE] done=x,y,w,h (CODE grouped:
//         K7QM-3XPT-9WDF; a result with a code stays until 完成 or Quiz::kPrizeHold)
//   quiz: done, back to rotation
//   quiz: idle timeout, back to rotation
//   quiz: the prize screen's time is up, back to rotation
//   quiz: interrupted, back to rotation
//   quiz: the bank changed, back to rotation
//
// Ownership: the controller owns the quiz (the round, its idle timeout), the
// prize book, the invitation's count of rotation items and the quiz
// renderer; the SDL renderer, the fonts and the results outbox are borrowed
// and must outlive it. Threading: none of its own. It lives on the play loop's (main) thread,
// which makes every call; results_added is called there too, so it must
// only hand over (e.g. wake the uploader's thread).

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/outbox.hpp"
#include "core/quiz.hpp"
#include "protocol/manifest.hpp"
#include "render/fonts.hpp"
#include "render/quiz_screens.hpp"
#include "render/screen_layout.hpp"

namespace signage::app {

// What the quiz needs from outside the loop.
struct QuizServices {
    std::string device_token;  // the claim codes' keys; empty: no prize codes
    // The server's address as staff phones reach it (http[s]://host[:port]
    // [/prefix]): the prize QR code links to its console's redemption page,
    // PUBLIC_URL/#prizes?code=CODE. Empty: the QR code holds the bare code.
    std::string public_url;
    player::Outbox* results = nullptr;  // finished rounds; null: not kept
    std::function<void()> results_added;
};

// What the prize QR code holds: PUBLIC_URL/#prizes?code=CODE, or the bare
// code without a public URL.
std::string prize_url(std::string_view public_url, std::string_view code);

// What a quiz step asks of the screen.
struct QuizStep {
    enum class Kind {
        none,   // nothing changed
        show,   // put `texture` in the main zone
        leave,  // the round is over: back to the rotation
    };
    Kind kind = Kind::none;
    render::TexturePtr texture;  // show: the quiz screen for the main zone
    bool fade = false;           // show: crossfade from what is shown (else replace it)
    bool snapshot = false;       // show: write the snapshot once it is on screen
};

class QuizController {
  public:
    using Clock = std::chrono::steady_clock;
    // The invitation follows this many rotation items, for kInviteSeconds.
    static constexpr int kInviteEvery = 3;
    static constexpr std::chrono::seconds kInviteSeconds{15};
    // While it shows, the schedule is asked again this often, so an emergency
    // or a power-off window that starts meanwhile is not kept waiting.
    static constexpr std::chrono::milliseconds kInvitationRecheck{250};
    // What the screen reports as showing while the quiz has it.
    static constexpr const char* kTitle = "文明知识有奖问答";

    // `prize_file`: where the prize book keeps its serials; `wall`: the wall
    // clock and local offset for results and claim codes.
    QuizController(SDL_Renderer* renderer, render::FontCache& fonts,
                   std::filesystem::path prize_file, player::QuizWallClock wall);

    // Prize codes and results. True when a round on screen was dropped (the
    // caller lays the screen out again).
    bool enable(QuizServices services, const protocol::Manifest* content);
    // The content changed: a new quiz when its bank or settings differ (a
    // round in progress is dropped then), the same one otherwise. True when
    // a round on screen was dropped.
    bool update(const protocol::Manifest* content);
    // A new device token (paired again): prize codes are signed with keys
    // derived from it from now on. True when a round on screen was dropped.
    bool set_device_token(std::string token, const protocol::Manifest* content);

    // A round holds the screen (the rotation waits, the ticker hides).
    bool round_on_screen() const { return round_on_screen_; }
    // The invitation is the rotation's item on screen.
    bool invitation_on_screen() const { return invitation_on_screen_; }
    bool on_screen() const { return round_on_screen_ || invitation_on_screen_; }

    // The rotation's next item should be the invitation: the quiz is
    // available and kInviteEvery items were shown since the last one.
    bool invitation_due() const;
    // Draws the invitation for a main zone of `size` (when it is due or on
    // screen); from now on it is on screen. Null (logged) when it cannot be
    // drawn.
    render::TexturePtr invite(render::Size size);
    // A rotation item (not the invitation) took the screen.
    void rotation_item_shown();

    // Starts a round (a tap on the rotation); false when there is no quiz
    // or it is not available. The caller hides the ticker, then draw()s.
    bool start_round(Clock::time_point now);
    // Puts the quiz's current screen up (or leaves when it is idle). `fade`:
    // crossfade from what is shown; `snapshot`: not for each second of a
    // countdown.
    QuizStep draw(Clock::time_point now, const render::ScreenLayout& layout, bool fade,
                  bool snapshot = true);
    // A tap at (x, y) in screen pixels during a round.
    QuizStep tap(int x, int y, Clock::time_point now, const render::ScreenLayout& layout);
    // The loop's step: the time limit, the idle timeout and the countdown.
    QuizStep handle(Clock::time_point now, const render::ScreenLayout& layout);
    // An emergency or a power-off window ends the round on screen; the
    // caller goes back to the rotation.
    void interrupt();
    // When handle() next has something to do; nullopt: nothing pending.
    std::optional<Clock::time_point> next_deadline(Clock::time_point now) const;

  private:
    bool rebuild(const protocol::Manifest* content);
    void leave();
    void queue_results();

    render::QuizRenderer renderer_;
    std::filesystem::path prize_file_;
    player::QuizWallClock wall_;
    QuizServices services_;
    std::unique_ptr<player::PrizeBook> prizes_;
    std::unique_ptr<player::Quiz> quiz_;
    std::string key_;                          // the bank and settings quiz_ was made from
    std::vector<render::QuizTarget> targets_;  // in main-zone pixels
    bool round_on_screen_ = false;
    bool invitation_on_screen_ = false;
    int items_since_invite_ = 0;
    std::string logged_;                // the screen last logged
    std::optional<int> seconds_shown_;  // the countdown drawn
};

}  // namespace signage::app
