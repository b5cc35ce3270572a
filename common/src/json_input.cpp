#include "common/json_input.hpp"

namespace signage {

bool json_depth_within(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped character, whatever it is
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return true;
}

Status check_json_depth(std::string_view text, const std::string& field) {
    if (json_depth_within(text)) return {};
    return make_error(ErrorCode::invalid,
                      std::string("nests deeper than ")
                          .append(std::to_string(kMaxJsonDepth))
                          .append(" levels"),
                      field)
        .because(ErrorReason::too_deep, {{"max", kMaxJsonDepth}});
}

Result<nlohmann::json> parse_json_input(std::string_view text, const std::string& field) {
    if (auto depth = check_json_depth(text, field); !depth) return depth.error();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        return make_error(ErrorCode::invalid,
                          std::string("is not valid JSON (at byte ")
                              .append(std::to_string(offset))
                              .append(")"),
                          field)
            .because(ErrorReason::json, {{"offset", offset}});
    } catch (const nlohmann::json::exception&) {
        return make_error(ErrorCode::invalid, "is not usable JSON", field)
            .because(ErrorReason::json, {{"offset", 0}});
    }
}

nlohmann::json read_json(std::string_view text) {
    if (!json_depth_within(text)) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, false);
}

Status only_fields(const nlohmann::json& body, std::initializer_list<const char*> allowed) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        bool known = false;
        for (const char* a : allowed) known = known || it.key() == a;
        if (!known) {
            return make_error(ErrorCode::invalid, "unknown field", it.key())
                .because(ErrorReason::unknown_field);
        }
    }
    return {};
}

}  // namespace signage
