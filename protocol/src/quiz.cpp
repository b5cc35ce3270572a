#include "protocol/quiz.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include <csv.h>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"

#include "protocol/slide.hpp"
#include "protocol/time.hpp"

namespace signage::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 8> kQuestionServerManaged = {
    "id",         "status",     "author",      "reviewer",
    "created_at", "updated_at", "approved_at", "reject_reason"};
constexpr std::string_view kJudgeRight = "对";
constexpr std::string_view kJudgeWrong = "错";

std::string join_path(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Problems with a piece of text a person wrote (the error names no field):
// nullopt when fine.
std::optional<Error> check_text(std::string_view text, std::size_t limit, bool required,
                                bool allow_newlines) {
    if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return make_error(ErrorCode::invalid, "is required").because(ErrorReason::required);
    }
    if (utf8_length(text) > limit) {
        return make_error(ErrorCode::invalid,
                          std::string("is longer than ") += std::to_string(limit) + " characters")
            .because(ErrorReason::too_long, {{"max", limit}, {"unit", "chars"}});
    }
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n' && allow_newlines) continue;
        if (c < 0x20 || c == 0x7f) {
            return make_error(ErrorCode::invalid, "contains a control character")
                .because(ErrorReason::control_char);
        }
    }
    return std::nullopt;
}

std::optional<QuestionType> type_from_name(std::string_view name) {
    if (name == "single" || name == "单选" || name == "单选题") return QuestionType::single;
    if (name == "multiple" || name == "多选" || name == "多选题") return QuestionType::multiple;
    if (name == "judge" || name == "判断" || name == "判断题") return QuestionType::judge;
    return std::nullopt;
}

