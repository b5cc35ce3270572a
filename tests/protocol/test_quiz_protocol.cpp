// Quiz questions, settings, the CSV bank form, round results and claim codes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "protocol/claim.hpp"
#include "protocol/manifest.hpp"
#include "protocol/quiz.hpp"

using namespace signage::protocol;
using nlohmann::json;

namespace {

json sample_single() {
    return {{"type", "single"},
            {"question", "有害垃圾应投放到哪种颜色的垃圾桶？"},
            {"options", {"红色", "蓝色", "绿色", "黑色"}},
            {"answers", {0}},
            {"explanation", "有害垃圾用红色。"},
            {"category", "垃圾分类"}};
}

std::string field_of(const json& j) {
    auto q = parse_question(j);
    return q ? std::string("(valid)") : q.error().field;
}

const std::string kHeader =
    "type,question,option_a,option_b,option_c,option_d,answer,explanation,category\n";

}  // namespace

TEST_CASE("quiz: a good question is read and written back", "[protocol][quiz]") {
    auto q = parse_question(sample_single());
    REQUIRE(q.ok());
    CHECK(q->type == QuestionType::single);
    CHECK(q->options.size() == 4);
    CHECK(q->answers == std::vector<int>{0});
    CHECK(q->is_right({0}));
    CHECK_FALSE(q->is_right({1}));
    auto again = parse_question(to_json(*q));
    REQUIRE(again.ok());
    CHECK(*again == *q);

    // A judge question without options gets 对 / 错.
    auto judge = parse_question(
        {{"type", "judge"}, {"question", "驾车经过人行横道可以加速通过。"}, {"answers", {1}}});
    REQUIRE(judge.ok());
    CHECK(judge->options == std::vector<std::string>{"对", "错"});

    // Multiple choice: answers come sorted; only the exact set is right.
    auto multi = parse_question({{"type", "multiple"},
                                 {"question", "下列哪些属于社会公德的内容？"},
                                 {"options", {"文明礼貌", "助人为乐", "爱护公物", "爱岗敬业"}},
                                 {"answers", {2, 0, 1}}});
    REQUIRE(multi.ok());
    CHECK(multi->answers == std::vector<int>{0, 1, 2});
    CHECK(multi->is_right({1, 2, 0}));
    CHECK_FALSE(multi->is_right({0, 1}));
    CHECK_FALSE(multi->is_right({0, 1, 2, 3}));

    // Server fields are ignored on input; the id is kept.
    json with_server = sample_single();
    with_server["id"] = 17;
    with_server["status"] = "approved";
    auto kept = parse_question(with_server);
    REQUIRE(kept.ok());
    CHECK(kept->id == "17");
}

TEST_CASE("quiz: invalid questions name the field", "[protocol][quiz]") {
    json j = sample_single();
    j.erase("type");
    CHECK(field_of(j) == "type");
    j = sample_single();
    j["type"] = "essay";
    CHECK(field_of(j) == "type");
    j = sample_single();
    j["question"] = "  ";
    CHECK(field_of(j) == "question");
    j = sample_single();
    j["question"] = std::string(201, 'x');
    CHECK(field_of(j) == "question");
    j = sample_single();
    j["options"] = {"只有一个"};
    CHECK(field_of(j) == "options");
    j = sample_single();
    j["options"] = {"红色", "红色"};
    CHECK(field_of(j) == "options");
    j = sample_single();
    j["options"][1] = 5;
    CHECK(field_of(j) == "options[1]");
    j = sample_single();
    j["answers"] = json::array();
    CHECK(field_of(j) == "answers");
    j = sample_single();
    j["answers"] = {0, 1};
    CHECK(field_of(j) == "answers");  // a single question has one answer
    j = sample_single();
    j["answers"] = {4};
    CHECK(field_of(j) == "answers");  // there is no fifth option
    j = sample_single();
    j["answers"] = {"A"};
    CHECK(field_of(j) == "answers[0]");
    j = sample_single();
    j["type"] = "multiple";
    CHECK(field_of(j) == "answers");  // multiple needs two or more
    j = sample_single();
    j["category"] = "一\n二";
    CHECK(field_of(j) == "category");
    j = sample_single();
    j["colour"] = "red";
    CHECK(field_of(j) == "colour");
    j = sample_single();
    j["type"] = "judge";  // four options
    CHECK(field_of(j) == "options");

    auto nested = parse_question(json{{"type", "single"}}, {}, "questions[3]");
    REQUIRE_FALSE(nested.ok());
    CHECK(nested.error().field == "questions[3].question");
}

