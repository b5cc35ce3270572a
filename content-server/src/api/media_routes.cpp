#include <filesystem>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "common/sha256.hpp"
#include "groups/group_service.hpp"
#include "http/etag.hpp"
#include "http/message.hpp"
#include "http/range.hpp"
#include "http/responses.hpp"
#include "media/converter.hpp"
#include "media/media_store.hpp"
#include "media/video_profile.hpp"
#include "metrics/metrics.hpp"
#include "protocol/time.hpp"
#include "units/unit_service.hpp"

namespace signage::server {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr int kMediaListLimit = 500;
constexpr std::size_t kMediaSearchBytes = 400;

nlohmann::json video_json(const std::optional<VideoInfo>& v) {
    if (!v) return nullptr;
    return {{"container", v->container},
            {"codec", v->codec},
            {"width", v->width},
            {"height", v->height},
            {"fps", v->fps},
            {"duration_ms", v->duration_ms},
            {"pixel_format", v->pixel_format},
            {"bit_rate", v->bit_rate},
            {"audio", v->audio ? nlohmann::json(*v->audio) : nlohmann::json(nullptr)}};
}

// A medium as the API shows it. A film's main facts are also flat (API.md):
// duration_s, video_codec, frame_rate, audio_codec and its poster's sha256.
nlohmann::json media_json(const MediaInfo& m) {
    nlohmann::json j{{"sha256", m.sha256},
                     {"name", m.name},
                     {"size", m.size},
                     {"content_type", m.content_type},
                     {"width", m.width},
                     {"height", m.height},
                     {"video", video_json(m.video)}};
    if (m.video) {
        const VideoInfo& v = *m.video;
        j["duration_s"] = static_cast<double>(v.duration_ms) / 1000.0;
        j["video_codec"] = v.codec;
        j["frame_rate"] = v.fps;
        j["audio_codec"] = v.audio ? nlohmann::json(*v.audio) : nlohmann::json(nullptr);
        j["poster"] =
            v.poster_sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.poster_sha256);
    }
    return j;
}

// What the library says of a film's conversions to the screen profiles in
// use: "renditions" (one per profile it does not fit, with the groups that
// have it, status, progress 0..100, the rendition's sha256 when done, why
// when failed and when it is tried again, if it is) and "playable" (every
// group can play it now: it fits their profile or its rendition is done;
// with no groups, the default profile).
void add_renditions(nlohmann::json& j, const MediaInfo& m, const std::vector<ProfileUse>& uses,
                    const std::vector<RenditionRecord>& rows) {
    if (!m.video) return;
    nlohmann::json list = nlohmann::json::array();
    bool playable = true;
    const bool any_group = std::any_of(uses.begin(), uses.end(),
                                       [](const ProfileUse& u) { return !u.groups.empty(); });
    for (const ProfileUse& use : uses) {
        if (fits_profile(*m.video, use.profile)) continue;
        const RenditionRecord* r = find_rendition(rows, m.sha256, use.profile);
        const std::string status = r ? r->status : "queued";
        if (status != "done" && (!use.groups.empty() || !any_group)) playable = false;
        nlohmann::json entry{{"profile", protocol::to_json(use.profile)},
                             {"groups", use.groups},
                             {"status", status},
                             {"progress", r ? static_cast<int>(r->progress * 100 + 0.5) : 0}};
        if (r && status == "done") entry["sha256"] = r->rendition_sha256;
        if (r && status == "failed") {
            entry["error"] = r->error;
            if (r->lease_until_ms > 0) {
                entry["retry_at"] = protocol::format_iso8601(
                    protocol::Timestamp(std::chrono::seconds(r->lease_until_ms / 1000)));
            }
        }
        list.push_back(std::move(entry));
    }
    j["renditions"] = std::move(list);
    j["playable"] = playable;
}

nlohmann::json media_uses_json(const std::vector<MediaUse>* uses) {
    nlohmann::json list = nlohmann::json::array();
    if (!uses) return list;
    for (const MediaUse& u : *uses) {
        list.push_back({{"id", std::to_string(u.slide_id)},
                        {"title", u.title},
                        {"status", u.status ? nlohmann::json(to_string(*u.status)) : nullptr},
                        {"live", !u.live_groups.empty()},
                        {"live_groups", u.live_groups}});
    }
    return list;
}

// The name an upload gives: ?name= or the X-Filename header (percent-encoded
// UTF-8, as a browser's encodeURIComponent writes it); empty when neither.
Result<std::string> upload_name(const Request& req) {
    if (auto query = req.query_param("name")) return normalise_media_name(*query, "name");
    const std::string_view header = req.header("x-filename");
    if (header.empty()) return std::string();
    auto decoded = http::percent_decode(header);
    if (!decoded) {
        return make_error(ErrorCode::invalid, "X-Filename is percent-encoded UTF-8", "X-Filename");
    }
    return normalise_media_name(*decoded, "X-Filename");
}

