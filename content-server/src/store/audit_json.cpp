#include "store/audit_json.hpp"
#include "common/json_input.hpp"

#include <nlohmann/json.hpp>

namespace signage::server {

std::string dump_audit(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string user_audit_json(const User& u) {
    return nlohmann::json{{"username", u.username},
                          {"role", to_string(u.role)},
                          {"disabled", u.disabled},
                          {"unit", u.unit_id}}
        .dump();
}

std::string review_audit_json(const SlideRecord& s) {
    auto parse = [](const std::string& text) {
        auto j = signage::read_json(text);
        return j.is_discarded() ? nlohmann::json(text) : j;
    };
    nlohmann::json j{{"status", to_string(s.status)},
                     {"revision", revision_of(s)},
                     {"content", parse(s.json)},
                     {"approved", s.approved_json ? parse(*s.approved_json) : nullptr}};
    if (!s.reject_reason.empty()) j["reject_reason"] = s.reject_reason;
    return dump_audit(j);
}

}  // namespace signage::server
