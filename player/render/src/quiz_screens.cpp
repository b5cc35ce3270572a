// The quiz's screens: invitation, question, feedback, result.

#include "render/quiz_screens.hpp"

#include "protocol/claim.hpp"

#include <algorithm>
#include <cmath>

#include "render/draw.hpp"
#include "slide_kit.hpp"

namespace signage::render {

using namespace kit;

namespace {

const SDL_Color kQuizGreen = rgb(0x1E8E3E);
const SDL_Color kQuizGreenLight = rgb(0xE3F4E8);
const SDL_Color kQuizRedLight = rgb(0xFBE4E6);
const SDL_Color kQuizLine = rgb(0xE6DCC8);
const SDL_Color kQuizChosen = rgb(0xFFF1CC);

enum class OptionLook { plain, chosen, right, wrong, faded };

std::string quiz_letter(int i) {
    return std::string(1, static_cast<char>('A' + i));
}

const char* quiz_type_name(protocol::QuestionType t) {
    switch (t) {
        case protocol::QuestionType::single:
            return "单选题";
        case protocol::QuestionType::multiple:
            return "多选题";
        case protocol::QuestionType::judge:
            return "判断题";
    }
    return "";
}

// A rounded button with centred text; returns the text block's status.
Status quiz_button(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout, const SDL_Rect& rect,
                   const std::string& text, SDL_Color bg, SDL_Color fg, int px, int radius,
                   const std::string& role) {
    fill_rounded_rect(r, SDL_Rect{rect.x, rect.y + std::max(2, px / 10), rect.w, rect.h}, radius,
                      rgb(0x000000, 50));
    fill_rounded_rect(r, rect, radius, bg);
    TextStyle st = make_style(Weight::bold, px, std::max(12, px * 2 / 3), 1.2, Align::center);
    st.max_lines = 1;
    auto b = place_text(r, fonts, layout, text, st, rect, role, fg, true);
    if (!b) return b.error();
    return {};
}

// An answer option: a card with its letter in a disc and its text.
Status quiz_option(SDL_Renderer* r, FontCache& fonts, SlideLayout& layout, const Scaler& sc,
                   const SDL_Rect& rect, int index, const std::string& text, OptionLook look,
                   bool big) {
    SDL_Color bg = rgb(0xFFFFFF), border = kQuizLine, disc = kRed, ink = kInk;
    switch (look) {
        case OptionLook::plain:
            break;
        case OptionLook::chosen:
            bg = kQuizChosen;
            border = kRed;
            break;
        case OptionLook::right:
            bg = kQuizGreenLight;
            border = kQuizGreen;
            disc = kQuizGreen;
            break;
        case OptionLook::wrong:
            bg = kQuizRedLight;
            border = kRed;
            break;
        case OptionLook::faded:
            disc = rgb(0xB9AFA3);
            ink = kInkMuted;
            break;
    }
    const int radius = sc(18);
    fill_rounded_rect(r, SDL_Rect{rect.x, rect.y + sc(5), rect.w, rect.h}, radius,
                      rgb(0x000000, 35));
    const int bw = look == OptionLook::plain || look == OptionLook::faded ? sc(3) : sc(6);
    fill_rounded_rect(r, rect, radius, border);
    fill_rounded_rect(r, SDL_Rect{rect.x + bw, rect.y + bw, rect.w - 2 * bw, rect.h - 2 * bw},
                      std::max(1, radius - bw), bg);
    const int d = std::min(sc(76), rect.h - sc(28));
    const SDL_Rect disc_rect{rect.x + sc(26), rect.y + (rect.h - d) / 2, d, d};
    fill_rounded_rect(r, disc_rect, d / 2, disc);
    TextStyle ls = make_style(Weight::bold, d * 6 / 10, d / 3, 1.2, Align::center);
    ls.max_lines = 1;
    if (auto b = place_text(r, fonts, layout, quiz_letter(index), ls, disc_rect, "option_letter",
                            kPaper, true);
        !b) {
        return b.error();
    }
    // The verdict mark on the right: ✓ for a right option, × for a wrong choice.
    int mark_w = 0;
    if (look == OptionLook::right || look == OptionLook::wrong || look == OptionLook::chosen) {
        mark_w = sc(110);
        const std::string mark = look == OptionLook::wrong ? "×" : "✓";
        TextStyle ms = make_style(Weight::bold, sc(64), sc(32), 1.0, Align::center);
        ms.max_lines = 1;
        const SDL_Rect mbox{rect.x + rect.w - mark_w - sc(12), rect.y, mark_w, rect.h};
        if (auto b = place_text(r, fonts, layout, mark, ms, mbox, "option_mark",
                                look == OptionLook::right ? kQuizGreen : kRed, true);
            !b) {
            return b.error();
        }
    }
    // Judge questions' two words (对 / 错) are set large and centred.
    TextStyle ts = big ? make_style(Weight::bold, sc(80), sc(40), 1.25, Align::center)
                       : make_style(Weight::bold, sc(48), sc(30), 1.25, Align::left);
    ts.max_lines = 2;
    const int tx = disc_rect.x + d + sc(26);
    SDL_Rect tbox{tx, rect.y + sc(10), rect.x + rect.w - tx - sc(24) - mark_w, rect.h - sc(20)};
    if (big) {
        // Centred on the card: as much room on the right as the disc takes.
        const int side = tx - rect.x;
        tbox.x = tx;
        tbox.w = rect.w - 2 * side;
    }
    auto b = place_text(r, fonts, layout, text, ts, tbox, "option", ink, true);
    if (!b) return b.error();
    return {};
}

// The hand-and-ripples cue of the invitation, centred at (cx, cy).
void quiz_tap_cue(SDL_Renderer* r, int cx, int cy, int unit, SDL_Color backdrop) {
    // Opaque rings (gold mixed into the backdrop): overlapping translucent
    // shapes would show their seams.
    for (int i = 3; i >= 1; --i) {
        const int rad = unit * (2 + i * 2) / 2;
        fill_rounded_rect(r, SDL_Rect{cx - rad, cy - rad, 2 * rad, 2 * rad}, rad,
                          mix(backdrop, kGoldLight, 0.16 + (3 - i) * 0.12));
    }
    fill_rounded_rect(r, SDL_Rect{cx - unit, cy - unit, 2 * unit, 2 * unit}, unit, kGoldLight);
    // The hand: a raised index finger whose tip touches the centre, three
    // folded fingers, the palm and a thumb, in cream with a gold outline.
    const SDL_Color skin = kCream;
    const SDL_Color edge = kGold;
    const int fw = unit * 9 / 10;  // finger width
    const auto fill_outlined = [&](SDL_Rect rc, int radius) {
        fill_rounded_rect(r, SDL_Rect{rc.x - 3, rc.y - 3, rc.w + 6, rc.h + 6}, radius + 3, edge);
        fill_rounded_rect(r, rc, radius, skin);
    };
    const int top = cy - fw / 2;
    const SDL_Rect palm{cx - fw / 2 - fw / 4, top + 3 * fw, 3 * fw + fw / 2, 3 * fw};
    fill_outlined(SDL_Rect{palm.x - fw + fw / 6, palm.y + fw / 3, fw * 2, fw * 9 / 10}, fw / 2);
    fill_outlined(palm, fw / 2);
    for (int k = 1; k <= 3; ++k) {
        fill_outlined(SDL_Rect{cx - fw / 2 + k * fw * 9 / 10, top + 2 * fw + fw / 2, fw, fw * 2},
                      fw / 2);
    }
    fill_outlined(SDL_Rect{cx - fw / 2, top, fw, fw * 4}, fw / 2);
    // Hide the seams inside the palm.
    fill_rounded_rect(r, SDL_Rect{palm.x + 4, palm.y + fw / 2, palm.w - 8, palm.h - fw / 2 - 4},
                      fw / 3, skin);
}

}  // namespace

int quiz_pass_score(int total, double pass_mark) {
    return std::clamp(static_cast<int>(std::ceil(total * pass_mark - 1e-9)), 0, total);
}

const QuizTarget* QuizFrame::target(const std::string& name) const {
    for (const auto& t : targets) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

const QuizTarget* QuizFrame::hit(int x, int y) const {
    for (const auto& t : targets) {
        if (x >= t.rect.x && x < t.rect.x + t.rect.w && y >= t.rect.y && y < t.rect.y + t.rect.h) {
            return &t;
        }
    }
    return nullptr;
}

QuizRenderer::QuizRenderer(SDL_Renderer* renderer, FontCache& fonts)
    : renderer_(renderer), fonts_(fonts) {}

Result<QuizFrame> QuizRenderer::draw_frame(Size size, bool red, const DrawFn& draw) {
    QuizFrame f;
    f.texture.reset(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                      size.w, size.h));
    if (!f.texture) return sdl_error("SDL_CreateTexture (quiz)");
    SDL_SetTextureBlendMode(f.texture.get(), SDL_BLENDMODE_BLEND);
    TargetGuard guard(renderer_, f.texture.get());
    if (!guard.ok()) return sdl_error("SDL_SetRenderTarget");
    if (red) {
        fill_vertical_gradient(renderer_, SDL_Rect{0, 0, size.w, size.h}, kRed, kRedDeep);
        f.layout.background = mix(kRed, kRedDeep, 0.5);
    } else {
        fill_rect(renderer_, SDL_Rect{0, 0, size.w, size.h}, kCream);
        f.layout.background = kCream;
    }
    if (auto st = draw(f); !st) return st.error();
    return f;
}

// ---------------------------------------------------------------- invitation

Result<QuizFrame> QuizRenderer::invitation(const QuizInvitationView& view, Size size) {
    return draw_frame(size, true, [&](QuizFrame& f) { return draw_invitation(view, size, f); });
}

Status QuizRenderer::draw_invitation(const QuizInvitationView& view, Size size, QuizFrame& f) {
    SDL_Renderer* r = renderer_;
    const int W = size.w, H = size.h;
    const Scaler sc{SlideRenderer::scale_for(size)};
    const bool landscape = W >= H;
    SlideLayout& layout = f.layout;
    // Faint gold rings in the corners, as on the campaign's posters.
    for (int i = 0; i < 4; ++i) {
        const int rad = sc(260 + 90 * i);
        fill_rounded_rect(r, SDL_Rect{W - rad, H - rad, 2 * rad, 2 * rad}, rad,
                          rgb(0xE9B949, static_cast<std::uint8_t>(18)));
    }
    const int margin = sc(landscape ? 96 : 64);

    // The pill above the title.
    const SDL_Rect pill{(W - sc(440)) / 2, sc(landscape ? 56 : 90), sc(440), sc(72)};
    fill_rounded_rect(r, pill, pill.h / 2, kGold);
    TextStyle ps = make_style(Weight::bold, sc(38), sc(28), 1.2, Align::center);
    ps.max_lines = 1;
    if (auto b = place_text(r, fonts_, layout, "文明知识有奖问答", ps, pill, "tag", kRedDeep, true);
        !b) {
        return b.error();
    }

    TextStyle ts = make_style(Weight::bold, sc(landscape ? 112 : 104), sc(64), 1.25, Align::center);
    ts.balance = true;
    ts.max_lines = landscape ? 1 : 2;
    const int title_top = pill.y + pill.h + sc(landscape ? 40 : 70);
    const int title_h = sc(landscape ? 170 : 300);
    const std::string title =
        landscape ? "触摸屏幕，参与文明知识答题" : "触摸屏幕\n参与文明知识答题";
    if (auto b = place_text(r, fonts_, layout, title, ts,
                            SDL_Rect{margin, title_top, W - 2 * margin, title_h}, "title",
                            kGoldLight, true);
        !b) {
        return b.error();
    }

    // Facts as three cards under the cue (landscape: the cue on the left,
    // the cards on the right).
    const std::string facts[3] = {
        std::string("每轮 ") += std::to_string(view.questions) + " 题",
        std::string("答对 ") += std::to_string(view.pass_score) + " 题即过关",
        view.prizes ? std::string("过关可领取文明小礼品") : std::string("检验你的文明知识"),
    };
    const int body_top = title_top + title_h + sc(landscape ? 30 : 60);
    const int body_bottom = H - sc(landscape ? 70 : 110);
    SDL_Rect cue_box, cards_box;
    if (landscape) {
        cue_box = SDL_Rect{margin, body_top, (W - 2 * margin) * 2 / 5, body_bottom - body_top};
        cards_box = SDL_Rect{cue_box.x + cue_box.w + sc(40), body_top,
                             W - margin - (cue_box.x + cue_box.w + sc(40)), body_bottom - body_top};
    } else {
        cue_box = SDL_Rect{margin, body_top, W - 2 * margin, sc(600)};
        cards_box =
            SDL_Rect{margin + sc(60), cue_box.y + cue_box.h + sc(40), W - 2 * margin - sc(120),
                     body_bottom - (cue_box.y + cue_box.h + sc(40))};
    }
    const int unit = std::min(cue_box.w, cue_box.h) / 11;
    const int cue_y = cue_box.y + cue_box.h * 3 / 10;
    quiz_tap_cue(r, cue_box.x + cue_box.w / 2, cue_y, unit,
                 mix(kRed, kRedDeep, static_cast<double>(cue_y) / H));
    TextStyle hs = make_style(Weight::regular, sc(40), sc(28), 1.2, Align::center);
    hs.max_lines = 1;
    const SDL_Rect hint{cue_box.x, cue_box.y + cue_box.h - sc(70), cue_box.w, sc(64)};
    if (auto b = place_text(r, fonts_, layout, "轻触屏幕任意位置开始", hs, hint, "hint", kCreamText,
                            true);
        !b) {
        return b.error();
    }

    const int gap = sc(28);
    const int card_h = std::min(sc(150), (cards_box.h - 2 * gap) / 3);
    const int cards_h = 3 * card_h + 2 * gap;
    int y = cards_box.y + (cards_box.h - cards_h) / 2;
    for (int i = 0; i < 3; ++i) {
        const SDL_Rect card{cards_box.x, y, cards_box.w, card_h};
        fill_rounded_rect(r, card, sc(24), rgb(0x000000, 60));
        fill_rounded_rect(r, SDL_Rect{card.x, card.y, sc(14), card.h}, sc(7), kGold);
        TextStyle cs = make_style(Weight::bold, sc(60), sc(36), 1.2, Align::left);
        cs.max_lines = 1;
        if (auto b = place_text(r, fonts_, layout, facts[i], cs,
                                SDL_Rect{card.x + sc(54), card.y, card.w - sc(80), card.h}, "fact",
                                kPaper, true);
            !b) {
            return b.error();
        }
        y += card_h + gap;
    }
    return {};
}

// ---------------------------------------------------------------- question and feedback

Result<QuizFrame> QuizRenderer::question(const QuizQuestionView& view, Size size) {
    return question_screen(view, size, false);
}

Result<QuizFrame> QuizRenderer::feedback(const QuizQuestionView& view, Size size) {
    return question_screen(view, size, true);
}

Result<QuizFrame> QuizRenderer::question_screen(const QuizQuestionView& view, Size size,
                                                bool feedback) {
    if (view.question == nullptr) return make_error(ErrorCode::invalid, "no question to draw");
    return draw_frame(size, false,
                      [&](QuizFrame& f) { return draw_question(view, size, feedback, f); });
}

Status QuizRenderer::draw_question(const QuizQuestionView& view, Size size, bool feedback,
                                   QuizFrame& f) {
    const protocol::Question& q = *view.question;
    SDL_Renderer* r = renderer_;
    const int W = size.w, H = size.h;
    const Scaler sc{SlideRenderer::scale_for(size)};
    const bool landscape = W >= H;
    SlideLayout& layout = f.layout;
    const int margin = sc(landscape ? 64 : 56);

    // Progress: 第 3 题 / 共 10 题, the category and the countdown, then a bar.
    const int top = sc(28);
    const int row_h = sc(84);
    TextStyle ps = make_style(Weight::bold, sc(50), sc(34), 1.2, Align::left);
    ps.max_lines = 1;
    const std::string progress = std::string("第 ") += std::to_string(view.index + 1) +=
        std::string(" 题 / 共 ") += std::to_string(view.total) + " 题";
    auto pb = place_text(r, fonts_, layout, progress, ps, SDL_Rect{margin, top, W / 2, row_h},
                         "progress", kRedDeep, true);
    if (!pb) return pb.error();
    int right = W - margin;
    if (view.seconds_left && !feedback) {
        const int d = row_h;
        const SDL_Rect disc{right - d, top, d, d};
        const bool hurry = *view.seconds_left <= 5;
        fill_rounded_rect(r, disc, d / 2, hurry ? kRed : kSlate);
        TextStyle cs = make_style(Weight::bold, sc(40), sc(26), 1.0, Align::center);
        cs.max_lines = 1;
        if (auto b = place_text(r, fonts_, layout, std::to_string(*view.seconds_left), cs, disc,
                                "countdown", kPaper, true);
            !b) {
            return b.error();
        }
        right = disc.x - sc(24);
    }
    {
        std::string chip = quiz_type_name(q.type);
        if (!q.category.empty()) chip += " · " + q.category;
        TextStyle cs = make_style(Weight::bold, sc(36), sc(26), 1.2, Align::center);
        cs.max_lines = 1;
        auto cb = layout_text(fonts_, chip, cs, SDL_Rect{0, 0, W / 2, row_h}, "category");
        if (!cb) return cb.error();
        const int cw = cb->width + sc(56);
        const SDL_Rect rc{right - cw, top + sc(10), cw, row_h - sc(20)};
        fill_rounded_rect(r, rc, rc.h / 2, kRed);
        if (auto b = place_text(r, fonts_, layout, chip, cs, rc, "category", kPaper, true); !b) {
            return b.error();
        }
    }
    const int bar_y = top + row_h + sc(18);
    const SDL_Rect bar{margin, bar_y, W - 2 * margin, sc(14)};
    fill_rounded_rect(r, bar, bar.h / 2, kQuizLine);
    const int done = view.index + (feedback ? 1 : 0);
    if (done > 0) {
        fill_rounded_rect(r,
                          SDL_Rect{bar.x, bar.y, std::max(bar.h, bar.w * done / view.total), bar.h},
                          bar.h / 2, kGold);
    }
    int y = bar.y + bar.h + sc(landscape ? 34 : 40);

    // Where things go. Landscape feedback: the question and options on the
    // left, the verdict, explanation and next button on the right.
    SDL_Rect content{margin, y, W - 2 * margin, H - y - sc(landscape ? 40 : 48)};
    SDL_Rect side{};
    if (feedback && landscape) {
        side = SDL_Rect{W - margin - sc(640), y, sc(640), content.h};
        content.w = side.x - sc(48) - content.x;
    }
    const int n = static_cast<int>(q.options.size());
    const bool multiple = q.type == protocol::QuestionType::multiple;
    const int button_h = sc(140);

    // Portrait feedback: the verdict band first.
    auto verdict = [&](const SDL_Rect& band) -> Status {
        const SDL_Color c = view.correct ? kQuizGreen : kRed;
        fill_rounded_rect(r, band, sc(22), c);
        std::string v =
            view.correct ? "回答正确" : (view.timed_out ? "时间到，回答错误" : "回答错误");
        v = (view.correct ? "✓ " : "× ") + v;
        TextStyle vs = make_style(Weight::bold, sc(64), sc(40), 1.2, Align::center);
        vs.max_lines = 1;
        auto b = place_text(r, fonts_, layout, v, vs, band, "verdict", kPaper, true);
        if (!b) return b.error();
        return {};
    };
    if (feedback && !landscape) {
        if (auto st = verdict(SDL_Rect{content.x, content.y, content.w, sc(120)}); !st) return st;
        content.y += sc(120) + sc(28);
        content.h -= sc(120) + sc(28);
    }

    // Portrait feedback keeps room for the explanation and the next button.
    int reserve_bottom = 0;
    if (multiple && !feedback) reserve_bottom = button_h + sc(36);
    if (feedback && !landscape) reserve_bottom = button_h + sc(300) + sc(56);

    // The question: at most a third of the content (less in feedback).
    const int q_h =
        feedback ? content.h / (landscape ? 3 : 6) : content.h * (landscape ? 2 : 3) / 10;
    TextStyle qs = make_style(Weight::bold, sc(feedback ? 52 : 64), sc(36), 1.4, Align::left);
    qs.justify = true;
    if (auto b = place_text(r, fonts_, layout, q.question, qs,
                            SDL_Rect{content.x, content.y, content.w, q_h}, "question", kInk, true);
        !b) {
        return b.error();
    }
    const int opts_top = content.y + q_h + sc(28);
    const int opts_h = content.y + content.h - reserve_bottom - opts_top;

    // Options: a grid of two columns in landscape (one for judge questions'
    // two big buttons side by side), one column in portrait.
    const int cols = landscape ? 2 : 1;
    const int rows = (n + cols - 1) / cols;
    const int gap = sc(landscape ? 28 : 22);
    const int opt_h = std::clamp((opts_h - (rows - 1) * gap) / std::max(1, rows), sc(136),
                                 sc(q.type == protocol::QuestionType::judge ? 240 : 180));
    const int opt_w = (content.w - (cols - 1) * gap) / cols;
    const int grid_h = rows * opt_h + (rows - 1) * gap;
    const int grid_top = opts_top + std::max(0, (opts_h - grid_h) / 2);
    for (int i = 0; i < n; ++i) {
        const int row = i / cols, col = i % cols;
        const SDL_Rect rc{content.x + col * (opt_w + gap), grid_top + row * (opt_h + gap), opt_w,
                          opt_h};
        const bool chosen =
            std::find(view.chosen.begin(), view.chosen.end(), i) != view.chosen.end();
        const bool is_answer = std::find(q.answers.begin(), q.answers.end(), i) != q.answers.end();
        OptionLook look = OptionLook::plain;
        if (!feedback) {
            look = chosen ? OptionLook::chosen : OptionLook::plain;
        } else if (is_answer) {
            look = OptionLook::right;
        } else {
            look = chosen ? OptionLook::wrong : OptionLook::faded;
        }
        if (auto st =
                quiz_option(r, fonts_, layout, sc, rc, i, q.options[static_cast<std::size_t>(i)],
                            look, q.type == protocol::QuestionType::judge);
            !st) {
            return st;
        }
        if (!feedback) f.targets.push_back(QuizTarget{quiz_letter(i), rc});
    }

    if (multiple && !feedback) {
        const int bw = sc(landscape ? 520 : 600);
        const SDL_Rect btn{content.x + (content.w - bw) / 2, content.y + content.h - button_h, bw,
                           button_h};
        const bool ready = !view.chosen.empty();
        if (auto st = quiz_button(r, fonts_, layout, btn, "确认提交", ready ? kRed : rgb(0xC9BFB2),
                                  kPaper, sc(54), sc(24), "confirm");
            !st) {
            return st;
        }
        TextStyle hs = make_style(Weight::regular, sc(34), sc(24), 1.2, Align::center);
        hs.max_lines = 1;
        (void)hs;
        f.targets.push_back(QuizTarget{"confirm", btn});
    }
    if (!feedback) return {};

    // The verdict (landscape), the right answer, the explanation, next.
    SDL_Rect panel = landscape
                         ? side
                         : SDL_Rect{content.x, content.y + content.h - reserve_bottom + sc(28),
                                    content.w, reserve_bottom - sc(28)};
    if (landscape) {
        if (auto st = verdict(SDL_Rect{panel.x, panel.y, panel.w, sc(130)}); !st) return st;
        panel.y += sc(130) + sc(28);
        panel.h -= sc(130) + sc(28);
    }
    const SDL_Rect next_btn{panel.x, panel.y + panel.h - button_h, panel.w, button_h};
    const SDL_Rect card{panel.x, panel.y, panel.w, next_btn.y - sc(28) - panel.y};
    fill_rounded_rect(r, card, sc(22), rgb(0xFFFFFF));
    fill_rounded_rect(r, SDL_Rect{card.x, card.y, sc(12), card.h}, sc(6), kGold);
    std::string answer = "正确答案：";
    for (int a : q.answers) answer += quiz_letter(a);
    TextStyle as = make_style(Weight::bold, sc(46), sc(32), 1.2, Align::left);
    as.max_lines = 1;
    const int pad = sc(36);
    const int ans_h = sc(78);
    if (auto b = place_text(r, fonts_, layout, answer, as,
                            SDL_Rect{card.x + pad, card.y + sc(16), card.w - 2 * pad, ans_h},
                            "answer", kQuizGreen, true);
        !b) {
        return b.error();
    }
    const std::string expl = q.explanation.empty() ? std::string("（本题无解析）")
                                                   : std::string("解析：") += q.explanation;
    TextStyle es = make_style(Weight::regular, sc(40), sc(28), 1.45, Align::left);
    es.justify = true;
    es.ellipsis = "……";
    const SDL_Rect ebox{card.x + pad, card.y + sc(16) + ans_h + sc(8), card.w - 2 * pad,
                        card.h - ans_h - sc(16) - sc(8) - sc(20)};
    auto eb = layout_text(fonts_, expl, es, ebox, "explanation");
    if (!eb) return eb.error();
    if (auto st = draw_block(r, fonts_, *eb, kInk); !st) return st.error();
    note_block(layout, *eb);
    layout.blocks.push_back(std::move(*eb));
    if (auto st = quiz_button(r, fonts_, layout, next_btn, view.last ? "查看成绩" : "下一题", kRed,
                              kPaper, sc(54), sc(24), "next");
        !st) {
        return st;
    }
    f.targets.push_back(QuizTarget{"next", next_btn});
    return {};
}

// ---------------------------------------------------------------- result

Result<QuizFrame> QuizRenderer::result(const QuizResultView& view, Size size) {
    return draw_frame(size, true, [&](QuizFrame& f) { return draw_result(view, size, f); });
}

Status QuizRenderer::draw_result(const QuizResultView& view, Size size, QuizFrame& f) {
    SDL_Renderer* r = renderer_;
    const int W = size.w, H = size.h;
    const Scaler sc{SlideRenderer::scale_for(size)};
    const bool landscape = W >= H;
    SlideLayout& layout = f.layout;
    const int margin = sc(landscape ? 96 : 64);
    const bool qr = view.claim_code.has_value();

    // The score side: landscape left (all of it without a QR), portrait top.
    SDL_Rect score_box{margin, sc(60), W - 2 * margin, H - sc(60) - sc(60)};
    SDL_Rect qr_box{};
    if (qr) {
        if (landscape) {
            qr_box = SDL_Rect{W - margin - sc(620), sc(48), sc(620), H - sc(96)};
            score_box.w = qr_box.x - sc(60) - score_box.x;
        } else {
            score_box.h = sc(620);
            qr_box = SDL_Rect{margin + sc(90), score_box.y + score_box.h + sc(20),
                              W - 2 * margin - sc(180),
                              H - (score_box.y + score_box.h + sc(20)) - sc(40)};
        }
    }
    const int button_h = sc(140);
    const int button_w = sc(380);

    TextStyle hs = make_style(Weight::bold, sc(96), sc(56), 1.2, Align::center);
    hs.max_lines = 1;
    const std::string headline = view.passed ? "恭喜过关！" : "继续加油！";
    const int head_h = sc(150);
    // The column (headline, score, note, button: about 610 px; without a
    // prize code a score medal above them) centred.
    const int medal = qr ? 0 : sc(landscape ? 260 : 340);
    const int column_h = sc(610) + (medal > 0 ? medal + sc(40) : 0);
    int y =
        qr && !landscape ? score_box.y : score_box.y + std::max(0, (score_box.h - column_h) / 2);
    if (medal > 0) {
        const SDL_Rect outer{score_box.x + (score_box.w - medal) / 2, y, medal, medal};
        const int ring = sc(14);
        fill_rounded_rect(r, outer, medal / 2, view.passed ? kGoldLight : kGold);
        const SDL_Rect inner{outer.x + ring, outer.y + ring, medal - 2 * ring, medal - 2 * ring};
        fill_rounded_rect(r, inner, inner.w / 2, kRedDeep);
        TextStyle ms = make_style(Weight::bold, medal * 2 / 5, medal / 6, 1.0, Align::center);
        ms.max_lines = 1;
        const std::string fraction = std::to_string(view.score) + "/" + std::to_string(view.total);
        if (auto b = place_text(r, fonts_, layout, fraction, ms,
                                SDL_Rect{inner.x + sc(20), inner.y, inner.w - sc(40), inner.h},
                                "medal", kGoldLight, true);
            !b) {
            return b.error();
        }
        y += medal + sc(40);
    }
    if (auto b =
            place_text(r, fonts_, layout, headline, hs,
                       SDL_Rect{score_box.x, y, score_box.w, head_h}, "headline", kGoldLight, true);
        !b) {
        return b.error();
    }
    y += head_h + sc(10);
    TextStyle ss = make_style(Weight::bold, sc(64), sc(40), 1.2, Align::center);
    ss.max_lines = 1;
    const std::string score = std::string("答对 ") += std::to_string(view.score) +=
        std::string(" 题 / 共 ") += std::to_string(view.total) + " 题";
    if (auto b = place_text(r, fonts_, layout, score, ss,
                            SDL_Rect{score_box.x, y, score_box.w, sc(100)}, "score", kPaper, true);
        !b) {
        return b.error();
    }
    y += sc(110);
    std::string note;
    if (!view.passed) {
        note = std::string("答对 ") +=
            std::to_string(view.pass_score) + " 题即可过关，欢迎再来挑战";
    } else if (qr) {
        note = "请向工作人员出示右侧二维码领取奖品";
        if (!landscape) note = "请向工作人员出示下方二维码领取奖品";
    } else if (view.prize_limit_reached) {
        note = "今日奖品已发完，感谢参与，欢迎明天再来";
    } else {
        note = "感谢参与，文明从你我做起";
    }
    TextStyle ns = make_style(Weight::regular, sc(44), sc(30), 1.4, Align::center);
    ns.balance = true;
    ns.max_lines = 2;
    if (auto b =
            place_text(r, fonts_, layout, note, ns, SDL_Rect{score_box.x, y, score_box.w, sc(140)},
                       "note", kCreamText, true);
        !b) {
        return b.error();
    }
    y += sc(160);
    // The button that leaves (the screen also returns by itself).
    SDL_Rect done_btn{score_box.x + (score_box.w - button_w) / 2,
                      std::min(y + sc(20), score_box.y + score_box.h - button_h), button_w,
                      button_h};
    if (qr && !landscape) done_btn.y = H - sc(40) - button_h;
    if (auto st = quiz_button(r, fonts_, layout, done_btn, "完成", kGold, kRedDeep, sc(52),
                              button_h / 2, "next");
        !st) {
        return st;
    }
    f.targets.push_back(QuizTarget{"next", done_btn});

    if (qr) {
        if (!landscape) qr_box.h -= button_h + sc(30);
        // A white card: a title, the code and its text.
        const int text_h = sc(150);
        const int label_h = sc(64);
        const int side = std::min(qr_box.w - sc(40), qr_box.h - text_h - label_h - sc(40));
        if (landscape) {
            // As tall as its content, centred.
            const int h = label_h + sc(10) + side + text_h + sc(20);
            qr_box.y += (qr_box.h - h) / 2;
            qr_box.h = h;
        }
        fill_rounded_rect(r, SDL_Rect{qr_box.x, qr_box.y + sc(8), qr_box.w, qr_box.h}, sc(24),
                          rgb(0x000000, 70));
        fill_rounded_rect(r, qr_box, sc(24), rgb(0xFFFFFF));
        const SDL_Rect square{qr_box.x + (qr_box.w - side) / 2, qr_box.y + label_h + sc(10), side,
                              side};
        TextStyle ls = make_style(Weight::bold, sc(40), sc(28), 1.2, Align::center);
        ls.max_lines = 1;
        if (auto b = place_text(r, fonts_, layout, "领奖码（限用一次）", ls,
                                SDL_Rect{qr_box.x, qr_box.y + sc(16), qr_box.w, label_h},
                                "qr_title", kRedDeep, true);
            !b) {
            return b.error();
        }
        auto code =
            draw_qr_code(r, view.claim_url.empty() ? *view.claim_code : view.claim_url, square);
        if (!code) {
            layout.warnings.push_back("qr: " + code.error().message);
        } else {
            layout.qr_rect = square;
        }
        // The code in groups of four, large, for staff to read and type
        // when a camera is not at hand.
        const std::string lines = protocol::group_claim_code(*view.claim_code);
        TextStyle cs = make_style(Weight::bold, sc(64), sc(28), 1.2, Align::center);
        cs.max_lines = 1;
        const int text_top = code ? code->y + code->h + sc(20) : square.y + square.h;
        if (auto b = place_text(r, fonts_, layout, lines, cs,
                                SDL_Rect{qr_box.x + sc(20), text_top, qr_box.w - sc(40),
                                         qr_box.y + qr_box.h - text_top - sc(16)},
                                "claim_code", kInk, false);
            !b) {
            return b.error();
        }
    }
    return {};
}

}  // namespace signage::render
