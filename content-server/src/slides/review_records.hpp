#pragma once
// Slides and quiz questions go through the same review, so they are kept the
// same way: ReviewRecords runs a record's changes in one transaction of the
// store and writes each to the audit log. SlideService and QuizService each
// hold one, over their own repository.
//
// Records belong to units (units/unit_tree.hpp), and this is where the
// rules of units hold for both: a staff member reads and changes the
// records of their subtree; records of the units above that are on screens
// and go to their unit they read only (a change is "forbidden": they come
// from above); every other record does not exist for them ("not_found").

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;
class Tx;
class ReviewRepository;
class UnitTree;

// Whether a record of a unit above `unit` comes down to it: it is on
// screens, and the units it goes to (its `units`; none: all below its own)
// hold `unit`, a unit above it or one below it.
bool comes_down_to(const UnitTree& tree, const SlideRecord& record, std::int64_t unit);
// Whether the record exists for `by`: their subtree's, or coming down to them.
bool visible_to(const UnitTree& tree, const User& by, const SlideRecord& record);

class ReviewRecords {
  public:
    using Repository = ReviewRepository& (*)(Tx&);
    // `noun`: "slide" or "question", in messages and as the audit object type.
    ReviewRecords(Store& store, Repository repository, std::string noun);

    // A draft of `unit` (in the author's subtree: checked by the caller).
    Result<SlideRecord> create(const std::string& json, const User& author, std::int64_t unit);
    // Adds drafts by one author in one transaction ("import" in the audit
    // log); their ids in order.
    Result<std::vector<std::int64_t>> import(const std::vector<std::string>& jsons,
                                             const User& author, std::int64_t unit);
    Result<SlideRecord> get(std::int64_t id, const User& by);  // "not_found"
    // What `by` sees of `unit` (in their subtree): its subtree's records and
    // those that come down to it from above, in id order.
    Result<std::vector<SlideRecord>> list(const User& by, std::int64_t unit);
    // Reads each record, lets `change` edit it and writes it back, in one
    // transaction: the first unknown id or failing change aborts them all. In
    // a `batch` the error names "ids[i]". `actor` and `action` ("edit",
    // "submit", ...) go to the audit log.
    Result<std::vector<SlideRecord>> update(const std::vector<std::int64_t>& ids,
                                            const std::function<Status(SlideRecord&)>& change,
                                            bool batch, const User& actor,
                                            const std::string& action);
    // update() of one record.
    Result<SlideRecord> update_one(std::int64_t id,
                                   const std::function<Status(SlideRecord&)>& change,
                                   const User& actor, const std::string& action);
    // update_one() whose `change` also reads the transaction (a check of what
    // the record refers to).
    Result<SlideRecord> update_one_in(std::int64_t id,
                                      const std::function<Status(Tx&, SlideRecord&)>& change,
                                      const User& actor, const std::string& action);
    Status remove(std::int64_t id, const User& actor);  // "not_found"

    // Runs inside the transaction before a record's JSON is stored (create,
    // import, update); an error aborts the transaction.
    using SaveCheck = Status (*)(Tx&, const std::string& json);
    void set_save_check(SaveCheck check) { save_check_ = check; }

  private:
    Result<std::vector<SlideRecord>> update_in(
        const std::vector<std::int64_t>& ids,
        const std::function<Status(Tx&, SlideRecord&)>& change, bool batch, const User& actor,
        const std::string& action);
    // The record for a change by `by`: not_found or forbidden as above.
    Result<SlideRecord> find_own(Tx& tx, std::int64_t id, const User& by,
                                 const std::string& field = {}) const;
    Error not_found(std::int64_t id, const std::string& field = {}) const;
    Store& store_;
    Repository repository_;
    std::string noun_;
    SaveCheck save_check_ = nullptr;
};

}  // namespace signage::server
