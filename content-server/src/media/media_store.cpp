#include "media/media_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/mapped_file.hpp"
#include "common/sha256.hpp"
#include "media/sniff.hpp"
#include "media/video_profile.hpp"
#include "protocol/manifest.hpp"
#include "protocol/slide.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

// Whether `s` is valid UTF-8 (no overlong forms, surrogates or values past
// U+10FFFF) without control characters; counts its code points into `chars`.
bool media_name_text_ok(std::string_view s, std::size_t& chars) {
    chars = 0;
    for (std::size_t i = 0; i < s.size(); ++chars) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) return false;
            ++i;
            continue;
        }
        const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
        if (extra < 0 || c > 0xF4 || s.size() - i <= static_cast<std::size_t>(extra)) return false;
        std::uint32_t cp = c & (0x3F >> extra);
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp < 0xA0)) {
            return false;
        }
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

std::string media_audit_json(const MediaInfo& m) {
    return dump_audit({{"name", m.name}, {"size", m.size}, {"content_type", m.content_type}});
}

// "too_large" (413, field "body") for an upload of `size` bytes over `limit`.
Error too_large(const char* what, std::uint64_t size, std::uint64_t limit) {
    return make_error(ErrorCode::too_large,
                      std::string("the ")
                          .append(what)
                          .append(" has ")
                          .append(std::to_string(size))
                          .append(" bytes; the limit is ")
                          .append(std::to_string(limit)),
                      "body")
        .because(ErrorReason::file_too_large, {{"size_bytes", size}, {"limit_bytes", limit}});
}

// Puts `from` at `to` as write_file_atomic would write it: a hard link when
// both are on one file system (no copy of a film's gigabyte), else a copy;
// fsynced and renamed into place.
Status link_or_copy(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::create_directories(to.parent_path(), ec);
    const auto tmp = temporary_path_for(to);
    std::filesystem::create_hard_link(from, tmp, ec);
    if (ec) {
        ec.clear();
        std::filesystem::copy_file(from, tmp, ec);
    }
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        return make_error(ErrorCode::io, "cannot copy " + from.string() + ": " + ec.message());
    }
    auto st = commit_file(tmp, to);
    if (!st) std::filesystem::remove(tmp, ec);
    return st;
}

std::int64_t slide_id_number(std::string_view id) {
    std::int64_t n = 0;
    std::from_chars(id.data(), id.data() + id.size(), n);
    return n;
}

}  // namespace

