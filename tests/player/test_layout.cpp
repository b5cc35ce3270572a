// Line breaking and text layout: the rules of shared/domain/TYPOGRAPHY.md on
// real Chinese paragraphs, measured with the real font at many widths.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/fonts.hpp"
#include "render/line_break.hpp"
#include "render/sdl.hpp"
#include "render/text_layout.hpp"

using namespace signage::render;

namespace {

// Realistic civic texts: punctuation, quotes, brackets, ——, ……, numbers,
// Latin words.
const std::vector<std::string> kParagraphs = {
    "为深入推进全国文明城市创建工作，进一步提升市民文明素质和城市文明程度，本社区定于2026年"
    "5月1日至5月31日开展“文明出行、礼让斑马线”主题宣传月活动。活动期间，志愿者将在各主要"
    "路口开展劝导服务，请广大居民朋友积极参与、相互监督！",
    "垃圾分类就是新时尚。请将厨余垃圾、可回收物、有害垃圾和其他垃圾分别投放到对应的分类桶内"
    "（投放时间：每日7:00—9:00、18:00—20:00），大件垃圾请提前预约清运。有疑问？请拨打"
    "社区服务热线12345咨询。",
    "《中华人民共和国民法典》第一千零四十三条规定：“家庭应当树立优良家风，弘扬家庭美德，"
    "重视家庭文明建设。”孝老爱亲、邻里互助……这些看似平凡的小事，正是文明城市最温暖的底色。",
    "社区图书室已开通免费WiFi，网络名称为“CivicLibrary-5G”，密码请向前台工作人员索取。"
    "开放时间为周二至周日9:30—17:30，周一闭馆（法定节假日除外）。全民阅读，从你我做起——"
    "让书香飘满每一个角落！",
    "【重要提醒】近期电信诈骗案件高发，请大家提高警惕：凡是自称“公检法”要求转账汇款的，"
    "一律是诈骗！如遇可疑情况，请立即拨打110报警，或下载“国家反诈中心”APP进行举报。"
    "守护好自己的“钱袋子”，从拒绝陌生来电开始……",
    "礼让行人是每一位驾驶人的法定义务。《道路交通安全法》第四十七条明确规定：机动车行经"
    "人行横道时，应当减速行驶；遇行人正在通过人行横道，应当停车让行。违者将被处以罚款200元、"
    "记3分的处罚。文明驾驶，你我同行；平安出行，幸福万家。",
};

// The exact sets of TYPOGRAPHY.md.
const std::set<char32_t> kNoStart = {U'。', U'，', U'、', U'；', U'：', U'？', U'！', U'”',
                                     U'’',  U'）', U'〕', U'】', U'》', U'〉', U'」', U'』'};
const std::set<char32_t> kNoEnd = {U'“', U'‘', U'（', U'〔', U'【', U'《', U'〈', U'「', U'『'};

std::vector<char32_t> code_points(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) out.push_back(next_code_point(s, i));
    return out;
}

char32_t first_cp(std::string_view s) {
    return code_points(s).front();
}
char32_t last_cp(std::string_view s) {
    return code_points(s).back();
}
// The code point that ends just before byte `pos`.
char32_t cp_before(std::string_view s, std::size_t pos) {
    std::size_t i = pos - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    return next_code_point(s, i);
}
char32_t cp_at(std::string_view s, std::size_t pos) {
    return next_code_point(s, pos);
}

bool is_alnum(char32_t c) {
    return (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z');
}

std::string strip_spaces(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != ' ') out += c;
    }
    return out;
}

// A deterministic measure: CJK and full-width 10 px, ASCII 5 px.
int fake_measure(std::string_view s) {
    int w = 0;
    for (std::size_t i = 0; i < s.size();) w += next_code_point(s, i) < 0x80 ? 5 : 10;
    return w;
}

std::vector<std::string> texts(std::string_view p, const std::vector<BrokenLine>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.emplace_back(p.substr(l.begin, l.end - l.begin));
    return out;
}

