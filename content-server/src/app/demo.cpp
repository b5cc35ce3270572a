#include "app/demo.hpp"

#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "auth/account_service.hpp"
#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "common/fs.hpp"
#include "common/json_input.hpp"
#include "common/sha256.hpp"
#include "groups/group_service.hpp"
#include "media/media_store.hpp"
#include "publish/publisher.hpp"
#include "quiz/quiz_service.hpp"
#include "screens/screen_service.hpp"
#include "slides/slide_service.hpp"
#include "units/unit_service.hpp"

namespace signage::server {
namespace {

struct DemoUser {
    const char* name;
    const char* password;
    Role role;
};
constexpr DemoUser demo_users[] = {{"admin", "demo-admin", Role::admin},
                                   {"editor", "demo-editor", Role::editor},
                                   {"reviewer", "demo-reviewer", Role::reviewer}};
// A community's own editor (of the unit named kCommunityUnit).
constexpr DemoUser community_editor = {"xingfuli", "demo-xingfuli", Role::editor};
constexpr const char* kCommunityUnit = "幸福里社区";

// Writes a secret file readable by its owner only, atomically.
Status write_secret(const std::filesystem::path& path, const std::string& text) {
    const std::filesystem::path tmp = temporary_path_for(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(ErrorCode::io, "cannot create " + tmp.string());
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) {
        std::filesystem::remove(tmp);
        return make_error(ErrorCode::io, "cannot write " + tmp.string());
    }
    return commit_file(tmp, path);
}

// Replaces a local media path by the sha256 of the imported file.
Status import_media(nlohmann::json& holder, const char* key, const std::string& field,
                    MediaStore& media, const std::filesystem::path& demo_dir, std::int64_t by) {
    if (!holder.is_object() || !holder.contains(key) || !holder[key].is_string()) return {};
    const std::string value = holder[key].get<std::string>();
    if (value.empty() || is_sha256_hex(value)) return {};
    auto bytes = read_file(demo_dir / value);
    if (!bytes)
        return make_error(ErrorCode::io, "cannot read " + (demo_dir / value).string(), field);
    auto info = media.ingest(*bytes, Uploader{by}, nullptr,
                             std::filesystem::path(value).filename().string());
    if (!info) return make_error(info.error().code, value + ": " + info.error().message, field);
    holder[key] = info->sha256;
    return {};
}

// Imports every local file a demo slide names: its image, its background
// image and its honour-roll photos.
Status import_slide_media(nlohmann::json& slide, MediaStore& media,
                          const std::filesystem::path& demo_dir, std::int64_t by) {
    if (!slide.is_object()) return {};
    if (auto st = import_media(slide, "media", "media", media, demo_dir, by); !st) return st;
    if (slide.contains("background")) {
        if (auto st =
                import_media(slide["background"], "media", "background.media", media, demo_dir, by);
            !st) {
            return st;
        }
    }
    if (slide.contains("entries") && slide["entries"].is_array()) {
        auto& entries = slide["entries"];
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const std::string field = "entries[" + std::to_string(i) + "].photo";
            if (auto st = import_media(entries[i], "photo", field, media, demo_dir, by); !st) {
                return st;
            }
        }
    }
    return {};
}

// content.json as {"groups": [...], "slides": [...]} (both present); a
// missing file gives no groups and no slides.
Result<nlohmann::json> read_demo_content(const std::filesystem::path& file) {
    nlohmann::json content = {{"groups", nlohmann::json::array()},
                              {"slides", nlohmann::json::array()},
                              {"units", nlohmann::json::array()},
                              {"screens", nlohmann::json::array()},
                              {"top", nullptr}};
    if (!std::filesystem::exists(file)) {
        spdlog::warn("demo: {} is missing; no demo slides", file.string());
        return content;
    }
    auto text = read_file(file);
    if (!text) return text.error();
    auto parsed = signage::read_json(*text);
    if (!parsed.is_object())
        return make_error(ErrorCode::invalid, file.string() + ": not a JSON object");
    if (parsed.contains("top")) content["top"] = parsed["top"];
    for (const char* key : {"groups", "slides", "units", "screens"}) {
        if (!parsed.contains(key)) continue;
        if (!parsed[key].is_array()) {
            return make_error(ErrorCode::invalid, file.string() + ": " + key + " must be an array");
        }
        content[key] = parsed[key];
    }
    return content;
}

// quiz.json ({"questions": [...]}): imported as drafts by the editor, then
// submitted by the editor and approved by the reviewer, like any bank.
Result<std::size_t> seed_demo_quiz(Services& s, const std::filesystem::path& file,
                                   const User& editor, const User& reviewer) {
    if (!std::filesystem::exists(file)) {
        spdlog::warn("demo: {} is missing; no demo quiz", file.string());
        return std::size_t{0};
    }
    auto text = read_file(file);
    if (!text) return text.error();
    auto imported = s.quiz.import_json(signage::read_json(*text), editor);
    if (!imported)
        return make_error(imported.error().code,
                          file.string() + ": " + imported.error().to_string());
    if (!imported->problems.empty()) {
        const auto& p = imported->problems.front();
        return make_error(ErrorCode::invalid, file.string() + ": questions[" +
                                                  std::to_string(p.row - 1) + "]." + p.column +
                                                  ": " + p.message);
    }
    auto submitted = s.quiz.submit(imported->ids, editor, true);
    if (!submitted) return submitted.error();
    std::vector<ApprovalItem> items;
    for (const auto& q : *submitted) items.push_back({q.id, revision_of(q)});
    if (auto r = s.quiz.approve(items, reviewer, true); !r) return r.error();
    return imported->ids.size();
}

}  // namespace