// Checks a question's parts together; `field_of` maps a part ("options",
// "answers", "question", ...) to how the caller names it.
template <class FieldOf>
std::optional<Error> check_question(Question& q, const FieldOf& field_of) {
    if (auto e = check_text(q.question, QuizLimits::question_chars, true, true)) {
        return e->at(field_of("question"));
    }
    if (auto e = check_text(q.explanation, QuizLimits::explanation_chars, false, true)) {
        return e->at(field_of("explanation"));
    }
    if (auto e = check_text(q.category, QuizLimits::category_chars, false, false)) {
        return e->at(field_of("category"));
    }
    if (q.type == QuestionType::judge && q.options.empty()) {
        q.options = {std::string(kJudgeRight), std::string(kJudgeWrong)};
    }
    if (q.type == QuestionType::judge && q.options.size() != 2) {
        return make_error(ErrorCode::invalid,
                          "a judge question has exactly two options (对 and 错)",
                          field_of("options"))
            .because(ErrorReason::range, {{"min", 2}, {"max", 2}, {"unit", "options"}});
    }
    if (q.options.size() < QuizLimits::min_options || q.options.size() > QuizLimits::max_options) {
        return make_error(ErrorCode::invalid,
                          "must have " + std::to_string(QuizLimits::min_options) + " to " +
                              std::to_string(QuizLimits::max_options) + " options",
                          field_of("options"))
            .because(ErrorReason::range, {{"min", QuizLimits::min_options},
                                          {"max", QuizLimits::max_options},
                                          {"unit", "options"}});
    }
    for (std::size_t i = 0; i < q.options.size(); ++i) {
        if (auto e = check_text(q.options[i], QuizLimits::option_chars, true, false)) {
            Error named = e->at(field_of("options"));
            named.message = "option " + std::to_string(i + 1) + " " + named.message;
            return named;
        }
        for (std::size_t k = 0; k < i; ++k) {
            if (q.options[k] == q.options[i]) {
                return make_error(ErrorCode::invalid,
                                  "options " + std::to_string(k + 1) + " and " +
                                      std::to_string(i + 1) + " are the same",
                                  field_of("options"))
                    .because(ErrorReason::duplicate);
            }
        }
    }
    std::sort(q.answers.begin(), q.answers.end());
    if (q.answers.empty())
        return make_error(ErrorCode::invalid, "names no answer", field_of("answers"))
            .because(ErrorReason::no_answer);
    if (std::adjacent_find(q.answers.begin(), q.answers.end()) != q.answers.end()) {
        return make_error(ErrorCode::invalid, "names an answer twice", field_of("answers"))
            .because(ErrorReason::duplicate);
    }
    for (int a : q.answers) {
        if (a < 0 || static_cast<std::size_t>(a) >= q.options.size()) {
            return make_error(ErrorCode::invalid,
                              "answer " + std::to_string(a) + " (" +
                                  std::string(1, static_cast<char>('A' + std::clamp(a, 0, 25))) +
                                  ") is not an option (there are " +
                                  std::to_string(q.options.size()) + ")",
                              field_of("answers"))
                .because(ErrorReason::range,
                         {{"min", 1}, {"max", q.options.size()}, {"unit", "options"}});
        }
    }
    if (q.type != QuestionType::multiple && q.answers.size() != 1) {
        return make_error(ErrorCode::invalid,
                          std::string("a ") +=
                          std::string(to_string(q.type)) + " question has exactly one answer",
                          field_of("answers"))
            .because(ErrorReason::too_many, {{"max", 1}});
    }
    if (q.type == QuestionType::multiple && q.answers.size() < 2) {
        return make_error(ErrorCode::invalid,
                          "a multiple choice question has two or more answers (use single for one)",
                          field_of("answers"))
            .because(ErrorReason::too_few, {{"min", 2}});
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(QuestionType t) {
    switch (t) {
        case QuestionType::single:
            return "single";
        case QuestionType::multiple:
            return "multiple";
        case QuestionType::judge:
            return "judge";
    }
    return "single";
}

bool Question::is_right(std::vector<int> chosen) const {
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    return chosen == answers;
}

Result<Question> parse_question(const json& j, const QuestionParseOptions& opt,
                                const std::string& path) {
    if (!j.is_object()) {
        return make_error(ErrorCode::invalid, "must be a JSON object",
                          path.empty() ? "question" : path)
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    }
    Question q;
    bool have_type = false;
    for (const auto& [key, v] : j.items()) {
        const std::string field = join_path(path, key);
        if (key == "id") {
            if (v.is_string()) q.id = v.get<std::string>();
            if (v.is_number_integer()) q.id = std::to_string(v.get<long long>());
            continue;
        }
        if (std::find(kQuestionServerManaged.begin(), kQuestionServerManaged.end(), key) !=
            kQuestionServerManaged.end()) {
            continue;
        }
        if (key == "type") {
            if (!v.is_string())
                return make_error(ErrorCode::invalid, "must be a string", field)
                    .because(ErrorReason::wrong_type, {{"expected", "string"}});
            auto t = type_from_name(v.get<std::string>());
            if (!t) {
                return make_error(ErrorCode::invalid,
                                  "unknown question type \"" + v.get<std::string>() +
                                      "\" (expected single, multiple or judge)",
                                  field);
            }
            q.type = *t;
            have_type = true;
        } else if (key == "question" || key == "explanation" || key == "category") {
            if (!v.is_string())
                return make_error(ErrorCode::invalid, "must be a string", field)
                    .because(ErrorReason::wrong_type, {{"expected", "string"}});
            (key == "question"      ? q.question
             : key == "explanation" ? q.explanation
                                    : q.category) = v.get<std::string>();
        } else if (key == "options") {
            if (!v.is_array())
                return make_error(ErrorCode::invalid, "must be an array of strings", field)
                    .because(ErrorReason::wrong_type, {{"expected", "list"}});
            if (v.size() > QuizLimits::max_options) {
                return make_error(ErrorCode::invalid,
                                  "must have " + std::to_string(QuizLimits::min_options) + " to " +
                                      std::to_string(QuizLimits::max_options) + " options",
                                  field);
            }
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (!v[i].is_string()) {
                    return make_error(ErrorCode::invalid, "must be a string",
                                      field + "[" + std::to_string(i) + "]")
                        .because(ErrorReason::wrong_type, {{"expected", "string"}});
                }
                q.options.push_back(v[i].get<std::string>());
            }
        } else if (key == "answers") {
            if (!v.is_array()) {
                return make_error(ErrorCode::invalid, "must be an array of option indexes (from 0)",
                                  field)
                    .because(ErrorReason::wrong_type, {{"expected", "list"}});
            }
            if (v.size() > QuizLimits::max_options) {
                return make_error(ErrorCode::invalid, "names more answers than there are options",
                                  field);
            }
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (!v[i].is_number_integer()) {
                    return make_error(ErrorCode::invalid, "must be an option index (from 0)",
                                      field + "[" + std::to_string(i) + "]");
                }
                const auto a = v[i].get<long long>();
                if (a < 0 || a >= static_cast<long long>(QuizLimits::max_options)) {
                    return make_error(ErrorCode::invalid, "is not an option index",
                                      field + "[" + std::to_string(i) + "]");
                }
                q.answers.push_back(static_cast<int>(a));
            }
        } else if (opt.reject_unknown_fields) {
            return make_error(ErrorCode::invalid, "unknown field for a question", field)
                .because(ErrorReason::unknown_field);
        }
    }
    if (!have_type) {
        return make_error(ErrorCode::invalid, "is required (single, multiple or judge)",
                          join_path(path, "type"))
            .because(ErrorReason::required);
    }
    if (auto e = check_question(q, [&](std::string_view f) { return join_path(path, f); })) {
        return *e;
    }
    return q;
}