// Every rule of TYPOGRAPHY.md, for one paragraph broken at one width.
void check_rules(const std::string& p, const std::vector<BrokenLine>& lines, int width,
                 const MeasureFn& measure) {
    REQUIRE_FALSE(lines.empty());
    INFO("width " << width);
    std::string joined;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        const std::string text = p.substr(l.begin, l.end - l.begin);
        INFO("line " << i << ": " << text);
        REQUIRE_FALSE(text.empty());
        // Fits: no punctuation hangs past the margin.
        CHECK(l.width <= width);
        CHECK(measure(text) <= width);
        if (i > 0) CHECK(kNoStart.count(first_cp(text)) == 0);
        if (i + 1 < lines.size()) {
            CHECK(kNoEnd.count(last_cp(text)) == 0);
            const std::size_t next = lines[i + 1].begin;
            // Nothing but spaces between this line and the next.
            CHECK(strip_spaces(p.substr(l.end, next - l.end)).empty());
            // —— and …… are never split; Latin words and numbers neither.
            const char32_t before = cp_before(p, next);
            const char32_t after = cp_at(p, next);
            CHECK_FALSE((before == U'—' && after == U'—'));
            CHECK_FALSE((before == U'…' && after == U'…'));
            CHECK_FALSE((is_alnum(before) && is_alnum(after)));
        }
        joined += text;
    }
    // Together the lines are the paragraph.
    CHECK(lines.front().begin == 0);
    CHECK(strip_spaces(joined) == strip_spaces(p));
}

struct SdlOnce {
    SdlOnce() {
        static auto rt = SdlRuntime::init(false);
        REQUIRE(rt.ok());
    }
};

}  // namespace

TEST_CASE("player layout: rules hold on real paragraphs at many widths (fake metrics)",
          "[player][layout]") {
    for (const auto& p : kParagraphs) {
        INFO(p);
        // From the widest unbreakable run ("“CivicLibrary-5G”，", 105 px) up.
        for (int width = 105; width <= 700; width += 7) {
            check_rules(p, break_paragraph(p, width, fake_measure), width, fake_measure);
        }
    }
}

TEST_CASE("player layout: rules hold with the real font at many widths", "[player][layout]") {
    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    for (int px : {40, 56, 72}) {
        auto font = fonts.get(Weight::regular, px);
        REQUIRE(font.ok());
        TTF_Font* f = font->get();
        const MeasureFn measure = [f](std::string_view s) {
            const std::string z(s);
            int w = 0, h = 0;
            TTF_SizeUTF8(f, z.c_str(), &w, &h);
            return w;
        };
        // The widest unbreakable word must fit, or it would rightly be split.
        const int min_width = measure("“CivicLibrary-5G”，");
        for (const auto& p : kParagraphs) {
            INFO(p << " at " << px << " px");
            for (int width = min_width; width <= 40 * px; width += px * 3 / 2 + 1) {
                check_rules(p, break_paragraph(p, width, measure), width, measure);
            }
        }
    }
}

TEST_CASE("player layout: a violation is fixed by carrying the previous character down",
          "[player][layout]") {
    // Five characters fit (50 px). A naive break would start line 2 with "。".
    CHECK(texts("一二三四五。六七八", break_paragraph("一二三四五。六七八", 50, fake_measure)) ==
          std::vector<std::string>{"一二三四", "五。六七八"});
    // "，" likewise, and a closing quote with the comma after it.
    CHECK(texts("一二三四五，六七", break_paragraph("一二三四五，六七", 50, fake_measure)) ==
          std::vector<std::string>{"一二三四", "五，六七"});
    CHECK(texts("一二“三四”，五", break_paragraph("一二“三四”，五", 50, fake_measure)) ==
          std::vector<std::string>{"一二“三", "四”，五"});
    // An opening quote/bracket never ends a line: it goes down with its word.
    CHECK(texts("一二三四“五六”七", break_paragraph("一二三四“五六”七", 50, fake_measure)) ==
          std::vector<std::string>{"一二三四", "“五六”七"});
    CHECK(texts("一二三四《五六》", break_paragraph("一二三四《五六》", 50, fake_measure)) ==
          std::vector<std::string>{"一二三四", "《五六》"});
    CHECK(texts("一二三四（五）", break_paragraph("一二三四（五）", 50, fake_measure)) ==
          std::vector<std::string>{"一二三四", "（五）"});
}

TEST_CASE("player layout: dashes, ellipses, words and numbers stay whole", "[player][layout]") {
    // "——" straddling the margin moves down as a whole.
    CHECK(texts("一二三四——五六", break_paragraph("一二三四——五六", 50, fake_measure)) ==
          std::vector<std::string>{"一二三四", "——五六"});
    // "……" is never split and never starts a line: its character comes along.
    CHECK(texts("一二三四……好", break_paragraph("一二三四……好", 50, fake_measure)) ==
          std::vector<std::string>{"一二三", "四……好"});
    // Latin words and numbers are not split.
    CHECK(texts("一二三WiFi网", break_paragraph("一二三WiFi网", 40, fake_measure)) ==
          std::vector<std::string>{"一二三", "WiFi网"});
    CHECK(texts("截至2026年底", break_paragraph("截至2026年底", 30, fake_measure)) ==
          std::vector<std::string>{"截至", "2026年", "底"});  // a year keeps its 年
    CHECK(texts("罚款1,000.50元", break_paragraph("罚款1,000.50元", 45, fake_measure)) ==
          std::vector<std::string>{"罚款", "1,000.50", "元"});
}

