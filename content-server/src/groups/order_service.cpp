#include "groups/order_service.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/sha256.hpp"
#include "groups/group_service.hpp"
#include "protocol/slide.hpp"
#include "publish/publisher.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {
namespace {

// One of a group's slides as its order shows it: the approved version.
struct OrderSlide {
    std::int64_t id = 0;
    protocol::Slide slide;
    SlideStatus status = SlideStatus::approved;
    std::int64_t unit_id = root_unit_id;
    bool from_above = false;  // of a unit above the group's
};

// The group's slides (see the header), in id order: those of its unit's
// subtree as approved, and those that come down from the units above as
// they are on screens.
std::vector<OrderSlide> group_slides(Tx& tx, const Group& group) {
    protocol::SlideParseOptions lenient;
    lenient.reject_unknown_fields = false;
    const auto tree = tx.unit_tree();
    UnitFilter units = tree->below(-1);  // no subtree: the units above it, and its own
    units.also = tree->chain(group.unit_id);
    std::vector<OrderSlide> out;
    for (const SlideRecord& record : tx.slides().list(units)) {
        const bool above = record.unit_id != group.unit_id;
        const auto& version = above ? record.published_json : record.approved_json;
        if (!version) continue;
        auto parsed = protocol::parse_slide(signage::read_json(*version), lenient);
        if (!parsed || !parsed->in_rotation()) continue;
        if (!goes_to(*parsed, record.unit_id, group, *tree)) continue;
        out.push_back({record.id, std::move(*parsed), record.status, record.unit_id, above});
    }
    return out;
}

nlohmann::json order_id_texts(const std::vector<std::int64_t>& ids) {
    nlohmann::json out = nlohmann::json::array();
    for (const std::int64_t id : ids) out.push_back(std::to_string(id));
    return out;
}

// What a reviewer looks at, named by its content.
std::string order_revision(const std::vector<std::int64_t>& ids) {
    return sha256_hex(order_id_texts(ids).dump()).substr(0, 12);
}

nlohmann::json order_view(const GroupOrder& order, const std::vector<OrderSlide>& slides) {
    std::vector<OrderEntry> entries;
    for (const OrderSlide& s : slides) {
        entries.push_back({s.id, s.slide.type == protocol::SlideType::core_values});
    }
    nlohmann::json list = nlohmann::json::array();
    const auto& hidden = order.approved_hidden;
    for (const std::size_t i :
         rotation_order(entries, order.approved ? *order.approved : std::vector<std::int64_t>{})) {
        const OrderSlide& s = slides[i];
        list.push_back({{"id", std::to_string(s.id)},
                        {"unit", s.unit_id},
                        {"from_above", s.from_above},
                        {"required", s.from_above && s.slide.required},
                        {"hidden", !s.slide.required && std::find(hidden.begin(), hidden.end(),
                                                                  s.id) != hidden.end()},
                        {"title", s.slide.title},
                        {"type", protocol::to_json(s.slide).at("type")},
                        {"purpose", s.slide.purpose},
                        {"public_service", s.slide.public_service},
                        {"priority", s.slide.priority},
                        {"duration_s", s.slide.duration_s},
                        {"status", to_string(s.status)}});
    }
    nlohmann::json proposed = nullptr;
    if (order.status != OrderStatus::none) {
        proposed = {{"slides", order_id_texts(order.proposed)},
                    {"hidden", order_id_texts(order.proposed_hidden)},
                    {"by", order.proposed_by},
                    {"at", order.proposed_at},
                    {"status", to_string(order.status)},
                    {"revision", order_revision(order.proposed)},
                    {"reason", order.reject_reason},
                    {"reviewer", order.reviewer}};
    }
    nlohmann::json approved = nullptr;
    if (order.approved) {
        approved = {{"slides", order_id_texts(*order.approved)},
                    {"hidden", order_id_texts(order.approved_hidden)},
                    {"by", order.approved_by},
                    {"at", order.approved_at}};
    }
    return {{"group", order.group},
            {"slides", std::move(list)},
            {"proposed", std::move(proposed)},
            {"approved", std::move(approved)}};
}

// What the audit log keeps of an order.
std::string order_audit(const GroupOrder& order) {
    return dump_audit(
        {{"proposed", order.status == OrderStatus::none ? nlohmann::json(nullptr)
                                                        : order_id_texts(order.proposed)},
         {"status", to_string(order.status)},
         {"approved", order.approved ? order_id_texts(*order.approved) : nlohmann::json(nullptr)},
         {"hidden", order_id_texts(order.approved_hidden)},
         {"proposed_hidden", order_id_texts(order.proposed_hidden)}});
}

// A slide id as the API gives it ("12"), or a whole number.
std::optional<std::int64_t> slide_id_of(const nlohmann::json& j) {
    if (j.is_number_unsigned()) return j.get<std::int64_t>();
    if (!j.is_string()) return std::nullopt;
    const std::string& text = j.get_ref<const std::string&>();
    if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(text);
}

// The body's slide ids, each one of the group's slides and none twice.
Result<std::vector<std::int64_t>> read_proposed_ids(const nlohmann::json& body,
                                                    const std::vector<OrderSlide>& slides,
                                                    const std::string& group) {
    for (const auto& [key, value] : body.items()) {
        if (key != "slides" && key != "hidden")
            return make_error(ErrorCode::invalid, "unknown field", key)
                .because(ErrorReason::unknown_field);
    }
    auto list = body.find("slides");
    if (list == body.end() || !list->is_array()) {
        return make_error(ErrorCode::invalid, "is required (a list of slide ids)", "slides")
            .because(ErrorReason::required);
    }
    if (list->size() > max_order_slides) {
        return make_error(ErrorCode::invalid,
                          std::string("an order lists at most ")
                              .append(std::to_string(max_order_slides))
                              .append(" slides"),
                          "slides")
            .because(ErrorReason::too_many, {{"max", max_order_slides}});
    }
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string field = std::string("slides[").append(std::to_string(i)).append("]");
        const auto id = slide_id_of((*list)[i]);
        if (!id) {
            return make_error(ErrorCode::invalid, "is not a slide id", field)
                .because(ErrorReason::wrong_type, {{"expected", "integer"}});
        }
        const bool in_group = std::any_of(slides.begin(), slides.end(),
                                          [&](const OrderSlide& s) { return s.id == *id; });
        if (!in_group) {
            return make_error(ErrorCode::invalid,
                              std::string("slide ")
                                  .append(std::to_string(*id))
                                  .append(" is not an approved slide in the rotation of group ")
                                  .append(group),
                              field)
                .because(ErrorReason::unknown_slide, {{"id", *id}});
        }
        if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
            return make_error(ErrorCode::invalid, "is listed twice", field)
                .because(ErrorReason::duplicate);
        }
        ids.push_back(*id);
    }
    return ids;
}