json to_json(const Question& q) {
    json j = {{"type", to_string(q.type)},    {"question", q.question},
              {"options", q.options},         {"answers", q.answers},
              {"explanation", q.explanation}, {"category", q.category}};
    if (!q.id.empty()) j["id"] = q.id;
    return j;
}

Result<QuizSettings> parse_quiz_settings(const json& j, const std::string& path) {
    QuizSettings s;
    if (j.is_null()) return s;
    if (!j.is_object())
        return make_error(ErrorCode::invalid, "must be an object", path)
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    const auto int_in = [&](const json& v, const std::string& field, int lo, int hi,
                            int& out) -> Status {
        if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi) {
            return make_error(ErrorCode::invalid,
                              "must be a whole number from " + std::to_string(lo) + " to " +
                                  std::to_string(hi),
                              field)
                .because(ErrorReason::range, {{"min", lo}, {"max", hi}, {"unit", ""}});
        }
        out = static_cast<int>(v.get<long long>());
        return {};
    };
    for (const auto& [key, v] : j.items()) {
        const std::string field = path + "." + key;
        Status st;
        if (key == "enabled" || key == "prizes") {
            if (!v.is_boolean())
                return make_error(ErrorCode::invalid, "must be true or false", field)
                    .because(ErrorReason::wrong_type, {{"expected", "boolean"}});
            (key == "enabled" ? s.enabled : s.prizes) = v.get<bool>();
        } else if (key == "questions_per_round") {
            st = int_in(v, field, 1, 50, s.questions_per_round);
        } else if (key == "pass_mark") {
            if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 1.0)) {
                return make_error(ErrorCode::invalid, "must be a number from 0 to 1 (0.8 is 80%)",
                                  field)
                    .because(ErrorReason::range, {{"min", 0}, {"max", 1}, {"unit", ""}});
            }
            s.pass_mark = v.get<double>();
        } else if (key == "question_time_limit_s") {
            st = int_in(v, field, 0, 600, s.question_time_limit_s);
            if (st && s.question_time_limit_s != 0 && s.question_time_limit_s < 5) {
                return make_error(ErrorCode::invalid, "must be 0 (no limit) or from 5 to 600",
                                  field)
                    .because(ErrorReason::range, {{"min", 5}, {"max", 600}, {"unit", "seconds"}});
            }
        } else if (key == "idle_timeout_s") {
            st = int_in(v, field, 5, 600, s.idle_timeout_s);
        } else if (key == "daily_prize_limit") {
            st = int_in(v, field, 0, 10000, s.daily_prize_limit);
        } else {
            return make_error(ErrorCode::invalid, "unknown quiz setting", field)
                .because(ErrorReason::unknown_field);
        }
        if (!st) return st.error();
    }
    return s;
}

json to_json(const QuizSettings& s) {
    return json{{"enabled", s.enabled},
                {"questions_per_round", s.questions_per_round},
                {"pass_mark", s.pass_mark},
                {"question_time_limit_s", s.question_time_limit_s},
                {"idle_timeout_s", s.idle_timeout_s},
                {"prizes", s.prizes},
                {"daily_prize_limit", s.daily_prize_limit}};
}