// GET /api/v1/media's q, sort and order.
Result<MediaQuery> library_query(const Request& req) {
    MediaQuery query;
    query.limit = kMediaListLimit;
    if (auto q = req.query_param("q")) {
        if (q->size() > kMediaSearchBytes) {
            return make_error(ErrorCode::invalid, "a search is at most 400 bytes", "q");
        }
        query.search = *q;
    }
    if (auto sort = req.query_param("sort")) {
        if (*sort == "name") {
            query.sort = MediaQuery::Sort::name;
        } else if (*sort == "size") {
            query.sort = MediaQuery::Sort::size;
        } else if (*sort != "uploaded_at") {
            return make_error(ErrorCode::invalid, "sort by name, size or uploaded_at", "sort");
        }
    }
    // Names A to Z; the largest and the newest first.
    query.descending = query.sort != MediaQuery::Sort::name;
    if (auto order = req.query_param("order")) {
        if (*order != "asc" && *order != "desc") {
            return make_error(ErrorCode::invalid, "order is asc or desc", "order");
        }
        query.descending = *order == "desc";
    }
    return query;
}

// A library entry: the medium, who uploaded it, who uses it and, for a film,
// its conversions.
nlohmann::json library_entry_json(const MediaEntry& e, const MediaUsage& usage,
                                  const std::vector<ProfileUse>& uses,
                                  const std::vector<RenditionRecord>& rows) {
    auto j = media_json(e.info);
    j["uploader"] = e.uploaded_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.uploaded_by);
    j["uploaded_at"] = e.created_at;
    const auto used = usage.find(e.info.sha256);
    j["used_by"] = media_uses_json(used == usage.end() ? nullptr : &used->second);
    add_renditions(j, e.info, uses, rows);
    return j;
}

// What library entries need besides the media: usage, profiles, conversions.
struct LibraryContext {
    MediaUsage usage;
    std::vector<ProfileUse> uses;
    std::vector<RenditionRecord> rows;
};

Result<LibraryContext> library_context(Services& s) {
    LibraryContext ctx;
    auto usage = s.media.usage();
    if (!usage) return usage.error();
    ctx.usage = std::move(*usage);
    auto groups = s.groups.list_all();
    if (!groups) return groups.error();
    ctx.uses = profile_uses(*groups);
    auto rows = s.media.renditions();
    if (!rows) return rows.error();
    ctx.rows = std::move(*rows);
    return ctx;
}

// 200 with the medium `sha` as the library lists it; 404 when unknown or
// a rendition.
Result<Response> library_entry_response(Services& s, const std::string& sha, const User& by) {
    auto entry = s.media.entry(sha, by);
    if (!entry) return entry.error();
    if (!*entry) return make_error(ErrorCode::not_found, "no media " + sha, "sha256");
    auto ctx = library_context(s);
    if (!ctx) return ctx.error();
    return http::json_response(200, library_entry_json(**entry, ctx->usage, ctx->uses, ctx->rows));
}

Status check_sha256_param(const std::string& sha) {
    if (!is_sha256_hex(sha)) {
        return make_error(ErrorCode::invalid, "a media address is 64 lowercase hex digits",
                          "sha256");
    }
    return {};
}

// The poster PNG of film `film`, public and immutable, with `etag` (its
// name in If-None-Match).
Result<Response> poster_response(Services& s, const Request& req, const std::string& film,
                                 const std::string& etag) {
    const auto path = s.media.poster_path_for(film);
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        spdlog::error("media: the poster of {} is missing: {}", film, ec.message());
        return make_error(ErrorCode::not_found, "no poster for " + film);
    }
    Response res;
    res.headers.set("ETag", "\"" + etag + "\"");
    res.headers.set("Cache-Control", "public, max-age=31536000, immutable");
    res.headers.set("Content-Type", "image/png");
    if (http::if_none_match_names(req.header("if-none-match"), etag)) {
        res.status = 304;
        return res;
    }
    res.file = http::FileSlice{path, 0, size, nullptr};
    return res;
}

}  // namespace

