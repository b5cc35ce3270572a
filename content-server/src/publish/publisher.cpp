#include "publish/publisher.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fault.hpp"
#include "common/json_input.hpp"
#include "common/sha256.hpp"
#include "media/video_profile.hpp"
#include "protocol/slide.hpp"
#include "protocol/time.hpp"
#include "store/audit_json.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

using protocol::Timestamp;

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Times without an offset are local to each screen, and the server does not
// know every screen's zone: a slide or a list entry is left out only once its
// end has passed everywhere (UTC-12 is the last zone to reach a time). The
// screens drop it at the exact local moment themselves.
constexpr std::chrono::seconds latest_zone_offset = std::chrono::hours(-12);

bool has_ended(const std::string& valid_until, Timestamp now) {
    if (valid_until.empty()) return false;
    auto until = protocol::parse_iso8601(valid_until, latest_zone_offset, true);
    return until && now >= *until;
}

// The approved slides that have not ended, with ended red/black entries
// removed (they must leave public screens at the end of their period).
Result<std::vector<protocol::Slide>> current_slides(const PublishInput& input, Timestamp now) {
    std::vector<protocol::Slide> out;
    protocol::SlideParseOptions lenient;
    lenient.reject_unknown_fields = false;
    for (const auto& approved : input.slides) {
        auto parsed = protocol::parse_slide(signage::read_json(approved.json), lenient,
                                            "slides[" + std::to_string(approved.id) + "]");
        if (!parsed) {
            return make_error(ErrorCode::internal,
                              "the approved version of slide " + std::to_string(approved.id) +
                                  " no longer validates: " + parsed.error().to_string());
        }
        protocol::Slide slide = std::move(*parsed);
        slide.id = std::to_string(approved.id);
        if (has_ended(slide.valid_until, now)) continue;
        if (slide.type == protocol::SlideType::red_black) {
            auto ended = [now](const protocol::ListEntry& e) {
                return has_ended(e.valid_until, now);
            };
            std::erase_if(slide.red, ended);
            std::erase_if(slide.black, ended);
            if (slide.red.empty() && slide.black.empty()) continue;
        }
        out.push_back(std::move(slide));
    }
    return out;
}

// The approved quiz bank, each question with its id.
Result<std::vector<protocol::Question>> current_questions(const PublishInput& input) {
    std::vector<protocol::Question> out;
    protocol::QuestionParseOptions lenient;
    lenient.reject_unknown_fields = false;
    for (const auto& approved : input.questions) {
        auto parsed = protocol::parse_question(signage::read_json(approved.json), lenient);
        if (!parsed) {
            return make_error(ErrorCode::internal,
                              "the approved version of question " + std::to_string(approved.id) +
                                  " no longer validates: " + parsed.error().to_string());
        }
        parsed->id = std::to_string(approved.id);
        out.push_back(std::move(*parsed));
    }
    return out;
}

// A manifest for the group with its settings (the share raised to the
// floor of its units, when `units` is given), no items and no version yet.
Result<protocol::Manifest> manifest_base(const Group& group, const std::string& published_at,
                                         const UnitTree* units = nullptr) {
    auto settings = group_settings(group);
    if (!settings) return settings.error();
    protocol::Manifest m;
    m.group = group.name;
    m.settings = std::move(*settings);
    if (units) {
        const auto floor = units->share_floor(group.unit_id);
        if (floor && m.settings.min_public_share < *floor) m.settings.min_public_share = *floor;
    }
    m.published_at = published_at;
    return m;
}

// A stored medium as manifests list it: films with what a screen needs to
// play them.
protocol::MediaRef media_ref(const MediaInfo& info) {
    protocol::MediaRef ref;
    ref.sha256 = info.sha256;
    ref.size = info.size;
    ref.content_type = info.content_type;
    if (info.video) {
        ref.video = protocol::MediaVideo{info.video->duration_ms, info.video->width,
                                         info.video->height, info.video->codec};
    }
    return ref;
}

