#pragma once
// Slides and quiz questions go through the same review, so they are kept the
// same way: ReviewRecords runs a record's changes in one transaction of the
// store and writes each to the audit log. SlideService and QuizService each
// hold one, over their own repository.

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

class ReviewRecords {
  public:
    using Repository = ReviewRepository& (*)(Tx&);
    // `noun`: "slide" or "question", in messages and as the audit object type.
    ReviewRecords(Store& store, Repository repository, std::string noun);

    Result<SlideRecord> create(const std::string& json, std::int64_t author_id);
    // Adds drafts by one author in one transaction ("import" in the audit
    // log); their ids in order.
    Result<std::vector<std::int64_t>> import(const std::vector<std::string>& jsons,
                                             std::int64_t author_id);
    Result<SlideRecord> get(std::int64_t id);  // "not_found"
    Result<std::vector<SlideRecord>> list();   // in id order
    // Reads each record, lets `change` edit it and writes it back, in one
    // transaction: the first unknown id or failing change aborts them all. In
    // a `batch` the error names "ids[i]". `actor` and `action` ("edit",
    // "submit", ...) go to the audit log.
    Result<std::vector<SlideRecord>> update(const std::vector<std::int64_t>& ids,
                                            const std::function<Status(SlideRecord&)>& change,
                                            bool batch, std::int64_t actor,
                                            const std::string& action);
    // update() of one record.
    Result<SlideRecord> update_one(std::int64_t id,
                                   const std::function<Status(SlideRecord&)>& change,
                                   std::int64_t actor, const std::string& action);
    // update_one() whose `change` also reads the transaction (a check of what
    // the record refers to).
    Result<SlideRecord> update_one_in(std::int64_t id,
                                      const std::function<Status(Tx&, SlideRecord&)>& change,
                                      std::int64_t actor, const std::string& action);
    Status remove(std::int64_t id, std::int64_t actor);  // "not_found"

    // Runs inside the transaction before a record's JSON is stored (create,
    // import, update); an error aborts the transaction.
    using SaveCheck = Status (*)(Tx&, const std::string& json);
    void set_save_check(SaveCheck check) { save_check_ = check; }

  private:
    Result<std::vector<SlideRecord>> update_in(
        const std::vector<std::int64_t>& ids,
        const std::function<Status(Tx&, SlideRecord&)>& change, bool batch, std::int64_t actor,
        const std::string& action);
    Error not_found(std::int64_t id, const std::string& field = {}) const;
    Store& store_;
    Repository repository_;
    std::string noun_;
    SaveCheck save_check_ = nullptr;
};

}  // namespace signage::server
