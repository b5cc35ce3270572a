#pragma once
// signage-player's command line (shared/API.md):
//   signage-player --server URL [--token TOKEN | --token-file F] --cache DIR
//                  [--name-hint NAME] [--headless] [--size WxH] [--snapshot FILE] [--fullscreen]
//                  [--input-fifo PATH] [--font FILE] [--log-level LEVEL]
//                  [--heartbeat-seconds N] [--screenshot-seconds N] [--public-url URL]
//                  [--max-download-rate KB] [--cache-max-bytes N[K|M|G]]
//                  [--hwdec auto|none|vaapi|v4l2m2m]
//   signage-player --render SLIDE.json --out FILE.png [--size WxH] [--lines]
//                  [--page N] [--now ISO8601] [--screen [--settings FILE]
//                  [--ticker TEXT]...] [--font FILE] [--log-level LEVEL]
// Without a token the saved one (CACHE/device-token) is used, else the
// screen pairs (core/pairing.hpp). The font defaults to $SIGNAGE_FONT, else
// Noto Sans CJK SC.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/time.hpp"
#include "render/sdl.hpp"
#include "render/video.hpp"

namespace signage::app {

struct PlayOptions {
    std::string server;
    std::string public_url;  // --public-url, else --server: what the prize QR code links to
    std::string token;       // empty: the saved one (CACHE/device-token), else pair
    std::string name_hint;   // --name-hint: sent when asking for a pairing code
    std::filesystem::path cache;
    bool headless = false;
    bool fullscreen = false;
    render::Size size{1920, 1080};
    std::filesystem::path snapshot;             // empty: none
    std::int64_t max_download_bytes_per_s = 0;  // 0: no cap
    std::int64_t cache_max_bytes = 0;           // --cache-max-bytes; 0: 80% of the free space
    std::filesystem::path input_fifo;           // --input-fifo: injected taps; empty: none
    int heartbeat_s = 60;                       // --heartbeat-seconds
    int screenshot_s = 600;                     // --screenshot-seconds; 0: no periodic ones
};

struct RenderOptions {
    std::filesystem::path slide;
    std::filesystem::path out;
    render::Size size{1920, 1080};
    bool lines = false;
    int page = 0;                            // --page, 0-based
    std::optional<protocol::Timestamp> now;  // --now; none: the current time
    bool screen = false;                     // --screen: header, main zone, ticker
    std::filesystem::path settings;          // --settings: GroupSettings JSON
    std::vector<std::string> tickers;        // --ticker, repeated
};

struct Options {
    std::variant<PlayOptions, RenderOptions> mode;
    std::filesystem::path font;  // empty: defaults
    std::string log_level = "info";
    render::HwDecode hwdec = render::HwDecode::automatic;  // --hwdec
};

// Parsed options, or an exit code (0 after --help, 2 for usage errors, with
// the message already printed).
struct ParsedArgs {
    std::optional<Options> options;
    int exit_code = 0;
};
ParsedArgs parse_args(int argc, char** argv);

}  // namespace signage::app
