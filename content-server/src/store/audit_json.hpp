#pragma once
// How the services describe what they change in the audit log
// (AuditRepository::record's `before` and `after`): JSON text.

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "store/records.hpp"

namespace signage::server {

// `j` as compact JSON; invalid UTF-8 is replaced, never thrown.
std::string dump_audit(const nlohmann::json& j);
// {"username","role","disabled"}
std::string user_audit_json(const User& user);
// A review record (slide or question): {"status","content","approved"[,"reject_reason"]}.
std::string review_audit_json(const SlideRecord& record);

}  // namespace signage::server
