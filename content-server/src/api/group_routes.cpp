#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "http/responses.hpp"
#include "protocol/slide.hpp"
#include "publish/manifest_hub.hpp"
#include "store/store.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

Status check_group_name(const nlohmann::json& name) {
    if (!name.is_string()) return make_error("invalid", "name is required", "name");
    const auto& text = name.get_ref<const std::string&>();
    const std::size_t n = protocol::utf8_length(text);
    if (n == 0 || n > 64) {
        return make_error("invalid", "a group name has 1 to 64 characters", "name");
    }
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f || c == '/') {
            return make_error("invalid", "a group name has no control characters or '/'", "name");
        }
    }
    return {};
}

}  // namespace

void add_group_routes(http::Router& router, Services& s) {
    router.add(Method::get, "/api/v1/groups", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto groups = s.store.list_groups();
        if (!groups) return groups.error();
        auto screens = s.store.list_screens();
        if (!screens) return screens.error();
        nlohmann::json list = nlohmann::json::array();
        for (const Group& g : *groups) {
            int count = 0;
            for (const Screen& sc : *screens) count += sc.group_id == g.id ? 1 : 0;
            auto snap = s.hub.current(g.name);
            list.push_back({{"name", g.name},
                            {"created_at", g.created_at},
                            {"screens", count},
                            {"version", snap ? (*snap)->version : std::string{}}});
        }
        return http::json_response(200, {{"groups", std::move(list)}});
    });

    router.add(Method::post, "/api/v1/groups", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {});
        if (!user) return user.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        const nlohmann::json name = body->contains("name") ? (*body)["name"] : nlohmann::json{};
        if (auto st = check_group_name(name); !st) return st.error();
        auto group = s.store.add_group(name.get<std::string>());
        if (!group) return group.error();
        return http::json_response(201, {{"name", group->name}, {"created_at", group->created_at}});
    });

    router.add(Method::get, "/api/v1/screens", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto screens = s.store.list_screens();
        if (!screens) return screens.error();
        nlohmann::json list = nlohmann::json::array();
        for (const Screen& sc : *screens) {
            list.push_back({{"name", sc.name},
                            {"group", sc.group},
                            {"created_at", sc.created_at},
                            {"last_seen", sc.last_seen.empty() ? nlohmann::json(nullptr)
                                                               : nlohmann::json(sc.last_seen)}});
        }
        return http::json_response(200, {{"screens", std::move(list)}});
    });
}

}  // namespace signage::server
