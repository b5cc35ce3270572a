#include "http/router.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "http/responses.hpp"

namespace signage::server::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    out.reserve(8);  // one allocation for any usual path
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) return out;
    while (true) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

namespace {

class FunctionSink : public ResponseSink {
  public:
    explicit FunctionSink(Responder::Fn fn) : fn_(std::move(fn)) {}
    void deliver(Response response) override { fn_(std::move(response)); }

  private:
    Responder::Fn fn_;
};

}  // namespace

Responder::Responder(Fn fn) : sink_(std::make_shared<FunctionSink>(std::move(fn))) {}

void Responder::observe(const Response& response) const {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
    // Known methods only: a client's made-up method must not add series.
    (*observer_)(method_ == Method::other ? std::string_view{"other"} : to_string(method_), *route_,
                 response.status, took.count());
}

Router::Router(Runner run_on_worker) : run_(std::move(run_on_worker)) {}

std::string Router::pattern_text(const Route& route) {
    std::string text;
    for (const std::string& segment : route.segments) {
        text += '/';
        text += segment;
    }
    if (route.segments.empty()) text += '/';
    return text;
}

std::vector<std::string> Router::route_list() const {
    std::vector<std::string> out;
    for (const RouteInfo& r : routes()) out.push_back(r.method + ' ' + r.pattern);
    return out;
}

std::vector<RouteInfo> Router::routes() const {
    std::vector<RouteInfo> out;
    for (const Route& r : routes_) {
        out.push_back({std::string(to_string(r.method)), r.pattern, r.options.access});
    }
    return out;
}

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
    Route r{method, {}, false, std::move(handler), {}, std::move(options), {}, {}};
    for (auto s : split_path(pattern)) r.segments.emplace_back(s);
    r.wildcard = !r.segments.empty() && r.segments.back() == "{*}";
    r.pattern = pattern_text(r);
    insert(std::move(r));
}

void Router::add_async(Method method, std::string_view pattern, AsyncHandler handler,
                       RouteOptions options) {
    add_async(method, pattern, FastHandler{}, std::move(handler), std::move(options));
}

void Router::add_async(Method method, std::string_view pattern, FastHandler fast,
                       AsyncHandler handler, RouteOptions options) {
    Route r{method, {}, false, {}, std::move(handler), std::move(options), std::move(fast), {}};
    for (auto s : split_path(pattern)) r.segments.emplace_back(s);
    r.wildcard = !r.segments.empty() && r.segments.back() == "{*}";
    r.pattern = pattern_text(r);
    insert(std::move(r));
}

void Router::insert(Route r) {
    const std::size_t index = routes_.size();
    const bool literal = std::none_of(r.segments.begin(), r.segments.end(), [](const auto& s) {
        return s.size() >= 2 && s.front() == '{' && s.back() == '}';
    });
    if (literal) {
        // Found by its path at once, unless an earlier route of the same
        // method matches that path too (then the scan finds that one first).
        const std::vector<std::string_view> path(r.segments.begin(), r.segments.end());
        std::vector<std::string> params;
        const bool shadowed = std::any_of(routes_.begin(), routes_.end(), [&](const Route& e) {
            return e.method == r.method && !e.wildcard && e.segments.size() == path.size() &&
                   match_path(e, path, params);
        });
        auto& at = exact_[r.pattern];
        const bool taken =
            std::any_of(at.begin(), at.end(), [&](const auto& m) { return m.first == r.method; });
        if (!shadowed && !taken) at.emplace_back(r.method, index);
    }
    routes_.push_back(std::move(r));
}

bool Router::match_path(const Route& route, const std::vector<std::string_view>& segments,
                        std::vector<std::string>& params) {
    params.clear();
    const std::size_t fixed = route.wildcard ? route.segments.size() - 1 : route.segments.size();
    if (route.wildcard ? segments.size() < fixed : segments.size() != fixed) return false;
    const auto is_param = [](const std::string& p) {
        return p.size() >= 2 && p.front() == '{' && p.back() == '}';
    };
    // The literal segments first: most routes differ there, and are left
    // without decoding (or allocating) anything.
    for (std::size_t i = 0; i < fixed; ++i) {
        const std::string& p = route.segments[i];
        if (!is_param(p) && p != segments[i]) return false;
    }
    for (std::size_t i = 0; i < fixed; ++i) {
        if (!is_param(route.segments[i])) continue;
        auto decoded = percent_decode(segments[i]);
        if (!decoded || decoded->empty()) return false;
        params.push_back(std::move(*decoded));
    }
    if (route.wildcard) {
        std::string rest;
        for (std::size_t i = fixed; i < segments.size(); ++i) {
            if (i > fixed) rest += '/';
            rest += segments[i];
        }
        auto decoded = percent_decode(rest);
        if (!decoded) return false;
        params.push_back(std::move(*decoded));
    }
    return true;
}

