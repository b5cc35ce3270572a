#include "slides/workflow.hpp"

#include <algorithm>

namespace signage::server {
namespace {

Error wrong_state(const SlideRecord& slide, std::string_view noun, const std::string& action,
                  const std::string& allowed) {
    return make_error(ErrorCode::conflict,
                      "cannot " + action + " a " + std::string(noun) + " that is " +
                          std::string(to_string(slide.status)) + " (only " + allowed + ")",
                      "status")
        .because(ErrorReason::wrong_status, {{"status", std::string(to_string(slide.status))}});
}

Error reason_too_long() {
    return make_error(ErrorCode::invalid, "the reason may have at most 2000 bytes", "reason")
        .because(ErrorReason::too_long, {{"max", 2000}, {"unit", "bytes"}});
}

bool only_whitespace(const std::string& s) {
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

Status apply_edit(SlideRecord& slide, const std::string& json, const User& by) {
    if (json == slide.json) return {};  // nothing changed: keep state and history
    slide.json = json;
    slide.updated_by_id = by.id;
    slide.updated_by = by.username;
    slide.updated_at = now_iso8601();
    if (std::find(slide.editor_ids.begin(), slide.editor_ids.end(), by.id) ==
        slide.editor_ids.end()) {
        slide.editor_ids.push_back(by.id);
    }
    switch (slide.status) {
        case SlideStatus::draft:
        case SlideStatus::pending:
            break;
        case SlideStatus::rejected:
        case SlideStatus::withdrawn:
            slide.status = SlideStatus::draft;
            break;
        case SlideStatus::approved:
        case SlideStatus::published:
            // Back to review; approved_json keeps the live version.
            slide.status = (slide.approved_json && *slide.approved_json == json)
                               ? slide.status
                               : SlideStatus::pending;
            break;
    }
    return {};
}

Status apply_submit(SlideRecord& slide, const User& /*by*/, std::string_view noun) {
    if (slide.status != SlideStatus::draft && slide.status != SlideStatus::rejected &&
        slide.status != SlideStatus::withdrawn) {
        return wrong_state(
            slide, noun, "submit",
            "draft, rejected or withdrawn " + std::string(noun) + "s can be submitted");
    }
    slide.status = SlideStatus::pending;
    slide.updated_at = now_iso8601();
    return {};
}

Status apply_approve(SlideRecord& slide, const User& by, std::string_view noun,
                     std::string_view revision) {
    if (slide.status != SlideStatus::pending) {
        return wrong_state(slide, noun, "approve",
                           "pending " + std::string(noun) + "s can be approved");
    }
    if (revision.empty()) {
        return make_error(
                   ErrorCode::invalid,
                   "is required: the revision of the " + std::string(noun) + " that was looked at",
                   "revision")
            .because(ErrorReason::required);
    }
    if (revision != revision_of(slide)) {
        return make_error(ErrorCode::conflict,
                          "the " + std::string(noun) + " was changed after revision " +
                              std::string(revision) + " was looked at; revision " +
                              revision_of(slide) + " waits now: look at it again",
                          "revision")
            .because(ErrorReason::stale, {{"revision", revision_of(slide)}});
    }
    const bool wrote_part = by.id == slide.author_id || by.id == slide.updated_by_id ||
                            std::find(slide.editor_ids.begin(), slide.editor_ids.end(), by.id) !=
                                slide.editor_ids.end();
    if (wrote_part) {
        return make_error(ErrorCode::forbidden,
                          "a " + std::string(noun) +
                              " must be approved by someone who wrote no part of it: " +
                              by.username + " created or changed it since it was last approved")
            .because(ErrorReason::own_work);
    }
    slide.status = SlideStatus::approved;
    slide.approved_json = slide.json;
    slide.reviewer_id = by.id;
    slide.reviewer = by.username;
    slide.reject_reason.clear();
    slide.reviewed_at = now_iso8601();
    slide.updated_at = slide.reviewed_at;
    slide.editor_ids.clear();
    return {};
}

namespace {

Status check_reason(const std::string& reason, std::string_view noun, std::string_view done) {
    if (only_whitespace(reason)) {
        return make_error(ErrorCode::invalid,
                          "say why the " + std::string(noun) + " is " + std::string(done), "reason")
            .because(ErrorReason::required);
    }
    if (reason.size() > 2000) {
        return reason_too_long();
    }
    return {};
}

// Rejected by `by` for `reason`, now.
void mark_rejected(SlideRecord& slide, const User& by, const std::string& reason) {
    slide.status = SlideStatus::rejected;
    slide.reviewer_id = by.id;
    slide.reviewer = by.username;
    slide.reject_reason = reason;
    slide.reviewed_at = now_iso8601();
    slide.updated_at = slide.reviewed_at;
}

}  // namespace

Status apply_reject(SlideRecord& slide, const User& by, const std::string& reason,
                    std::string_view noun) {
    if (auto st = check_reason(reason, noun, "rejected"); !st) return st;
    if (slide.status != SlideStatus::pending) {
        return wrong_state(slide, noun, "reject",
                           "pending " + std::string(noun) + "s can be rejected");
    }
    mark_rejected(slide, by, reason);
    return {};
}

Status apply_withdraw(SlideRecord& slide, const User& by, const std::string& reason,
                      std::string_view noun) {
    if (by.role == Role::editor && by.id != slide.author_id) {
        return make_error(
            ErrorCode::forbidden,
            "only the " + std::string(noun) + "'s author, a reviewer or an admin may withdraw it");
    }
    if (reason.size() > 2000) {
        return reason_too_long();
    }
    if (!slide.approved_json) {
        return make_error(ErrorCode::conflict,
                          "the " + std::string(noun) + " has no approved version to withdraw",
                          "status")
            .because(ErrorReason::wrong_status, {{"status", std::string(to_string(slide.status))}});
    }
    slide.approved_json.reset();
    slide.published_json.reset();  // off the screens at the publish that follows
    mark_rejected(slide, by, reason);
    slide.status = SlideStatus::withdrawn;
    return {};
}

}  // namespace signage::server