TEST_CASE("player layout: only a run wider than the line is split inside", "[player][layout]") {
    const std::string p = "网址https://www.example.gov.cn/civilization/notice/2026";
    const auto lines = break_paragraph(p, 60, fake_measure);
    REQUIRE(lines.size() > 2);
    std::string joined;
    for (const auto& l : lines) {
        CHECK(l.width <= 60);
        joined += p.substr(l.begin, l.end - l.begin);
    }
    CHECK(joined == p);
}

TEST_CASE("player layout: ICU opportunities never include a forbidden position",
          "[player][layout]") {
    const std::string p =
        "“引号”‘单引’（括号）〔方括〕【书名】《书名》〈单书〉「直角」『双直』。，、；：？！";
    for (std::size_t pos : break_opportunities(p)) {
        INFO("break at byte " << pos);
        CHECK(kNoStart.count(cp_at(p, pos)) == 0);
        CHECK(kNoEnd.count(cp_before(p, pos)) == 0);
    }
}

TEST_CASE("player layout: paragraphs split at blank lines, line feeds force breaks",
          "[player][layout]") {
    const auto paras = split_paragraphs("第一段第一行\n第一段第二行\n\n  \n第二段\r\n");
    REQUIRE(paras.size() == 2);
    CHECK(paras[0] == std::vector<std::string>{"第一段第一行", "第一段第二行"});
    CHECK(paras[1] == std::vector<std::string>{"第二段"});
}

TEST_CASE("player layout: auto-fit takes the largest size that fits, then truncates",
          "[player][layout]") {
    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    TextStyle style;
    style.max_px = 96;
    style.min_px = 40;
    const SDL_Rect box{0, 0, 1700, 600};

    auto short_block = layout_text(fonts, "文明城市，你我共建。", style, box, "body");
    REQUIRE(short_block.ok());
    CHECK(short_block->font_px == 96);
    CHECK_FALSE(short_block->truncated);

    std::string medium;
    for (int i = 0; i < 2; ++i) medium += kParagraphs[static_cast<std::size_t>(i)] + "\n\n";
    auto medium_block = layout_text(fonts, medium, style, box, "body");
    REQUIRE(medium_block.ok());
    CHECK(medium_block->font_px < 96);
    CHECK(medium_block->font_px >= 40);
    CHECK_FALSE(medium_block->truncated);
    CHECK(medium_block->height <= box.h);
    // One pixel larger would not have fitted.
    auto bigger =
        layout_text_at(fonts, medium, style, medium_block->font_px + 1, box.w, box.h, "b");
    REQUIRE(bigger.ok());
    CHECK(bigger->truncated);

    std::string huge;
    for (int i = 0; i < 6; ++i) {
        for (const auto& p : kParagraphs) huge += p + "\n\n";
    }
    auto huge_block = layout_text(fonts, huge, style, box, "body");
    REQUIRE(huge_block.ok());
    CHECK(huge_block->font_px == 40);
    CHECK(huge_block->truncated);
    CHECK(huge_block->height <= box.h);
    const auto& last = huge_block->lines.back().text;
    CHECK(last.substr(last.size() - 3) == "…");
    CHECK(huge_block->lines.back().rect.w <= box.w);
    for (const auto& l : huge_block->lines) CHECK(l.rect.x + l.rect.w <= box.w);
}

TEST_CASE("player layout: paragraphs get extra space and lines sit one pitch apart",
          "[player][layout]") {
    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    TextStyle style;
    style.line_pitch = 1.5;
    style.paragraph_gap = 0.6;
    auto b = layout_text_at(fonts, "第一行\n第二行\n\n第二段", style, 50, 1000, -1, "body");
    REQUIRE(b.ok());
    REQUIRE(b->lines.size() == 3);
    CHECK(b->lines[1].rect.y - b->lines[0].rect.y == 75);
    CHECK(b->lines[2].rect.y - b->lines[1].rect.y == 75 + 30);
}