Router::Match Router::match(Method method, std::string_view path) const {
    const Method wanted = method == Method::head ? Method::get : method;
    Match m;
    // A path written as a literal route's pattern is that route's, exactly
    // as the scan below would find it (see insert()).
    if (auto at = exact_.find(path); at != exact_.end()) {
        for (const auto& [route_method, index] : at->second) {
            if (route_method != wanted) continue;
            m.route = &routes_[index];
            return m;
        }
    }
    const auto segments = split_path(path);
    std::vector<std::string> params;
    std::vector<Method> allowed;  // each named once in Allow
    for (const Route& r : routes_) {
        // Most routes differ in their number of segments: skipped at once.
        if (r.wildcard || r.segments.size() != segments.size() ||
            !match_path(r, segments, params)) {
            continue;
        }
        if (r.method == wanted) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        if (std::find(allowed.begin(), allowed.end(), r.method) != allowed.end()) continue;
        allowed.push_back(r.method);
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += to_string(r.method);
        if (r.method == Method::get) m.allow += ", HEAD";
    }
    if (!m.allow.empty()) return m;
    for (const Route& r : routes_) {
        if (!r.wildcard || r.method != wanted || !match_path(r, segments, params)) continue;
        m.route = &r;
        m.params = std::move(params);
        return m;
    }
    return m;
}

std::uint64_t Router::body_limit(Method method, std::string_view path) const {
    Match m = match(method, path);
    return m.route ? m.route->options.body_limit : RouteOptions{}.body_limit;
}

BodyPlan Router::body_plan(const Match& m) {
    if (!m.route) return {};
    const RouteOptions& o = m.route->options;
    return {o.body_limit, o.spool, static_cast<bool>(o.gate)};
}

void Router::admit(const Request& head, const Match& m,
                   std::function<void(std::optional<Error>)> done) const {
    if (!m.route || !m.route->options.gate) return done(std::nullopt);
    const Route* route = m.route;
    run_([route, head, done = std::move(done)] {
        std::optional<Error> refusal;
        try {
            if (auto st = route->options.gate(head); !st) refusal = st.error();
        } catch (const std::exception& e) {
            refusal = make_error(ErrorCode::internal, e.what());
        }
        done(std::move(refusal));
    });
}

void Router::dispatch(Request request, Responder respond) const {
    Match m = match(request.method, request.path);
    dispatch(std::move(request), std::move(m), std::move(respond));
}

void Router::dispatch(Request&& request, Match m, Responder respond) const {
    if (observer_) {
        // The router outlives every request, so the observer and the route's
        // pattern are referred to, not copied.
        static const std::string unmatched = "unmatched";
        respond.observer_ = &observer_;
        respond.method_ = request.method;
        respond.route_ = m.route ? &m.route->pattern : &unmatched;
        respond.start_ = std::chrono::steady_clock::now();
    }
    if (!m.route) {
        if (!m.allow.empty()) {
            Response r = error_response(
                make_error(ErrorCode::method_not_allowed,
                           request.method_text + " is not allowed on " + request.path));
            r.headers.set("Allow", m.allow);
            respond(std::move(r));
        } else {
            respond(error_response(
                make_error(ErrorCode::not_found, "nothing at " + request.path, "path")));
        }
        return;
    }
    request.params = std::move(m.params);
    const Route* route = m.route;
    if (route->fast_handler) {
        try {
            if (route->fast_handler(request, respond)) return;
        } catch (const std::exception& e) {
            spdlog::warn("{} {}: fast path failed, trying the worker: {}", request.method_text,
                         request.path, e.what());
        }
    }
    auto shared = std::make_shared<Request>(std::move(request));
    run_([route, shared, respond = std::move(respond)] {
        try {
            if (route->async_handler) {
                route->async_handler(*shared, respond);
                return;
            }
            auto result = route->handler(*shared);
            respond(result ? std::move(*result) : error_response(result.error()));
        } catch (const std::exception& e) {
            spdlog::error("{} {}: unexpected exception: {}", shared->method_text, shared->path,
                          e.what());
            respond(error_response(make_error(ErrorCode::internal, e.what())));
        }
    });
}

}  // namespace signage::server::http