// The film a group with `profile` is given for `chosen` (the film staff chose,
// or one of its renditions): the film itself when it fits (or is unknown
// here), else its done rendition for the profile. A slide is submitted only
// once it is playable, so a film with neither is one a later profile change
// left behind while its rendition is made: until then the group gets the
// largest done rendition for another profile that fits this one, else the
// smallest (which its screens played before, unlike the film itself), else
// the film.
std::string screen_film(const PublishInput& input, const std::string& chosen,
                        const protocol::VideoProfile& profile) {
    auto info = input.find_media(chosen);
    if (info && !info->rendition_of.empty()) info = input.find_media(info->rendition_of);
    const std::string film = info ? info->sha256 : chosen;
    if (!info || !info->video || fits_profile(*info->video, profile)) return film;
    const RenditionRecord* r = find_rendition(input.renditions, film, profile);
    if (r && r->status == "done" && !r->rendition_sha256.empty()) return r->rendition_sha256;
    std::string best;
    bool best_fits = false;
    std::int64_t best_pixels = 0;
    for (const RenditionRecord& other : input.renditions) {
        if (other.original_sha256 != film || other.status != "done") continue;
        const auto made = input.find_media(other.rendition_sha256);
        if (!made || !made->video) continue;
        const bool fits = fits_profile(*made->video, profile);
        const std::int64_t pixels =
            static_cast<std::int64_t>(made->video->width) * made->video->height;
        const bool better =
            best.empty() || (fits && !best_fits) ||
            (fits == best_fits && (fits ? pixels > best_pixels : pixels < best_pixels));
        if (better) {
            best = made->sha256;
            best_fits = fits;
            best_pixels = pixels;
        }
    }
    return best.empty() ? film : best;
}

// Lists in `m.media` what `slide` uses that it does not list yet, as
// `ref_of` finds it (nullopt: not stored).
using MediaLookup = std::function<std::optional<protocol::MediaRef>(const std::string& sha256)>;
Status list_media(protocol::Manifest& m, const protocol::Slide& slide, const MediaLookup& ref_of) {
    for (const std::string& sha : slide.media_refs()) {
        if (m.find_media(sha) != nullptr) continue;
        auto ref = ref_of(sha);
        if (!ref) {
            return make_error(ErrorCode::internal, "slide " + slide.id + " uses media " + sha +
                                                       " that is not in the media store");
        }
        m.media.push_back(std::move(*ref));
    }
    return {};
}

// A group's latest manifest, read back.
Result<protocol::Manifest> parse_latest(const Group& g, const StoredManifest& latest) {
    auto parsed = protocol::parse_manifest_text(latest.json);
    if (!parsed) {
        return make_error(ErrorCode::internal,
                          "the latest manifest of group " + g.name +
                              " no longer parses: " + parsed.error().to_string());
    }
    return parsed;
}

// Wakes the screens of a group whose manifest changed.
void wake(ManifestHub& hub, const PublishedGroup& g) {
    if (!g.changed) return;
    hub.update(std::make_shared<const ManifestSnapshot>(
        ManifestSnapshot{g.group, g.version, g.json, g.sequence}));
}

