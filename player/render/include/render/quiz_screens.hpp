#pragma once
// The quiz's screens, drawn for the main zone (the header stays above them):
//
//   invitation  the rotation's slide that asks people to touch the screen:
//               触摸屏幕，参与文明知识答题, a tap cue, questions per round, the
//               pass mark and the prize note
//   question    progress (第 3 题 / 共 10 题 and a bar), category, type, the
//               question, large options A–F (at least 120 px tall at 1080p),
//               a confirm button for multiple choice, a countdown with a
//               time limit
//   feedback    回答正确 (green) or 回答错误 (red), the right options marked,
//               the explanation, a next button
//   result      the score, passed or not, and for a prize a QR code of the
//               link to the console's redemption page with the code in
//               groups of four under it (K7QM-3XPT-9WDF) and a note to show
//               it to staff (or the note that today's prizes are gone)
// Designed at 1920x1080 and 1080x1920 and scaled like slides. Each frame
// reports its touch targets in the frame's coordinates.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/quiz.hpp"
#include "render/fonts.hpp"
#include "render/sdl.hpp"
#include "render/slide_renderer.hpp"

namespace signage::render {

struct QuizTarget {
    std::string name;  // "A".."F", "confirm", "next"
    SDL_Rect rect{};
};

struct QuizFrame {
    TexturePtr texture;  // opaque, the size asked for
    SlideLayout layout;  // text blocks and warnings, as for slides
    std::vector<QuizTarget> targets;

    const QuizTarget* target(const std::string& name) const;
    // The target under (x, y), or nullptr.
    const QuizTarget* hit(int x, int y) const;
};

struct QuizInvitationView {
    int questions = 10;  // per round
    int pass_score = 8;  // right answers needed
    bool prizes = true;
};

struct QuizQuestionView {
    const protocol::Question* question = nullptr;
    int index = 0;  // 0-based
    int total = 1;
    std::vector<int> chosen;
    std::optional<int> seconds_left;  // with a time limit
    // Feedback only: the answer's verdict.
    bool correct = false;
    bool timed_out = false;
    bool last = false;  // the round's last question: "查看成绩"
};

struct QuizResultView {
    int score = 0;
    int total = 0;
    bool passed = false;
    int pass_score = 0;
    bool prizes = true;
    std::optional<std::string> claim_code;  // the short code's 12 symbols
    std::string claim_url;                  // what the QR code holds (the code itself when empty)
    bool prize_limit_reached = false;
};

// Right answers needed to pass a round of `total` at `pass_mark`.
int quiz_pass_score(int total, double pass_mark);

class QuizRenderer {
  public:
    QuizRenderer(SDL_Renderer* renderer, FontCache& fonts);

    Result<QuizFrame> invitation(const QuizInvitationView& view, Size size);
    Result<QuizFrame> question(const QuizQuestionView& view, Size size);
    Result<QuizFrame> feedback(const QuizQuestionView& view, Size size);
    Result<QuizFrame> result(const QuizResultView& view, Size size);

  private:
    using DrawFn = std::function<Status(QuizFrame&)>;
    // A frame of `size` on a red (or cream) background, then `draw` on it.
    Result<QuizFrame> draw_frame(Size size, bool red, const DrawFn& draw);
    Result<QuizFrame> question_screen(const QuizQuestionView& view, Size size, bool feedback);
    Status draw_invitation(const QuizInvitationView& view, Size size, QuizFrame& f);
    Status draw_question(const QuizQuestionView& view, Size size, bool feedback, QuizFrame& f);
    Status draw_result(const QuizResultView& view, Size size, QuizFrame& f);

    SDL_Renderer* renderer_;
    FontCache& fonts_;
};

}  // namespace signage::render