Result<DemoSeed> seed_demo(Services& s, const std::filesystem::path& data_dir,
                           const std::filesystem::path& assets_dir) {
    DemoSeed seed;
    seed.token_file = data_dir / "demo-screen.token";
    auto users = s.accounts.count_users();
    if (!users) return users.error();
    if (*users > 0) {
        spdlog::info("demo: the database already has data; nothing seeded");
        return seed;
    }
    User accounts[3];
    for (std::size_t i = 0; i < 3; ++i) {
        auto hash = hash_password(demo_users[i].password);
        if (!hash) return hash.error();
        auto user = s.accounts.add_user(demo_users[i].name, *hash, demo_users[i].role);
        if (!user) return user.error();
        accounts[i] = *user;
    }
    const User& editor = accounts[1];
    const User& reviewer = accounts[2];

    const std::filesystem::path demo_dir = assets_dir / "demo";
    const std::filesystem::path content_file = demo_dir / "content.json";
    auto content = read_demo_content(content_file);
    if (!content) return content.error();

    // The unit tree first: the top unit named, the units below it made,
    // parents before children; then names of units become their ids.
    const User& admin = accounts[0];
    std::map<std::string, std::int64_t> unit_ids;
    if ((*content)["top"].is_string()) {
        auto top = s.units.update(root_unit_id, {{"name", (*content)["top"]}}, admin);
        if (!top)
            return make_error(top.error().code,
                              content_file.string() + ": top: " + top.error().to_string());
        unit_ids[(*content)["top"].get<std::string>()] = root_unit_id;
    }
    const auto unit_named = [&](nlohmann::json& holder, const std::string& where) -> Status {
        if (!holder.is_object() || !holder.contains("unit")) return {};
        const auto& name = holder["unit"];
        const auto it = name.is_string() ? unit_ids.find(name.get<std::string>()) : unit_ids.end();
        if (it == unit_ids.end()) {
            return make_error(ErrorCode::invalid, where + ".unit: no unit " + name.dump());
        }
        holder["unit"] = it->second;
        return {};
    };
    for (std::size_t i = 0; i < (*content)["units"].size(); ++i) {
        auto unit = (*content)["units"][i];
        const std::string where = content_file.string() + ": units[" + std::to_string(i) + "]";
        if (!unit.is_object()) return make_error(ErrorCode::invalid, where + " must be an object");
        if (unit.contains("parent")) {
            unit["unit"] = unit["parent"];
            if (auto st = unit_named(unit, where); !st) return st.error();
            unit["parent"] = unit["unit"];
            unit.erase("unit");
        }
        auto created = s.units.create(unit, admin);
        if (!created) {
            return make_error(created.error().code, where + "." + created.error().to_string());
        }
        unit_ids[created->at("name").get<std::string>()] = created->at("id").get<std::int64_t>();
    }

    // Groups next (with their settings), so the screen and the slides that
    // target them find them.
    for (std::size_t i = 0; i < (*content)["groups"].size(); ++i) {
        auto& group = (*content)["groups"][i];
        const std::string where = content_file.string() + ": groups[" + std::to_string(i) + "]";
        if (!group.is_object()) return make_error(ErrorCode::invalid, where + " must be an object");
        if (auto st = unit_named(group, where); !st) return st.error();
        if (auto created = s.groups.create(group, command_line_user()); !created) {
            return make_error(created.error().code, where + "." + created.error().to_string());
        }
    }
    // The other communities' screens, registered (no player runs them here).
    for (const auto& other : (*content)["screens"]) {
        auto token = s.screens.new_device_token();
        if (!token) return token.error();
        auto added = s.screens.add(other.value("name", ""), other.value("group", ""),
                                   device_credentials(*token));
        if (!added) {
            return make_error(added.error().code,
                              content_file.string() + ": screens: " + added.error().to_string());
        }
    }
    // The community's own editor.
    if (const auto it = unit_ids.find(kCommunityUnit); it != unit_ids.end()) {
        auto hash = hash_password(community_editor.password);
        if (!hash) return hash.error();
        auto user = s.accounts.add_user(community_editor.name, *hash, community_editor.role,
                                        std::nullopt, it->second);
        if (!user) return user.error();
    }

    auto fresh = s.screens.new_device_token();
    if (!fresh) return fresh.error();
    const std::string token = *fresh;
    auto screen = s.screens.add("demo-screen", "demo", device_credentials(token));
    if (!screen) return screen.error();
    if (auto st = write_secret(seed.token_file, token + "\n"); !st) return st.error();

    std::size_t count = 0;
    for (auto& slide : (*content)["slides"]) {
        const std::string where = content_file.string() + ": slides[" + std::to_string(count) + "]";
        if (auto st = unit_named(slide, where); !st) return st.error();
        if (auto st = import_slide_media(slide, s.media, demo_dir, editor.id); !st) {
            return make_error(st.error().code, where + "." + st.error().to_string());
        }
        auto created = s.slides.create(slide, editor);
        if (!created) {
            return make_error(created.error().code, where + "." + created.error().to_string());
        }
        auto submitted = s.slides.submit(created->id, editor);
        if (!submitted) return submitted.error();
        if (auto r = s.slides.approve(created->id, reviewer, revision_of(*submitted)); !r)
            return r.error();
        ++count;
    }
    auto questions = seed_demo_quiz(s, demo_dir / "quiz.json", editor, reviewer);
    if (!questions) return questions.error();
    auto published = s.publisher.publish(reviewer);
    if (!published) return published.error();
    spdlog::info("demo: seeded {} slide(s) and {} quiz question(s), published version {}", count,
                 *questions, published->version);
    seed.seeded = true;
    return seed;
}

std::string demo_hints(const std::string& url, const std::filesystem::path& data_dir) {
    return "demo: open " + url +
           "/ and sign in as admin / demo-admin (also editor / demo-editor, reviewer / "
           "demo-reviewer, and the community editor xingfuli / demo-xingfuli)\n"
           "demo: the screen \"demo-screen\" has its device token in " +
           (data_dir / "demo-screen.token").string() + "\n";
}

}  // namespace signage::server
