#pragma once
// Who may call a route, declared where the route is registered. ApiRoutes
// wraps the router: before a handler runs it authenticates and authorises the
// caller, parses the path id and the JSON body the route declares, and hands
// the handler a Call holding them. No handler reads a token itself.
//
// The caller is checked twice: from the request's head before its body is
// read (http::RouteOptions::gate, so a refused caller's upload is never
// taken in), and again when the handler runs.
//
// The order of the checks, and so of the error answers, is fixed: the caller
// (401 no or unknown token, 403 the wrong kind of token or role, 403 a
// top-unit route for staff of a unit below), then the path id (404 "no NOUN
// TEXT"; a screen outside the caller's units is 404 too), then the body
// (400 field "body"). Errors are those of Authenticator and
// http::parse_path_id / parse_json_object.
//
// Records of units (units/unit_tree.hpp) a path names (path_id screen,
// slide, question, unit; path_name group, media, user) are looked up before
// the body: one outside the caller's subtree (or, for content, not coming
// down to it from above) is 404 whatever the body, so ids reveal nothing.
//
// The route's access is also given to the router by name (RouteOptions::access),
// so the router's route list carries it: `signage-server routes --json`, the
// authorization matrix test and docs/ARCHITECTURE.md read it from there.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/services.hpp"
#include "common/result.hpp"
#include "http/router.hpp"
#include "store/records.hpp"

namespace signage::server {

class Access {
  public:
    enum class Kind {
        anyone,  // no token needed (a token, if sent, is not looked at)
        device,  // a screen's device token
        staff,   // any staff member's session
        roles,   // a staff member with one of roles(), or an admin
        admin,   // an admin's session
    };

    static Access anyone() { return Access(Kind::anyone, {}); }
    static Access device() { return Access(Kind::device, {}); }
    static Access staff() { return Access(Kind::staff, {}); }
    static Access admin() { return Access(Kind::admin, {}); }
    // Staff with one of these roles; admins always pass.
    static Access roles(std::initializer_list<Role> roles) { return Access(Kind::roles, roles); }

    Kind kind() const { return kind_; }
    const std::vector<Role>& roles() const { return roles_; }

    // "anyone", "device", "staff", "admin", or the roles joined by '|'
    // ("editor", "reviewer"): the name routes are listed with.
    std::string name() const;

  private:
    Access(Kind kind, std::vector<Role> roles) : kind_(kind), roles_(std::move(roles)) {}
    Kind kind_;
    std::vector<Role> roles_;
};

// What a route takes besides its caller.
struct RouteSpec {
    Access access;
    // The noun of the path's first parameter when it is a numeric id
    // ("screen": a bad one is 404 "no screen TEXT"); null when there is none.
    const char* path_id = nullptr;
    // The noun of the path's first parameter when it names a record by text
    // ("group", "media", "user"); null when it does not.
    const char* path_name = nullptr;
    enum class Body {
        none,             // not read here (the handler may read req.body itself)
        object,           // a JSON object, else 400 field "body"
        optional_object,  // as object, but an empty body is an empty object
    };
    Body body = Body::none;
    std::uint64_t body_limit = http::RouteOptions{}.body_limit;
    // The body is spooled to a file (req.body_file), not kept in memory.
    bool spool = false;
    // For staff of the top unit only (settings of the whole installation):
    // staff of the units below get 403.
    bool top_unit = false;
};

// One request as its handler sees it, after the checks of its route.
class Call {
  public:
    explicit Call(http::Request& request) : req(request) {}

    http::Request& req;
    // The parsed path id (RouteSpec::path_id), else 0.
    std::int64_t id = 0;
    // The parsed body (RouteSpec::body), else null.
    nlohmann::json body;

    // The signed-in staff member (staff, role and admin routes).
    const User& user() const { return user_.value(); }
    // The screen behind the device token (device routes).
    const Screen& screen() const { return shared_screen_ ? *shared_screen_ : screen_.value(); }

  private:
    friend class ApiRoutes;
    std::optional<User> user_;
    std::optional<Screen> screen_;
    std::shared_ptr<const Screen> shared_screen_;  // from the cache, on the fast path
};

using CallHandler = std::function<Result<http::Response>(Call&)>;
using AsyncCallHandler = std::function<void(Call&, const http::Responder&)>;
// Tried on the I/O thread (see http::FastHandler); only for device and
// anyone routes, the device from the authenticator's memory (no database).
using FastCallHandler = std::function<bool(Call&, const http::Responder&)>;

class ApiRoutes {
  public:
    ApiRoutes(http::Router& router, Services& services) : router_(router), s_(services) {}

    // The spec has no default: every route says who may call it.
    void add(http::Method method, std::string_view pattern, RouteSpec spec, CallHandler handler);
    void add_async(http::Method method, std::string_view pattern, RouteSpec spec,
                   AsyncCallHandler handler);
    void add_async(http::Method method, std::string_view pattern, RouteSpec spec,
                   FastCallHandler fast, AsyncCallHandler handler);

  private:
    http::Router& router_;
    Services& s_;
};

}  // namespace signage::server
