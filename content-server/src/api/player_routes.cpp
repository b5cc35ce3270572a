#include <charconv>
#include <chrono>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/json_input.hpp"
#include "http/etag.hpp"
#include "http/responses.hpp"
#include "publish/manifest_hub.hpp"
#include "screens/screen_service.hpp"
#include "store/store.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr int max_wait_s = 60;

Result<int> parse_wait(const Request& req) {
    auto text = req.query_param("wait");
    if (!text) return 0;
    int wait = -1;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), wait);
    if (text->empty() || ec != std::errc{} || p != text->data() + text->size() || wait < 0 ||
        wait > max_wait_s) {
        return make_error(ErrorCode::invalid, "wait is a whole number of seconds from 0 to 60",
                          "wait");
    }
    return wait;
}

Response not_modified(const std::string& version) {
    Response res;
    res.status = 304;
    res.headers.set("ETag", "\"" + version + "\"");
    res.headers.set("Cache-Control", "no-cache");
    return res;
}

// A command for this screen instead of a manifest: 200, told apart by the
// Signage-Command header (only players that sent Signage-Commands get one).
Response command_response(const ManifestSnapshot& cmd) {
    Response res;
    res.headers.set("Content-Type", "application/json; charset=utf-8");
    res.headers.set("Cache-Control", "no-store");
    auto j = signage::read_json(cmd.json);
    res.headers.set("Signage-Command", j.is_object() && j.contains("command")
                                           ? j["command"].get<std::string>()
                                           : std::string{"unknown"});
    res.body = cmd.json;
    return res;
}

// The player lists the commands it understands: "Signage-Commands: screenshot".
bool accepts_commands(const Request& req) {
    return req.header("signage-commands").find("screenshot") != std::string_view::npos;
}

// Answers from the current snapshot: at once, or when it changes (a new
// manifest, or a command for this screen) or the wait runs out.
void answer_manifest(Services& s, const Request& req, const Screen& screen, int wait,
                     const SnapshotPtr& current, const http::Responder& respond) {
    if (!http::if_none_match_names(req.header("if-none-match"), current->version)) {
        return respond(manifest_response(current));
    }
    if (wait == 0) return respond(not_modified(current->version));
    s.hub.wait_for_change(
        screen.group, screen.id, current->version, std::chrono::seconds(wait),
        [respond, version = current->version](SnapshotPtr changed) {
            if (changed && changed->command) return respond(command_response(*changed));
            respond(changed ? manifest_response(changed) : not_modified(version));
        },
        accepts_commands(req));
}

}  // namespace

Response manifest_response(const SnapshotPtr& snap) {
    Response res;
    res.headers.set("Content-Type", "application/json; charset=utf-8");
    res.headers.set("ETag", "\"" + snap->version + "\"");
    res.headers.set("Cache-Control", "no-cache");
    // The snapshot's own text, kept alive by the answer: not copied.
    res.shared_body = std::shared_ptr<const std::string>(snap, &snap->json);
    return res;
}

void add_player_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add_async(
        Method::get, "/api/v1/player/manifest",
        {.access =
             Access::device()},  // The usual poll, answered on the I/O thread from memory: a
                                 // known token (the device comes from the authenticator's
                                 // memory), a screen whose last_seen is fresh, a loaded group.
        [&s](Call& c, const http::Responder& respond) -> bool {
            const Request& req = c.req;
            const Screen& screen = c.screen();
            if (!s.screens.seen_within(screen.id)) return false;
            auto current = s.hub.loaded(screen.group);
            if (!current) return false;
            // A screen that names another version than ours may have it
            // from another instance that published a moment ago: the worker
            // reads the latest before answering.
            if (s.store.shared() &&
                !http::if_none_match_names(req.header("if-none-match"), current->version)) {
                return false;
            }
            auto wait = parse_wait(req);
            if (!wait) {
                respond(http::error_response(wait.error()));
                return true;
            }
            answer_manifest(s, req, screen, *wait, current, respond);
            return true;
        },
        [&s](Call& c, const http::Responder& respond) {
            const Request& req = c.req;
            const Screen& screen = c.screen();
            auto wait = parse_wait(req);
            if (!wait) return respond(http::error_response(wait.error()));
            if (auto st = s.screens.touch(screen.id); !st) {
                spdlog::warn("cannot record that screen {} was seen: {}", screen.name,
                             st.error().to_string());
            }
            auto snap = s.hub.current(screen.group);
            if (!snap) return respond(http::error_response(snap.error()));
            // Never send a screen back to an older manifest than one another
            // instance gave it: with other instances on the database, a
            // version not ours is looked up there first.
            if (s.store.shared() &&
                !http::if_none_match_names(req.header("if-none-match"), (*snap)->version)) {
                if (auto st = s.hub.reload(screen.group); !st) {
                    return respond(http::error_response(st.error()));
                }
                snap = s.hub.current(screen.group);
                if (!snap) return respond(http::error_response(snap.error()));
            }
            answer_manifest(s, req, screen, *wait, *snap, respond);
        });
}

}  // namespace signage::server
