#pragma once
// The demo set, seeded into an empty database by `signage-server --demo`:
// staff accounts admin / editor / reviewer (passwords demo-admin,
// demo-editor, demo-reviewer), the groups of ASSETS/demo/content.json with
// their settings, the screen "demo-screen" in the group "demo" (created with
// default settings when content.json does not list it; its device token in
// DATA/demo-screen.token, mode 0600), and the slides of content.json, written
// by the editor, approved by the reviewer and published.
//
// content.json is {"top": NAME, "units": [{"name", "parent": NAME,
// "settings"?}, ...], "groups": [{"name", "unit": NAME, "settings"}, ...],
// "screens": [{"name", "group"}, ...], "slides": [slide with "unit": NAME,
// ...]} (all but slides optional): the top unit is renamed, the units below
// it made parents first, and a unit's name stands for its id. The
// community editor xingfuli / demo-xingfuli works in 幸福里社区. A
// "media", "background.media" or honour-roll "photo" value that is not a
// sha256 is a file path relative to ASSETS/demo/, imported into the media
// store first.

#include <filesystem>
#include <string>

#include "api/services.hpp"
#include "common/result.hpp"

namespace signage::server {

struct DemoSeed {
    bool seeded = false;  // false: the database already had data; nothing changed
    std::filesystem::path token_file;
};

Result<DemoSeed> seed_demo(Services& services, const std::filesystem::path& data_dir,
                           const std::filesystem::path& assets_dir);

// The sign-in hints printed to stderr once the server listens.
std::string demo_hints(const std::string& url, const std::filesystem::path& data_dir);

}  // namespace signage::server