// The body's "hidden": slides from the units above the group's that its
// unit takes off its screens; none of them required from above.
Result<std::vector<std::int64_t>> read_hidden_ids(const nlohmann::json& body,
                                                  const std::vector<OrderSlide>& slides,
                                                  const UnitTree& tree) {
    std::vector<std::int64_t> ids;
    auto list = body.find("hidden");
    if (list == body.end() || list->is_null()) return ids;
    if (!list->is_array()) {
        return make_error(ErrorCode::invalid, "is a list of slide ids", "hidden")
            .because(ErrorReason::wrong_type, {{"expected", "list"}});
    }
    if (list->size() > max_order_slides) {
        return make_error(ErrorCode::invalid, "lists too many slides", "hidden")
            .because(ErrorReason::too_many, {{"max", max_order_slides}});
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string field = std::string("hidden[").append(std::to_string(i)).append("]");
        const auto id = slide_id_of((*list)[i]);
        if (!id) {
            return make_error(ErrorCode::invalid, "is not a slide id", field)
                .because(ErrorReason::wrong_type, {{"expected", "integer"}});
        }
        const auto s = std::find_if(slides.begin(), slides.end(),
                                    [&](const OrderSlide& o) { return o.id == *id; });
        if (s == slides.end() || !s->from_above) {
            return make_error(ErrorCode::invalid,
                              "slide " + std::to_string(*id) +
                                  " does not come to this group from a unit above",
                              field)
                .because(ErrorReason::unknown_slide, {{"id", *id}});
        }
        if (s->slide.required) {
            const std::string unit = tree.name(s->unit_id);
            return make_error(ErrorCode::unprocessable,
                              "slide " + std::to_string(*id) + " is required by " + unit +
                                  ": a unit below cannot take it off its screens",
                              field)
                .because(ErrorReason::required_above, {{"unit", unit}});
        }
        if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
            return make_error(ErrorCode::invalid, "is listed twice", field)
                .because(ErrorReason::duplicate);
        }
        ids.push_back(*id);
    }
    return ids;
}

Result<std::string> reason_in(const nlohmann::json& body) {
    for (const auto& [key, value] : body.items()) {
        if (key != "reason")
            return make_error(ErrorCode::invalid, "unknown field", key)
                .because(ErrorReason::unknown_field);
    }
    auto reason = body.find("reason");
    if (reason == body.end() || !reason->is_string() ||
        reason->get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos) {
        return make_error(ErrorCode::invalid, "say why the order is rejected", "reason")
            .because(ErrorReason::required);
    }
    if (reason->get_ref<const std::string&>().size() > 2000) {
        return make_error(ErrorCode::invalid, "the reason may have at most 2000 bytes", "reason")
            .because(ErrorReason::too_long, {{"max", 2000}, {"unit", "bytes"}});
    }
    return reason->get<std::string>();
}

Result<std::string> revision_in(const nlohmann::json& body) {
    for (const auto& [key, value] : body.items()) {
        if (key != "revision")
            return make_error(ErrorCode::invalid, "unknown field", key)
                .because(ErrorReason::unknown_field);
    }
    auto r = body.find("revision");
    if (r == body.end()) return std::string();
    if (!r->is_string() || r->get_ref<const std::string&>().empty() ||
        r->get_ref<const std::string&>().size() > 64) {
        return make_error(ErrorCode::invalid, "is the order's revision as the server gave it",
                          "revision");
    }
    return r->get<std::string>();
}

