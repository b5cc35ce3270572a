#include <charconv>

#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/account_service.hpp"
#include "auth/authenticator.hpp"
#include "auth/password.hpp"
#include "checks/content_checks.hpp"
#include "common/json_input.hpp"
#include "http/responses.hpp"
#include "slides/slide_service.hpp"
#include "units/unit_service.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr int kMaxAuditPage = 500;

nlohmann::json account_view(const User& u) {
    return {{"username", u.username},
            {"role", to_string(u.role)},
            {"unit", u.unit_id},
            {"disabled", u.disabled},
            {"created_at", u.created_at}};
}

Status check_username(const nlohmann::json& j) {
    if (!j.is_string() || j.get_ref<const std::string&>().empty()) {
        return make_error(ErrorCode::invalid, "is required (a string)", "username")
            .because(ErrorReason::required);
    }
    const auto& name = j.get_ref<const std::string&>();
    if (name.size() > 64)
        return make_error(ErrorCode::invalid, "may have at most 64 bytes", "username")
            .because(ErrorReason::too_long, {{"max", 64}, {"unit", "bytes"}});
    for (const unsigned char c : name) {
        if (c <= 0x20 || c == 0x7f || c == '/') {
            return make_error(ErrorCode::invalid,
                              "may not contain spaces, control characters or '/'", "username")
                .because(ErrorReason::format, {{"format", "user_name"}});
        }
    }
    return {};
}

Result<Role> read_role(const nlohmann::json& j) {
    if (!j.is_string())
        return make_error(ErrorCode::invalid, "must be admin, editor or reviewer", "role")
            .because(ErrorReason::one_of, {{"allowed", "admin, editor, reviewer"}});
    auto role = parse_role(j.get_ref<const std::string&>());
    if (!role) {
        return make_error(ErrorCode::invalid, "must be admin, editor or reviewer", "role")
            .because(ErrorReason::one_of, {{"allowed", "admin, editor, reviewer"}});
    }
    return *role;
}

// A query parameter as a positive integer; `fallback` when absent.
Result<std::int64_t> audit_number(const Request& req, const std::string& name,
                                  std::int64_t fallback) {
    const auto text = req.query_param(name);
    if (!text) return fallback;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || p != text->data() + text->size() || v <= 0) {
        return make_error(ErrorCode::invalid, "must be a positive whole number", name)
            .because(ErrorReason::wrong_type, {{"expected", "integer"}});
    }
    return v;
}

nlohmann::json audit_json_or_null(const std::string& text) {
    if (text.empty()) return nullptr;
    auto j = signage::read_json(text);
    return j.is_discarded() ? nlohmann::json(text) : j;
}

}  // namespace