// One group's manifest from the current slides: the ones that target it and
// exactly the media they use.
Result<CompiledManifest> compile_group(const PublishInput& input, const Group& group,
                                       const std::vector<protocol::Slide>& slides,
                                       const std::vector<protocol::Question>& quiz,
                                       std::map<std::string, protocol::MediaRef>& media_cache) {
    const UnitTree& units = *input.units;
    auto base = manifest_base(group, input.now, &units);
    if (!base) return base.error();
    protocol::Manifest& m = *base;
    std::map<std::int64_t, std::int64_t> owner;  // slide or question id -> unit
    for (const auto& q : input.questions) owner[-q.id] = q.unit_id;
    for (const auto& sl : input.slides) owner[sl.id] = sl.unit_id;
    for (const protocol::Question& q : quiz) {
        if (units.within(group.unit_id, owner[-std::stoll(q.id)])) m.quiz.push_back(q);
    }
    const auto hidden_it = input.hidden.find(group.id);
    std::vector<const protocol::Slide*> mine;
    std::vector<OrderEntry> entries;
    for (const protocol::Slide& slide : slides) {
        const std::int64_t id = std::stoll(slide.id);
        if (!goes_to(slide, owner[id], group, units)) continue;
        if (hidden_it != input.hidden.end() && !slide.required &&
            std::find(hidden_it->second.begin(), hidden_it->second.end(), id) !=
                hidden_it->second.end()) {
            continue;
        }
        mine.push_back(&slide);
        entries.push_back({std::stoll(slide.id), slide.type == protocol::SlideType::core_values});
    }
    const auto order = input.orders.find(group.id);
    const std::vector<std::size_t> arranged = rotation_order(
        entries, order == input.orders.end() ? std::vector<std::int64_t>{} : order->second);
    const protocol::VideoProfile profile = m.settings.video_profile;
    const MediaLookup ref_of = [&](const std::string& sha) -> std::optional<protocol::MediaRef> {
        auto cached = media_cache.find(sha);
        if (cached == media_cache.end()) {
            auto info = input.find_media(sha);
            if (!info) return std::nullopt;
            cached = media_cache.emplace(sha, media_ref(*info)).first;
        }
        return cached->second;
    };
    for (const std::size_t index : arranged) {
        protocol::Slide slide = *mine[index];
        if (slide.type == protocol::SlideType::video && !slide.media.empty()) {
            slide.media = screen_film(input, slide.media, profile);
        }
        if (auto st = list_media(m, slide, ref_of); !st) return st.error();
        m.items.push_back(std::move(slide));
    }
    m.version = protocol::content_version(m);
    return CompiledManifest{group.id, group.name, m.version, dump(protocol::to_json(m))};
}

Result<std::vector<CompiledManifest>> compile(const PublishInput& input) {
    auto now = protocol::parse_iso8601(input.now);
    if (!now) return make_error(ErrorCode::internal, "bad publish time " + input.now);
    auto slides = current_slides(input, *now);
    if (!slides) return slides.error();
    auto quiz = current_questions(input);
    if (!quiz) return quiz.error();
    std::map<std::string, protocol::MediaRef> media_cache;
    std::vector<CompiledManifest> out;
    for (const Group& group : input.groups) {
        auto compiled = compile_group(input, group, *slides, *quiz, media_cache);
        if (!compiled) return compiled.error();
        out.push_back(std::move(*compiled));
    }
    return out;
}

// Stores `m` unless it is the group's latest version already.
PublishedGroup store_manifest(Tx& tx, const CompiledManifest& m, const std::string& now,
                              std::optional<std::int64_t> published_by) {
    if (auto latest = tx.manifests().latest(m.group_id); latest && latest->version == m.version) {
        return PublishedGroup{m.group,
                              m.version,
                              false,
                              std::move(latest->json),
                              std::move(latest->published_at),
                              latest->sequence};
    }
    const std::int64_t sequence =
        tx.manifests().add(m.group_id, m.version, m.json, now, published_by);
    return PublishedGroup{m.group, m.version, true, m.json, now, sequence};
}

// Stores `m`, edited from a group's latest, as the group's new manifest
// (published `now`, its version computed again) unless that is its latest.
PublishedGroup reissue(Tx& tx, const Group& g, protocol::Manifest& m, const std::string& now,
                       std::optional<std::int64_t> published_by) {
    m.published_at = now;
    m.version = protocol::content_version(m);
    return store_manifest(tx, CompiledManifest{g.id, g.name, m.version, dump(protocol::to_json(m))},
                          now, published_by);
}

