// Screen groups' rotation orders in SQL (schema 10: group_orders).
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {
namespace {

const char* const order_columns =
    "SELECT g.id, g.name, o.proposed, o.status, o.proposed_by, p.username, o.proposed_at, "
    "o.reviewer_id, r.username, o.reject_reason, o.reviewed_at, o.approved, o.approved_by, "
    "a.username, o.approved_at, o.proposed_hidden, o.approved_hidden FROM group_orders o JOIN "
    "groups g ON g.id = o.group_id "
    "LEFT JOIN users p ON p.id = o.proposed_by LEFT JOIN users r ON r.id = o.reviewer_id "
    "LEFT JOIN users a ON a.id = o.approved_by ";

std::optional<std::int64_t> optional_id(const Column& c) {
    if (c.is_null()) return std::nullopt;
    return c.int64();
}

GroupOrder read_order_row(Statement& q) {
    GroupOrder o;
    o.group_id = q.column(0).int64();
    o.group = q.column(1).text();
    const std::string status = q.column(3).text();
    if (!q.column(2).is_null() && status != "none") {
        o.proposed = json_list<std::int64_t>(q.column(2).text());
        o.status = status == "rejected" ? OrderStatus::rejected : OrderStatus::pending;
    }
    o.proposed_by_id = optional_id(q.column(4)).value_or(0);
    o.proposed_by = q.column(5).text();
    o.proposed_at = q.column(6).text();
    o.reviewer_id = optional_id(q.column(7));
    o.reviewer = q.column(8).text();
    o.reject_reason = q.column(9).text();
    o.reviewed_at = q.column(10).text();
    if (!q.column(11).is_null()) o.approved = json_list<std::int64_t>(q.column(11).text());
    o.approved_by_id = optional_id(q.column(12));
    o.approved_by = q.column(13).text();
    o.approved_at = q.column(14).text();
    if (o.status != OrderStatus::none)
        o.proposed_hidden = json_list<std::int64_t>(q.column(15).text());
    o.approved_hidden = json_list<std::int64_t>(q.column(16).text());
    return o;
}

void bind_id(Statement& q, int index, std::optional<std::int64_t> id) {
    if (id && *id != 0) {
        q.bind(index, *id);
    } else {
        q.bind(index);
    }
}

}  // namespace

GroupOrder Orders::find(std::int64_t group_id) {
    Statement q(db_, std::string(order_columns).append("WHERE o.group_id = ?"));
    q.bind(1, group_id);
    if (q.step()) return read_order_row(q);
    GroupOrder none;
    none.group_id = group_id;
    return none;
}

std::vector<GroupOrder> Orders::list() {
    Statement q(db_, std::string(order_columns).append("ORDER BY g.name"));
    std::vector<GroupOrder> out;
    while (q.step()) out.push_back(read_order_row(q));
    return out;
}

void Orders::save(const GroupOrder& o) {
    Statement q(db_,
                "INSERT INTO group_orders(group_id, proposed, status, proposed_by, "
                "proposed_at, reviewer_id, reject_reason, reviewed_at, approved, "
                "approved_by, approved_at, proposed_hidden, approved_hidden) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(group_id) DO UPDATE SET proposed = excluded.proposed, "
                "status = excluded.status, proposed_by = excluded.proposed_by, "
                "proposed_at = excluded.proposed_at, reviewer_id = excluded.reviewer_id, "
                "reject_reason = excluded.reject_reason, "
                "reviewed_at = excluded.reviewed_at, approved = excluded.approved, "
                "approved_by = excluded.approved_by, approved_at = excluded.approved_at, "
                "proposed_hidden = excluded.proposed_hidden, "
                "approved_hidden = excluded.approved_hidden");
    q.bind(1, o.group_id);
    if (o.status == OrderStatus::none) {
        q.bind(2);
    } else {
        q.bind(2, list_json(o.proposed));
    }
    q.bind(3, std::string(to_string(o.status)));
    bind_id(q, 4, o.proposed_by_id);
    q.bind(5, o.proposed_at);
    bind_id(q, 6, o.reviewer_id);
    q.bind(7, o.reject_reason);
    q.bind(8, o.reviewed_at);
    if (o.approved) {
        q.bind(9, list_json(*o.approved));
    } else {
        q.bind(9);
    }
    bind_id(q, 10, o.approved_by_id);
    q.bind(11, o.approved_at);
    q.bind(12, list_json(o.status == OrderStatus::none ? std::vector<std::int64_t>{}
                                                       : o.proposed_hidden));
    q.bind(13, list_json(o.approved_hidden));
    q.exec();
}

}  // namespace signage::server::sql
