#include "checks/content_checks.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/text.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

constexpr const char* forbidden_words_key = "forbidden_words";
constexpr std::size_t max_forbidden_words = 1000;
constexpr std::size_t max_forbidden_word_bytes = 200;

// Fields whose strings are not text people read: types, media hashes, times,
// colours, group names.
bool checks_skip_key(const std::string& key) {
    static const char* const skipped[] = {"type",       "media",       "photo",      "fit",
                                          "valid_from", "valid_until", "background", "groups",
                                          "kind",       "start",       "end",        "weekdays"};
    return std::any_of(std::begin(skipped), std::end(skipped),
                       [&](const char* k) { return key == k; });
}

void collect_text_fields(const nlohmann::json& j, const std::string& path,
                         std::vector<std::pair<std::string, std::string>>& out) {
    if (j.is_string()) {
        out.emplace_back(path, j.get<std::string>());
    } else if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (checks_skip_key(it.key())) continue;
            collect_text_fields(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            std::string item(path);
            item += '[';
            item += std::to_string(i);
            item += ']';
            collect_text_fields(j[i], item, out);
        }
    }
}

// ICU transliterators are not safe for concurrent use: one, behind a mutex.
class TraditionalFinder {
  public:
    // The traditional characters of `text` with their simplified forms
    // ("這→这 個→个"); empty when there are none or ICU lacks the transform.
    std::string find(const std::string& text) {
        std::lock_guard lock(mutex_);
        if (!ready_) {
            ready_ = true;
            UErrorCode status = U_ZERO_ERROR;
            t_.reset(icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD,
                                                         status));
            if (U_FAILURE(status)) t_.reset();
        }
        if (!t_) return {};
        icu::UnicodeString whole = icu::UnicodeString::fromUTF8(text);
        icu::UnicodeString simplified = whole;
        t_->transliterate(simplified);
        if (simplified == whole) return {};
        std::string found;
        for (int32_t i = 0; i < whole.length();) {
            const UChar32 c = whole.char32At(i);
            const int32_t n = U16_LENGTH(c);
            icu::UnicodeString one(c);
            icu::UnicodeString converted = one;
            t_->transliterate(converted);
            if (converted != one) {
                std::string from;
                std::string to;
                one.toUTF8String(from);
                converted.toUTF8String(to);
                if (found.find(from) == std::string::npos) {
                    if (!found.empty()) found += ' ';
                    found += from;
                    found += "→";
                    found += to;
                }
            }
            i += n;
        }
        return found.empty() ? std::string("some characters") : found;
    }

  private:
    std::mutex mutex_;
    bool ready_ = false;
    std::unique_ptr<icu::Transliterator> t_;
};

TraditionalFinder& traditional_finder() {
    static TraditionalFinder finder;
    return finder;
}

}  // namespace