Status pending_order(const GroupOrder& order, const std::string& group) {
    if (order.status != OrderStatus::pending) {
        return make_error(
                   ErrorCode::conflict,
                   std::string("no order of group ").append(group).append(" waits for review"),
                   "status")
            .because(ErrorReason::wrong_status, {{"status", "none"}});
    }
    return {};
}

// The proposal reviewed by `by` now: approved (status none) or rejected.
void mark_reviewed(GroupOrder& order, const User& by, OrderStatus status,
                   const std::string& reason) {
    order.status = status;
    order.reviewer_id = by.id;
    order.reviewer = by.username;
    order.reject_reason = reason;
    order.reviewed_at = now_iso8601();
}

// Runs `change` on the group's order in one transaction, audits it as
// `action` and answers with the order's view.
template <typename Change>
Result<nlohmann::json> change_order(Store& store, const std::string& group, const User& by,
                                    const char* action, Change&& change) {
    return store.write([&](Tx& tx) -> Result<nlohmann::json> {
        auto g = find_own(tx, group, by);
        if (!g) return g.error();
        GroupOrder order = tx.orders().find(g->id);
        order.group = g->name;
        const std::string before = order_audit(order);
        const std::vector<OrderSlide> slides = group_slides(tx, *g);
        if (auto st = change(order, slides, *tx.unit_tree()); !st) return st.error();
        tx.orders().save(order);
        tx.audit().record(by.id, action, "group_order", g->name, before, order_audit(order),
                          g->unit_id);
        spdlog::info("group {}: order {} by {}", g->name, action, by.username);
        return order_view(order, slides);
    });
}

}  // namespace

OrderService::OrderService(Store& store) : store_(store) {}

Result<nlohmann::json> OrderService::get(const std::string& group, const User& by) {
    return store_.read([&](Tx& tx) -> Result<nlohmann::json> {
        auto g = find_own(tx, group, by);
        if (!g) return g.error();
        GroupOrder order = tx.orders().find(g->id);
        order.group = g->name;
        return order_view(order, group_slides(tx, *g));
    });
}

Result<nlohmann::json> OrderService::propose(const std::string& group, const nlohmann::json& body,
                                             const User& by) {
    return change_order(store_, group, by, "propose",
                        [&](GroupOrder& order, const std::vector<OrderSlide>& slides,
                            const UnitTree& tree) -> Status {
                            auto ids = read_proposed_ids(body, slides, order.group);
                            if (!ids) return ids.error();
                            auto hidden = read_hidden_ids(body, slides, tree);
                            if (!hidden) return hidden.error();
                            order.proposed = std::move(*ids);
                            order.proposed_hidden = std::move(*hidden);
                            order.status = OrderStatus::pending;
                            order.proposed_by_id = by.id;
                            order.proposed_by = by.username;
                            order.proposed_at = now_iso8601();
                            order.reviewer_id.reset();
                            order.reviewer.clear();
                            order.reject_reason.clear();
                            order.reviewed_at.clear();
                            return {};
                        });
}

Result<nlohmann::json> OrderService::approve(const std::string& group, const nlohmann::json& body,
                                             const User& by) {
    return change_order(
        store_, group, by, "approve",
        [&](GroupOrder& order, const std::vector<OrderSlide>&, const UnitTree&) -> Status {
            auto revision = revision_in(body);
            if (!revision) return revision.error();
            if (auto st = pending_order(order, group); !st) return st;
            const std::string waiting = order_revision(order.proposed);
            if (!revision->empty() && *revision != waiting) {
                return make_error(ErrorCode::conflict,
                                  "the order was changed after revision " + *revision +
                                      " was looked at; revision " + waiting +
                                      " waits now: look at it again",
                                  "revision")
                    .because(ErrorReason::stale, {{"revision", waiting}});
            }
            if (by.id == order.proposed_by_id) {
                return make_error(ErrorCode::forbidden,
                                  "an order must be approved by someone other than the person "
                                  "who proposed it")
                    .because(ErrorReason::own_work);
            }
            order.approved = std::move(order.proposed);
            order.approved_hidden = std::move(order.proposed_hidden);
            order.proposed_hidden.clear();
            order.approved_by_id = by.id;
            order.approved_by = by.username;
            order.approved_at = now_iso8601();
            order.proposed.clear();
            mark_reviewed(order, by, OrderStatus::none, {});
            return {};
        });
}

Result<nlohmann::json> OrderService::reject(const std::string& group, const nlohmann::json& body,
                                            const User& by) {
    return change_order(
        store_, group, by, "reject",
        [&](GroupOrder& order, const std::vector<OrderSlide>&, const UnitTree&) -> Status {
            auto reason = reason_in(body);
            if (!reason) return reason.error();
            if (auto st = pending_order(order, group); !st) return st;
            mark_reviewed(order, by, OrderStatus::rejected, *reason);
            return {};
        });
}

}  // namespace signage::server
