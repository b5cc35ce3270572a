#pragma once
// Content-addressed media: each image or film is stored once, as DIR/<aa>/<sha256>,
// and recorded in the store with a name staff choose (the uploaded file's
// name by default). Files are written to a temporary name, fsynced and
// renamed, so a file under its final name is always complete; a failed write
// removes its temporary file, and those a crash left are removed at start. A medium no
// slide and no served manifest uses can be deleted, its file with it.
// A film (MP4, WebM, MOV: media/video_probe.hpp) is probed from the file it
// was spooled to, never read into memory, and stored with its facts and a
// poster frame, DIR/<aa>/<sha256>.poster.png.
//
// Several instances on one PostgreSQL database may share the directory
// (network storage): a file's name is its content, so two instances
// writing the same upload write the same bytes, and a deletion sets the
// files aside under the database's write lock, where an upload of the same
// content looks for them before it records itself.
//
// Threading: any thread. ingest() hashes and fsyncs: call it from a worker.
// ingest() and remove() are serialised, so a file is never removed under an
// upload of the same content.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs.hpp"
#include "common/image_header.hpp"
#include "common/result.hpp"
#include "media/video_probe.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;
class Tx;

struct MediaLimits {
    std::uint64_t max_bytes = 32ull * 1024 * 1024;  // per image upload
    std::uint64_t max_pixels = image::kMaxPixels;   // width * height (8K)
    VideoLimits video;                              // films
    // The largest upload of any kind: what the route lets through before
    // the bytes say which limit is theirs.
    std::uint64_t max_upload_bytes() const { return std::max(max_bytes, video.max_bytes); }
};

// One slide that uses a medium: its working copy or approved version refers
// to it (image, background, honour-roll photo), or a group's current
// manifest shows it with the medium.
struct MediaUse {
    std::int64_t slide_id = 0;
    std::string title;                     // the working copy's (the manifest's when deleted)
    std::optional<SlideStatus> status;     // nullopt: deleted, still served by a manifest
    std::vector<std::string> live_groups;  // groups whose current manifest shows it with the medium
};
// Every medium in use (by sha256), each with its users in slide id order.
using MediaUsage = std::map<std::string, std::vector<MediaUse>>;
MediaUsage media_usage(Tx& tx);

// The longest name a medium may have, in characters.
inline constexpr std::size_t kMediaNameChars = 120;
// A name as staff gave it, checked: valid UTF-8 without control characters,
// any folder part dropped ("C:\\photos\\a.png" is "a.png"), spaces trimmed,
// 1 to kMediaNameChars characters. Errors are "invalid" naming `field`.
// Who uploads a medium: the staff member (nullopt: the server itself or the
// command line) and the unit that then owns it (it may use it; its staff
// see it in the library).
// OK when a unit of `by`'s subtree owns the medium, or (to read, not
// `to_change`) a unit above; else "not_found", or "forbidden" for a change
// of a medium from above.
Status media_in_reach(Tx& tx, const std::string& sha256, const User& by, bool to_change);

struct Uploader {
    std::optional<std::int64_t> user;
    std::int64_t unit = root_unit_id;
};

Result<std::string> normalise_media_name(std::string_view raw, const std::string& field);
// The name of a medium uploaded without one: the first 12 hex digits of its
// sha256 and the extension of its type ("3f2a9c0b1d4e.png").
std::string default_media_name(const MediaInfo& info);

class MediaStore {
  public:
    // `shared`: other instances write to `dir` too (--media-dir on network
    // storage), so remove_leftovers() leaves their uploads in progress alone.
    MediaStore(std::filesystem::path dir, Store& store, MediaLimits limits, bool shared = false);

    const MediaLimits& limits() const { return limits_; }

    // Checks the bytes (size "too_large" 413, kind "unsupported_media_type"
    // 415, pixels "unprocessable" 422; all with field "body") and stores them
    // unless the same content is already there (which keeps its name). Nothing
    // is written for a rejected upload. `name` is normalised already; empty:
    // default_media_name. `created` tells whether the content was new.
    // A film in `bytes` is written to a temporary file and ingested as
    // ingest_file does.
    Result<MediaInfo> ingest(std::string_view bytes, const Uploader& uploaded_by,
                             bool* created = nullptr, const std::string& name = {});
    // An upload spooled to `file`: an image is checked as ingest() checks
    // it; a film is probed by path (media/video_probe.hpp: its refusals, and
    // "too_large" 413 over limits().video.max_bytes), hashed from the file
    // and linked (or copied) into place with its poster. `file` itself is
    // left where it is.
    Result<MediaInfo> ingest_file(const std::filesystem::path& file, const Uploader& uploaded_by,
                                  bool* created = nullptr, const std::string& name = {});