Result<std::string> normalise_media_name(std::string_view raw, const std::string& field) {
    const auto cut = raw.find_last_of("/\\");
    std::string_view name = cut == std::string_view::npos ? raw : raw.substr(cut + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    std::size_t chars = 0;
    if (!media_name_text_ok(name, chars)) {
        return make_error(ErrorCode::invalid,
                          "a media name is UTF-8 text without control characters", field)
            .because(ErrorReason::control_char);
    }
    if (chars == 0) {
        return make_error(ErrorCode::invalid, "a media name cannot be empty", field)
            .because(ErrorReason::required);
    }
    if (chars > kMediaNameChars) {
        return make_error(ErrorCode::invalid,
                          std::string("a media name has at most ")
                              .append(std::to_string(kMediaNameChars))
                              .append(" characters"),
                          field)
            .because(ErrorReason::too_long, {{"max", kMediaNameChars}, {"unit", "chars"}});
    }
    return std::string(name);
}

std::string default_media_name(const MediaInfo& info) {
    const char* ext = info.content_type == "image/png"         ? ".png"
                      : info.content_type == "image/jpeg"      ? ".jpg"
                      : info.content_type == "video/mp4"       ? ".mp4"
                      : info.content_type == "video/webm"      ? ".webm"
                      : info.content_type == "video/quicktime" ? ".mov"
                                                               : "";
    return info.sha256.substr(0, 12).append(ext);
}

MediaUsage media_usage(Tx& tx) {
    // sha256 -> slide id -> use, so each slide is listed once per medium, in id order.
    std::map<std::string, std::map<std::int64_t, MediaUse>> uses;
    protocol::SlideParseOptions lenient;
    lenient.reject_unknown_fields = false;
    for (const SlideRecord& record : tx.slides().list()) {
        auto working = protocol::parse_slide_text(record.json, lenient);
        std::vector<std::string> refs;
        if (working) refs = working->media_refs();
        if (record.approved_json) {
            if (auto approved = protocol::parse_slide_text(*record.approved_json, lenient)) {
                for (auto& r : approved->media_refs()) refs.push_back(std::move(r));
            }
        }
        for (const std::string& sha : refs) {
            MediaUse& use = uses[sha][record.id];
            use.slide_id = record.id;
            use.title = working ? working->title : std::string();
            use.status = record.status;
        }
    }
    // A manifest shows a film's rendition (media/converter.hpp): the film is
    // live too.
    std::map<std::string, std::string> original_of;
    for (const RenditionRecord& r : tx.media().renditions({})) {
        if (!r.rendition_sha256.empty()) original_of[r.rendition_sha256] = r.original_sha256;
    }
    for (const Group& group : tx.groups().list()) {
        auto stored = tx.manifests().latest(group.id);
        if (!stored) continue;
        auto manifest = protocol::parse_manifest_text(stored->json);
        if (!manifest) continue;
        for (const protocol::Slide& item : manifest->items) {
            const std::int64_t id = slide_id_number(item.id);
            std::vector<std::string> refs = item.media_refs();
            for (const std::string& sha : item.media_refs()) {
                if (auto original = original_of.find(sha); original != original_of.end()) {
                    refs.push_back(original->second);
                }
            }
            for (const std::string& sha : refs) {
                auto [it, added] = uses[sha].try_emplace(id);
                MediaUse& use = it->second;
                if (added) {  // the slide is gone; the manifest still shows it
                    use.slide_id = id;
                    use.title = item.title;
                }
                if (std::find(use.live_groups.begin(), use.live_groups.end(), group.name) ==
                    use.live_groups.end()) {
                    use.live_groups.push_back(group.name);
                }
            }
        }
    }
    MediaUsage out;
    for (auto& [sha, by_id] : uses) {
        auto& list = out[sha];
        for (auto& entry : by_id) list.push_back(std::move(entry.second));
    }
    return out;
}

MediaStore::MediaStore(std::filesystem::path dir, Store& store, MediaLimits limits, bool shared)
    : dir_(std::move(dir)), store_(store), limits_(limits), shared_(shared) {}

std::filesystem::path MediaStore::path_for(std::string_view sha256) const {
    return dir_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

std::filesystem::path MediaStore::poster_path_for(std::string_view sha256) const {
    return dir_ / std::string(sha256.substr(0, 2)) / std::string(sha256).append(".poster.png");
}

Result<MediaInfo> MediaStore::ingest(std::string_view bytes, const Uploader& uploaded_by,
                                     bool* created, const std::string& name) {
    if (created) *created = false;
    if (auto container =
            sniff_video_container(bytes.substr(0, std::min<std::size_t>(bytes.size(), 64)))) {
        // A film that came in memory is probed from a file as a spooled one is.
        const auto tmp = temporary_path_for(dir_ / "upload");
        if (auto st = write_file_atomic(tmp, bytes); !st) {
            spdlog::error("media: cannot write {}: {}", tmp.string(), st.error().to_string());
            return make_error(ErrorCode::internal, "the media file could not be stored");
        }
        auto film = ingest_film(tmp, bytes.size(), *container, uploaded_by, created, name, {});
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return film;
    }
    if (bytes.size() > limits_.max_bytes)
        return too_large("upload", bytes.size(), limits_.max_bytes);
    auto image = sniff_image(bytes);
    if (!image) return image.error();
    const auto pixels =
        static_cast<std::uint64_t>(image->width) * static_cast<std::uint64_t>(image->height);
    if (pixels > limits_.max_pixels) {
        return make_error(ErrorCode::unprocessable,
                          "the image has " + std::to_string(image->width) + "x" +
                              std::to_string(image->height) + " pixels; the limit is " +
                              std::to_string(limits_.max_pixels) + " pixels",
                          "body")
            .because(ErrorReason::image_too_big, {{"width", image->width},
                                                  {"height", image->height},
                                                  {"max_pixels", limits_.max_pixels}});
    }
    if (auto decoded = check_image_decodes(bytes, *image); !decoded) return decoded.error();
    MediaInfo info;
    info.sha256 = sha256_hex(bytes);
    info.size = static_cast<std::int64_t>(bytes.size());
    info.content_type = image->content_type;
    info.width = image->width;
    info.height = image->height;
    info.name = name;
    std::lock_guard lock(files_mutex_);
    return keep(
        std::move(info), bytes.size(),
        [bytes](const std::filesystem::path& path) { return write_file_atomic(path, bytes); },
        uploaded_by, created);
}

Result<MediaInfo> MediaStore::ingest_file(const std::filesystem::path& file,
                                          const Uploader& uploaded_by, bool* created,
                                          const std::string& name) {
    if (created) *created = false;
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(file, ec);
    std::array<char, 64> head{};
    std::ifstream in(file, std::ios::binary);
    in.read(head.data(), head.size());
    if (ec || in.bad()) {
        return make_error(ErrorCode::io,
                          "the upload's spool file cannot be read: " + file.string());
    }
    const auto container =
        sniff_video_container(std::string_view(head.data(), static_cast<std::size_t>(in.gcount())));
    if (container) return ingest_film(file, size, *container, uploaded_by, created, name, {});
    if (size > limits_.max_bytes) return too_large("upload", size, limits_.max_bytes);
    auto mapped = MappedFile::open(file);  // paged in by the kernel, not copied
    if (!mapped) return mapped.error();
    return ingest(mapped->bytes(), uploaded_by, created, name);
}

Result<MediaInfo> MediaStore::ingest_film(const std::filesystem::path& file, std::uint64_t size,
                                          const std::string& container, const Uploader& uploaded_by,
                                          bool* created, const std::string& name,
                                          const std::string& rendition_of) {
    if (size > limits_.video.max_bytes) return too_large("film", size, limits_.video.max_bytes);
    auto probed = probe_video(file, container, limits_.video);
    if (!probed) return probed.error();
    auto sha = sha256_file(file);
    if (!sha) {
        spdlog::error("media: cannot hash {}: {}", file.string(), sha.error().to_string());
        return make_error(ErrorCode::internal, "the media file could not be stored");
    }
    MediaInfo info;
    info.sha256 = std::move(*sha);
    info.size = static_cast<std::int64_t>(size);
    info.content_type = video_content_type(container);
    info.width = probed->info.width;
    info.height = probed->info.height;
    info.name = name;
    info.video = probed->info;
    info.video->poster_sha256 = sha256_hex(probed->poster_png);
    info.rendition_of = rendition_of;
    std::lock_guard lock(files_mutex_);
    const auto poster = poster_path_for(info.sha256);
    return keep(
        std::move(info), size,
        [&](const std::filesystem::path& path) -> Status {
            if (auto st = write_file_atomic(poster, probed->poster_png); !st) return st;
            return link_or_copy(file, path);
        },
        uploaded_by, created);
}

Result<MediaInfo> MediaStore::keep(MediaInfo info, std::uint64_t size,
                                   const std::function<Status(const std::filesystem::path&)>& write,
                                   const Uploader& uploaded_by, bool* created) {
    if (info.name.empty()) info.name = default_media_name(info);
    const auto path = path_for(info.sha256);
    const bool film = info.video.has_value();
    // Whether the file (and a film's poster) is in place, whole.
    const auto in_place = [&] {
        std::error_code ec;
        return std::filesystem::is_regular_file(path, ec) &&
               std::filesystem::file_size(path, ec) == size &&
               (!film || std::filesystem::is_regular_file(poster_path_for(info.sha256), ec));
    };
    const auto put = [&]() -> Status {
        if (auto st = write(path); !st) {
            spdlog::error("media: cannot write {}: {}", path.string(), st.error().to_string());
            return make_error(ErrorCode::internal, "the media file could not be stored");
        }
        return {};
    };
    // Written outside the transaction, so the write lock is not held while
    // a film is copied...
    if (!in_place()) {
        if (auto st = put(); !st) return st.error();
    }
    bool added = false;
    auto recorded = store_.write([&](Tx& tx) -> Result<MediaInfo> {
        // ...and looked at again under it: another instance sharing the
        // media directory may have deleted the same content meanwhile
        // (remove() sets files aside under the same lock).
        if (!in_place()) {
            if (auto st = put(); !st) return st.error();
        }
        if (auto existing = tx.media().find(info.sha256)) return std::move(*existing);
        tx.media().add(info, uploaded_by.user, uploaded_by.unit);
        added = true;
        return info;
    });
    if (recorded && added && created) *created = true;
    return recorded;
}

void MediaStore::remove_leftovers() {
    std::lock_guard lock(files_mutex_);
    using namespace std::chrono_literals;
    auto removed = remove_stale_temporaries(dir_, shared_ ? 1h : 0s);
    if (!removed) {
        spdlog::error("media: leftover temporary files: {}", removed.error().to_string());
    } else if (removed->files > 0) {
        spdlog::warn("media: removed {} temporary files left by interrupted uploads ({} bytes)",
                     removed->files, removed->bytes);
    }
}

Result<MediaInfo> MediaStore::ingest_rendition(const std::filesystem::path& file,
                                               const MediaInfo& original) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(file, ec);
    if (ec) return make_error(ErrorCode::io, "the converted film cannot be read: " + ec.message());
    std::string name = original.name;
    if (const auto dot = name.rfind('.'); dot != std::string::npos && dot > 0) name.resize(dot);
    name.append(".mp4");
    return ingest_film(file, size, "mp4", Uploader{}, nullptr, name, original.sha256);
}

Result<std::string> MediaStore::draw_poster_again(const MediaInfo& film) {
    const auto path = path_for(film.sha256);
    std::array<char, 64> head{};
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), head.size());
    const auto container =
        sniff_video_container(std::string_view(head.data(), static_cast<std::size_t>(in.gcount())));
    if (!container) return make_error(ErrorCode::io, "its file cannot be read as a film");
    auto probed = probe_video(path, *container, limits_.video);
    if (!probed) return probed.error();
    std::lock_guard lock(files_mutex_);
    if (auto st = write_file_atomic(poster_path_for(film.sha256), probed->poster_png); !st) {
        return st.error();
    }
    return sha256_hex(probed->poster_png);
}

