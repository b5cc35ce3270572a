#include "slides/review_records.hpp"

#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {

ReviewRecords::ReviewRecords(Store& store, Repository repository, std::string noun)
    : store_(store), repository_(repository), noun_(std::move(noun)) {}

Error ReviewRecords::not_found(std::int64_t id, const std::string& field) const {
    return make_error(ErrorCode::not_found, "no " + noun_ + " " + std::to_string(id), field);
}

Result<SlideRecord> ReviewRecords::create(const std::string& json, std::int64_t author_id) {
    return store_.write([&](Tx& tx) -> Result<SlideRecord> {
        if (save_check_) {
            if (auto st = save_check_(tx, json); !st) return st.error();
        }
        SlideRecord s = repository_(tx).create(json, author_id, now_iso8601());
        tx.audit().record(author_id, "create", noun_, std::to_string(s.id), "",
                          review_audit_json(s));
        return s;
    });
}

Result<std::vector<std::int64_t>> ReviewRecords::import(const std::vector<std::string>& jsons,
                                                        std::int64_t author_id) {
    return store_.write([&](Tx& tx) -> Result<std::vector<std::int64_t>> {
        const std::string now = now_iso8601();
        std::vector<std::int64_t> ids;
        for (const std::string& json : jsons) {
            if (save_check_) {
                if (auto st = save_check_(tx, json); !st) return st.error();
            }
            const SlideRecord s = repository_(tx).create(json, author_id, now);
            ids.push_back(s.id);
            tx.audit().record(author_id, "import", noun_, std::to_string(s.id), "",
                              review_audit_json(s));
        }
        return ids;
    });
}

Result<SlideRecord> ReviewRecords::get(std::int64_t id) {
    return store_.read([&](Tx& tx) -> Result<SlideRecord> {
        auto found = repository_(tx).find(id);
        if (!found) return not_found(id);
        return std::move(*found);
    });
}

Result<std::vector<SlideRecord>> ReviewRecords::list() {
    return store_.read(
        [&](Tx& tx) -> Result<std::vector<SlideRecord>> { return repository_(tx).list(); });
}

Result<std::vector<SlideRecord>> ReviewRecords::update(
    const std::vector<std::int64_t>& ids, const std::function<Status(SlideRecord&)>& change,
    bool batch, std::int64_t actor, const std::string& action) {
    return update_in(
        ids, [&change](Tx&, SlideRecord& s) { return change(s); }, batch, actor, action);
}

Result<std::vector<SlideRecord>> ReviewRecords::update_in(
    const std::vector<std::int64_t>& ids, const std::function<Status(Tx&, SlideRecord&)>& change,
    bool batch, std::int64_t actor, const std::string& action) {
    return store_.write([&](Tx& tx) -> Result<std::vector<SlideRecord>> {
        ReviewRepository& records = repository_(tx);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::int64_t id = ids[i];
            const std::string field = batch ? "ids[" + std::to_string(i) + "]" : std::string();
            auto found = records.find(id);
            if (!found) return not_found(id, field);
            SlideRecord& s = *found;
            const std::string before = review_audit_json(s);
            const std::string found_json = s.json;
            if (auto st = change(tx, s); !st) {
                // The transaction rolls back; in a batch the error names the
                // item, and the item's revision when that is what is wrong.
                if (!batch) return st.error();
                Error e =
                    st.error().at(st.error().field == "revision" ? field + ".revision" : field);
                e.message = noun_ + " " + std::to_string(id) + ": " + e.message;
                return e;
            }
            if (save_check_ && s.json != found_json) {
                if (auto st = save_check_(tx, s.json); !st) return st.error();
            }
            records.save(s);
            const std::string after = review_audit_json(s);
            if (after != before) {
                tx.audit().record(actor, action, noun_, std::to_string(id), before, after);
            }
        }
        std::vector<SlideRecord> out;
        for (const std::int64_t id : ids) out.push_back(records.find(id).value_or(SlideRecord{}));
        return out;
    });
}

Result<SlideRecord> ReviewRecords::update_one(std::int64_t id,
                                              const std::function<Status(SlideRecord&)>& change,
                                              std::int64_t actor, const std::string& action) {
    auto updated = update({id}, change, false, actor, action);
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Result<SlideRecord> ReviewRecords::update_one_in(
    std::int64_t id, const std::function<Status(Tx&, SlideRecord&)>& change, std::int64_t actor,
    const std::string& action) {
    auto updated = update_in({id}, change, false, actor, action);
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Status ReviewRecords::remove(std::int64_t id, std::int64_t actor) {
    return store_.write([&](Tx& tx) -> Status {
        auto found = repository_(tx).find(id);
        if (!found || !repository_(tx).remove(id)) return not_found(id);
        tx.audit().record(actor, "delete", noun_, std::to_string(id), review_audit_json(*found),
                          "");
        return {};
    });
}

}  // namespace signage::server