Result<std::vector<CheckWarning>> check_for_submit(
    const std::string& json, const std::vector<std::string>& forbidden_words) {
    const auto j = signage::read_json(json);
    if (!j.is_object()) return std::vector<CheckWarning>{};

    if (j.value("type", std::string()) == "red_black") {
        for (const char* list : {"red", "black"}) {
            const auto it = j.find(list);
            if (it == j.end() || !it->is_array()) continue;
            for (std::size_t i = 0; i < it->size(); ++i) {
                const auto& e = (*it)[i];
                const auto until = e.is_object() ? e.find("valid_until") : e.end();
                if (!e.is_object() || until == e.end() || !until->is_string() ||
                    until->get_ref<const std::string&>().empty()) {
                    std::string field(list);
                    field += '[';
                    field += std::to_string(i);
                    field += "].valid_until";
                    return make_error(ErrorCode::unprocessable,
                                      "a red/black entry needs an end date (valid_until): entries "
                                      "are published for a limited period",
                                      field)
                        .because(ErrorReason::required);
                }
            }
        }
    }

    std::vector<std::pair<std::string, std::string>> fields;
    collect_text_fields(j, "", fields);
    std::vector<std::string> lowered;
    lowered.reserve(forbidden_words.size());
    for (const auto& w : forbidden_words) lowered.push_back(ascii_lower(w));
    for (const auto& [field, text] : fields) {
        const std::string lower = ascii_lower(text);
        for (std::size_t w = 0; w < lowered.size(); ++w) {
            if (!lowered[w].empty() && lower.find(lowered[w]) != std::string::npos) {
                return make_error(ErrorCode::unprocessable,
                                  std::string("contains the forbidden word \"") +=
                                  forbidden_words[w] + "\"",
                                  field)
                    .because(ErrorReason::forbidden_word, {{"word", forbidden_words[w]}});
            }
        }
    }

    std::vector<CheckWarning> warnings;
    for (const auto& [field, text] : fields) {
        const std::string found = traditional_finder().find(text);
        if (!found.empty()) {
            warnings.push_back({field,
                                std::string("contains traditional Chinese characters (") +=
                                found + "): screens show simplified Chinese",
                                "traditional", found});
        }
    }
    return warnings;
}

Result<std::vector<std::string>> load_forbidden_words(Store& store) {
    auto text = store.read([](Tx& tx) -> Result<std::optional<std::string>> {
        return tx.settings().get(forbidden_words_key);
    });
    if (!text) return text.error();
    std::vector<std::string> words;
    if (!*text) return words;
    const auto j = signage::read_json(**text);
    if (j.is_array()) {
        for (const auto& w : j) {
            if (w.is_string()) words.push_back(w.get<std::string>());
        }
    }
    return words;
}

Result<std::vector<std::string>> save_forbidden_words(Store& store, const nlohmann::json& body,
                                                      std::int64_t actor) {
    const auto it = body.find("words");
    if (it == body.end() || !it->is_array()) {
        return make_error(ErrorCode::invalid, "is required: a list of words", "words")
            .because(ErrorReason::required);
    }
    if (auto st = only_fields(body, {"words"}); !st) return st.error();
    if (it->size() > max_forbidden_words) {
        return make_error(ErrorCode::invalid, "may hold at most 1000 words", "words")
            .because(ErrorReason::too_many, {{"max", 1000}});
    }
    std::vector<std::string> words;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& w = (*it)[i];
        std::string field("words[");
        field += std::to_string(i);
        field += ']';
        if (!w.is_string())
            return make_error(ErrorCode::invalid, "must be a string", field)
                .because(ErrorReason::wrong_type, {{"expected", "string"}});
        std::string word = w.get<std::string>();
        const auto first = word.find_first_not_of(" \t\r\n");
        const auto last = word.find_last_not_of(" \t\r\n");
        if (first == std::string::npos)
            return make_error(ErrorCode::invalid, "must not be blank", field)
                .because(ErrorReason::required);
        word = word.substr(first, last - first + 1);
        if (word.size() > max_forbidden_word_bytes) {
            return make_error(ErrorCode::invalid, "may have at most 200 bytes", field)
                .because(ErrorReason::too_long, {{"max", 200}, {"unit", "bytes"}});
        }
        if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(word);
    }
    const std::string json = nlohmann::json(words).dump();
    if (auto st = store.write([&](Tx& tx) -> Status {
            const std::string before = tx.settings().get(forbidden_words_key).value_or("");
            tx.settings().put(forbidden_words_key, json);
            tx.audit().record(actor, "update", "setting", forbidden_words_key, before, json);
            return {};
        });
        !st) {
        return st.error();
    }
    return words;
}

nlohmann::json warnings_json(const std::vector<CheckWarning>& warnings) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& w : warnings) {
        nlohmann::json j{{"field", w.field}, {"message", w.message}, {"code", w.code}};
        if (!w.chars.empty()) j["chars"] = w.chars;
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace signage::server