// --- CSV ------------------------------------------------------------------

namespace {

enum class Column { type, question, option, answer, explanation, category };

struct ColumnName {
    std::string_view name;
    Column column;
    int option = -1;
};

constexpr std::array<ColumnName, 22> kColumnNames = {{
    {"type", Column::type},
    {"题型", Column::type},
    {"question", Column::question},
    {"题目", Column::question},
    {"option_a", Column::option, 0},
    {"option_b", Column::option, 1},
    {"option_c", Column::option, 2},
    {"option_d", Column::option, 3},
    {"option_e", Column::option, 4},
    {"option_f", Column::option, 5},
    {"选项A", Column::option, 0},
    {"选项B", Column::option, 1},
    {"选项C", Column::option, 2},
    {"选项D", Column::option, 3},
    {"选项E", Column::option, 4},
    {"选项F", Column::option, 5},
    {"answer", Column::answer},
    {"答案", Column::answer},
    {"explanation", Column::explanation},
    {"解析", Column::explanation},
    {"category", Column::category},
    {"分类", Column::category},
}};

constexpr std::array<std::string_view, 11> kCsvHeader = {
    "type",     "question", "option_a", "option_b",    "option_c", "option_d",
    "option_e", "option_f", "answer",   "explanation", "category"};

struct CsvRecord {
    std::vector<std::string> fields;
    int line = 0;  // line the record starts on
};

// The text is fed to libcsv one physical line at a time.
struct CsvReader {
    std::vector<CsvRecord> records;
    CsvRecord current;
    int line = 1;  // the line being fed
    bool record_open = false;
};

void on_field(void* s, std::size_t len, void* data) {
    auto* r = static_cast<CsvReader*>(data);
    // libcsv may pass NULL for an empty field.
    const std::string_view text =
        s == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(s), len);
    if (!r->record_open) {
        // The field ends on the line being parsed; a quoted field may have
        // started lines before, and the record with it.
        r->current = CsvRecord{};
        r->current.line = r->line - static_cast<int>(std::count(text.begin(), text.end(), '\n'));
        r->record_open = true;
    }
    r->current.fields.emplace_back(text);
}

void on_record(int, void* data) {
    auto* r = static_cast<CsvReader*>(data);
    if (!r->record_open) return;
    r->records.push_back(std::move(r->current));
    r->record_open = false;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

// "ACD", "A,C,D", "a c d" → {0,2,3}. A judge answer may also be 对/错
// (正确/错误, true/false, T/F, √/×): the option with that meaning, which is
// the first (对) or second (错) when the row gives no options.
std::optional<std::vector<int>> parse_answer_letters(std::string_view text, QuestionType type,
                                                     const std::vector<std::string>& options) {
    const std::string t = trim(text);
    if (type == QuestionType::judge) {
        const auto is_right = [](std::string_view v) {
            return v == kJudgeRight || v == "正确" || v == "true" || v == "T" || v == "√";
        };
        const auto is_wrong = [](std::string_view v) {
            return v == kJudgeWrong || v == "错误" || v == "false" || v == "F" || v == "×";
        };
        for (const auto& meaning : {+is_right, +is_wrong}) {
            if (!meaning(t)) continue;
            if (options.empty()) return std::vector<int>{meaning == +is_right ? 0 : 1};
            for (std::size_t k = 0; k < options.size(); ++k) {
                if (meaning(options[k])) return std::vector<int>{static_cast<int>(k)};
            }
            return std::nullopt;
        }
    }
    std::vector<int> out;
    for (const char ch : t) {
        if (ch == ',' || ch == ' ' || ch == ';' || ch == '/') continue;
        if (ch >= 'A' && ch <= 'F') {
            out.push_back(ch - 'A');
        } else if (ch >= 'a' && ch <= 'f') {
            out.push_back(ch - 'a');
        } else {
            return std::nullopt;
        }
    }
    if (out.empty()) return std::nullopt;
    return out;
}

}  // namespace

