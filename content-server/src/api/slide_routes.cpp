#include <nlohmann/json.hpp>

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

Result<std::int64_t> slide_id(const Request& req) {
    return http::parse_path_id(req.params.at(0), "slide");
}

// The body's {"reason"}: 400 naming it when missing or not a string. The
// workflow checks that it says something.
Result<std::string> reason_of(const Request& req, const char* done) {
    auto body = http::parse_json_object(req);
    if (!body) return body.error();
    auto reason = body->find("reason");
    if (reason == body->end() || !reason->is_string()) {
        return make_error("invalid", std::string("say why the slide is ") + done, "reason");
    }
    return reason->get<std::string>();
}

Result<Response> view(const Result<SlideRecord>& slide, int status = 200) {
    if (!slide) return slide.error();
    return http::json_response(status, slide_view(*slide));
}

}  // namespace

void add_slide_routes(http::Router& router, Services& s) {
    router.add(Method::get, "/api/v1/slides", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto slides = s.slides.list();
        if (!slides) return slides.error();
        nlohmann::json list = nlohmann::json::array();
        for (const auto& slide : *slides) list.push_back(slide_view(slide));
        return http::json_response(200, {{"slides", std::move(list)}});
    });

    router.add(Method::post, "/api/v1/slides", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::editor});
        if (!user) return user.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        return view(s.slides.create(*body, *user), 201);
    });

    router.add(Method::get, "/api/v1/slides/{id}", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff(req.bearer_token());
        if (!user) return user.error();
        auto id = slide_id(req);
        if (!id) return id.error();
        return view(s.slides.get(*id));
    });

    router.add(Method::put, "/api/v1/slides/{id}", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::editor});
        if (!user) return user.error();
        auto id = slide_id(req);
        if (!id) return id.error();
        auto body = http::parse_json_object(req);
        if (!body) return body.error();
        return view(s.slides.update(*id, *body, *user));
    });

    router.add(Method::del, "/api/v1/slides/{id}", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::editor});
        if (!user) return user.error();
        auto id = slide_id(req);
        if (!id) return id.error();
        if (auto st = s.slides.remove(*id, *user); !st) return st.error();
        Response res;
        res.status = 204;
        return res;
    });

    router.add(Method::post, "/api/v1/slides/{id}/submit", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::editor});
        if (!user) return user.error();
        auto id = slide_id(req);
        if (!id) return id.error();
        std::vector<CheckWarning> warnings;
        auto done = s.slides.submit(*id, *user, &warnings);
        if (!done) return done.error();
        for (auto& w : missing_glyph_warnings(s, done->json)) warnings.push_back(std::move(w));
        nlohmann::json out = slide_view(*done);
        out["warnings"] = warnings_json(warnings);
        return http::json_response(200, out);
    });

    router.add(Method::post, "/api/v1/slides/{id}/approve", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::reviewer});
        if (!user) return user.error();
        auto id = slide_id(req);
        if (!id) return id.error();
        return view(s.slides.approve(*id, *user));
    });

    router.add(Method::post, "/api/v1/slides/{id}/reject", [&s](Request& req) -> Result<Response> {
        auto user = s.auth.staff_with_role(req.bearer_token(), {Role::reviewer});
        if (!user) return user.error();
        auto id = slide_id(req);
        if (!id) return id.error();
        auto reason = reason_of(req, "rejected");
        if (!reason) return reason.error();
        return view(s.slides.reject(*id, *user, *reason));
    });

    // Takes a live slide off the screens at once: withdraws its approved
    // version and publishes. Used to cancel an emergency notice.
    router.add(Method::post, "/api/v1/slides/{id}/withdraw",
               [&s](Request& req) -> Result<Response> {
                   auto user = s.auth.staff_with_role(req.bearer_token(), {Role::reviewer});
                   if (!user) return user.error();
                   auto id = slide_id(req);
                   if (!id) return id.error();
                   auto reason = reason_of(req, "withdrawn");
                   if (!reason) return reason.error();
                   auto slide = s.slides.withdraw(*id, *user, *reason);
                   if (!slide) return slide.error();
                   auto published = s.publisher.publish(*user);
                   if (!published) return published.error();
                   s.metrics.add_publish();
                   return http::json_response(
                       200, {{"slide", slide_view(*slide)}, {"publish", publish_view(*published)}});
               });
}

}  // namespace signage::server
