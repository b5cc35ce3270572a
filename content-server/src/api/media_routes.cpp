#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/sha256.hpp"
#include "http/etag.hpp"
#include "http/range.hpp"
#include "http/responses.hpp"
#include "media/media_store.hpp"
#include "metrics/metrics.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr int kMediaListLimit = 500;

nlohmann::json media_json(const MediaInfo& m) {
    return {{"sha256", m.sha256},
            {"size", m.size},
            {"content_type", m.content_type},
            {"width", m.width},
            {"height", m.height}};
}

}  // namespace

void add_media_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add(Method::put, "/api/v1/media",
            {.access = Access::roles({Role::editor}), .body_limit = s.media.limits().max_bytes},
            [&s](Call& c) -> Result<Response> {
                bool created = false;
                auto media = s.media.ingest(c.req.body, c.user().id, &created);
                if (!media) return media.error();
                s.metrics.add_upload_bytes(c.req.body.size());
                return http::json_response(created ? 201 : 200, media_json(*media));
            });

    // The media library (any staff role): what has been uploaded, newest first.
    api.add(
        Method::get, "/api/v1/media", {.access = Access::staff()}, [&s](Call&) -> Result<Response> {
            auto entries = s.media.library(kMediaListLimit);
            if (!entries) return entries.error();
            nlohmann::json list = nlohmann::json::array();
            for (const auto& e : *entries) {
                auto j = media_json(e.info);
                j["uploaded_by"] =
                    e.uploaded_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.uploaded_by);
                j["created_at"] = e.created_at;
                list.push_back(std::move(j));
            }
            return http::json_response(200, {{"media", std::move(list)}});
        });

    // Public and immutable: the URL names the content, so caches keep it for a year.
    api.add(Method::get, "/media/{sha256}", {.access = Access::anyone()},
            [&s](Call& c) -> Result<Response> {
                const Request& req = c.req;
                const std::string& sha = req.params.at(0);
                if (!is_sha256_hex(sha)) {
                    return make_error(ErrorCode::invalid,
                                      "a media address is 64 lowercase hex digits", "sha256");
                }
                auto media = s.media.find(sha);
                if (!media) return media.error();
                if (!*media) return make_error(ErrorCode::not_found, "no media " + sha);
                const MediaInfo& m = **media;
                const std::string etag = "\"" + m.sha256 + "\"";
                Response res;
                res.headers.set("ETag", etag);
                res.headers.set("Cache-Control", "public, max-age=31536000, immutable");
                res.headers.set("Accept-Ranges", "bytes");
                res.headers.set("Content-Type", m.content_type);
                if (http::if_none_match_names(req.header("if-none-match"), m.sha256)) {
                    res.status = 304;
                    return res;
                }
                const auto size = static_cast<std::uint64_t>(m.size);
                const http::ByteRange range = http::parse_range(req.header("range"), size);
                Metrics& metrics = s.metrics;
                auto count_sent = [&metrics](std::uint64_t bytes) {
                    metrics.add_media_sent_bytes(bytes);
                };
                switch (range.kind) {
                    case http::ByteRange::Kind::whole:
                        res.file = http::FileSlice{s.media.path_for(sha), 0, size, count_sent};
                        break;
                    case http::ByteRange::Kind::partial:
                        res.status = 206;
                        res.headers.set("Content-Range",
                                        "bytes " + std::to_string(range.offset) + "-" +
                                            std::to_string(range.offset + range.length - 1) + "/" +
                                            std::to_string(size));
                        res.file = http::FileSlice{s.media.path_for(sha), range.offset,
                                                   range.length, count_sent};
                        break;
                    case http::ByteRange::Kind::unsatisfiable: {
                        Response r = http::error_response(make_error(
                            ErrorCode::range_not_satisfiable,
                            "the range is outside the media's " + std::to_string(size) + " bytes",
                            "Range"));
                        r.headers.set("Content-Range", "bytes */" + std::to_string(size));
                        return r;
                    }
                }
                return res;
            });
}

}  // namespace signage::server