CsvImport parse_questions_csv(std::string_view text) {
    CsvImport result;
    const auto problem = [&](int row, std::string column, std::string message, ErrorReason reason,
                             std::initializer_list<ErrorParam> params = {}) {
        result.problems.push_back(
            CsvProblem{row, std::move(column), std::move(message), reason, params});
    };
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (text.find('\0') != std::string_view::npos) {
        problem(0, {}, "the file contains NUL bytes; save it as UTF-8 CSV text",
                ErrorReason::format, {{"format", "csv"}});
        return result;
    }

    // Parse line by line so each record knows the line it starts on; libcsv
    // keeps quoted fields that span lines together.
    csv_parser parser{};
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        problem(0, {}, "the CSV reader could not start", ErrorReason::format, {{"format", "csv"}});
        return result;
    }
    csv_set_space_func(&parser, [](unsigned char) { return 0; });
    CsvReader reader;
    std::size_t pos = 0;
    bool parse_failed = false;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        end = end == std::string_view::npos ? text.size() : end + 1;
        const std::size_t chunk = end - pos;
        if (csv_parse(&parser, text.data() + pos, chunk, on_field, on_record, &reader) != chunk) {
            problem(reader.line, {},
                    std::string("is not valid CSV: ") + csv_strerror(csv_error(&parser)) +
                        " (a quote inside a quoted field is written twice: \"\")",
                    ErrorReason::format, {{"format", "csv"}});
            parse_failed = true;
            break;
        }
        ++reader.line;
        pos = end;
    }
    reader.line = std::max(1, reader.line - 1);  // a last record without a line end
    if (!parse_failed && csv_fini(&parser, on_field, on_record, &reader) != 0) {
        problem(reader.line, {},
                std::string("is not valid CSV: ") + csv_strerror(csv_error(&parser)) +
                    " (is a quoted field left open?)",
                ErrorReason::format, {{"format", "csv"}});
        parse_failed = true;
    }
    csv_free(&parser);
    if (parse_failed) return result;

    if (reader.records.empty()) {
        problem(1, {}, "the file is empty; the first row must name the columns",
                ErrorReason::required);
        return result;
    }

    // Header.
    const CsvRecord& header = reader.records.front();
    std::map<Column, std::size_t> single_columns;
    std::array<std::optional<std::size_t>, QuizLimits::max_options> option_columns{};
    std::vector<std::string> names;
    for (std::size_t c = 0; c < header.fields.size(); ++c) {
        const std::string name = trim(header.fields[c]);
        names.push_back(name);
        auto known = std::find_if(kColumnNames.begin(), kColumnNames.end(),
                                  [&](const ColumnName& n) { return n.name == name; });
        if (known == kColumnNames.end()) {
            if (!name.empty()) {
                problem(header.line, name,
                        "unknown column (expected type, question, option_a … option_f, answer, "
                        "explanation, category)",
                        ErrorReason::unknown_field);
            }
            continue;
        }
        const bool taken = known->column == Column::option
                               ? option_columns[static_cast<std::size_t>(known->option)].has_value()
                               : single_columns.count(known->column) > 0;
        if (taken) {
            problem(header.line, name, "this column appears twice", ErrorReason::duplicate);
            continue;
        }
        if (known->column == Column::option) {
            option_columns[static_cast<std::size_t>(known->option)] = c;
        } else {
            single_columns[known->column] = c;
        }
    }
    for (auto [col, name] :
         {std::pair{Column::type, "type"}, std::pair{Column::question, "question"},
          std::pair{Column::answer, "answer"}}) {
        if (!single_columns.count(col))
            problem(header.line, name, "required column is missing", ErrorReason::required);
    }
    if (!result.problems.empty()) return result;

    if (reader.records.size() - 1 > QuizLimits::max_questions) {
        problem(0, {},
                "has " + std::to_string(reader.records.size() - 1) + " questions; at most " +
                    std::to_string(QuizLimits::max_questions) + " can be imported at once",
                ErrorReason::too_many, {{"max", QuizLimits::max_questions}});
        return result;
    }

    // A cell's text, trimmed, with Windows line ends inside quoted cells as \n.
    const auto cell = [&](const CsvRecord& r, std::size_t c) -> std::string {
        if (c >= r.fields.size()) return {};
        // The apostrophe to_csv puts before a formula-like text goes again.
        std::string value(csv::strip_formula_guard(trim(r.fields[c])));
        for (auto at = value.find("\r\n"); at != std::string::npos; at = value.find("\r\n", at)) {
            value.erase(at, 1);
        }
        return value;
    };
    for (std::size_t i = 1; i < reader.records.size(); ++i) {
        const CsvRecord& r = reader.records[i];
        const bool blank = std::all_of(r.fields.begin(), r.fields.end(),
                                       [&](const std::string& f) { return trim(f).empty(); });
        if (blank) continue;
        if (r.fields.size() > header.fields.size()) {
            problem(r.line, {},
                    "has " + std::to_string(r.fields.size()) + " cells but the header names " +
                        std::to_string(header.fields.size()) + " columns",
                    ErrorReason::too_many, {{"max", header.fields.size()}});
            continue;
        }
        Question q;
        const std::string type_text = cell(r, single_columns[Column::type]);
        auto type = type_from_name(type_text);
        if (!type) {
            problem(r.line, names[single_columns[Column::type]],
                    type_text.empty() ? "is empty (single, multiple or judge)"
                                      : "\"" + type_text + "\" is not single, multiple or judge",
                    ErrorReason::one_of, {{"allowed", "single, multiple, judge"}});
            continue;
        }
        q.type = *type;
        q.question = cell(r, single_columns[Column::question]);
        if (single_columns.count(Column::explanation)) {
            q.explanation = cell(r, single_columns[Column::explanation]);
        }
        if (single_columns.count(Column::category)) {
            q.category = cell(r, single_columns[Column::category]);
        }
        // Options: filled cells in order; a gap before a later option is an error.
        bool gap = false;
        bool row_bad = false;
        std::string gap_column;
        for (std::size_t k = 0; k < option_columns.size() && !row_bad; ++k) {
            if (!option_columns[k]) continue;
            const std::string v = cell(r, *option_columns[k]);
            if (v.empty()) {
                if (!gap) gap_column = names[*option_columns[k]];
                gap = true;
            } else if (gap) {
                problem(r.line, gap_column, "is empty but a later option is filled",
                        ErrorReason::required);
                row_bad = true;
            } else {
                q.options.push_back(v);
            }
        }
        if (row_bad) continue;
        const std::string answer_text = cell(r, single_columns[Column::answer]);
        auto answers = parse_answer_letters(answer_text, q.type, q.options);
        if (!answers) {
            problem(r.line, names[single_columns[Column::answer]],
                    answer_text.empty()
                        ? "is empty (write the letters of the right options, "
                          "e.g. B or ACD)"
                        : "\"" + answer_text + "\" is not a list of option letters (e.g. B or ACD)",
                    ErrorReason::format, {{"format", "answer_letters"}});
            continue;
        }
        q.answers = *answers;
        const auto column_of = [&](std::string_view part) -> std::string {
            if (part == "question") return names[single_columns[Column::question]];
            if (part == "answers") return names[single_columns[Column::answer]];
            if (part == "explanation" && single_columns.count(Column::explanation)) {
                return names[single_columns[Column::explanation]];
            }
            if (part == "category" && single_columns.count(Column::category)) {
                return names[single_columns[Column::category]];
            }
            if (part == "options") {
                for (const auto& oc : option_columns) {
                    if (oc) return names[*oc];
                }
            }
            return std::string(part);
        };
        if (auto e = check_question(q, column_of)) {
            result.problems.push_back(
                CsvProblem{r.line, e->field, e->message, e->reason, e->params});
            continue;
        }
        result.questions.push_back(std::move(q));
    }
    if (result.problems.empty() && result.questions.empty()) {
        problem(2, {}, "the file has a header but no questions", ErrorReason::required);
    }
    return result;
}

