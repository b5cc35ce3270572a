#pragma once
// Line breaking for Chinese (and mixed Chinese/Latin) text on screens.
//
// Break opportunities come from ICU's line BreakIterator (locale zh_CN); the
// rules of shared/domain/TYPOGRAPHY.md (避头尾, GB/T 15834-2011) are then
// enforced explicitly on top of them:
//   - no line starts with 。，、；：？！ or a closing bracket/quote ” ’ ） 〕 】 》 〉 」 』
//   - no line ends with an opening bracket/quote “ ‘ （ 〔 【 《 〈 「 『
//   - —— and …… are never split
//   - Latin words and numbers are not split
// and softer rules, kept where another break exists:
//   - a number stays with its unit or counter and a date or time range
//     stays whole (9月1日, 2026年9月, 3号楼, 30%, 8:00—18:00); only a run
//     wider than the line is split inside
//   - a Chinese word (ICU's dictionary-based word BreakIterator) goes to the
//     next line whole, unless that leaves its line less than half full
//   - the last line of a paragraph has at least three characters
//     (punctuation not counted) when an earlier break can give it that
// A violation is fixed by breaking earlier (the previous character is carried
// down to the next line), never by letting punctuation hang past the margin.
// Only a single unbreakable run wider than the whole line is split inside,
// and even then not before a character that must not start a line when that
// can be helped.
//
// Pure functions (no SDL): text width comes from a caller-supplied measure.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace signage::render {

// Width in pixels of a UTF-8 string as it would be drawn.
using MeasureFn = std::function<int(std::string_view)>;

// Characters that must not begin a line (the rule set above, plus their
// ASCII and other common full-width relatives).
bool is_line_start_forbidden(char32_t cp);
// Characters that must not end a line.
bool is_line_end_forbidden(char32_t cp);

// Byte offsets into `paragraph` (a text without line feeds) at which a new
// line may start, ascending, excluding 0 and paragraph.size().
std::vector<std::size_t> break_opportunities(std::string_view paragraph);

struct BrokenLine {
    std::size_t begin = 0;  // byte range in the paragraph; trailing spaces excluded
    std::size_t end = 0;
    int width = 0;  // measured width of [begin, end)
};

// Breaks one paragraph (no line feeds) into lines no wider than `max_width`
// (greedy, first fit). `max_lines` > 0 stops after that many lines (the last
// one then ends where it ends; callers truncate). Empty input gives no lines.
// A last line of fewer than three characters (孤字, punctuation not counted)
// starts at an earlier break of the line above when the result fits and that
// line keeps three; the number of lines never changes, and a paragraph cut by
// `max_lines` is left as it is (its last line will end in an ellipsis).
std::vector<BrokenLine> break_paragraph(std::string_view paragraph, int max_width,
                                        const MeasureFn& measure, std::size_t max_lines = 0);

// Adjacent punctuation (clreq 3.1.6, GB/T 15834): where two full-width marks
// meet (，“ ”， 。」 ）。 （“), one of them is set half-width: a closing mark
// (ink in its left half) loses its right half; otherwise an opening mark
// (ink in its right half) that follows loses its left half. `closing_blank`
// and `opening_blank` give a mark's blank half in px (0: not such a mark).
struct PunctuationSqueeze {
    std::size_t begin = 0;  // the mark's bytes in the line
    std::size_t end = 0;
    int px = 0;           // advance removed
    bool before = false;  // the blank removed is before the mark (an opening mark)
};
using BlankFn = std::function<int(char32_t)>;
std::vector<PunctuationSqueeze> squeeze_punctuation(std::string_view line,
                                                    const BlankFn& closing_blank,
                                                    const BlankFn& opening_blank);
// How far the squeezes move what starts at byte `pos` to the left.
int squeezed_before(const std::vector<PunctuationSqueeze>& squeezes, std::size_t pos);

// Splits a body into paragraphs at blank lines (lines holding only
// whitespace); inside a paragraph a single line feed is a forced line break,
// so each paragraph is a list of hard lines. "\r\n" is read as "\n".
std::vector<std::vector<std::string>> split_paragraphs(std::string_view text);

}  // namespace signage::render