void MediaStore::backfill_posters() {
    auto films = store_.read(
        [](Tx& tx) -> Result<std::vector<MediaInfo>> { return tx.media().original_films(); });
    if (!films) {
        spdlog::error("media: cannot list films: {}", films.error().to_string());
        return;
    }
    int drawn = 0, addressed = 0;
    for (const MediaInfo& film : *films) {
        if (!film.video) continue;
        std::error_code ec;
        Result<std::string> poster = std::string();
        if (!std::filesystem::is_regular_file(poster_path_for(film.sha256), ec)) {
            poster = draw_poster_again(film);
            if (poster) ++drawn;
        } else if (film.video->poster_sha256.empty()) {
            poster = sha256_file(poster_path_for(film.sha256));
            if (poster) ++addressed;
        } else {
            continue;
        }
        if (!poster) {
            spdlog::warn("media: the film {} has no poster, and none can be made: {}", film.sha256,
                         poster.error().to_string());
            continue;
        }
        if (*poster == film.video->poster_sha256) continue;
        auto saved = store_.write([&](Tx& tx) -> Status {
            tx.media().set_poster(film.sha256, *poster);
            return {};
        });
        if (!saved) spdlog::error("media: {}", saved.error().to_string());
    }
    if (drawn + addressed > 0) {
        spdlog::info("media: posters drawn for {} film(s) that had none, {} addressed by sha256",
                     drawn, addressed);
    }
}

