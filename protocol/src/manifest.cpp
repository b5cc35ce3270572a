#include "protocol/manifest.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/sha256.hpp"

namespace signage::protocol {

using nlohmann::json;

const MediaRef* Manifest::find_media(std::string_view sha256) const {
    auto it = std::find_if(media.begin(), media.end(),
                           [&](const MediaRef& m) { return m.sha256 == sha256; });
    return it == media.end() ? nullptr : &*it;
}

namespace {

Status read_string_field(const json& j, const char* name, bool required, std::string& out) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required) return make_error("invalid", "is required", name);
        return {};
    }
    if (!it->is_string()) return make_error("invalid", "must be a string", name);
    out = it->get<std::string>();
    return {};
}

}  // namespace

Result<Manifest> parse_manifest(const json& j) {
    if (!j.is_object()) return make_error("invalid", "must be a JSON object", "manifest");
    Manifest m;
    if (auto st = read_string_field(j, "version", true, m.version); !st) return st.error();
    if (m.version.empty()) return make_error("invalid", "must not be empty", "version");
    if (auto st = read_string_field(j, "group", false, m.group); !st) return st.error();
    if (auto st = read_string_field(j, "published_at", false, m.published_at); !st) {
        return st.error();
    }

    if (auto it = j.find("media"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) return make_error("invalid", "must be an array", "media");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& e = (*it)[i];
            const std::string path = "media[" + std::to_string(i) + "]";
            if (!e.is_object()) return make_error("invalid", "must be an object", path);
            MediaRef ref;
            auto sha = e.find("sha256");
            if (sha == e.end() || !sha->is_string() || !is_sha256_hex(sha->get<std::string>())) {
                return make_error("invalid", "must be 64 lowercase hex digits", path + ".sha256");
            }
            ref.sha256 = sha->get<std::string>();
            auto size = e.find("size");
            if (size == e.end() || !size->is_number_integer() || size->get<long long>() < 0) {
                return make_error("invalid", "must be a non-negative whole number", path + ".size");
            }
            ref.size = size->get<std::int64_t>();
            if (auto ct = e.find("content_type"); ct != e.end() && ct->is_string()) {
                ref.content_type = ct->get<std::string>();
            }
            if (m.find_media(ref.sha256) != nullptr) {
                return make_error("invalid", "is listed twice", path + ".sha256");
            }
            m.media.push_back(std::move(ref));
        }
    }

    if (auto it = j.find("items"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) return make_error("invalid", "must be an array", "items");
        SlideParseOptions opt;
        opt.reject_unknown_fields = false;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string path = "items[" + std::to_string(i) + "]";
            auto slide = parse_slide((*it)[i], opt, path);
            if (!slide) return slide.error();
            if (slide->id.empty()) return make_error("invalid", "is required", path + ".id");
            if (slide->type == SlideType::image && m.find_media(slide->media) == nullptr) {
                return make_error("invalid", "is not listed in the manifest's media",
                                  path + ".media");
            }
            if (!slide->background.media.empty() &&
                m.find_media(slide->background.media) == nullptr) {
                return make_error("invalid", "is not listed in the manifest's media",
                                  path + ".background.media");
            }
            m.items.push_back(std::move(*slide));
        }
    }
    return m;
}

Result<Manifest> parse_manifest_text(std::string_view text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        return make_error("invalid", std::string("manifest is not valid JSON: ") + e.what());
    }
    return parse_manifest(j);
}

json to_json(const Manifest& m) {
    json items = json::array();
    for (const auto& s : m.items) items.push_back(to_json(s));
    json media = json::array();
    for (const auto& r : m.media) {
        media.push_back({{"sha256", r.sha256}, {"size", r.size}, {"content_type", r.content_type}});
    }
    return {{"version", m.version},
            {"group", m.group},
            {"published_at", m.published_at},
            {"items", std::move(items)},
            {"media", std::move(media)}};
}

std::string content_version(const Manifest& m) {
    json j = to_json(m);
    j.erase("version");
    j.erase("published_at");
    return sha256_hex(j.dump()).substr(0, 20);
}

}  // namespace signage::protocol
