// Question banks in CSV from staff: never crashes, every problem names its row
// and says why, and a bank that imports survives export and import unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/quiz.hpp"

using namespace signage::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const CsvImport first = parse_questions_csv(text);
    for (const auto& p : first.problems) {
        if (p.message.empty() || p.row < 0) std::abort();
    }
    if (!first.problems.empty()) return 0;
    if (first.questions.empty()) std::abort();  // nothing imported must be a problem
    for (const auto& q : first.questions) {
        if (!q.is_right(q.answers)) std::abort();
        // What the CSV accepted, the JSON form accepts too.
        auto from_json = parse_question(to_json(q));
        if (!from_json || !(*from_json == q)) std::abort();
    }
    const CsvImport again = parse_questions_csv(to_csv(first.questions));
    if (!again.problems.empty() || again.questions != first.questions) std::abort();
    return 0;
}