    // A film converted to a screen profile (media/converter.hpp), spooled to
    // `file` as MP4: probed and stored as an upload is, named after the
    // original and marked as its rendition (left out of library()).
    Result<MediaInfo> ingest_rendition(const std::filesystem::path& file,
                                       const MediaInfo& original);

    // The film whose poster PNG has this sha256 (GET /media/<poster sha256>).
    Result<std::optional<std::string>> film_of_poster(const std::string& sha256);

    // The record of a stored media file; nullopt when unknown or its file is gone.
    Result<std::optional<MediaInfo>> find(const std::string& sha256);

    // One medium as library() lists it; nullopt when unknown, a rendition,
    // or owned by no unit of `by`'s subtree or above it.
    Result<std::optional<MediaEntry>> entry(const std::string& sha256, const User& by);
    // Every film's conversions to screen profiles (media/converter.hpp).
    Result<std::vector<RenditionRecord>> renditions();

    // The media library as `query` asks.
    Result<std::vector<MediaEntry>> library(const MediaQuery& query);
    // Who uses each medium now.
    Result<MediaUsage> usage();

    // Renames a medium (audited); "not_found" (field sha256) when unknown
    // or not one of `by`'s units', "forbidden" when it is a unit's above.
    Result<MediaInfo> rename(const std::string& sha256, const std::string& name, const User& by);
    // Deletes an unused medium and its file (audited). "conflict" (409, field
    // sha256) naming the slides that use it; "not_found" when unknown. When
    // units outside `by`'s subtree own it too, only `by`'s subtree lets go
    // of it (it stays for the others).
    Status remove(const std::string& sha256, const User& by);

    // Removes the conversions to screen profiles no group has any more
    // (a group's profile changed, or the group went; the default profile
    // always counts as had): each one's record, and its rendition's record,
    // file and poster. A rendition that a slide or a group's current
    // manifest still names is kept, with its record, and so is a
    // conversion running now: a later sweep takes them. How many
    // conversions went.
    Result<int> sweep_renditions();

    std::filesystem::path path_for(std::string_view sha256) const;
    // A film's poster frame (PNG), next to its file.
    std::filesystem::path poster_path_for(std::string_view sha256) const;

    // Removes the temporary files uploads cut short by a crash (kill -9, power
    // cut) left in the media directory, and logs how many and their bytes (or
    // why it could not). Called once at start, before anything is uploaded.
    // In a shared directory only those last written over an hour ago go:
    // the others may be another instance's uploads in progress.
    void remove_leftovers();
    bool shared() const { return shared_; }
    const std::filesystem::path& dir() const { return dir_; }
    // Gives every uploaded film a poster: one whose poster file is missing
    // (stored before posters were drawn, or the file lost) has it drawn
    // from the film again, and one stored before posters were addressed by
    // their sha256 (schema 13) has it recorded. Logs what it did, and why
    // a film still has none. Called once at start, before serving.
    void backfill_posters();

  private:
    // Files of deleted media moved aside inside the deletion's write
    // transaction (file, where it waits): removed once it commits, put
    // back if it does not.
    using SetAside = std::vector<std::pair<std::filesystem::path, std::filesystem::path>>;
    // Under files_mutex_, inside the write transaction: sets aside the
    // file and the poster of the medium `sha256`.
    void set_aside(const std::string& sha256, SetAside& aside) const;
    // After the transaction: removes what was set aside, or puts it back.
    static void settle(const SetAside& aside, bool committed);
    // Draws `film`'s poster from its file and stores it: its sha256.
    Result<std::string> draw_poster_again(const MediaInfo& film);
    Result<MediaInfo> ingest_film(const std::filesystem::path& file, std::uint64_t size,
                                  const std::string& container, const Uploader& uploaded_by,
                                  bool* created, const std::string& name,
                                  const std::string& rendition_of);
    // Under files_mutex_: puts the file in place with `write` unless it is
    // there already, then records `info` unless the content was recorded.
    Result<MediaInfo> keep(MediaInfo info, std::uint64_t size,
                           const std::function<Status(const std::filesystem::path&)>& write,
                           const Uploader& uploaded_by, bool* created);

    std::filesystem::path dir_;
    Store& store_;
    MediaLimits limits_;
    bool shared_ = false;
    std::mutex files_mutex_;  // ingest's write and record against remove
};

}  // namespace signage::server