Result<std::optional<std::string>> MediaStore::film_of_poster(const std::string& sha256) {
    return store_.read([&](Tx& tx) -> Result<std::optional<std::string>> {
        return tx.media().film_of_poster(sha256);
    });
}

Result<std::optional<MediaInfo>> MediaStore::find(const std::string& sha256) {
    auto row = store_.read(
        [&](Tx& tx) -> Result<std::optional<MediaInfo>> { return tx.media().find(sha256); });
    if (!row || !*row) return row;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_for(sha256), ec)) {
        spdlog::error("media: {} is recorded but its file is missing", sha256);
        return std::optional<MediaInfo>{};
    }
    return row;
}

Result<std::vector<MediaEntry>> MediaStore::library(const MediaQuery& query) {
    return store_.read(
        [&](Tx& tx) -> Result<std::vector<MediaEntry>> { return tx.media().list(query); });
}

Status media_in_reach(Tx& tx, const std::string& sha256, const User& by, bool to_change) {
    const auto tree = tx.unit_tree();
    bool own = false;
    bool above = false;
    for (const std::int64_t owner : tx.media().owners(sha256)) {
        own = own || tree->within(owner, by.unit_id);
        above = above || tree->within(by.unit_id, owner);
    }
    if (own || (above && !to_change)) return {};
    if (above) {
        return make_error(ErrorCode::forbidden,
                          "the medium comes from a unit above yours: only that unit changes it",
                          "sha256");
    }
    return make_error(ErrorCode::not_found, "no media " + sha256, "sha256");
}

