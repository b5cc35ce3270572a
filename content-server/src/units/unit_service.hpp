#pragma once
// Units as staff manage them (GET/POST /api/v1/units, GET/PUT/DELETE
// /api/v1/units/{id}). Every service scopes by the tree its transaction
// gives (Tx::unit_tree, units/unit_tree.hpp).
//
// Admins create, rename and delete units within their subtree; a unit's
// settings ({"min_public_share"}) are a floor for every group below it. A
// unit is deleted only when it holds nothing ("conflict", reason not_empty).
//
// Threading: any thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "store/records.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {

class Store;

class UnitService {
  public:
    explicit UnitService(Store& store);

    // The tree as of now, in a transaction of its own.
    Result<std::shared_ptr<const UnitTree>> tree();

    // GET /api/v1/units: the caller's subtree and the units above it.
    Result<nlohmann::json> list(const User& by);
    Result<nlohmann::json> get(std::int64_t id, const User& by);
    // POST /api/v1/units: {"name", "parent", "settings"?}.
    Result<nlohmann::json> create(const nlohmann::json& body, const User& by);
    // PUT /api/v1/units/{id}: {"name"?, "settings"?}.
    Result<nlohmann::json> update(std::int64_t id, const nlohmann::json& body, const User& by);
    Status remove(std::int64_t id, const User& by);

  private:
    Store& store_;
};

// The unit a request names in `field` (an integer id) within the caller's
// subtree, or the caller's own unit when `value` is null. "unprocessable"
// (reason unknown_unit) otherwise.
Result<std::int64_t> own_unit_of(const UnitTree& tree, const User& by, const nlohmann::json& value,
                                 const std::string& field);
// The same for a body's "unit" (absent: the caller's), read in a
// transaction of its own.
Result<std::int64_t> body_unit(Store& store, const User& by, const nlohmann::json& body);
// The unit a query's `unit` parameter names within the caller's subtree
// ("not_found" otherwise), or the caller's own when it is absent.
Result<std::int64_t> query_unit(Store& store, const User& by,
                                const std::optional<std::string>& text);

// A unit as the API shows it to `by`: id, name, parent, depth, settings,
// share_floor (the floor its groups get from it and the units above; null:
// none), scope ("own": the caller's role applies; "above").
nlohmann::json unit_view(const UnitTree& tree, const Unit& unit, const User& by);

}  // namespace signage::server
