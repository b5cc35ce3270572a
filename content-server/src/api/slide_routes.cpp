#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "checks/content_checks.hpp"
#include "http/responses.hpp"
#include "metrics/metrics.hpp"
#include "publish/publisher.hpp"
#include "slides/slide_service.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

// The body's {"reason"}: 400 naming it when missing or not a string. The
// workflow checks that it says something.
Result<std::string> reason_of(const nlohmann::json& body, const char* done) {
    auto reason = body.find("reason");
    if (reason == body.end() || !reason->is_string()) {
        return make_error(ErrorCode::invalid, std::string("say why the slide is ") + done, "reason")
            .because(ErrorReason::required);
    }
    return reason->get<std::string>();
}

Result<Response> view(const Result<SlideRecord>& slide, int status = 200) {
    if (!slide) return slide.error();
    return http::json_response(status, slide_view(*slide));
}

}  // namespace

Result<std::string> approval_revision(const nlohmann::json& item, const std::string& field) {
    auto r = item.is_object() ? item.find("revision") : item.end();
    if (!item.is_object() || r == item.end() || r->is_null()) {
        return make_error(ErrorCode::invalid,
                          "is required: the revision that was looked at, as the server gave it",
                          field)
            .because(ErrorReason::required);
    }
    if (!r->is_string() || r->get_ref<const std::string&>().empty() ||
        r->get_ref<const std::string&>().size() > 64) {
        return make_error(ErrorCode::invalid, "is the revision as the server gave it", field)
            .because(ErrorReason::format, {{"format", "revision"}});
    }
    return r->get<std::string>();
}

void add_slide_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    using Body = RouteSpec::Body;
    const Access editor = Access::roles({Role::editor});
    const Access reviewer = Access::roles({Role::reviewer});

    // ?unit=ID: that unit of the caller's subtree (default: their own).
    api.add(Method::get, "/api/v1/slides", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                auto slides = s.slides.list(c.user(), *unit);
                if (!slides) return slides.error();
                nlohmann::json list = nlohmann::json::array();
                for (const auto& slide : *slides) list.push_back(slide_view(slide));
                if (auto st = add_origins(s, c.user(), list, *unit); !st) return st.error();
                return http::json_response(200, {{"slides", std::move(list)}});
            });

    api.add(
        Method::post, "/api/v1/slides", {.access = editor, .body = Body::object},
        [&s](Call& c) -> Result<Response> { return view(s.slides.create(c.body, c.user()), 201); });

    api.add(Method::get, "/api/v1/slides/{id}", {.access = Access::staff(), .path_id = "slide"},
            [&s](Call& c) -> Result<Response> {
                auto slide = s.slides.get(c.id, c.user());
                if (!slide) return slide.error();
                nlohmann::json out = slide_view(*slide);
                if (auto st = add_origins(s, c.user(), out); !st) return st.error();
                return http::json_response(200, out);
            });

    api.add(Method::put, "/api/v1/slides/{id}",
            {.access = editor, .path_id = "slide", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                return view(s.slides.update(c.id, c.body, c.user()));
            });

    // A new draft of the caller's with the slide's working copy, its title
    // marked as a copy (SlideService::duplicate).
    api.add(Method::post, "/api/v1/slides/{id}/duplicate", {.access = editor, .path_id = "slide"},
            [&s](Call& c) -> Result<Response> {
                return view(s.slides.duplicate(c.id, c.user()), 201);
            });

    api.add(Method::del, "/api/v1/slides/{id}", {.access = editor, .path_id = "slide"},
            [&s](Call& c) -> Result<Response> {
                if (auto st = s.slides.remove(c.id, c.user()); !st) return st.error();
                Response res;
                res.status = 204;
                return res;
            });

    api.add(Method::post, "/api/v1/slides/{id}/submit", {.access = editor, .path_id = "slide"},
            [&s](Call& c) -> Result<Response> {
                std::vector<CheckWarning> warnings;
                auto done = s.slides.submit(c.id, c.user(), &warnings);
                if (!done) return done.error();
                for (auto& w : missing_glyph_warnings(s, done->json))
                    warnings.push_back(std::move(w));
                nlohmann::json out = slide_view(*done);
                out["warnings"] = warnings_json(warnings);
                return http::json_response(200, out);
            });

    // {"revision": R}: the revision the reviewer looked at.
    api.add(Method::post, "/api/v1/slides/{id}/approve",
            {.access = reviewer, .path_id = "slide", .body = Body::optional_object},
            [&s](Call& c) -> Result<Response> {
                auto revision = approval_revision(c.body, "revision");
                if (!revision) return revision.error();
                return view(s.slides.approve(c.id, c.user(), *revision));
            });

    api.add(Method::post, "/api/v1/slides/{id}/reject",
            {.access = reviewer, .path_id = "slide", .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                auto reason = reason_of(c.body, "rejected");
                if (!reason) return reason.error();
                return view(s.slides.reject(c.id, c.user(), *reason));
            });

    // Takes a live slide off the screens at once: withdraws its approved
    // version and publishes. Used to cancel an emergency notice. Editors
    // pass here; of them only the author may (apply_withdraw).
    api.add(Method::post, "/api/v1/slides/{id}/withdraw",
            {.access = Access::roles({Role::editor, Role::reviewer}),
             .path_id = "slide",
             .body = Body::object},
            [&s](Call& c) -> Result<Response> {
                // The reason is optional: taking content down must be one click.
                const auto reason = c.body.find("reason");
                if (reason != c.body.end() && !reason->is_null() && !reason->is_string()) {
                    return make_error(ErrorCode::invalid, "reason: a string or absent", "reason")
                        .because(ErrorReason::wrong_type, {{"expected", "string"}});
                }
                auto slide = s.slides.withdraw(c.id, c.user(),
                                               reason != c.body.end() && reason->is_string()
                                                   ? reason->get<std::string>()
                                                   : std::string{});
                if (!slide) return slide.error();
                auto published = s.publisher.publish(c.user());
                if (!published) return published.error();
                s.metrics.add_publish();
                return http::json_response(
                    200, {{"slide", slide_view(*slide)}, {"publish", publish_view(*published)}});
            });
}

}  // namespace signage::server
