#include "api/access.hpp"

#include <chrono>
#include <utility>

#include "auth/authenticator.hpp"
#include "http/responses.hpp"
#include "media/media_store.hpp"
#include "metrics/metrics.hpp"
#include "slides/review_records.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

// Who is calling, as the route's access asks.
Status authenticate(Authenticator& auth, const Access& access, const http::Request& req,
                    std::optional<User>& user, std::optional<Screen>& screen) {
    switch (access.kind()) {
        case Access::Kind::anyone:
            break;
        case Access::Kind::device: {
            auto found = auth.device(req.bearer_token());
            if (!found) return found.error();
            screen = std::move(*found);
            break;
        }
        case Access::Kind::staff: {
            auto found = auth.staff(req.bearer_token());
            if (!found) return found.error();
            user = std::move(*found);
            break;
        }
        case Access::Kind::roles:
        case Access::Kind::admin: {
            // No roles: admins only.
            auto found = auth.staff_with_role(req.bearer_token(), access.roles());
            if (!found) return found.error();
            user = std::move(*found);
            break;
        }
    }
    return {};
}

// A top-unit route's caller is of the top unit.
Status top_unit_caller(Store& store, const RouteSpec& spec, const std::optional<User>& user) {
    if (!spec.top_unit || !user) return {};
    return store.read([&](Tx& tx) -> Status {
        const auto tree = tx.unit_tree();
        const Unit* unit = tree->find(user->unit_id);
        if (unit && !unit->parent) return {};
        return make_error(ErrorCode::forbidden, "only staff of the top unit (" +
                                                    tree->name(root_unit_id) + ") change this");
    });
}

// The record the path names exists for the staff member (see access.hpp).
Status path_in_reach(Store& store, const RouteSpec& spec, const std::string& param, std::int64_t id,
                     const User& user) {
    const std::string noun = spec.path_id ? spec.path_id : spec.path_name ? spec.path_name : "";
    return store.read([&](Tx& tx) -> Status {
        const auto tree = tx.unit_tree();
        bool reached = true;
        if (noun == "screen") {
            auto screen = tx.screens().find(id);
            reached = screen && tree->within(screen->unit_id, user.unit_id);
        } else if (noun == "slide" || noun == "question") {
            auto record = noun == "slide" ? tx.slides().find(id) : tx.questions().find(id);
            reached = record && visible_to(*tree, user, *record);
        } else if (noun == "unit") {
            reached = reach_of(*tree, user, id) != Reach::none;
        } else if (noun == "group") {
            auto group = tx.groups().find(param);
            reached = group && tree->within(group->unit_id, user.unit_id);
        } else if (noun == "user") {
            auto found = tx.users().find(param);
            reached = found && tree->within(found->unit_id, user.unit_id);
        } else if (noun == "media") {
            // A malformed hash is the handler's to refuse (400).
            const bool hash = param.size() == 64 &&
                              param.find_first_not_of("0123456789abcdef") == std::string::npos;
            reached = !hash || static_cast<bool>(media_in_reach(tx, param, user, false));
        }
        if (reached) return Status{};
        // A medium's error names its hash, as the media routes' own do.
        return Status(make_error(ErrorCode::not_found, "no " + noun + " " + param,
                                 noun == "media" ? "sha256" : ""));
    });
}

// Time spent on unit scope by one request: observed once, when it ends,
// if any check ran.
class ScopeClock {
  public:
    explicit ScopeClock(Metrics& metrics) : metrics_(metrics) {}
    ScopeClock(const ScopeClock&) = delete;
    ScopeClock& operator=(const ScopeClock&) = delete;
    ~ScopeClock() {
        if (used_) metrics_.observe_scope_check(seconds_);
    }

    template <class Check>
    Status time(const Check& check) {
        const auto started = std::chrono::steady_clock::now();
        Status st = check();
        seconds_ +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        used_ = true;
        return st;
    }

  private:
    Metrics& metrics_;
    double seconds_ = 0;
    bool used_ = false;
};