Result<std::optional<MediaEntry>> MediaStore::entry(const std::string& sha256, const User& by) {
    return store_.read([&](Tx& tx) -> Result<std::optional<MediaEntry>> {
        if (!media_in_reach(tx, sha256, by, false)) return std::optional<MediaEntry>{};
        return tx.media().entry(sha256);
    });
}

Result<std::vector<RenditionRecord>> MediaStore::renditions() {
    return store_.read(
        [](Tx& tx) -> Result<std::vector<RenditionRecord>> { return tx.media().renditions({}); });
}

Result<MediaUsage> MediaStore::usage() {
    return store_.read([](Tx& tx) -> Result<MediaUsage> { return media_usage(tx); });
}

Result<MediaInfo> MediaStore::rename(const std::string& sha256, const std::string& name,
                                     const User& by) {
    const std::int64_t actor = by.id;
    return store_.write([&](Tx& tx) -> Result<MediaInfo> {
        auto found = tx.media().find(sha256);
        if (!found) return make_error(ErrorCode::not_found, "no media " + sha256, "sha256");
        if (auto st = media_in_reach(tx, sha256, by, true); !st) return st.error();
        const std::string before = media_audit_json(*found);
        found->name = name;
        tx.media().rename(sha256, name);
        tx.audit().record(actor, "rename", "media", sha256, before, media_audit_json(*found));
        return std::move(*found);
    });
}

void MediaStore::set_aside(const std::string& sha256, SetAside& aside) const {
    for (const auto& file : {path_for(sha256), poster_path_for(sha256)}) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) continue;
        auto waiting = temporary_path_for(file);
        std::filesystem::rename(file, waiting, ec);
        if (ec) {
            spdlog::warn("media: {} cannot be set aside: {}", file.string(), ec.message());
            continue;
        }
        aside.emplace_back(file, std::move(waiting));
    }
}

void MediaStore::settle(const SetAside& aside, bool committed) {
    for (const auto& [file, waiting] : aside) {
        std::error_code ec;
        if (!committed) {
            std::filesystem::rename(waiting, file, ec);
        } else if (!std::filesystem::remove(waiting, ec) || ec) {
            spdlog::warn("media: {} deleted, but its file could not be removed: {}", file.string(),
                         ec ? ec.message() : "it was not there");
        }
    }
}

