#include <charconv>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/json_input.hpp"
#include "groups/group_service.hpp"
#include "http/responses.hpp"
#include "media/media_store.hpp"
#include "preview/preview_service.hpp"
#include "protocol/slide.hpp"
#include "slides/slide_service.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr int kPreviewMinSide = 160;
constexpr int kPreviewMaxSide = 3840;
constexpr int kPreviewMaxPage = 999;

// "1920x1080" within the limits, for the "size" query parameter.
Result<std::pair<int, int>> preview_size(const Request& req) {
    const auto text = req.query_param("size");
    if (!text) return std::pair{1920, 1080};
    const auto x = text->find('x');
    int w = 0;
    int h = 0;
    const char* end = text->data() + text->size();
    const bool ok = x != std::string::npos &&
                    std::from_chars(text->data(), text->data() + x, w).ptr == text->data() + x &&
                    std::from_chars(text->data() + x + 1, end, h).ptr == end && x > 0 &&
                    x + 1 < text->size();
    if (!ok || w < kPreviewMinSide || h < kPreviewMinSide || w > kPreviewMaxSide ||
        h > kPreviewMaxSide) {
        return make_error(ErrorCode::invalid,
                          "must be WIDTHxHEIGHT, each from " + std::to_string(kPreviewMinSide) +
                              " to " + std::to_string(kPreviewMaxSide) + " pixels, e.g. 1920x1080",
                          "size");
    }
    return std::pair{w, h};
}

Result<int> preview_page(const Request& req) {
    const auto text = req.query_param("page");
    if (!text) return 0;
    int page = -1;
    const char* end = text->data() + text->size();
    if (text->empty() || std::from_chars(text->data(), end, page).ptr != end || page < 0 ||
        page > kPreviewMaxPage) {
        return make_error(ErrorCode::invalid, "must be a page number from 0", "page");
    }
    return page;
}

// A media reference made a path to the stored file; "unprocessable" naming
// the field when there is no such media.
Status media_to_path(Services& s, std::string& ref, const std::string& field) {
    if (ref.empty()) return {};
    auto found = s.media.find(ref);
    if (!found) return found.error();
    if (!*found) {
        return make_error(ErrorCode::unprocessable,
                          "no uploaded media has sha256 " + ref + ": upload it first", field);
    }
    ref = s.media.path_for(ref).string();
    return {};
}

// The render input for a slide as stored or as posted: validated like a
// slide save (errors name the field), media references made file paths.
// `by` asks for it (a `group` parameter names a group of their subtree).
Result<PreviewRequest> slide_preview_request(Services& s, const nlohmann::json& body,
                                             const Request* query, const User& by) {
    auto normalised = s.slides.validate(body);
    if (!normalised) return normalised.error();
    auto slide = protocol::parse_slide_text(*normalised);
    if (!slide) return make_error(ErrorCode::invalid, slide.error().message, slide.error().field);
    if (!slide->media.empty()) {
        if (auto st = media_to_path(s, slide->media, "media"); !st) return st.error();
    }
    if (auto st = media_to_path(s, slide->background.media, "background.media"); !st) {
        return st.error();
    }
    for (std::size_t i = 0; i < slide->entries.size(); ++i) {
        if (auto st = media_to_path(s, slide->entries[i].photo,
                                    "entries[" + std::to_string(i) + "].photo");
            !st) {
            return st.error();
        }
    }
    PreviewRequest r;
    r.slide_json =
        protocol::to_json(*slide).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (query != nullptr) {
        auto size = preview_size(*query);
        if (!size) return size.error();
        r.width = size->first;
        r.height = size->second;
        auto page = preview_page(*query);
        if (!page) return page.error();
        r.page = *page;
        if (auto group = query->query_param("group"); group && !group->empty()) {
            auto g = s.groups.get(*group, by);
            if (!g && g.error().code == ErrorCode::not_found) {
                return make_error(ErrorCode::unprocessable, "no screen group is named " + *group,
                                  "group");
            }
            if (!g) return g.error();
            r.settings_json = g->settings_json;
        }
    }
    return r;
}

// Percent-encodes everything but unreserved ASCII, so any UTF-8 fits a header
// (decodeURIComponent reverses it).
std::string header_escape(const std::string& text) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

Response png_response(const Preview& p) {
    Response res;
    res.status = 200;
    res.headers.set("Content-Type", "image/png");
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("X-Signage-Pages", std::to_string(p.pages));
    res.headers.set("X-Signage-Warnings", header_escape(warnings_json(p.warnings).dump()));
    res.body = p.png;
    return res;
}

void answer_preview(Services& s, const Result<PreviewRequest>& input,
                    const http::Responder& respond) {
    if (!input) return respond(http::error_response(input.error()));
    s.preview.render(*input, [respond](PreviewResult result) {
        respond(result ? png_response(**result) : http::error_response(result.error()));
    });
}

}  // namespace

std::vector<CheckWarning> missing_glyph_warnings(Services& s, const std::string& slide_json) {
    auto body = signage::read_json(slide_json);
    auto input = slide_preview_request(s, body, nullptr, command_line_user());
    Error failed;
    if (input) {
        // A small render: only the text matters here.
        input->width = 480;
        input->height = 270;
        auto done = s.preview.render_wait(*input);
        if (done) return (*done)->warnings;
        failed = done.error();
    } else {
        failed = input.error();
    }
    spdlog::warn("missing-glyph check: {}", failed.to_string());
    return {
        {"",
         "the check for characters the screen's font cannot show did not run: " + failed.message,
         "glyph_check_failed",
         {}}};
}

void add_preview_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add_async(Method::post, "/api/v1/preview",
                  {.access = Access::staff(), .body = RouteSpec::Body::object},
                  [&s](Call& c, const http::Responder& respond) {
                      answer_preview(s, slide_preview_request(s, c.body, &c.req, c.user()),
                                     respond);
                  });

    api.add_async(
        Method::get, "/api/v1/slides/{id}/preview.png",
        {.access = Access::staff(), .path_id = "slide"},
        [&s](Call& c, const http::Responder& respond) {
            const Request& req = c.req;
            auto slide = s.slides.get(c.id, c.user());
            if (!slide) return respond(http::error_response(slide.error()));
            // ?version=approved: what screens show (or will at the next publish).
            const bool approved = req.query_param("version").value_or("") == "approved";
            if (approved && !slide->approved_json) {
                return respond(http::error_response(
                    make_error(ErrorCode::not_found,
                               "slide " + std::to_string(c.id) + " has no approved version")));
            }
            const std::string& text = approved ? *slide->approved_json : slide->json;
            answer_preview(s, slide_preview_request(s, signage::read_json(text), &req, c.user()),
                           respond);
        });
}

}  // namespace signage::server