TEST_CASE("player layout: missing glyphs are reported, not drawn as boxes", "[player][layout]") {
    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    auto b = layout_text(fonts, "好人好事😀榜", TextStyle{}, SDL_Rect{0, 0, 1000, 500}, "body");
    REQUIRE(b.ok());
    REQUIRE(b->missing_glyphs.size() == 1);
    CHECK(b->missing_glyphs[0] == "😀");
    auto ok = layout_text(fonts, "社会主义核心价值观", TextStyle{}, SDL_Rect{0, 0, 1000, 500}, "t");
    REQUIRE(ok.ok());
    CHECK(ok->missing_glyphs.empty());
}

namespace {

// Text a screen shows, from any slide type: titles, bodies, captions, honour
// roll and red/black fields, QR labels, settings. Media, ids, dates and the
// QR's own text (a URL) are not laid out as text.
const std::set<std::string> kTextKeys = {
    "title",  "body",      "caption", "name",     "deed",       "unit",
    "period", "category",  "level",   "reason",   "label",      "decided_by",
    "slogan", "unit_name", "plate",   "question", "explanation"};

void collect_text(const nlohmann::json& j, std::vector<std::string>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it->is_string() && kTextKeys.count(it.key()) != 0) {
                out.push_back(it->get<std::string>());
            } else {
                collect_text(*it, out);
            }
        }
    } else if (j.is_array()) {
        for (const auto& e : j) collect_text(e, out);
    }
}

}  // namespace