Result<int> MediaStore::sweep_renditions() {
    std::lock_guard lock(files_mutex_);
    SetAside aside;
    auto swept = store_.write([&](Tx& tx) -> Result<int> {
        std::set<std::string> in_use;
        for (const ProfileUse& use : profile_uses(tx.groups().list())) {
            in_use.insert(rendition_key(use.profile));
        }
        std::optional<MediaUsage> usage;  // read once, when needed
        int removed = 0, kept = 0;
        for (const RenditionRecord& r : tx.media().renditions({})) {
            if (in_use.count(r.profile_key) > 0) continue;
            if (r.status == "converting") {
                ++kept;
                continue;
            }
            if (!r.rendition_sha256.empty()) {
                if (!usage) usage = media_usage(tx);
                if (usage->count(r.rendition_sha256) > 0) {
                    ++kept;
                    continue;
                }
                tx.media().remove(r.rendition_sha256);
                set_aside(r.rendition_sha256, aside);
            }
            tx.media().remove_rendition(r.original_sha256, r.profile_key);
            ++removed;
        }
        if (kept > 0) {
            spdlog::info(
                "media: {} conversion(s) for screen profiles no group has kept for now: "
                "converting, or named by a slide or a current manifest",
                kept);
        }
        return removed;
    });
    settle(aside, swept.ok());
    return swept;
}

Status MediaStore::remove(const std::string& sha256, const User& by) {
    const std::int64_t actor = by.id;
    std::lock_guard lock(files_mutex_);
    std::vector<std::string> gone{sha256};  // whose files go
    SetAside aside;
    auto removed = store_.write([&](Tx& tx) -> Status {
        auto found = tx.media().find(sha256);
        if (!found) return make_error(ErrorCode::not_found, "no media " + sha256, "sha256");
        if (auto st = media_in_reach(tx, sha256, by, true); !st) return st;
        // Other units own it too: only the caller's subtree lets go of it.
        const auto tree = tx.unit_tree();
        if (tx.media().remove_owners(sha256, tree->below(by.unit_id)) > 0) {
            tx.audit().record(actor, "release", "media", sha256, media_audit_json(*found), "",
                              by.unit_id);
            gone.clear();
            return {};
        }
        const MediaUsage usage = media_usage(tx);
        if (auto used = usage.find(sha256); used != usage.end()) {
            std::string who;
            for (const MediaUse& u : used->second) {
                if (!who.empty()) who += ", ";
                who.append("slide ").append(std::to_string(u.slide_id));
                if (!u.title.empty()) who.append(" “").append(u.title).append("”");
                who.append(" (")
                    .append(u.status ? to_string(*u.status) : std::string_view("deleted"))
                    .append(u.live_groups.empty() ? "" : ", on screens")
                    .append(")");
            }
            return make_error(ErrorCode::conflict, "the medium is in use: " + who, "sha256")
                .because(ErrorReason::in_use, {{"count", used->second.size()}});
        }
        tx.media().remove(sha256);
        // Its renditions go with it, but for one a served manifest still shows.
        for (const RenditionRecord& r : tx.media().renditions(sha256)) {
            if (r.rendition_sha256.empty() || usage.count(r.rendition_sha256) > 0) continue;
            tx.media().remove(r.rendition_sha256);
            gone.push_back(r.rendition_sha256);
        }
        tx.media().remove_renditions(sha256);
        tx.audit().record(actor, "delete", "media", sha256, media_audit_json(*found), "");
        // The files are set aside under the write lock, where an upload of
        // the same content on another instance sharing the directory looks
        // for them (keep()); they go once the deletion commits, and come
        // back if it does not.
        for (const std::string& sha : gone) set_aside(sha, aside);
        return {};
    });
    settle(aside, removed.ok());
    return removed;
}

}  // namespace signage::server