void add_account_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    api.add(Method::get, "/api/v1/users", {.access = Access::admin()},
            [&s](Call& c) -> Result<Response> {
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                auto users = s.accounts.list_users(c.user(), *unit);
                if (!users) return users.error();
                nlohmann::json list = nlohmann::json::array();
                for (const auto& u : *users) list.push_back(account_view(u));
                if (auto st = add_origins(s, c.user(), list, *unit); !st) return st.error();
                return http::json_response(200, {{"users", std::move(list)}});
            });

    api.add(Method::post, "/api/v1/users", {.access = Access::admin(), .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                const auto& j = c.body;
                if (auto st = only_fields(j, {"username", "role", "password", "unit"}); !st)
                    return st.error();
                auto unit = body_unit(s.store, c.user(), j);
                if (!unit) return unit.error();
                if (auto st = check_username(j.value("username", nlohmann::json())); !st) {
                    return st.error();
                }
                auto role = read_role(j.value("role", nlohmann::json()));
                if (!role) return role.error();
                const auto password = j.value("password", nlohmann::json());
                if (!password.is_string())
                    return make_error(ErrorCode::invalid, "is required (a string)", "password")
                        .because(ErrorReason::required);
                const auto& pw = password.get_ref<const std::string&>();
                if (auto st = check_password_policy(pw); !st) return st.error();
                auto hash = hash_password(pw);
                if (!hash) return hash.error();
                auto added = s.accounts.add_user(j["username"].get<std::string>(), *hash, *role,
                                                 c.user().id, *unit);
                if (!added) return added.error();
                return http::json_response(201, account_view(*added));
            });

    api.add(Method::put, "/api/v1/users/{name}",
            {.access = Access::admin(), .path_name = "user", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                const auto& j = c.body;
                // A user as GET shows it may come back: its read-only fields are ignored.
                if (auto st = only_fields(j, {"username", "role", "disabled", "created_at", "unit",
                                              "unit_name", "origin"});
                    !st) {
                    return st.error();
                }
                if (j.contains("username") && j["username"] != c.req.params.at(0)) {
                    return make_error(ErrorCode::invalid, "a user cannot be renamed", "username");
                }
                std::optional<Role> role;
                if (j.contains("role")) {
                    auto r = read_role(j["role"]);
                    if (!r) return r.error();
                    role = *r;
                }
                std::optional<bool> disabled;
                if (j.contains("disabled")) {
                    if (!j["disabled"].is_boolean()) {
                        return make_error(ErrorCode::invalid, "must be true or false", "disabled")
                            .because(ErrorReason::wrong_type, {{"expected", "boolean"}});
                    }
                    disabled = j["disabled"].get<bool>();
                }
                const nlohmann::json unit = j.contains("unit") ? j["unit"] : nlohmann::json();
                if (!role && !disabled && unit.is_null()) {
                    return make_error(ErrorCode::invalid, "give a role, disabled or unit to change",
                                      "role");
                }
                auto updated =
                    s.accounts.update_user(c.req.params.at(0), role, disabled, c.user(), unit);
                if (!updated) return updated.error();
                return http::json_response(200, account_view(*updated));
            });

    api.add(
        Method::get, "/api/v1/audit", {.access = Access::roles({Role::reviewer})},
        [&s](Call& c) -> Result<Response> {
            const Request& req = c.req;
            auto limit = audit_number(req, "limit", 50);
            if (!limit) return limit.error();
            if (*limit > kMaxAuditPage) {
                return make_error(ErrorCode::invalid, "may be at most 500", "limit");
            }
            auto before = audit_number(req, "before_id", 0);
            if (!before) return before.error();
            AuditQuery query;
            query.limit = static_cast<int>(*limit);
            query.before_id = *before;
            query.object_type = req.query_param("object_type").value_or("");
            query.object_id = req.query_param("object_id").value_or("");
            auto unit = unit_param(s, req, c.user());
            if (!unit) return unit.error();
            auto tree = s.units.tree();
            if (!tree) return tree.error();
            query.units = (*tree)->below(*unit);
            auto entries = s.accounts.audit(query);
            if (!entries) return entries.error();
            nlohmann::json list = nlohmann::json::array();
            for (const auto& e : *entries) {
                list.push_back(
                    {{"id", std::to_string(e.id)},
                     {"at", e.at},
                     {"actor", e.actor.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.actor)},
                     {"action", e.action},
                     {"object_type", e.object_type},
                     {"object_id",
                      e.object_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.object_id)},
                     {"unit", e.unit_id},
                     {"before", audit_json_or_null(e.before)},
                     {"after", audit_json_or_null(e.after)}});
            }
            // The next page: entries older than the last one here.
            nlohmann::json next = nullptr;
            if (static_cast<std::int64_t>(entries->size()) == *limit && !entries->empty()) {
                next = std::to_string(entries->back().id);
            }
            return http::json_response(200,
                                       {{"entries", std::move(list)}, {"next_before_id", next}});
        });

    api.add(Method::get, "/api/v1/settings/forbidden-words", {.access = Access::staff()},
            [&s](Call&) -> Result<Response> {
                auto words = s.slides.forbidden_words();
                if (!words) return words.error();
                return http::json_response(200, {{"words", *words}});
            });

    api.add(Method::put, "/api/v1/settings/forbidden-words",
            {.access = Access::admin(), .body = Body::object, .top_unit = true},
            [&s](Call& c) -> Result<Response> {
                auto words = s.slides.set_forbidden_words(c.body, c.user().id);
                if (!words) return words.error();
                return http::json_response(200, {{"words", *words}});
            });
}

}  // namespace signage::server
