#pragma once
// The router: maps a method and a path to a handler and runs the handler on a
// worker thread, so database work and password hashing never stall the I/O
// thread. Unknown paths get a JSON 404, known paths with another method a
// JSON 405 with Allow. HEAD is served by the GET route (the session drops the
// body). Handler errors are turned into responses in one place
// (http/responses.hpp); an exception escaping a handler becomes a 500.
//
// Threading: configure (add*) before serving; then every method is const and
// safe from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "http/message.hpp"

namespace signage::server::http {

// Told of every answer: the method, the route's pattern ("unmatched" when no
// route matched), the status and the seconds since dispatch. Runs on the
// thread that answers; must be quick.
using Observer = std::function<void(std::string_view method, const std::string& route, int status,
                                    double seconds)>;

// Where the response to one request goes: its connection (or a function).
class ResponseSink {
  public:
    virtual ~ResponseSink() = default;
    virtual void deliver(Response response) = 0;
};

// Sends the response to one request. Copyable; call it exactly once, from any
// thread. Dropping it uncalled closes the connection.
class Responder {
  public:
    using Fn = std::function<void(Response)>;
    explicit Responder(Fn fn);
    explicit Responder(std::shared_ptr<ResponseSink> sink) : sink_(std::move(sink)) {}
    void operator()(Response response) const {
        if (observer_) observe(response);
        sink_->deliver(std::move(response));
    }

  private:
    friend class Router;
    void observe(const Response& response) const;

    std::shared_ptr<ResponseSink> sink_;
    // Set by the router when it observes answers.
    const Observer* observer_ = nullptr;
    Method method_ = Method::get;
    const std::string* route_ = nullptr;
    std::chrono::steady_clock::time_point start_{};
};

struct RouteOptions {
    // Largest request body in bytes; the session answers 413 for a larger
    // Content-Length before reading the body, and stops reading past it.
    std::uint64_t body_limit = 64 * 1024;
    // Who may call the route, as the layer that registers it names it
    // ("staff", "admin", ...: api/access.hpp, which also checks it). The
    // router only lists it (routes()).
    std::string access = {};
    // Who is calling, from the head alone: run on a worker once the head is
    // read and before any of the body is, so a caller the route refuses
    // (401, 403) never costs the server its body.
    std::function<Status(const Request&)> gate = nullptr;
    // The body goes to a file (Request::body_file) instead of memory: for
    // uploads of many megabytes.
    bool spool = false;
};

// What the session needs to know of a request's route before its body.
struct BodyPlan {
    std::uint64_t limit = RouteOptions{}.body_limit;
    bool spool = false;
    bool gated = false;
};

// A registered route as routes() lists it.
struct RouteInfo {
    std::string method;   // "GET"
    std::string pattern;  // "/api/v1/slides/{id}"
    std::string access;   // RouteOptions::access
};

// Answers at once (on a worker thread).
using Handler = std::function<Result<Response>(Request&)>;
// Answers whenever it likes through the Responder (long-polls).
using AsyncHandler = std::function<void(Request&, const Responder&)>;
// Runs a task on a worker thread.
using Runner = std::function<void(std::function<void()>)>;
// Tried first, on the I/O thread, for routes that can often answer from
// memory: must never block (no database, no disk). Returns false to hand the
// request to the route's AsyncHandler on a worker, having answered nothing.
using FastHandler = std::function<bool(Request&, const Responder&)>;
class Router {
  public:
    explicit Router(Runner run_on_worker);

    // Patterns are paths whose segments may be "{name}" (one segment, its
    // percent-decoded value appended to Request::params) or, last, "{*}" (the
    // rest of the path, decoded, possibly empty). A "{*}" route is a fallback:
    // used only when no other route's path matches, and never a cause of 405.
    void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
    void add_async(Method method, std::string_view pattern, AsyncHandler handler,
                   RouteOptions options = {});
    // An async route with a fast path (see FastHandler).
    void add_async(Method method, std::string_view pattern, FastHandler fast, AsyncHandler handler,
                   RouteOptions options = {});
    // Set before serving.
    void set_observer(Observer observer) { observer_ = std::move(observer); }

  private:
    struct Route;

  public:
    // A request's route, found once from its head and used for its body plan,
    // its gate and its dispatch.
    struct Match {
        const Route* route = nullptr;
        std::vector<std::string> params;
        std::string allow;  // methods of routes whose path matched, for 405
    };
    Match match(Method method, std::string_view path) const;

    // The body limit of the route for this request; the default limit when no
    // route matches (the request then gets its 404 or 405).
    std::uint64_t body_limit(Method method, std::string_view path) const;
    static BodyPlan body_plan(const Match& match);
    // Runs the route's gate on a worker with the request's head, then calls
    // `done` there with the refusal, if any (at once when there is no gate).
    void admit(const Request& head, const Match& match,
               std::function<void(std::optional<Error>)> done) const;

    // Moves the request out only when a worker takes it; answered on the
    // calling thread (a fast handler), it is left to the caller.
    void dispatch(Request&& request, Match match, Responder respond) const;
    void dispatch(Request request, Responder respond) const;

    // Every registered route as "METHOD PATTERN" ("GET /api/v1/slides/{id}"),
    // in registration order.
    std::vector<std::string> route_list() const;
    // The same with each route's declared access.
    std::vector<RouteInfo> routes() const;

  private:
    struct Route {
        Method method;
        std::vector<std::string> segments;
        bool wildcard = false;
        Handler handler;
        AsyncHandler async_handler;
        RouteOptions options;
        FastHandler fast_handler;
        std::string pattern;  // as routes() lists it
    };
    static bool match_path(const Route& route, const std::vector<std::string_view>& segments,
                           std::vector<std::string>& params);

    static std::string pattern_text(const Route& route);

    void insert(Route route);

    // Heterogeneous lookup: a request's path is found without a copy.
    struct PathHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    Runner run_;
    Observer observer_;
    std::vector<Route> routes_;
    // Routes without parameters by pattern: their methods and places in routes_.
    std::unordered_map<std::string, std::vector<std::pair<Method, std::size_t>>, PathHash,
                       std::equal_to<>>
        exact_;
};

}  // namespace signage::server::http
