#include "render/line_break.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "render/fonts.hpp"

namespace signage::render {
namespace {

struct CodePoint {
    char32_t cp;
    std::size_t begin;  // byte offset
    std::size_t end;
};

std::vector<CodePoint> decode(std::string_view s) {
    std::vector<CodePoint> out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t b = i;
        const char32_t cp = next_code_point(s, i);
        out.push_back(CodePoint{cp, b, i});
    }
    return out;
}

bool is_space(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == 0x3000 || cp == 0x00A0 || cp == 0x2009 ||
           cp == 0x200A || cp == 0x202F;
}

// Letters and digits that form Latin words and numbers ("WiFi", "2026", "５Ｇ").
bool is_word_char(char32_t cp) {
    return (cp >= U'0' && cp <= U'9') || (cp >= U'A' && cp <= U'Z') || (cp >= U'a' && cp <= U'z') ||
           (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7) ||
           (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
           (cp >= 0xFF41 && cp <= 0xFF5A);
}

bool is_digit(char32_t cp) {
    return (cp >= U'0' && cp <= U'9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

// Punctuation that sits inside a number: 3.5, 1,000, 12:30.
bool is_numeric_infix(char32_t cp) {
    return cp == U'.' || cp == U',' || cp == U':';
}

bool is_cjk(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0x3005 && cp <= 0x3007);
}

// Marks that belong to the character before them.
bool is_extender(char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

bool is_opening_quote(char32_t cp) {
    return cp == 0x201C || cp == 0x2018;
}  // “ ‘
bool is_closing_quote(char32_t cp) {
    return cp == 0x201D || cp == 0x2019;
}  // ” ’

// Characters of which two in a row form one mark that is never split:
// —— (U+2014), …… (U+2026), and their look-alikes.
bool is_doubled_mark(char32_t cp) {
    return cp == 0x2014 || cp == 0x2026 || cp == 0x2015 || cp == 0x2E3A || cp == 0x22EF;
}

bool is_han(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

// Units and counters that belong to the number before them: 9月1日, 2026年,
// 3号楼, 100米, 3个, 1.2万元, 3000小时, 60多名.
bool is_number_unit(char32_t cp) {
    static const std::u32string_view kUnits =
        U"年月日号时点分秒天周楼层栋幢单元室户人名位次个件台部辆张条项岁届期度倍成角万亿千百"
        U"米里克斤吨升亩小公平路组家所批种份场篇本座间套处余多";
    return kUnits.find(cp) != std::u32string_view::npos || cp == 0x2103 || cp == 0x00B0;
}

// Dashes and tildes of a range between numbers: 8:00—18:00, 0512-6688, 3~5.
bool is_range_mark(char32_t cp) {
    return cp == 0x2014 || cp == 0x2013 || cp == U'-' || cp == U'~' || cp == 0xFF5E || cp == 0x2015;
}

// ICU's break iterators for zh_CN, one of each kind per thread (creating one
// loads ICU's rules and, for words, its Chinese dictionary); null without
// ICU data.
using IteratorFactory = icu::BreakIterator* (*)(const icu::Locale&, UErrorCode&);
std::unique_ptr<icu::BreakIterator> make_iterator(IteratorFactory create) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(create(icu::Locale("zh", "CN"), status));
    if (U_FAILURE(status)) bi.reset();
    return bi;
}

icu::BreakIterator* line_iterator() {
    thread_local auto it = make_iterator(&icu::BreakIterator::createLineInstance);
    return it.get();
}

icu::BreakIterator* word_iterator() {
    thread_local auto it = make_iterator(&icu::BreakIterator::createWordInstance);
    return it.get();
}

// How welcome a line start is at a code point.
enum BreakLevel : std::uint8_t {
    kNoBreak = 0,   // the rules forbid it
    kInNumber = 1,  // inside a number with its unit: only in a run wider than a line
    kInWord = 2,    // inside a word: only when keeping it whole leaves the line too short
    kBreak = 3,
};

// A word goes down whole unless that leaves its line filled less than this.
constexpr double kWordKeepFill = 0.5;

// Code point indices (0..n) where `bi` puts a boundary in `u`.
std::vector<bool> boundaries(icu::BreakIterator* bi, const icu::UnicodeString& u,
                             const std::vector<std::size_t>& u16_to_cp, std::size_t n) {
    std::vector<bool> at(n + 1, false);
    bi->setText(u);
    for (int32_t pos = bi->next(); pos != icu::BreakIterator::DONE; pos = bi->next()) {
        at[u16_to_cp[static_cast<std::size_t>(pos)]] = true;
    }
    return at;
}

// Keeps a number with its unit, a date or a time range together: no line
// starts at code point i of these (a soft rule, see kInNumber).
bool splits_number(const std::vector<CodePoint>& cps, std::size_t i) {
    const auto cp = [&](std::size_t k) { return k < cps.size() ? cps[k].cp : char32_t{0}; };
    const char32_t a = cp(i - 1);
    const char32_t b = cp(i);
    if (is_digit(a) && is_number_unit(b)) return true;  // 9月, 30%, 3号
    if (a == U'第' && is_digit(b)) return true;         // 第3
    if (i >= 2 && is_digit(cp(i - 2)) && is_number_unit(a)) {
        if (is_digit(b)) return true;                     // 9月1日, 2026年9月
        if (is_number_unit(b) && is_han(b)) return true;  // 3号楼, 1.2万元
    }
    if (is_range_mark(b) && is_digit(a) && is_digit(cp(i + 1))) return true;  // 8:00|—18:00
    if (is_range_mark(a) && is_digit(b) && i >= 2 && is_digit(cp(i - 2))) return true;
    return false;
}

std::vector<std::uint8_t> compute_levels(const std::vector<CodePoint>& cps) {
    const std::size_t n = cps.size();
    std::vector<std::uint8_t> level(n + 1, kNoBreak);
    if (n < 2) return level;

    icu::UnicodeString u;
    std::vector<std::size_t> u16_to_cp;
    u16_to_cp.reserve(n * 2 + 1);
    for (std::size_t k = 0; k < n; ++k) {
        const auto before = u.length();
        u.append(static_cast<UChar32>(cps[k].cp));
        for (auto j = before; j < u.length(); ++j) u16_to_cp.push_back(k);
    }
    u16_to_cp.push_back(n);

    // 1. ICU's opportunities (UAX #14 with the zh_CN locale).
    std::vector<bool> allowed;
    if (icu::BreakIterator* bi = line_iterator()) {
        allowed = boundaries(bi, u, u16_to_cp, n);
    } else {
        // No ICU data: between any two code points, the rules below still apply.
        allowed.assign(n + 1, true);
    }
    // Chinese words (ICU's dictionary): a line break inside one is a last resort.
    std::vector<bool> word_edge;
    if (icu::BreakIterator* wi = word_iterator()) word_edge = boundaries(wi, u, u16_to_cp, n);

    for (std::size_t i = 1; i < n; ++i) {
        const char32_t a = cps[i - 1].cp;
        const char32_t b = cps[i].cp;
        // 2. Chinese practice ICU's UAX #14 quotation rule (QU) misses: a line
        //    may end before an opening quote and after a closing one.
        if (is_opening_quote(b) && (is_cjk(a) || is_line_start_forbidden(a))) allowed[i] = true;
        if (is_closing_quote(a) && (is_cjk(b) || is_line_end_forbidden(b) || is_opening_quote(b))) {
            allowed[i] = true;
        }
        // 3. The rules of TYPOGRAPHY.md, enforced whatever ICU said.
        if (is_line_start_forbidden(b)) allowed[i] = false;
        if (is_line_end_forbidden(a)) allowed[i] = false;
        if (is_doubled_mark(a) && a == b) allowed[i] = false;
        if (is_word_char(a) && is_word_char(b)) allowed[i] = false;
        if (is_numeric_infix(b) && is_digit(a) && i + 1 < n && is_digit(cps[i + 1].cp)) {
            allowed[i] = false;
        }
        if (is_numeric_infix(a) && is_digit(b) && i >= 2 && is_digit(cps[i - 2].cp)) {
            allowed[i] = false;
        }
        if (is_extender(b) || a == 0x200D) allowed[i] = false;
        // A line never starts with the spaces that ended the previous one.
        if (is_space(b)) allowed[i] = false;
        if (!allowed[i]) continue;
        // 4. Soft rules: numbers with their units, and words, stay whole.
        const bool in_word = !word_edge.empty() && !word_edge[i] && is_han(a) && is_han(b);
        level[i] = splits_number(cps, i) ? kInNumber : in_word ? kInWord : kBreak;
    }
    return level;
}

// The break levels of a paragraph, remembered per text: auto-fit and
// balancing lay out the same paragraph at many sizes and widths.
const std::vector<std::uint8_t>& break_levels(std::string_view text,
                                              const std::vector<CodePoint>& cps) {
    thread_local std::map<std::string, std::vector<std::uint8_t>, std::less<>> memo;
    if (auto it = memo.find(text); it != memo.end()) return it->second;
    if (memo.size() >= 512) memo.clear();
    return memo.emplace(std::string(text), compute_levels(cps)).first->second;
}

// Characters that count towards a line's length: not spaces, not punctuation.
std::size_t counted_chars(const std::vector<CodePoint>& cps, std::size_t from, std::size_t to) {
    std::size_t count = 0;
    for (std::size_t i = from; i < to; ++i) {
        if (!is_space(cps[i].cp) && !u_ispunct(static_cast<UChar32>(cps[i].cp))) ++count;
    }
    return count;
}

std::size_t trim_end(std::string_view text, std::size_t begin, std::size_t end) {
    while (end > begin) {
        if (text[end - 1] == ' ' || text[end - 1] == '\t') {
            --end;
        } else if (end - begin >= 3 && text.substr(end - 3, 3) == "\u3000") {
            end -= 3;
        } else if (end - begin >= 2 && text.substr(end - 2, 2) == "\u00a0") {
            end -= 2;
        } else {
            break;
        }
    }
    return end;
}

// The index of the code point that starts at byte `b` (or n at the end).
std::size_t cp_index_at(const std::vector<CodePoint>& cps, std::size_t b) {
    std::size_t lo = 0, hi = cps.size();
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (cps[mid].begin < b) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// A paragraph should not end with a line of fewer than three characters
// (punctuation not counted): the break above it moves earlier, to the latest
// allowed break that gives the last line three, when that line still fits
// and the line above keeps three. The number of lines never changes.
void avoid_orphan(std::string_view text, const std::vector<CodePoint>& cps,
                  const std::vector<std::uint8_t>& level, int max_width, const MeasureFn& measure,
                  std::vector<BrokenLine>& lines) {
    constexpr std::size_t kMin = 3;
    if (lines.size() < 2 || lines.back().end != trim_end(text, 0, text.size())) return;
    BrokenLine& last = lines.back();
    BrokenLine& prev = lines[lines.size() - 2];
    const std::size_t last_b = cp_index_at(cps, last.begin);
    const std::size_t prev_b = cp_index_at(cps, prev.begin);
    if (counted_chars(cps, last_b, cps.size()) >= kMin) return;
    for (std::size_t c = last_b; c-- > prev_b + 1;) {
        if (level[c] != kBreak) continue;
        if (counted_chars(cps, c, cps.size()) < kMin) continue;
        if (counted_chars(cps, prev_b, c) < kMin) return;
        const std::size_t b = cps[c].begin;
        const int new_last_w = measure(text.substr(b, last.end - b));
        if (new_last_w > max_width) return;
        prev.end = trim_end(text, prev.begin, b);
        prev.width = measure(text.substr(prev.begin, prev.end - prev.begin));
        last.begin = b;
        last.width = new_last_w;
        return;
    }
}

}  // namespace

// clang-format off
bool is_line_start_forbidden(char32_t cp) {
    switch (cp) {
        // TYPOGRAPHY.md: 。，、；：？！ ” ’ ） 〕 】 》 〉 」 』
        case 0x3002: case 0xFF0C: case 0x3001: case 0xFF1B: case 0xFF1A: case 0xFF1F:
        case 0xFF01: case 0x201D: case 0x2019: case 0xFF09: case 0x3015: case 0x3011:
        case 0x300B: case 0x3009: case 0x300D: case 0x300F:
        // relatives: ］ ｝ 〗 〙 〟 ． ｡ ､ ％ ‰ ℃ ・ · ‧ and ASCII , . ; : ? ! ) ] } %
        case 0xFF3D: case 0xFF5D: case 0x3017: case 0x3019: case 0x301F: case 0xFF0E:
        case 0xFF61: case 0xFF64: case 0xFF05: case 0x2030: case 0x2103: case 0x30FB:
        case 0x00B7: case 0x2027:
        case U',': case U'.': case U';': case U':': case U'?': case U'!': case U')':
        case U']': case U'}': case U'%':
            return true;
        default:
            return false;
    }
}

bool is_line_end_forbidden(char32_t cp) {
    switch (cp) {
        // TYPOGRAPHY.md: “ ‘ （ 〔 【 《 〈 「 『
        case 0x201C: case 0x2018: case 0xFF08: case 0x3014: case 0x3010: case 0x300A:
        case 0x3008: case 0x300C: case 0x300E:
        // relatives: ［ ｛ 〖 〘 〝 and ASCII ( [ {
        case 0xFF3B: case 0xFF5B: case 0x3016: case 0x3018: case 0x301D:
        case U'(': case U'[': case U'{':
            return true;
        default:
            return false;
    }
}
// clang-format on

std::vector<std::size_t> break_opportunities(std::string_view paragraph) {
    const auto cps = decode(paragraph);
    const auto& level = break_levels(paragraph, cps);
    std::vector<std::size_t> out;
    for (std::size_t i = 1; i < cps.size(); ++i) {
        if (level[i] == kBreak) out.push_back(cps[i].begin);
    }
    return out;
}

std::vector<BrokenLine> break_paragraph(std::string_view text, int max_width,
                                        const MeasureFn& measure, std::size_t max_lines) {
    std::vector<BrokenLine> lines;
    if (text.empty()) return lines;
    const auto cps = decode(text);
    const auto& level = break_levels(text, cps);

    // Segment boundaries as code point indices: 0, each opportunity, n.
    std::vector<std::size_t> bounds{0};
    for (std::size_t i = 1; i < cps.size(); ++i) {
        if (level[i] == kBreak) bounds.push_back(i);
    }
    bounds.push_back(cps.size());
    const auto byte_at = [&](std::size_t cp_index) {
        return cp_index < cps.size() ? cps[cp_index].begin : text.size();
    };

    // Segment widths are measured once each (Chinese text repeats characters
    // a lot); a line's width is their sum, checked by one real measurement.
    std::unordered_map<std::string_view, int> cache;
    const auto width_of = [&](std::size_t b, std::size_t e) {
        const std::string_view s = text.substr(b, e - b);
        if (s.empty()) return 0;
        auto it = cache.find(s);
        if (it != cache.end()) return it->second;
        const int w = measure(s);
        cache.emplace(s, w);
        return w;
    };
    // What joining two segments at code point c changes when two marks meet
    // there (the measure sets adjacent punctuation closer): the pair measured
    // together. Elsewhere the sum is checked by the real measurement below.
    const auto join_at = [&](std::size_t c) {
        const auto mark = [](char32_t cp) {
            return is_line_start_forbidden(cp) || is_line_end_forbidden(cp);
        };
        if (!mark(cps[c - 1].cp) || !mark(cps[c].cp)) return 0;
        const std::size_t b0 = byte_at(c - 1), b1 = byte_at(c), b2 = byte_at(c + 1);
        return width_of(b0, b2) - width_of(b0, b1) - width_of(b1, b2);
    };

    std::size_t k = 0;  // index into bounds of the current line's start
    while (k + 1 < bounds.size()) {
        if (max_lines != 0 && lines.size() >= max_lines) break;
        const std::size_t line_begin = byte_at(bounds[k]);
        // Furthest boundary j whose line [bounds[k], bounds[j]) fits.
        std::size_t best = k;
        int acc = 0;  // full width of segments k+1..j-1
        for (std::size_t j = k + 1; j < bounds.size(); ++j) {
            const std::size_t sb = byte_at(bounds[j - 1]);
            const std::size_t se = byte_at(bounds[j]);
            if (j > k + 1) acc += join_at(bounds[j - 1]);
            const int trimmed = acc + width_of(sb, trim_end(text, sb, se));
            if (trimmed > max_width) break;
            best = j;
            acc += width_of(sb, se);
        }
        int real = 0;
        while (best > k) {
            const std::size_t e = trim_end(text, line_begin, byte_at(bounds[best]));
            real = e > line_begin ? measure(text.substr(line_begin, e - line_begin)) : 0;
            if (real <= max_width) break;
            --best;
        }
        // The furthest place in code points (from, to) of at least `min_level`
        // where the line fits; 0 when none.
        const auto furthest_fit = [&](std::size_t from, std::size_t to, std::uint8_t min_level) {
            std::size_t found = 0;
            for (std::size_t c = from + 1; c < to; ++c) {
                if (level[c] < min_level) continue;
                const std::size_t e = trim_end(text, line_begin, byte_at(c));
                if (measure(text.substr(line_begin, e - line_begin)) > max_width) break;
                found = c;
            }
            return found;
        };
        std::size_t split = 0;
        if (best > k && best + 1 < bounds.size() && real < kWordKeepFill * max_width) {
            // Keeping the next word whole would leave this line too short:
            // break inside it.
            split = furthest_fit(bounds[best], bounds[best + 1], kInWord);
        } else if (best == k) {
            // One run wider than the line: inside a word first, then inside
            // a number.
            split = furthest_fit(bounds[k], bounds[k + 1], kInWord);
            if (split == 0) split = furthest_fit(bounds[k], bounds[k + 1], kInNumber);
        }
        if (split != 0) {
            const std::size_t e = trim_end(text, line_begin, byte_at(split));
            lines.push_back(
                BrokenLine{line_begin, e, measure(text.substr(line_begin, e - line_begin))});
            const auto at = std::lower_bound(bounds.begin(), bounds.end(), split);
            k = static_cast<std::size_t>(at - bounds.begin());
            bounds.insert(at, split);
            continue;
        }
        if (best > k) {
            const std::size_t e = trim_end(text, line_begin, byte_at(bounds[best]));
            if (e > line_begin) lines.push_back(BrokenLine{line_begin, e, real});
            k = best;
            continue;
        }

        const std::size_t run_begin = bounds[k];
        const std::size_t run_end = bounds[k + 1];
        // Otherwise split at the longest prefix that fits (at least one code
        // point).
        std::size_t lo = run_begin + 1, hi = run_end;  // lo always "accepted"
        while (lo < hi) {
            const std::size_t mid = (lo + hi + 1) / 2;
            const std::size_t e = byte_at(mid);
            if (measure(text.substr(line_begin, e - line_begin)) <= max_width) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        split = lo;
        // Even here, avoid starting a line with closing punctuation or ending
        // one with an opening mark, when stepping back a little can help.
        for (std::size_t back = 0; back < 4 && split - 1 > run_begin; ++back) {
            const bool bad = is_line_start_forbidden(cps[split].cp) ||
                             is_line_end_forbidden(cps[split - 1].cp) || is_extender(cps[split].cp);
            if (!bad) break;
            --split;
        }
        if (split >= run_end) split = run_end;
        const std::size_t e = byte_at(split);
        lines.push_back(
            BrokenLine{line_begin, e, measure(text.substr(line_begin, e - line_begin))});
        bounds.insert(bounds.begin() + static_cast<std::ptrdiff_t>(k) + 1, split);
        if (bounds[k + 2] == split)
            bounds.erase(bounds.begin() + static_cast<std::ptrdiff_t>(k) + 2);
        ++k;
    }
    avoid_orphan(text, cps, level, max_width, measure, lines);
    return lines;
}

std::vector<PunctuationSqueeze> squeeze_punctuation(std::string_view line,
                                                    const BlankFn& closing_blank,
                                                    const BlankFn& opening_blank) {
    std::vector<PunctuationSqueeze> out;
    const auto is_mark = [](char32_t cp) {
        return cp >= 0x2000 && (is_line_start_forbidden(cp) || is_line_end_forbidden(cp));
    };
    std::size_t i = 0;
    char32_t prev = 0;
    std::size_t prev_begin = 0;
    while (i < line.size()) {
        const std::size_t b = i;
        const char32_t cp = next_code_point(line, i);
        if (is_mark(prev) && is_mark(cp)) {
            if (const int closing = closing_blank(prev); closing > 0) {
                out.push_back(PunctuationSqueeze{prev_begin, b, closing, false});
            } else if (const int opening = opening_blank(cp); opening > 0) {
                out.push_back(PunctuationSqueeze{b, i, opening, true});
            }
        }
        prev = cp;
        prev_begin = b;
    }
    return out;
}

int squeezed_before(const std::vector<PunctuationSqueeze>& squeezes, std::size_t pos) {
    int px = 0;
    for (const auto& s : squeezes) {
        if (s.before ? s.begin <= pos : s.end <= pos) px += s.px;
    }
    return px;
}

std::vector<std::vector<std::string>> split_paragraphs(std::string_view text) {
    std::vector<std::vector<std::string>> paragraphs;
    std::vector<std::string> current;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string line(text.substr(pos, nl - pos));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        // Blank: only whitespace (ASCII or ideographic).
        bool blank = true;
        for (std::size_t i = 0; i < line.size();) {
            const char32_t cp = next_code_point(line, i);
            if (!is_space(cp) && cp != U'\r') {
                blank = false;
                break;
            }
        }
        if (blank) {
            if (!current.empty()) paragraphs.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(std::move(line));
        }
        pos = nl + 1;
    }
    if (!current.empty()) paragraphs.push_back(std::move(current));
    return paragraphs;
}

}  // namespace signage::render