TEST_CASE("quiz: settings validate and name the field", "[protocol][quiz]") {
    auto defaults = parse_quiz_settings(json::object());
    REQUIRE(defaults.ok());
    CHECK(*defaults == QuizSettings{});
    auto s = parse_quiz_settings({{"pass_mark", 1.0}, {"questions_per_round", 20}});
    REQUIRE(s.ok());
    CHECK(s->questions_per_round == 20);
    auto back = parse_quiz_settings(to_json(*s));
    REQUIRE(back.ok());
    CHECK(*back == *s);
    CHECK(parse_quiz_settings({{"pass_mark", 1.5}}).error().field == "settings.quiz.pass_mark");
    CHECK(parse_quiz_settings({{"questions_per_round", 0}}).error().field ==
          "settings.quiz.questions_per_round");
    CHECK(parse_quiz_settings({{"question_time_limit_s", 3}}).error().field ==
          "settings.quiz.question_time_limit_s");
    CHECK(parse_quiz_settings({{"question_time_limit_s", 0}}).ok());
    CHECK(parse_quiz_settings({{"idle_timeout_s", 2}}).error().field ==
          "settings.quiz.idle_timeout_s");
    CHECK(parse_quiz_settings({{"surprise", true}}).error().field == "settings.quiz.surprise");
    CHECK(parse_quiz_settings({{"prizes", "yes"}}).error().field == "settings.quiz.prizes");

    auto g = parse_group_settings({{"quiz", {{"daily_prize_limit", -1}}}}, "settings");
    REQUIRE_FALSE(g.ok());
    CHECK(g.error().field == "settings.quiz.daily_prize_limit");
}

TEST_CASE("quiz: CSV with BOM, Chinese headers, quotes, commas and newlines", "[protocol][quiz]") {
    const std::string csv =
        "\xEF\xBB\xBF题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类\r\n"
        "单选,有害垃圾应投放到哪种颜色的垃圾桶？,红色,蓝色,绿色,黑色,A,,垃圾分类\r\n"
        "多选,\"下列哪些属于\r\n社会公德的内容？\",文明礼貌,助人为乐,爱护公物,爱岗敬业,ABC,"
        "\"含逗号, "
        "和 \"\"引号\"\"\",公民道德\r\n"
        "判断,驾车经过学校门口人行横道，没有行人时可以加速通过。,,,,,错,,交通文明\r\n";
    auto r = parse_questions_csv(csv);
    INFO((r.problems.empty() ? std::string() : r.problems.front().message));
    REQUIRE(r.problems.empty());
    REQUIRE(r.questions.size() == 3);
    CHECK(r.questions[0].type == QuestionType::single);
    CHECK(r.questions[0].question == "有害垃圾应投放到哪种颜色的垃圾桶？");
    CHECK(r.questions[0].answers == std::vector<int>{0});
    CHECK(r.questions[1].type == QuestionType::multiple);
    CHECK(r.questions[1].question == "下列哪些属于\n社会公德的内容？");
    CHECK(r.questions[1].answers == std::vector<int>{0, 1, 2});
    CHECK(r.questions[1].explanation == "含逗号, 和 \"引号\"");
    CHECK(r.questions[2].type == QuestionType::judge);
    CHECK(r.questions[2].options == std::vector<std::string>{"对", "错"});
    CHECK(r.questions[2].answers == std::vector<int>{1});

    // Written back and read again: the same questions.
    auto again = parse_questions_csv(to_csv(r.questions));
    REQUIRE(again.problems.empty());
    CHECK(again.questions == r.questions);
}