// Re-issues, in one transaction, the latest manifest of every group that
// `edit(group, manifest)` changes (it answers whether it did), after
// `begin(tx, now)`; then wakes those groups' screens, logging `why`. The
// number of groups re-issued.
template <class Begin, class Edit>
Result<int> reissue_latest(Store& store, ManifestHub& hub, std::string_view why, Begin&& begin,
                           Edit&& edit) {
    std::vector<PublishedGroup> changed;
    auto done = store.write([&](Tx& tx) -> Result<int> {
        const std::string now = now_iso8601();
        begin(tx, now);
        for (const Group& g : tx.groups().list()) {
            auto latest = tx.manifests().latest(g.id);
            if (!latest) continue;
            auto parsed = parse_latest(g, *latest);
            if (!parsed) return parsed.error();
            protocol::Manifest m = std::move(*parsed);
            Result<bool> edited = edit(g, m);
            if (!edited) return edited.error();
            if (!*edited) continue;
            PublishedGroup stored = reissue(tx, g, m, now, std::nullopt);
            if (stored.changed) changed.push_back(std::move(stored));
        }
        return static_cast<int>(changed.size());
    });
    if (!done) return done.error();
    for (const PublishedGroup& g : changed) {
        wake(hub, g);
        spdlog::info("group {}: manifest {} re-issued {}", g.group, g.version, why);
    }
    return done;
}

// A group's manifest when it was never published: empty, with its settings.
Result<protocol::Manifest> empty_manifest(const Group& group) {
    auto m = manifest_base(group, group.created_at);
    if (m) m->version = protocol::content_version(*m);
    return m;
}

}  // namespace

bool goes_to(const protocol::Slide& slide, std::int64_t owner, const Group& group,
             const UnitTree& units) {
    if (!units.within(group.unit_id, owner)) return false;
    if (!slide.units.empty() &&
        std::none_of(slide.units.begin(), slide.units.end(),
                     [&](std::int64_t u) { return units.within(group.unit_id, u); })) {
        return false;
    }
    return slide.groups.empty() ||
           std::find(slide.groups.begin(), slide.groups.end(), group.name) != slide.groups.end();
}

std::vector<std::size_t> rotation_order(const std::vector<OrderEntry>& slides,
                                        const std::vector<std::int64_t>& approved) {
    std::vector<std::size_t> out;
    std::vector<bool> placed(slides.size(), false);
    for (const std::int64_t id : approved) {
        for (std::size_t i = 0; i < slides.size(); ++i) {
            if (slides[i].id == id && !placed[i]) {
                placed[i] = true;
                out.push_back(i);
                break;
            }
        }
    }
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < slides.size(); ++i) {
        if (!placed[i]) rest.push_back(i);
    }
    std::stable_sort(rest.begin(), rest.end(), [&](std::size_t a, std::size_t b) {
        if (slides[a].core_values != slides[b].core_values) return slides[a].core_values;
        return slides[a].id < slides[b].id;
    });
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

nlohmann::json publish_view(const PublishResult& result) {
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : result.groups) {
        groups.push_back({{"group", g.group}, {"version", g.version}, {"changed", g.changed}});
    }
    return {{"version", result.version}, {"groups", std::move(groups)}};
}

Result<protocol::GroupSettings> group_settings(const Group& group) {
    auto settings = protocol::parse_group_settings(signage::read_json(group.settings_json));
    if (!settings) {
        return make_error(ErrorCode::internal,
                          "the stored settings of group " + group.name +
                              " no longer validate: " + settings.error().to_string());
    }
    return settings;
}

Publisher::Publisher(Store& store, ManifestHub& hub) : store_(store), hub_(hub) {}

Result<PublishResult> Publisher::publish(const User& by) {
    PublishResult result;
    auto published = publish_manifests(store_, compile, by, &result.published_slides);
    if (!published) return published.error();
    std::set<std::string> versions;
    std::string all;
    for (const PublishedGroup& g : *published) {
        result.groups.push_back(GroupPublishResult{g.group, g.version, g.changed});
        versions.insert(g.version);
        all += g.group + '=' + g.version + '\n';
        wake(hub_, g);
    }
    if (versions.size() == 1) {
        result.version = *versions.begin();
    } else {
        result.version = sha256_hex(all).substr(0, 32);
    }
    spdlog::info("publish by {}: {} group(s), {} changed", by.username, result.groups.size(),
                 std::count_if(result.groups.begin(), result.groups.end(),
                               [](const GroupPublishResult& g) { return g.changed; }));
    if (observer_) observer_(result, by);
    return result;
}

