#include "units/unit_tree.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "store/repositories.hpp"

namespace signage::server {
namespace {

std::optional<double> own_floor(const Unit& unit) {
    const auto settings = signage::read_json(unit.settings_json);
    if (!settings.is_object()) return std::nullopt;
    const auto it = settings.find("min_public_share");
    if (it == settings.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

}  // namespace

UnitTree::UnitTree(std::vector<Unit> units, std::int64_t version)
    : units_(std::move(units)), version_(version) {
    std::sort(units_.begin(), units_.end(),
              [](const Unit& a, const Unit& b) { return a.id < b.id; });
    for (std::size_t i = 0; i < units_.size(); ++i) {
        index_.emplace(units_[i].id, i);
        if (units_[i].parent) children_[*units_[i].parent].push_back(units_[i].id);
    }
}

const Unit* UnitTree::find(std::int64_t id) const {
    const auto it = index_.find(id);
    return it == index_.end() ? nullptr : &units_[it->second];
}

std::string UnitTree::name(std::int64_t id) const {
    const Unit* u = find(id);
    return u ? u->name : std::string{};
}

bool UnitTree::within(std::int64_t unit, std::int64_t ancestor) const {
    const Unit* u = find(unit);
    const Unit* a = find(ancestor);
    return u && a && u->path.compare(0, a->path.size(), a->path) == 0;
}

std::vector<std::int64_t> UnitTree::chain(std::int64_t unit) const {
    std::vector<std::int64_t> out;
    for (const Unit* u = find(unit); u; u = u->parent ? find(*u->parent) : nullptr) {
        out.push_back(u->id);
        if (out.size() > units_.size()) break;  // a cycle cannot be, but never loop
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<std::int64_t> UnitTree::subtree(std::int64_t unit) const {
    std::vector<std::int64_t> out;
    if (!find(unit)) return out;
    out.push_back(unit);
    for (std::size_t i = 0; i < out.size() && out.size() <= units_.size(); ++i) {
        const auto it = children_.find(out[i]);
        if (it != children_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
}

std::vector<std::int64_t> UnitTree::children(std::int64_t unit) const {
    const auto it = children_.find(unit);
    return it == children_.end() ? std::vector<std::int64_t>{} : it->second;
}

int UnitTree::depth(std::int64_t unit) const {
    return std::max(0, static_cast<int>(chain(unit).size()) - 1);
}

UnitFilter UnitTree::below(std::int64_t unit) const {
    const Unit* u = find(unit);
    if (!u) return UnitFilter{"/none/", {}};  // matches no unit
    if (!u->parent) return UnitFilter{};      // the top: every unit
    return UnitFilter{u->path, {}};
}

UnitFilter UnitTree::below_and_above(std::int64_t unit) const {
    UnitFilter f = below(unit);
    if (f.subtree_path.empty()) return f;
    for (const std::int64_t id : chain(unit)) {
        if (id != unit) f.also.push_back(id);
    }
    return f;
}

std::optional<double> UnitTree::share_floor(std::int64_t unit) const {
    const Unit* by = find(share_floor_unit(unit));
    return by ? own_floor(*by) : std::nullopt;
}

std::int64_t UnitTree::share_floor_unit(std::int64_t unit) const {
    std::optional<double> floor;
    std::int64_t by = 0;
    for (const std::int64_t id : chain(unit)) {
        const auto own = own_floor(*find(id));
        if (own && (!floor || *own > *floor)) {
            floor = own;
            by = id;
        }
    }
    return by;
}

std::shared_ptr<const UnitTree> UnitTreeCache::get(UnitRepository& units) {
    const std::int64_t version = units.version();
    {
        std::lock_guard lock(mutex_);
        if (tree_ && tree_->version() == version) return tree_;
    }
    auto fresh = std::make_shared<const UnitTree>(units.list(), version);
    std::lock_guard lock(mutex_);
    tree_ = fresh;
    return fresh;
}

Reach reach_of(const UnitTree& tree, const User& user, std::int64_t unit) {
    if (tree.within(unit, user.unit_id)) return Reach::own;
    if (tree.within(user.unit_id, unit)) return Reach::above;
    return Reach::none;
}

Status require_own(const UnitTree& tree, const User& user, std::int64_t unit,
                   const std::string& missing, const std::string& field) {
    if (tree.within(unit, user.unit_id)) return {};
    return make_error(ErrorCode::not_found, missing, field);
}

UnitFilter own_filter(const UnitTree& tree, const User& user) {
    return tree.below(user.unit_id);
}

}  // namespace signage::server