TEST_CASE("quiz: every CSV problem is reported with its row and column", "[protocol][quiz]") {
    const std::string csv = kHeader +
                            "single,好问题,甲,乙,,,B,,\n"              // row 2: fine
                            "essay,类型不对,甲,乙,,,A,,\n"             // row 3: type
                            "single,答案越界,甲,乙,,,D,,\n"            // row 4: answer
                            "single,\"跨两行的\n题目\",甲,,丙,,A,,\n"  // rows 5-6: gap in options
                            "single,,甲,乙,,,A,,\n";                   // row 7: no question
    auto r = parse_questions_csv(csv);
    REQUIRE(r.problems.size() == 4);
    CHECK(r.problems[0].row == 3);
    CHECK(r.problems[0].column == "type");
    CHECK(r.problems[1].row == 4);
    CHECK(r.problems[1].column == "answer");
    CHECK(r.problems[2].row == 5);  // the row where the record starts
    CHECK(r.problems[2].column == "option_b");
    CHECK(r.problems[3].row == 7);
    CHECK(r.problems[3].column == "question");

    // Header problems.
    auto missing = parse_questions_csv("question,option_a,option_b\nq,a,b\n");
    REQUIRE_FALSE(missing.problems.empty());
    CHECK(missing.problems[0].row == 1);
    CHECK(missing.problems[0].column == "type");
    auto unknown = parse_questions_csv("type,question,answer,colour\nsingle,q,A,red\n");
    REQUIRE_FALSE(unknown.problems.empty());
    CHECK(unknown.problems[0].column == "colour");

    // Broken CSV, empty files, a header alone, a last line without a line end.
    CHECK_FALSE(parse_questions_csv(kHeader + "single,\"open quote,a,b,,,A,,\n").problems.empty());
    CHECK_FALSE(parse_questions_csv("").problems.empty());
    CHECK_FALSE(parse_questions_csv(kHeader).problems.empty());
    auto last = parse_questions_csv(kHeader + "single,q,a,b,,,A,,\nsingle,,a,b,,,A,,");
    REQUIRE(last.problems.size() == 1);
    CHECK(last.problems[0].row == 3);
    auto nul = parse_questions_csv(kHeader + std::string("single,q\0,a,b,,,A,,\n", 20));
    CHECK_FALSE(nul.problems.empty());
}

TEST_CASE("quiz: round results", "[protocol][quiz]") {
    const json good = {
        {"id", "round-0001"},
        {"finished_at", "2026-11-28T08:00:00Z"},
        {"score", 1},
        {"total", 2},
        {"passed", false},
        {"answers",
         {{{"question", "1"}, {"correct", true}}, {{"question", "2"}, {"correct", false}}}}};
    auto r = parse_round_result(good);
    REQUIRE(r.ok());
    CHECK(r->score == 1);
    CHECK(r->total == 2);
    auto back = parse_round_result(to_json(*r));
    REQUIRE(back.ok());
    CHECK(*back == *r);

    json bad = good;
    bad["id"] = "short";
    CHECK(parse_round_result(bad, "rounds[0]").error().field == "rounds[0].id");
    bad = good;
    bad["score"] = 2;
    CHECK(parse_round_result(bad, "rounds[1]").error().field == "rounds[1].score");
    bad = good;
    bad["answers"][1]["correct"] = "yes";
    CHECK(parse_round_result(bad, "rounds[0]").error().field == "rounds[0].answers[1].correct");
    bad = good;
    bad["finished_at"] = "yesterday";
    CHECK(parse_round_result(bad).error().field == "finished_at");
}

TEST_CASE("claims: a code round-trips and verifies with its screen's key only",
          "[protocol][claim]") {
    const auto keys = derive_claim_keys("device-token-1");
    CHECK(derive_claim_keys("device-token-1").public_key == keys.public_key);
    const auto other = derive_claim_keys("device-token-2");
    CHECK(other.public_key != keys.public_key);

    const Claim claim{claim_key_id(keys.public_key), 20785, 7};
    const std::string code = make_claim_code(claim, keys.secret_key);
    CHECK(code.rfind("CS1-", 0) == 0);
    CHECK(code.size() == 106);
    auto parsed = parse_claim_code(code);
    REQUIRE(parsed.ok());
    CHECK(*parsed == claim);
    CHECK(verify_claim_code(code, keys.public_key));
    CHECK_FALSE(verify_claim_code(code, other.public_key));

    // Signed with another key but naming this screen's key id: a forgery.
    const std::string forged = make_claim_code(claim, other.secret_key);
    CHECK(parse_claim_code(forged).ok());
    CHECK_FALSE(verify_claim_code(forged, keys.public_key));

    // Any one character changed: unreadable or no longer verifies.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (std::size_t i = 4; i < code.size(); ++i) {
        std::string altered = code;
        altered[i] = alphabet[(alphabet.find(code[i]) + 1) % alphabet.size()];
        INFO("position " << i);
        CHECK_FALSE(verify_claim_code(altered, keys.public_key));
    }
}