std::string to_csv(const std::vector<Question>& questions) {
    std::string out;
    const auto put = [&](std::string_view field, bool last) {
        out += csv::text_cell(field);
        out += last ? "\r\n" : ",";
    };
    for (std::size_t i = 0; i < kCsvHeader.size(); ++i)
        put(kCsvHeader[i], i + 1 == kCsvHeader.size());
    for (const auto& q : questions) {
        put(to_string(q.type), false);
        put(q.question, false);
        for (std::size_t k = 0; k < QuizLimits::max_options; ++k) {
            put(k < q.options.size() ? std::string_view(q.options[k]) : std::string_view(), false);
        }
        std::string letters;
        for (int a : q.answers) letters += static_cast<char>('A' + a);
        put(letters, false);
        put(q.explanation, false);
        put(q.category, true);
    }
    return out;
}

// --- Results ----------------------------------------------------------------

Result<RoundResult> parse_round_result(const json& j, const std::string& path) {
    const std::string where = path.empty() ? std::string("round") : path;
    if (!j.is_object())
        return make_error(ErrorCode::invalid, "must be an object", where)
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    RoundResult r;
    const auto field = [&](std::string_view k) { return join_path(path, k); };
    auto id = j.find("id");
    if (id == j.end() || !id->is_string())
        return make_error(ErrorCode::invalid, "is required", field("id"))
            .because(ErrorReason::required);
    r.id = id->get<std::string>();
    if (r.id.size() < 8 || r.id.size() > 64 || !std::all_of(r.id.begin(), r.id.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        })) {
        return make_error(ErrorCode::invalid,
                          "must be 8 to 64 characters of A-Z, a-z, 0-9, - and _", field("id"));
    }
    auto at = j.find("finished_at");
    if (at == j.end() || !at->is_string() || !parse_iso8601(at->get<std::string>())) {
        return make_error(ErrorCode::invalid, "must be an ISO 8601 time", field("finished_at"));
    }
    r.finished_at = at->get<std::string>();
    auto answers = j.find("answers");
    if (answers == j.end() || !answers->is_array() || answers->empty() || answers->size() > 50) {
        return make_error(ErrorCode::invalid, "must be a list of 1 to 50 answers",
                          field("answers"));
    }
    for (std::size_t i = 0; i < answers->size(); ++i) {
        const auto& a = (*answers)[i];
        const std::string p = field("answers") + "[" + std::to_string(i) + "]";
        if (!a.is_object())
            return make_error(ErrorCode::invalid, "must be an object", p)
                .because(ErrorReason::wrong_type, {{"expected", "object"}});
        auto q = a.find("question");
        if (q == a.end() || !q->is_string() || q->get<std::string>().empty() ||
            q->get<std::string>().size() > 64) {
            return make_error(ErrorCode::invalid, "must be a question id", p + ".question");
        }
        auto c = a.find("correct");
        if (c == a.end() || !c->is_boolean()) {
            return make_error(ErrorCode::invalid, "must be true or false", p + ".correct")
                .because(ErrorReason::wrong_type, {{"expected", "boolean"}});
        }
        r.answers.push_back(AnswerOutcome{q->get<std::string>(), c->get<bool>()});
    }
    r.total = static_cast<int>(r.answers.size());
    r.score = static_cast<int>(std::count_if(r.answers.begin(), r.answers.end(),
                                             [](const AnswerOutcome& a) { return a.correct; }));
    auto score = j.find("score");
    if (score != j.end() && (!score->is_number_integer() || score->get<long long>() != r.score)) {
        return make_error(ErrorCode::invalid, "does not match the answers", field("score"));
    }
    auto total = j.find("total");
    if (total != j.end() && (!total->is_number_integer() || total->get<long long>() != r.total)) {
        return make_error(ErrorCode::invalid, "does not match the answers", field("total"));
    }
    auto passed = j.find("passed");
    if (passed != j.end()) {
        if (!passed->is_boolean())
            return make_error(ErrorCode::invalid, "must be true or false", field("passed"))
                .because(ErrorReason::wrong_type, {{"expected", "boolean"}});
        r.passed = passed->get<bool>();
    }
    return r;
}

json to_json(const RoundResult& r) {
    json answers = json::array();
    for (const auto& a : r.answers)
        answers.push_back({{"question", a.question}, {"correct", a.correct}});
    return json{{"id", r.id},       {"finished_at", r.finished_at}, {"score", r.score},
                {"total", r.total}, {"passed", r.passed},           {"answers", answers}};
}

}  // namespace signage::protocol
