#pragma once
// The unit tree as one immutable snapshot, and the scope rules every service
// asks it: a staff member's role holds in their unit and every unit below
// it (their subtree); content of the units above flows down to them, read
// only; everything else does not exist for them (404, so ids reveal
// nothing).
//
// Threading: a UnitTree never changes; share it freely.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class UnitTree {
  public:
    UnitTree(std::vector<Unit> units, std::int64_t version);

    std::int64_t version() const { return version_; }
    const std::vector<Unit>& units() const { return units_; }  // by id
    const Unit* find(std::int64_t id) const;
    std::string name(std::int64_t id) const;  // "" when unknown

    // `unit` is `ancestor` or below it.
    bool within(std::int64_t unit, std::int64_t ancestor) const;
    // The units from the top down to `unit`, `unit` last.
    std::vector<std::int64_t> chain(std::int64_t unit) const;
    // `unit` and every unit below it, parents before children.
    std::vector<std::int64_t> subtree(std::int64_t unit) const;
    std::vector<std::int64_t> children(std::int64_t unit) const;
    int depth(std::int64_t unit) const;  // the top unit is 0

    // Records of `unit`'s subtree.
    UnitFilter below(std::int64_t unit) const;
    // Records of `unit`'s subtree and of the units above it.
    UnitFilter below_and_above(std::int64_t unit) const;

    // The share of public-service airtime no group in `unit` may go below:
    // the highest min_public_share a unit from the top down to it sets;
    // nullopt when none sets one.
    std::optional<double> share_floor(std::int64_t unit) const;
    // Who sets that floor (the highest unit with the highest value); 0: none.
    std::int64_t share_floor_unit(std::int64_t unit) const;

  private:
    std::vector<Unit> units_;
    std::unordered_map<std::int64_t, std::size_t> index_;
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> children_;
    std::int64_t version_ = 0;
};

class UnitRepository;

// The tree as last read, for every transaction of a store: kept while the
// database's unit version (UnitRepository::version, one indexed read) stands,
// so a change by another instance or the command line shows at once.
class UnitTreeCache {
  public:
    std::shared_ptr<const UnitTree> get(UnitRepository& units);

  private:
    std::mutex mutex_;
    std::shared_ptr<const UnitTree> tree_;
};

// How a staff member stands to a unit's records.
enum class Reach {
    none,   // outside: it does not exist for them
    above,  // a unit above theirs: its content flows down to them, read only
    own,    // their unit or one below it: their role applies
};
Reach reach_of(const UnitTree& tree, const User& user, std::int64_t unit);

// OK when `unit` is in the user's subtree; else "not_found" with `missing`
// (the message of a record that does not exist, "no slide 12"), naming
// `field` when given.
Status require_own(const UnitTree& tree, const User& user, std::int64_t unit,
                   const std::string& missing, const std::string& field = {});

// The user's subtree's records (no filter for a user at the top).
UnitFilter own_filter(const UnitTree& tree, const User& user);

}  // namespace signage::server