TEST_CASE("claims: malformed codes are refused naming the code", "[protocol][claim]") {
    const auto keys = derive_claim_keys("device-token-1");
    const std::string code =
        make_claim_code(Claim{claim_key_id(keys.public_key), 20785, 1}, keys.secret_key);
    for (const std::string& bad :
         {std::string(), std::string("CS1-"), std::string("CS2-") + code.substr(4),
          code.substr(0, code.size() - 1), code + "A", code.substr(0, 50) + "+" + code.substr(51),
          code.substr(0, 50) + "=" + code.substr(51), std::string("hello")}) {
        auto r = parse_claim_code(bad);
        INFO(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().field == "code");
        CHECK_FALSE(verify_claim_code(bad, keys.public_key));
    }
    // Serial 0 is never made.
    const std::string zero =
        make_claim_code(Claim{claim_key_id(keys.public_key), 20785, 0}, keys.secret_key);
    CHECK_FALSE(parse_claim_code(zero).ok());
}

TEST_CASE("short claims: a code round-trips and verifies with its screen's key only",
          "[protocol][claim]") {
    const auto keys = derive_claim_keys("device-token-1");
    const auto other = derive_claim_keys("device-token-2");
    const int day = 20785;
    const std::string code = make_short_claim_code(day, 7, keys.public_key);
    // 12 symbols of the alphabet: none of I, L, O, U.
    REQUIRE(code.size() == 12);
    for (const char c : code) {
        INFO(code);
        CHECK(kClaimAlphabet.find(c) != std::string_view::npos);
        CHECK(std::string_view("ILOU").find(c) == std::string_view::npos);
    }
    auto parsed = parse_short_claim_code(code);
    REQUIRE(parsed.ok());
    CHECK(parsed->tag == claim_tag(keys.public_key));
    CHECK(parsed->serial == 7);
    CHECK(parsed->day_mod == day % 8);
    CHECK(verify_short_claim(*parsed, day, keys.public_key));
    CHECK_FALSE(verify_short_claim(*parsed, day + 8, keys.public_key));
    CHECK_FALSE(verify_short_claim(*parsed, day, other.public_key));
    // Codes differ by serial and by day.
    CHECK(make_short_claim_code(day, 8, keys.public_key) != code);
    CHECK(make_short_claim_code(day + 1, 7, keys.public_key) != code);
    CHECK(make_short_claim_code(day, kMaxClaimSerial, keys.public_key).size() == 12);
}

TEST_CASE("short claims: any one changed character fails", "[protocol][claim]") {
    const auto keys = derive_claim_keys("device-token-1");
    const int day = 20785;
    const std::string code = make_short_claim_code(day, 3, keys.public_key);
    int tried = 0;
    for (std::size_t i = 0; i < code.size(); ++i) {
        for (const char c : kClaimAlphabet) {
            if (c == code[i]) continue;
            std::string altered = code;
            altered[i] = c;
            auto parsed = parse_short_claim_code(altered);
            if (!parsed) continue;  // serial 0
            ++tried;
            INFO(altered);
            CHECK_FALSE(verify_short_claim(*parsed, resolve_claim_day(parsed->day_mod, day),
                                           keys.public_key));
        }
    }
    CHECK(tried > 12 * 30);
}

TEST_CASE("short claims: typed forms read the same, wrong ones name the code",
          "[protocol][claim]") {
    const auto keys = derive_claim_keys("device-token-1");
    const std::string code = make_short_claim_code(20785, 12, keys.public_key);
    const std::string grouped = group_claim_code(code);
    CHECK(grouped.size() == 14);
    CHECK(grouped[4] == '-');
    CHECK(grouped[9] == '-');
    std::string lower = grouped;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string spaced = code.substr(0, 4) + " " + code.substr(4, 4) + "  " + code.substr(8);
    // Look-alikes typed by mistake: O for 0, I and l for 1.
    std::string lookalike = code;
    for (char& c : lookalike) {
        if (c == '0') c = 'O';
        if (c == '1') c = 'l';
    }
    for (const std::string& typed : {grouped, lower, spaced, lookalike, " " + code + "\n"}) {
        INFO(typed);
        auto n = normalize_short_claim_code(typed);
        REQUIRE(n.ok());
        CHECK(*n == code);
    }
    CHECK(*normalize_short_claim_code("OIL0-1234-5678") == "011012345678");
    for (const std::string& bad : {std::string(), code.substr(1), code + "A",
                                   code.substr(0, 11) + "U", code.substr(0, 11) + "*"}) {
        INFO(bad);
        auto r = parse_short_claim_code(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().field == "code");
        CHECK_FALSE(r.error().message.empty());
    }
    CHECK(!is_long_claim_code(code));
}

