#include "slides/slide_service.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "checks/content_checks.hpp"
#include "common/fault.hpp"
#include "common/json_input.hpp"
#include "media/video_profile.hpp"
#include "protocol/slide.hpp"
#include "publish/publisher.hpp"
#include "slides/workflow.hpp"
#include "store/store.hpp"
#include "units/unit_service.hpp"

namespace signage::server {
namespace {

constexpr const char* server_fields[] = {"id",
                                         "status",
                                         "author",
                                         "updated_by",
                                         "reviewer",
                                         "reject_reason",
                                         "created_at",
                                         "updated_at",
                                         "reviewed_at",
                                         "has_approved_version",
                                         "revision",
                                         "approved_version",
                                         "approved_revision",
                                         "unit",
                                         "unit_name",
                                         "origin"};

// Whether a unit of `owners` (a medium's) is `unit`, above it or below it:
// what a slide of `unit` may use.
bool reaches(const UnitTree& tree, const std::vector<std::int64_t>& owners, std::int64_t unit) {
    return std::any_of(owners.begin(), owners.end(), [&](std::int64_t o) {
        return tree.within(o, unit) || tree.within(unit, o);
    });
}

// Every media reference of the slide names a recorded medium of the kind the
// field shows: a video slide's media a film, every other (an image's media,
// a background, an honour-roll photo) a picture. 422 naming the field
// otherwise.
Status check_slide_media(Tx& tx, const protocol::Slide& slide, std::int64_t unit) {
    const auto tree = tx.unit_tree();
    auto check = [&](const std::string& sha, const std::string& field, bool film) -> Status {
        if (sha.empty()) return {};
        auto found = tx.media().find(sha);
        // A rendition is its original's: the units that uploaded that.
        if (found &&
            !reaches(*tree,
                     tx.media().owners(found->rendition_of.empty() ? sha : found->rendition_of),
                     unit)) {
            found.reset();
        }
        if (!found) {
            return make_error(ErrorCode::unprocessable,
                              "no uploaded media has sha256 " + sha + ": upload it first", field)
                .because(ErrorReason::format, {{"format", film ? "video" : "media"}});
        }
        if (film && !found->video) {
            return make_error(ErrorCode::unprocessable,
                              std::string("media ").append(sha).append(
                                  " is a picture: a video slide shows an uploaded film"),
                              field)
                .because(ErrorReason::format, {{"format", "video"}});
        }
        if (!film && found->video) {
            return make_error(ErrorCode::unprocessable,
                              std::string("media ").append(sha).append(
                                  " is a film: show it with a video slide"),
                              field)
                .because(ErrorReason::format, {{"format", "picture"}});
        }
        return {};
    };
    if (auto st = check(slide.media, "media", slide.type == protocol::SlideType::video); !st) {
        return st;
    }
    if (auto st = check(slide.background.media, "background.media", false); !st) return st;
    for (std::size_t i = 0; i < slide.entries.size(); ++i) {
        const std::string field =
            std::string("entries[").append(std::to_string(i)).append("].photo");
        if (auto st = check(slide.entries[i].photo, field, false); !st) return st;
    }
    return {};
}

// A video slide that plays its film to the end lasts the film: its
// duration_s is the film's length rounded up to whole seconds, whatever the
// editor sent (a looping film keeps the editor's). The media was checked.
void fit_duration_to_film(Tx& tx, protocol::Slide& slide) {
    if (slide.type != protocol::SlideType::video || slide.play != protocol::VideoPlay::to_end) {
        return;
    }
    const auto film = tx.media().find(slide.media);
    if (!film || !film->video) return;
    const std::int64_t seconds = (film->video->duration_ms + 999) / 1000;
    slide.duration_s = static_cast<int>(std::clamp<std::int64_t>(
        seconds, protocol::SlideLimits::min_duration_s, protocol::SlideLimits::max_duration_s));
}

// A video slide goes to review only when each group it targets (every group
// when it names none) can play its film: the film fits the group's screen
// profile or its rendition for it is done. 409 naming "media" otherwise:
// video_converting while it is queued or converting, video_conversion_failed
// (with ffmpeg's words) when it failed.
Status check_film_playable(Tx& tx, const std::string& json, std::int64_t unit) {
    auto slide = protocol::parse_slide_text(json);
    if (!slide || slide->type != protocol::SlideType::video || slide->media.empty()) return {};
    const auto film = tx.media().find(slide->media);
    if (!film || !film->video) return {};
    const std::vector<RenditionRecord> rows = tx.media().renditions(film->sha256);
    const auto tree = tx.unit_tree();
    for (const Group& group : tx.groups().list()) {
        if (!goes_to(*slide, unit, group, *tree)) continue;
        const protocol::VideoProfile profile = group_video_profile(group);
        if (fits_profile(*film->video, profile)) continue;
        const RenditionRecord* r = find_rendition(rows, film->sha256, profile);
        if (r && r->status == "done") continue;
        if (r && r->status == "failed") {
            return make_error(ErrorCode::conflict,
                              std::string("the film could not be converted for the screens of ")
                                  .append(group.name)
                                  .append(": ")
                                  .append(r->error),
                              "media")
                .because(ErrorReason::video_conversion_failed,
                         {{"group", group.name}, {"error", r->error}});
        }
        const int progress = r ? static_cast<int>(r->progress * 100) : 0;
        return make_error(ErrorCode::conflict,
                          std::string("the film is being converted for the screens of ")
                              .append(group.name)
                              .append(" (")
                              .append(std::to_string(progress))
                              .append("%): submit it once that is done"),
                          "media")
            .because(ErrorReason::video_converting,
                     {{"group", group.name}, {"progress", progress}});
    }
    return {};
}

// The same inside the transaction that stores a slide's JSON, so a medium
// deleted since the slide was validated is not left referenced.
Status check_stored_slide_media(Tx& tx, const std::string& json) {
    auto slide = protocol::parse_slide_text(json);
    if (!slide) return {};  // validated before; nothing to check
    // Whether the unit may use the media was checked by validate(); here,
    // only that they are still there.
    return check_slide_media(tx, *slide, root_unit_id);
}

}  // namespace

void erase_review_fields(nlohmann::json& body) {
    for (const char* field : server_fields) body.erase(field);
}

SlideService::SlideService(Store& store)
    : store_(store),
      records_(
          store, [](Tx& tx) -> ReviewRepository& { return tx.slides(); }, "slide") {
    records_.set_save_check(check_stored_slide_media);
}

Result<std::string> SlideService::validate(const nlohmann::json& body, std::int64_t unit) {
    if (!body.is_object())
        return make_error(ErrorCode::invalid, "a slide is a JSON object", "body")
            .because(ErrorReason::wrong_type, {{"expected", "object"}});
    // The fields slide_view() adds are the server's: a client may send a slide
    // back as it got it.
    nlohmann::json input = body;
    erase_review_fields(input);
    protocol::SlideParseOptions options;
    options.reject_unknown_fields = true;
    options.allow_local_paths = false;
    auto slide = protocol::parse_slide(input, options);
    if (!slide) {
        // Validation errors are the client's: report them as such, whatever
        // code the protocol layer chose, with its field path.
        Error e = slide.error();
        e.code = ErrorCode::invalid;
        return e;
    }
    slide->id.clear();
    auto checked = store_.read([&](Tx& tx) -> Status {
        if (auto st = check_slide_media(tx, *slide, unit); !st) return st;
        fit_duration_to_film(tx, *slide);
        const auto tree = tx.unit_tree();
        // Targeted groups must exist in the unit's subtree, so a typo does
        // not silently show nothing (another unit's group does not exist).
        for (std::size_t i = 0; i < slide->groups.size(); ++i) {
            const std::string& name = slide->groups[i];
            const std::string field = "groups[" + std::to_string(i) + "]";
            const auto before = slide->groups.begin() + static_cast<long>(i);
            if (std::find(slide->groups.begin(), before, name) != before) {
                return make_error(ErrorCode::invalid, "names the group " + name + " twice", field)
                    .because(ErrorReason::duplicate);
            }
            const auto group = tx.groups().find(name);
            if (!group || !tree->within(group->unit_id, unit)) {
                return make_error(ErrorCode::unprocessable,
                                  "no screen group is named " + name + ": create it first", field)
                    .because(ErrorReason::unknown_group, {{"name", name}});
            }
        }
        // The units it goes to are the slide's own or below it.
        for (std::size_t i = 0; i < slide->units.size(); ++i) {
            const std::int64_t id = slide->units[i];
            const std::string field = "units[" + std::to_string(i) + "]";
            const auto before = slide->units.begin() + static_cast<long>(i);
            if (std::find(slide->units.begin(), before, id) != before) {
                return make_error(ErrorCode::invalid, "names unit " + std::to_string(id) + " twice",
                                  field)
                    .because(ErrorReason::duplicate);
            }
            if (!tree->within(id, unit)) {
                return make_error(ErrorCode::unprocessable,
                                  "no unit " + std::to_string(id) + " below this slide's unit",
                                  field)
                    .because(ErrorReason::unknown_unit, {{"id", id}});
            }
        }
        return {};
    });
    if (!checked) return checked.error();
    return protocol::to_json(*slide).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<SlideRecord> SlideService::create(const nlohmann::json& body, const User& by) {
    auto unit = body_unit(store_, by, body);
    if (!unit) return unit.error();
    auto json = validate(body, *unit);
    if (!json) return json.error();
    fault::pause("slides.after_validate");
    return records_.create(*json, by, *unit);
}

Result<SlideRecord> SlideService::update(std::int64_t id, const nlohmann::json& body,
                                         const User& by) {
    auto current = records_.get(id, by);
    if (!current) return current.error();
    auto json = validate(body, current->unit_id);
    if (!json) return json.error();
    return records_.update_one(
        id, [&](SlideRecord& s) { return apply_edit(s, *json, by); }, by, "edit");
}

Result<SlideRecord> SlideService::duplicate(std::int64_t id, const User& by) {
    auto original = records_.get(id, by);
    if (!original) return original.error();
    nlohmann::json body = signage::read_json(original->json);
    if (!body.is_object()) return make_error(ErrorCode::internal, "the slide cannot be read");
    body["title"] = copy_title(body.value("title", std::string()));
    // A copy of a slide from above is the copier's unit's own.
    auto own = store_.read([&](Tx& tx) -> Result<bool> {
        return tx.unit_tree()->within(original->unit_id, by.unit_id);
    });
    if (!own) return own.error();
    const std::int64_t unit = *own ? original->unit_id : by.unit_id;
    if (!*own) {
        body.erase("units");
        body.erase("groups");
        body.erase("required");
    }
    auto json = validate(body, unit);
    if (!json) return json.error();
    return records_.create(*json, by, unit);
}

std::string copy_title(const std::string& title) {
    static const std::string mark = "（副本）";
    const std::size_t room = protocol::SlideLimits::title_chars - protocol::utf8_length(mark);
    // Cut at a character boundary so the copy's title stays within the limit.
    std::size_t bytes = 0;
    for (std::size_t chars = 0; bytes < title.size(); ++bytes) {
        const auto c = static_cast<unsigned char>(title[bytes]);
        if ((c & 0xC0) != 0x80 && chars++ == room) break;
    }
    return title.substr(0, bytes) + mark;
}

Status SlideService::remove(std::int64_t id, const User& by) {
    return records_.remove(id, by);
}

Result<SlideRecord> SlideService::submit(std::int64_t id, const User& by,
                                         std::vector<CheckWarning>* warnings) {
    auto words = load_forbidden_words(store_);
    if (!words) return words.error();
    return records_.update_one_in(
        id,
        [&](Tx& tx, SlideRecord& s) -> Status {
            if (auto st = apply_submit(s, by); !st) return st;
            if (auto st = check_film_playable(tx, s.json, s.unit_id); !st) return st;
            auto checked = check_for_submit(s.json, *words);
            if (!checked) return checked.error();
            if (warnings) *warnings = std::move(*checked);
            return {};
        },
        by, "submit");
}

Result<SlideRecord> SlideService::approve(std::int64_t id, const User& by,
                                          const std::string& revision) {
    return records_.update_one_in(
        id,
        [&](Tx& tx, SlideRecord& s) -> Status {
            if (auto st = apply_approve(s, by, "slide", revision); !st) return st;
            return check_film_playable(tx, s.json, s.unit_id);
        },
        by, "approve");
}

Result<SlideRecord> SlideService::reject(std::int64_t id, const User& by,
                                         const std::string& reason) {
    return records_.update_one(
        id, [&](SlideRecord& s) { return apply_reject(s, by, reason); }, by, "reject");
}

Result<SlideRecord> SlideService::withdraw(std::int64_t id, const User& by,
                                           const std::string& reason) {
    return records_.update_one(
        id, [&](SlideRecord& s) { return apply_withdraw(s, by, reason); }, by, "withdraw");
}

Result<SlideRecord> SlideService::get(std::int64_t id, const User& by) {
    return records_.get(id, by);
}

Result<std::vector<SlideRecord>> SlideService::list(const User& by, std::int64_t unit) {
    return records_.list(by, unit == 0 ? by.unit_id : unit);
}

Result<std::vector<std::string>> SlideService::forbidden_words() {
    return load_forbidden_words(store_);
}

Result<std::vector<std::string>> SlideService::set_forbidden_words(const nlohmann::json& body,
                                                                   std::int64_t actor) {
    return save_forbidden_words(store_, body, actor);
}

nlohmann::json slide_view(const SlideRecord& slide) {
    nlohmann::json j = signage::read_json(slide.json);
    if (!j.is_object()) j = nlohmann::json::object();
    j["id"] = std::to_string(slide.id);
    j["status"] = to_string(slide.status);
    j["author"] = slide.author;
    j["updated_by"] = slide.updated_by;
    j["reviewer"] = slide.reviewer;
    j["reject_reason"] = slide.reject_reason;
    j["created_at"] = slide.created_at;
    j["updated_at"] = slide.updated_at;
    j["reviewed_at"] = slide.reviewed_at;
    j["unit"] = slide.unit_id;
    // A version of this slide has been approved and is (or will be, at the
    // next publish) on screens, even while a newer edit waits for review.
    j["has_approved_version"] = slide.approved_json.has_value();
    // What a reviewer looks at, and what is live (or will be at the next
    // publish) when it differs: the review page shows the changes.
    j["revision"] = revision_of(slide);
    if (slide.approved_json && *slide.approved_json != slide.json) {
        j["approved_revision"] = revision_of(std::string_view(*slide.approved_json));
        auto live = signage::read_json(*slide.approved_json);
        if (live.is_object()) j["approved_version"] = std::move(live);
    }
    return j;
}

}  // namespace signage::server