Result<Group> Publisher::set_group_settings(const std::string& group,
                                            const protocol::GroupSettings& settings,
                                            const User& by) {
    // The group's latest manifest (or its empty one) with the new settings.
    auto latest_or_empty =
        [&](const Group& g,
            const std::optional<StoredManifest>& latest) -> Result<protocol::Manifest> {
        protocol::Manifest m;
        if (latest) {
            auto parsed = parse_latest(g, *latest);
            if (!parsed) return parsed.error();
            m = std::move(*parsed);
        } else {
            auto empty = empty_manifest(g);
            if (!empty) return empty.error();
            m = std::move(*empty);
        }
        m.settings = settings;
        return m;
    };
    // The new settings and the manifest re-issued with them, in one transaction.
    const std::string settings_json = dump(protocol::to_json(settings));
    PublishedGroup manifest;
    auto updated = store_.write([&](Tx& tx) -> Result<Group> {
        auto g = tx.groups().find(group);
        if (!g) return make_error(ErrorCode::not_found, "no group " + group);
        tx.audit().record(by.id, "update", "group", group,
                          dump_audit({{"settings", signage::read_json(g->settings_json)}}),
                          dump_audit({{"settings", signage::read_json(settings_json)}}));
        tx.groups().set_settings(g->id, settings_json);
        g->settings_json = settings_json;
        auto m = latest_or_empty(*g, tx.manifests().latest(g->id));
        if (!m) return m.error();  // the transaction rolls back
        manifest = reissue(tx, *g, *m, now_iso8601(), by.id);
        return std::move(*g);
    });
    if (!updated) return updated.error();
    wake(hub_, manifest);
    spdlog::info("group {}: settings changed by {}, manifest {}{}", group, by.username,
                 manifest.version, manifest.changed ? " (re-issued)" : " (unchanged)");
    // A new video profile may have a rendition ready already.
    if (auto films = refresh_films(); !films) {
        spdlog::error("group {}: films not re-issued: {}", group, films.error().message);
    }
    return updated;
}

Result<int> Publisher::refresh_films() {
    PublishInput input;
    const auto begin = [&](Tx& tx, const std::string& now) {
        input.now = now;
        input.find_media = [&tx](const std::string& sha) { return tx.media().find(sha); };
        input.renditions = tx.media().renditions({});
    };
    const auto edit = [&](const Group&, protocol::Manifest& m) -> Result<bool> {
        bool swapped = false;
        for (protocol::Slide& item : m.items) {
            if (item.type != protocol::SlideType::video || item.media.empty()) continue;
            const std::string shown = screen_film(input, item.media, m.settings.video_profile);
            if (shown != item.media) {
                item.media = shown;
                swapped = true;
            }
        }
        if (!swapped) return false;
        // Exactly the media the items use now: as listed before, or as stored.
        const std::vector<protocol::MediaRef> before = std::move(m.media);
        m.media.clear();
        const MediaLookup ref_of =
            [&](const std::string& sha) -> std::optional<protocol::MediaRef> {
            for (const protocol::MediaRef& r : before) {
                if (r.sha256 == sha) return r;
            }
            auto info = input.find_media(sha);
            if (!info) return std::nullopt;
            return media_ref(*info);
        };
        for (const protocol::Slide& item : m.items) {
            if (auto st = list_media(m, item, ref_of); !st) return st.error();
        }
        return true;
    };
    return reissue_latest(store_, hub_, "with the films its screens can play", begin, edit);
}

Result<int> Publisher::refresh_share_floors(std::int64_t unit) {
    std::shared_ptr<const UnitTree> tree;
    std::string now;
    const auto begin = [&](Tx& tx, const std::string& at) {
        tree = tx.unit_tree();
        now = at;
    };
    const auto edit = [&](const Group& g, protocol::Manifest& m) -> Result<bool> {
        if (!tree->within(g.unit_id, unit)) return false;
        auto base = manifest_base(g, now, tree.get());
        if (!base) return base.error();
        if (m.settings.min_public_share == base->settings.min_public_share) return false;
        m.settings.min_public_share = base->settings.min_public_share;
        return true;
    };
    return reissue_latest(store_, hub_, "with its units' share floor", begin, edit);
}