void add_media_routes(http::Router& router, Services& s) {
    ApiRoutes api(router, s);
    api.add(Method::put, "/api/v1/media",
            {.access = Access::roles({Role::editor}),
             .body_limit = s.media.limits().max_upload_bytes(),
             .spool = true},
            [&s](Call& c) -> Result<Response> {
                auto name = upload_name(c.req);
                if (!name) return name.error();
                // The upload is on disk (spooled as it arrived): an image is
                // mapped, a film probed by its path; neither is copied onto the heap.
                bool created = false;
                // ?unit=ID: a unit of the caller's subtree owns it (default theirs).
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                const Uploader by{c.user().id, *unit};
                auto media = c.req.body_file.empty()
                                 ? s.media.ingest(c.req.body, by, &created, *name)
                                 : s.media.ingest_file(c.req.body_file, by, &created, *name);
                if (!media) return media.error();
                s.metrics.add_upload_bytes(static_cast<std::uint64_t>(media->size));
                if (media->video) s.converter.schedule();  // for the groups' screen profiles
                return http::json_response(created ? 201 : 200, media_json(*media));
            });

    // The media library (any staff role): what has been uploaded, with who
    // uses each medium; searched and sorted as the query asks.
    api.add(Method::get, "/api/v1/media", {.access = Access::staff()},
            [&s](Call& c) -> Result<Response> {
                auto query = library_query(c.req);
                if (!query) return query.error();
                auto unit = unit_param(s, c.req, c.user());
                if (!unit) return unit.error();
                auto tree = s.units.tree();
                if (!tree) return tree.error();
                query->units = (*tree)->below_and_above(*unit);
                auto entries = s.media.library(*query);
                if (!entries) return entries.error();
                auto ctx = library_context(s);
                if (!ctx) return ctx.error();
                nlohmann::json list = nlohmann::json::array();
                for (const auto& e : *entries) {
                    list.push_back(library_entry_json(e, ctx->usage, ctx->uses, ctx->rows));
                }
                return http::json_response(200, {{"media", std::move(list)}});
            });

    // One medium as the library lists it (a film's conversion progress, for
    // the console to follow); a rendition is not a library item: 404.
    api.add(Method::get, "/api/v1/media/{sha256}",
            {.access = Access::staff(), .path_name = "media"}, [&s](Call& c) -> Result<Response> {
                const std::string& sha = c.req.params.at(0);
                if (auto st = check_sha256_param(sha); !st) return st.error();
                return library_entry_response(s, sha, c.user());
            });

    api.add(Method::patch, "/api/v1/media/{sha256}",
            {.access = Access::roles({Role::editor}),
             .path_name = "media",
             .body = RouteSpec::Body::object},
            [&s](Call& c) -> Result<Response> {
                const std::string& sha = c.req.params.at(0);
                if (auto st = check_sha256_param(sha); !st) return st.error();
                for (const auto& [key, value] : c.body.items()) {
                    if (key != "name") {
                        return make_error(ErrorCode::invalid, "only the name can be changed", key)
                            .because(ErrorReason::unknown_field);
                    }
                }
                const auto name = c.body.find("name");
                if (name == c.body.end() || !name->is_string()) {
                    return make_error(ErrorCode::invalid, "give the new name as a string", "name")
                        .because(ErrorReason::required);
                }
                auto normalised = normalise_media_name(name->get<std::string>(), "name");
                if (!normalised) return normalised.error();
                auto renamed = s.media.rename(sha, *normalised, c.user());
                if (!renamed) return renamed.error();
                return http::json_response(200, media_json(*renamed));
            });

    api.add(Method::del, "/api/v1/media/{sha256}",
            {.access = Access::roles({Role::editor}), .path_name = "media"},
            [&s](Call& c) -> Result<Response> {
                const std::string& sha = c.req.params.at(0);
                if (auto st = check_sha256_param(sha); !st) return st.error();
                if (auto st = s.media.remove(sha, c.user()); !st) return st.error();
                Response res;
                res.status = 204;
                return res;
            });

    // A film's failed conversions tried again now, as staff ask (editors;
    // audited): the film as the library lists it.
    api.add(Method::post, "/api/v1/media/{sha256}/renditions/retry",
            {.access = Access::roles({Role::editor}),
             .path_name = "media",
             .body = RouteSpec::Body::optional_object},
            [&s](Call& c) -> Result<Response> {
                const std::string& sha = c.req.params.at(0);
                if (auto st = check_sha256_param(sha); !st) return st.error();
                auto queued = s.converter.retry(sha, c.user().id);
                if (!queued) return queued.error();
                if (*queued == 0) {
                    return make_error(ErrorCode::conflict,
                                      "no conversion of " + sha + " has failed: none to try again",
                                      "sha256")
                        .because(ErrorReason::nothing_failed);
                }
                return library_entry_response(s, sha, c.user());
            });

    // A film's poster frame (a PNG drawn at upload): public and immutable as
    // the film is; 404 for an image or an unknown medium.
    api.add(Method::get, "/media/{sha256}/poster.png", {.access = Access::anyone()},
            [&s](Call& c) -> Result<Response> {
                const std::string& sha = c.req.params.at(0);
                if (auto st = check_sha256_param(sha); !st) return st.error();
                auto media = s.media.find(sha);
                if (!media) return media.error();
                if (!*media || !(*media)->video) {
                    return make_error(ErrorCode::not_found, "no film " + sha);
                }
                return poster_response(s, c.req, sha, sha + ".poster");
            });

    // Public and immutable: the URL names the content, so caches keep it for a year.
    api.add(Method::get, "/media/{sha256}", {.access = Access::anyone()},
            [&s](Call& c) -> Result<Response> {
                const Request& req = c.req;
                const std::string& sha = req.params.at(0);
                if (auto st = check_sha256_param(sha); !st) return st.error();
                auto media = s.media.find(sha);
                if (!media) return media.error();
                if (!*media) {
                    // A film's poster is addressed by its own sha256 too.
                    auto film = s.media.film_of_poster(sha);
                    if (!film) return film.error();
                    if (*film) return poster_response(s, req, **film, sha);
                    return make_error(ErrorCode::not_found, "no media " + sha);
                }
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