// The caller, the path id and the body, in that order (see access.hpp).
Status prepare_call(Authenticator& auth, Store& store, Metrics& metrics, const RouteSpec& spec,
                    Call& call, std::optional<User>& user, std::optional<Screen>& screen) {
    const http::Request& req = call.req;
    if (auto st = authenticate(auth, spec.access, req, user, screen); !st) return st;
    // The unit scope's checks, timed together into the metrics once the
    // call is prepared or refused.
    ScopeClock clock(metrics);
    if (user && spec.top_unit) {
        if (auto st = clock.time([&] { return top_unit_caller(store, spec, user); }); !st) {
            return st;
        }
    }
    if (spec.path_id) {
        auto id = http::parse_path_id(req.params.at(0), spec.path_id);
        if (!id) return id.error();
        call.id = *id;
    }
    if (user && (spec.path_id || spec.path_name)) {
        if (auto st = clock.time(
                [&] { return path_in_reach(store, spec, req.params.at(0), call.id, *user); });
            !st) {
            return st;
        }
    }
    if (spec.body == RouteSpec::Body::optional_object && req.body.empty()) {
        call.body = nlohmann::json::object();
    } else if (spec.body != RouteSpec::Body::none) {
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        call.body = std::move(*body);
    }
    return {};
}

http::RouteOptions options_of(const RouteSpec& spec, Authenticator& auth) {
    http::RouteOptions options;
    options.body_limit = spec.body_limit;
    options.access = spec.access.name();
    options.spool = spec.spool;
    if (spec.access.kind() != Access::Kind::anyone) {
        // The same check again before the body is read, so that a caller who
        // would be refused never sends it (the handler's own check stands:
        // a token may be revoked meanwhile).
        options.gate = [&auth, access = spec.access](const http::Request& req) -> Status {
            std::optional<User> user;
            std::optional<Screen> screen;
            return authenticate(auth, access, req, user, screen);
        };
    }
    return options;
}

}  // namespace

std::string Access::name() const {
    switch (kind_) {
        case Kind::anyone:
            return "anyone";
        case Kind::device:
            return "device";
        case Kind::staff:
            return "staff";
        case Kind::admin:
            return "admin";
        case Kind::roles:
            break;
    }
    std::string out;
    for (Role r : roles_) {
        if (!out.empty()) out += '|';
        out += to_string(r);
    }
    return out;
}

void ApiRoutes::add(http::Method method, std::string_view pattern, RouteSpec spec,
                    CallHandler handler) {
    const http::RouteOptions options = options_of(spec, s_.auth);
    router_.add(
        method, pattern,
        [&auth = s_.auth, &store = s_.store, &metrics = s_.metrics, spec = std::move(spec),
         handler = std::move(handler)](http::Request& req) -> Result<http::Response> {
            Call call(req);
            if (auto st = prepare_call(auth, store, metrics, spec, call, call.user_, call.screen_);
                !st) {
                return st.error();
            }
            return handler(call);
        },
        options);
}

void ApiRoutes::add_async(http::Method method, std::string_view pattern, RouteSpec spec,
                          AsyncCallHandler handler) {
    add_async(method, pattern, std::move(spec), FastCallHandler{}, std::move(handler));
}

void ApiRoutes::add_async(http::Method method, std::string_view pattern, RouteSpec spec,
                          FastCallHandler fast, AsyncCallHandler handler) {
    const http::RouteOptions options = options_of(spec, s_.auth);
    http::FastHandler fast_route;
    if (fast) {
        fast_route = [&auth = s_.auth, spec, fast = std::move(fast)](
                         http::Request& req, const http::Responder& respond) -> bool {
            Call call(req);
            if (spec.access.kind() == Access::Kind::device) {
                call.shared_screen_ = auth.cached_device(req.bearer_token_view());
                if (!call.shared_screen_) return false;
            } else if (spec.access.kind() != Access::Kind::anyone) {
                return false;
            }
            // Anything else to check is left to the worker, which answers it.
            if (spec.path_id || spec.body != RouteSpec::Body::none) return false;
            return fast(call, respond);
        };
    }
    router_.add_async(
        method, pattern, std::move(fast_route),
        [&auth = s_.auth, &store = s_.store, &metrics = s_.metrics, spec = std::move(spec),
         handler = std::move(handler)](http::Request& req, const http::Responder& respond) {
            Call call(req);
            if (auto st = prepare_call(auth, store, metrics, spec, call, call.user_, call.screen_);
                !st) {
                return respond(http::error_response(st.error()));
            }
            handler(call, respond);
        },
        options);
}

}  // namespace signage::server