Result<ManifestSnapshot> load_manifest(Store& store, const std::string& group) {
    return store.read([&](Tx& tx) -> Result<ManifestSnapshot> {
        auto g = tx.groups().find(group);
        if (!g) return make_error(ErrorCode::not_found, "no group " + group);
        if (auto stored = tx.manifests().latest(g->id)) {
            return ManifestSnapshot{stored->group, stored->version, stored->json, stored->sequence};
        }
        auto m = empty_manifest(*g);
        if (!m) return m.error();
        return ManifestSnapshot{group, m->version, dump(protocol::to_json(*m))};
    });
}

Result<std::vector<PublishedGroup>> publish_manifests(
    Store& store, const CompileFn& compile, const User& by,
    std::vector<PublishInput::ApprovedSlide>* newly_published) {
    const std::int64_t published_by = by.id;
    return store.write([&](Tx& tx) -> Result<std::vector<PublishedGroup>> {
        PublishInput input;
        input.now = now_iso8601();
        input.units = tx.unit_tree();
        const UnitFilter scope = input.units->below(by.unit_id);
        // What this publish puts on screens: its subtree's approved content.
        const std::vector<std::int64_t> approved = tx.slides().approved_ids(scope);
        const std::vector<std::int64_t> approved_questions = tx.questions().approved_ids(scope);
        tx.slides().mark_approved_published(scope);
        tx.questions().mark_approved_published(scope);
        for (Group& g : tx.groups().list()) {
            if (input.units->within(g.unit_id, by.unit_id)) input.groups.push_back(std::move(g));
        }
        for (auto& p : tx.slides().published_versions()) {
            input.slides.push_back({p.id, std::move(p.json), p.unit_id});
        }
        for (auto& p : tx.questions().published_versions()) {
            input.questions.push_back({p.id, std::move(p.json), p.unit_id});
        }
        for (GroupOrder& order : tx.orders().list()) {
            if (order.approved) input.orders[order.group_id] = std::move(*order.approved);
            if (!order.approved_hidden.empty()) {
                input.hidden[order.group_id] = std::move(order.approved_hidden);
            }
        }
        input.find_media = [&tx](const std::string& sha) { return tx.media().find(sha); };
        input.renditions = tx.media().renditions({});
        auto compiled = compile(input);
        if (!compiled) return compiled.error();

        std::vector<PublishedGroup> out;
        nlohmann::json before_groups = nlohmann::json::object();
        for (const CompiledManifest& m : *compiled) {
            auto latest = tx.manifests().latest(m.group_id);
            before_groups[m.group] = latest ? nlohmann::json(latest->version) : nullptr;
            out.push_back(store_manifest(tx, m, input.now, published_by));
        }
        nlohmann::json after_groups = nlohmann::json::object();
        for (const PublishedGroup& g : out) after_groups[g.group] = g.version;
        const auto id_texts = [](const std::vector<std::int64_t>& ids) {
            nlohmann::json texts = nlohmann::json::array();
            for (const std::int64_t id : ids) texts.push_back(std::to_string(id));
            return texts;
        };
        if (newly_published) {
            newly_published->clear();
            for (const auto& slide : input.slides) {
                if (std::find(approved.begin(), approved.end(), slide.id) != approved.end())
                    newly_published->push_back(slide);
            }
        }
        nlohmann::json newly{{"slides", id_texts(approved)},
                             {"questions", id_texts(approved_questions)}};
        tx.audit().record(
            published_by, "publish", "publish", "",
            dump_audit({{"versions", std::move(before_groups)}}),
            dump_audit({{"versions", std::move(after_groups)}, {"published", std::move(newly)}}),
            by.unit_id);
        // Every manifest is written, nothing is committed: a test kills the
        // server here to prove a publish lands whole or not at all.
        fault::pause("publish.before_commit");
        return out;
    });
}

}  // namespace signage::server