TEST_CASE("short claims: the day is the latest with its remainder up to tomorrow",
          "[protocol][claim]") {
    const int today = 20785;
    for (int d = today - 6; d <= today + 1; ++d) {
        CHECK(resolve_claim_day(d % 8, today) == d);
    }
    CHECK(resolve_claim_day((today - 7) % 8, today) == today + 1);
}

TEST_CASE("short claims: a made-up code succeeds with odds below one in a billion",
          "[protocol][claim]") {
    // The bits: 12 symbols of 5 bits, of which the MAC is what a forger
    // must guess; the server checks the key of each screen with the code's
    // tag, and new screens get a tag no other has, so one key (two when
    // screens from before tags collide) is checked per try.
    CHECK(kClaimTagBits + kClaimDayBits + kClaimSerialBits + kClaimMacBits == 12 * 5);
    CHECK(kClaimForgeryOdds * 2 < 1e-9);
    CHECK(kMaxClaimSerial >= 2000);
    // And in fact: made-up codes with a real screen's tag do not verify.
    const auto keys = derive_claim_keys("device-token-1");
    const int today = 20785;
    const ShortClaim real =
        *parse_short_claim_code(make_short_claim_code(today, 1, keys.public_key));
    int passed = 0;
    for (std::uint32_t mac = 0; mac < 200000; ++mac) {
        ShortClaim guess = real;
        guess.mac = mac * 2654435761u;
        if (guess.mac == real.mac) continue;
        passed += verify_short_claim(guess, today, keys.public_key) ? 1 : 0;
    }
    CHECK(passed == 0);
}

TEST_CASE("csv: text cells a spreadsheet would evaluate get one apostrophe, numbers none",
          "[protocol][csv]") {
    using signage::csv::plain_cell;
    using signage::csv::strip_formula_guard;
    using signage::csv::text_cell;
    const std::string fw_eq = "\xEF\xBC\x9D", fw_plus = "\xEF\xBC\x8B";
    const std::string fw_minus = "\xEF\xBC\x8D", fw_at = "\xEF\xBC\xA0";
    // {text, the cell written}
    const std::vector<std::pair<std::string, std::string>> cells = {
        {"=1+1", "'=1+1"},
        {"+1", "'+1"},
        {"-1", "'-1"},
        {"@A1", "'@A1"},
        {"\tx", "'\tx"},
        {"\rx", "\"'\rx\""},
        {fw_eq + "1", "'" + fw_eq + "1"},
        {fw_plus + "1", "'" + fw_plus + "1"},
        {fw_minus + "1", "'" + fw_minus + "1"},
        {fw_at + "1", "'" + fw_at + "1"},
        {"'=x", "''=x"},
        {"'plain'", "'plain'"},
        {"a,\"b\"", "\"a,\"\"b\"\"\""},
        {"=a,b", "\"'=a,b\""},
        {"", ""},
        {"普通", "普通"}};
    for (const auto& [text, cell] : cells) {
        INFO(text);
        CHECK(text_cell(text) == cell);
    }
    CHECK(plain_cell("-5") == "-5");
    CHECK(plain_cell("0.2500") == "0.2500");
    // Reading back removes exactly what the writer added.
    for (const std::string t : {"=1", "-5", "'=x", "''@y", "'plain'", "'", "", "普通", "a'=b"}) {
        std::string cell = text_cell(t);
        if (cell.front() == '"') cell = cell.substr(1, cell.size() - 2);
        CHECK(std::string(strip_formula_guard(cell)) == t);
    }
}

TEST_CASE("quiz: formula-like text written to CSV reads back the same", "[protocol][quiz][csv]") {
    Question q;
    q.type = QuestionType::single;
    q.question = "=cmd|' /C calc'!A0";
    q.options = {"-5", "+5", "'@x",
                 "\xEF\xBC\x9D"
                 "1"};
    q.answers = {0};
    q.explanation = "'plain'";
    q.category = "@分类";
    const std::string text = to_csv({q});
    CHECK(text.find("'=cmd") != std::string::npos);
    auto back = parse_questions_csv(text);
    INFO((back.problems.empty() ? std::string() : back.problems.front().message));
    REQUIRE(back.problems.empty());
    REQUIRE(back.questions.size() == 1);
    CHECK(back.questions[0] == q);
}