TEST_CASE("player layout: every paragraph of the demo content breaks by the rules",
          "[player][layout][demo]") {
    std::ifstream in(SIGNAGE_DEMO_CONTENT, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const auto content = nlohmann::json::parse(ss.str());
    std::vector<std::string> texts_found;
    collect_text(content, texts_found);
    REQUIRE(texts_found.size() >= 5);

    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    std::size_t paragraphs = 0;
    for (int px : {40, 56, 80}) {
        auto font = fonts.get(Weight::regular, px);
        REQUIRE(font.ok());
        TTF_Font* f = font->get();
        const MeasureFn measure = [f](std::string_view s) {
            const std::string z(s);
            int w = 0, h = 0;
            TTF_SizeUTF8(f, z.c_str(), &w, &h);
            return w;
        };
        for (const auto& text : texts_found) {
            for (const auto& para : split_paragraphs(text)) {
                for (const auto& hard_line : para) {
                    ++paragraphs;
                    INFO(hard_line << " at " << px << " px");
                    // Widths of a card's deed column up to a full landscape body.
                    for (int width : {px * 7, px * 9, px * 13, px * 17, px * 22, 1792}) {
                        const auto lines = break_paragraph(hard_line, width, measure);
                        for (std::size_t i = 0; i < lines.size(); ++i) {
                            const std::string line =
                                hard_line.substr(lines[i].begin, lines[i].end - lines[i].begin);
                            INFO("width " << width << ", line " << i << ": " << line);
                            REQUIRE_FALSE(line.empty());
                            if (i > 0) CHECK(kNoStart.count(first_cp(line)) == 0);
                            if (i + 1 < lines.size()) CHECK(kNoEnd.count(last_cp(line)) == 0);
                        }
                    }
                }
            }
        }
    }
    CHECK(paragraphs >= 10);
}

// ------------------------------------------------ clreq: numbers, words, orphans

namespace {

// Where a line boundary falls inside `needle` (a run that must stay whole)
// in one of `lines` of `p`; empty when none does.
std::string split_inside(std::string_view p, const std::vector<BrokenLine>& lines,
                         std::string_view needle) {
    for (std::size_t from = p.find(needle); from != std::string_view::npos;
         from = p.find(needle, from + 1)) {
        for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
            const std::size_t cut = lines[i + 1].begin;
            if (cut > from && cut < from + needle.size()) {
                return std::string(p.substr(from, cut - from)) + "|" +
                       std::string(p.substr(cut, from + needle.size() - cut));
            }
        }
    }
    return {};
}

// Characters of a line that count for the orphan rule: not spaces, not
// punctuation.
std::size_t counted(std::string_view s) {
    std::size_t n = 0;
    for (char32_t c : code_points(s)) {
        const bool punct = kNoStart.count(c) != 0 || kNoEnd.count(c) != 0 || c == U'—' ||
                           c == U'…' || c == U' ' || c == U'·' || c == U'-';
        if (!punct) ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("player layout: a number stays with its unit, a date and a time range stay whole",
          "[player][layout][clreq]") {
    const std::string p =
        "集中缴费期为2026年9月1日至12月31日，每日8:00—18:00办理，3号楼前100米处设点，"
        "参保率已达30%以上。";
    const std::vector<std::string> runs = {"2026年9月1日", "12月31日", "8:00—18:00",
                                           "3号楼",        "100米",    "30%"};
    // Every width from the widest run ("2026年9月1日" is 60 px) up.
    for (int width = 60; width <= 400; width += 5) {
        const auto lines = break_paragraph(p, width, fake_measure);
        check_rules(p, lines, width, fake_measure);
        for (const auto& run : runs) {
            INFO("width " << width << ": " << run);
            CHECK(split_inside(p, lines, run).empty());
        }
    }
    // The report: "9月1|日".
    const std::string report = "集中缴费期为2026年9月1日至12月31日。";
    for (int width = 60; width <= 200; width += 5) {
        INFO("width " << width);
        CHECK(split_inside(report, break_paragraph(report, width, fake_measure), "9月1日").empty());
    }
}

TEST_CASE("player layout: a run wider than the line is still split, where it must",
          "[player][layout][clreq]") {
    // A date wider than the line (fake metrics: 2026年9月1日 is 50 px).
    const std::string p = "日期2026年9月1日";
    const auto lines = break_paragraph(p, 30, fake_measure);
    REQUIRE(lines.size() >= 2);
    std::string joined;
    for (const auto& l : lines) {
        CHECK(l.width <= 30);
        joined += p.substr(l.begin, l.end - l.begin);
    }
    CHECK(joined == p);
    // A long word in a narrow column falls back to breaking between characters.
    const std::string word = "社会主义核心价值观";
    for (const auto& l : break_paragraph(word, 20, fake_measure)) CHECK(l.width <= 20);
}

TEST_CASE("player layout: Chinese words stay whole where another break exists",
          "[player][layout][clreq]") {
    // The report: "扫码反映问|题" on the QR card's label.
    const std::string label = "扫码反映问题、提出建议";
    for (int width = 30; width <= 100; width += 1) {
        const auto lines = break_paragraph(label, width, fake_measure);
        INFO("width " << width);
        check_rules(label, lines, width, fake_measure);
        for (const std::string w : {"扫码", "反映", "问题", "提出", "建议"}) {
            CHECK(split_inside(label, lines, w).empty());
        }
    }
}

TEST_CASE("player layout: a paragraph does not end in a line of one or two characters",
          "[player][layout][clreq]") {
    // The report: a last line "让行。" (two characters and the full stop).
    const std::string p = "遇行人正在通过人行横道时应当停车让行。";
    for (int width = 60; width <= 180; width += 10) {
        const auto lines = break_paragraph(p, width, fake_measure);
        INFO("width " << width << ": " << texts(p, lines).back());
        check_rules(p, lines, width, fake_measure);
        if (lines.size() >= 2) {
            CHECK(counted(texts(p, lines).back()) >= 3);
        }
    }
}

TEST_CASE("player layout: the orphan rule never adds a line to a box that limits lines",
          "[player][layout][clreq]") {
    SdlOnce sdl;
    FontCache fonts(FontSet::defaults());
    TextStyle style;
    style.line_pitch = 1.5;
    const std::string p = "遇行人正在通过人行横道时应当停车让行。";
    // Eight characters a line: three lines, the last one "让行。" when set greedily.
    const int px = 50, width = 8 * px;
    auto free = layout_text_at(fonts, p, style, px, width, -1, "deed");
    REQUIRE(free.ok());
    REQUIRE(free->lines.size() == 3);
    CHECK(counted(free->lines.back().text) >= 3);
    // A box of exactly three lines holds it whole.
    const int three = free->lines.back().rect.y + free->lines.back().rect.h;
    auto boxed = layout_text_at(fonts, p, style, px, width, three, "deed");
    REQUIRE(boxed.ok());
    CHECK_FALSE(boxed->truncated);
    CHECK(boxed->lines.size() == 3);
    // Two lines at most (an honour-roll deed): cut, the ellipsis on the second line.
    style.max_lines = 2;
    auto cut = layout_text_at(fonts, p, style, px, width, -1, "deed");
    REQUIRE(cut.ok());
    CHECK(cut->truncated);
    REQUIRE(cut->lines.size() == 2);
    const std::string& last = cut->lines.back().text;
    CHECK(last.substr(last.size() - 3) == "…");
    CHECK(cut->lines.back().rect.w <= width);
}
