#include "slides/review_records.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {

bool comes_down_to(const UnitTree& tree, const SlideRecord& record, std::int64_t unit) {
    if (!record.published_json) return false;
    const auto j = signage::read_json(*record.published_json);
    const auto targets = j.is_object() ? j.find("units") : j.end();
    if (!j.is_object() || targets == j.end() || !targets->is_array() || targets->empty()) {
        return true;
    }
    return std::any_of(targets->begin(), targets->end(), [&](const nlohmann::json& t) {
        if (!t.is_number_integer()) return false;
        const auto id = t.get<std::int64_t>();
        return tree.within(unit, id) || tree.within(id, unit);
    });
}

bool visible_to(const UnitTree& tree, const User& by, const SlideRecord& record) {
    switch (reach_of(tree, by, record.unit_id)) {
        case Reach::own:
            return true;
        case Reach::above:
            return comes_down_to(tree, record, by.unit_id);
        case Reach::none:
            break;
    }
    return false;
}

ReviewRecords::ReviewRecords(Store& store, Repository repository, std::string noun)
    : store_(store), repository_(repository), noun_(std::move(noun)) {}

Error ReviewRecords::not_found(std::int64_t id, const std::string& field) const {
    return make_error(ErrorCode::not_found, "no " + noun_ + " " + std::to_string(id), field);
}

Result<SlideRecord> ReviewRecords::find_own(Tx& tx, std::int64_t id, const User& by,
                                            const std::string& field) const {
    auto found = repository_(tx).find(id);
    const auto tree = tx.unit_tree();
    if (!found || !visible_to(*tree, by, *found)) return not_found(id, field);
    if (reach_of(*tree, by, found->unit_id) != Reach::own) {
        return make_error(ErrorCode::forbidden,
                          "the " + noun_ + " comes from " + tree->name(found->unit_id) +
                              ", a unit above yours: only that unit changes it",
                          field);
    }
    return std::move(*found);
}

Result<SlideRecord> ReviewRecords::create(const std::string& json, const User& author,
                                          std::int64_t unit) {
    const std::int64_t author_id = author.id;
    return store_.write([&](Tx& tx) -> Result<SlideRecord> {
        if (save_check_) {
            if (auto st = save_check_(tx, json); !st) return st.error();
        }
        SlideRecord s = repository_(tx).create(json, author_id, now_iso8601(), unit);
        tx.audit().record(author_id, "create", noun_, std::to_string(s.id), "",
                          review_audit_json(s), unit);
        return s;
    });
}

Result<std::vector<std::int64_t>> ReviewRecords::import(const std::vector<std::string>& jsons,
                                                        const User& author, std::int64_t unit) {
    const std::int64_t author_id = author.id;
    return store_.write([&](Tx& tx) -> Result<std::vector<std::int64_t>> {
        const std::string now = now_iso8601();
        std::vector<std::int64_t> ids;
        for (const std::string& json : jsons) {
            if (save_check_) {
                if (auto st = save_check_(tx, json); !st) return st.error();
            }
            const SlideRecord s = repository_(tx).create(json, author_id, now, unit);
            ids.push_back(s.id);
            tx.audit().record(author_id, "import", noun_, std::to_string(s.id), "",
                              review_audit_json(s), unit);
        }
        return ids;
    });
}

Result<SlideRecord> ReviewRecords::get(std::int64_t id, const User& by) {
    return store_.read([&](Tx& tx) -> Result<SlideRecord> {
        auto found = repository_(tx).find(id);
        if (!found || !visible_to(*tx.unit_tree(), by, *found)) return not_found(id);
        return std::move(*found);
    });
}

Result<std::vector<SlideRecord>> ReviewRecords::list(const User& by, std::int64_t unit) {
    return store_.read([&](Tx& tx) -> Result<std::vector<SlideRecord>> {
        const auto tree = tx.unit_tree();
        if (!tree->within(unit, by.unit_id)) {
            return make_error(ErrorCode::not_found, "no unit " + std::to_string(unit), "unit");
        }
        std::vector<SlideRecord> out = repository_(tx).list(tree->below(unit));
        UnitFilter above = tree->below(-1);  // none of a subtree
        for (const std::int64_t id : tree->chain(unit)) {
            if (id != unit) above.also.push_back(id);
        }
        if (!above.also.empty()) {
            for (SlideRecord& r : repository_(tx).list(above)) {
                if (comes_down_to(*tree, r, unit)) out.push_back(std::move(r));
            }
            std::sort(out.begin(), out.end(),
                      [](const SlideRecord& a, const SlideRecord& b) { return a.id < b.id; });
        }
        return out;
    });
}

Result<std::vector<SlideRecord>> ReviewRecords::update(
    const std::vector<std::int64_t>& ids, const std::function<Status(SlideRecord&)>& change,
    bool batch, const User& actor, const std::string& action) {
    return update_in(
        ids, [&change](Tx&, SlideRecord& s) { return change(s); }, batch, actor, action);
}

Result<std::vector<SlideRecord>> ReviewRecords::update_in(
    const std::vector<std::int64_t>& ids, const std::function<Status(Tx&, SlideRecord&)>& change,
    bool batch, const User& actor, const std::string& action) {
    return store_.write([&](Tx& tx) -> Result<std::vector<SlideRecord>> {
        ReviewRepository& records = repository_(tx);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::int64_t id = ids[i];
            const std::string field = batch ? "ids[" + std::to_string(i) + "]" : std::string();
            auto found = find_own(tx, id, actor, field);
            if (!found) return found.error();
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
                tx.audit().record(actor.id, action, noun_, std::to_string(id), before, after,
                                  s.unit_id);
            }
        }
        std::vector<SlideRecord> out;
        for (const std::int64_t id : ids) out.push_back(records.find(id).value_or(SlideRecord{}));
        return out;
    });
}

Result<SlideRecord> ReviewRecords::update_one(std::int64_t id,
                                              const std::function<Status(SlideRecord&)>& change,
                                              const User& actor, const std::string& action) {
    auto updated = update({id}, change, false, actor, action);
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Result<SlideRecord> ReviewRecords::update_one_in(
    std::int64_t id, const std::function<Status(Tx&, SlideRecord&)>& change, const User& actor,
    const std::string& action) {
    auto updated = update_in({id}, change, false, actor, action);
    if (!updated) return updated.error();
    return std::move(updated->front());
}

Status ReviewRecords::remove(std::int64_t id, const User& actor) {
    return store_.write([&](Tx& tx) -> Status {
        auto found = find_own(tx, id, actor);
        if (!found) return found.error();
        if (!repository_(tx).remove(id)) return not_found(id);
        tx.audit().record(actor.id, "delete", noun_, std::to_string(id), review_audit_json(*found),
                          "", found->unit_id);
        return {};
    });
}

}  // namespace signage::server
