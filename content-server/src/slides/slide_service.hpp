#pragma once
// Slides as staff see them: validation of slide JSON (protocol::parse_slide,
// unknown fields rejected, media references — image, background, honour-roll
// photos — must name uploaded media, targeted groups must exist) and the
// review workflow (slides/workflow.hpp), persisted in the store.
//
// Errors name the offending field: "invalid" (400) for bad fields,
// "unprocessable" (422) for a media reference to nothing or a group that does
// not exist ("groups[1]"), "not_found",
// "conflict" (wrong state), "forbidden" (approving one's own slide).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "slides/review_records.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;
struct CheckWarning;

class SlideService {
  public:
    explicit SlideService(Store& store);

    Result<SlideRecord> create(const nlohmann::json& body, const User& by);
    Result<SlideRecord> update(std::int64_t id, const nlohmann::json& body, const User& by);
    // A new draft by `by` with the slide's working copy, titled by copy_title.
    Result<SlideRecord> duplicate(std::int64_t id, const User& by);
    Status remove(std::int64_t id, const User& by);
    // Runs the submit checks (checks/content_checks.hpp); their warnings go
    // to `warnings` when given.
    Result<SlideRecord> submit(std::int64_t id, const User& by,
                               std::vector<CheckWarning>* warnings = nullptr);
    // `revision`: the one the reviewer looked at (revision_of); required.
    Result<SlideRecord> approve(std::int64_t id, const User& by, const std::string& revision);
    Result<SlideRecord> reject(std::int64_t id, const User& by, const std::string& reason);
    Result<SlideRecord> withdraw(std::int64_t id, const User& by, const std::string& reason);
    Result<SlideRecord> get(std::int64_t id, const User& by);
    // What `by` sees of `unit` (their own when 0): review_records.hpp.
    Result<std::vector<SlideRecord>> list(const User& by, std::int64_t unit = 0);

    // Validates a slide body of `unit` and returns its normalised JSON text:
    // the groups and units it targets, and the media it uses, must be ones
    // the unit has (else as if they did not exist).
    Result<std::string> validate(const nlohmann::json& body, std::int64_t unit = root_unit_id);

    // The forbidden words the submit checks look for (checks/content_checks.hpp),
    // and replacing them (admins; validated, normalised, audited).
    Result<std::vector<std::string>> forbidden_words();
    Result<std::vector<std::string>> set_forbidden_words(const nlohmann::json& body,
                                                         std::int64_t actor);

  private:
    Store& store_;
    ReviewRecords records_;
};

// The slide as the API shows it: its own fields plus id, status, author,
// reviewer, reject_reason and timestamps.
// Quiz questions are shown the same way (a QuestionRecord is a SlideRecord).
nlohmann::json slide_view(const SlideRecord& slide);

// A copy's title: the original's with "（副本）" appended, the original cut
// (at a character) so the whole stays within the title limit.
std::string copy_title(const std::string& title);

// Removes the fields slide_view() adds from a body a client sent back.
void erase_review_fields(nlohmann::json& body);

}  // namespace signage::server
