#include "app/options.hpp"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/fs.hpp"
#include "core/cache.hpp"

namespace signage::app {
namespace {

ParsedArgs usage_error(const std::string& message) {
    std::cerr << "signage-player: " << message << "\n"
              << "Run with --help for usage.\n";
    return ParsedArgs{std::nullopt, 2};
}

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

}  // namespace

ParsedArgs parse_args(int argc, char** argv) {
    CLI::App cli{
        "signage-player: plays civic-signage content on a screen, or renders one slide to a PNG."};
    std::string server, token, token_file, cache, size = "1920x1080", snapshot, render, out, font,
                                                  log_level = "info";
    bool headless = false, fullscreen = false, lines = false, screen = false;
    int page = 0;
    std::string now, settings, input_fifo, name_hint, public_url;
    std::vector<std::string> tickers;
    std::int64_t max_rate_kb = 0;
    std::string cache_max;
    int heartbeat_s = 60, screenshot_s = 600;

    cli.add_option("--server", server, "Content server URL, e.g. http://127.0.0.1:8080");
    auto* token_opt = cli.add_option(
        "--token", token,
        "Device token of this screen (default: the one saved in the cache at pairing; without "
        "one the screen shows a pairing code)");
    auto* token_file_opt =
        cli.add_option("--token-file", token_file, "File holding the device token");
    token_opt->excludes(token_file_opt);
    cli.add_option("--cache", cache, "Cache directory (manifest and media; survives restarts)");
    cli.add_option("--public-url", public_url,
                   "The server's address as staff phones reach it, when not --server (a proxy): "
                   "the prize QR code links to its console");
    cli.add_option("--name-hint", name_hint,
                   "A name suggested to staff with this screen's pairing code");
    cli.add_flag("--headless", headless, "Render offscreen (no display needed)");
    cli.add_flag("--fullscreen", fullscreen, "Fullscreen window");
    cli.add_option("--max-download-rate", max_rate_kb,
                   "Cap media downloads at this many KB/s (metered links); 0: no cap")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    cli.add_option("--cache-max-bytes", cache_max,
                   "Keep the cached media (and partial downloads) under this many bytes; "
                   "suffixes K, M, G (1024-based), e.g. 20G. Default: 80% of the free space of "
                   "the cache's file system at start and what the cache holds, together");
    cli.add_option("--heartbeat-seconds", heartbeat_s,
                   "Seconds between heartbeats (one is also sent at once on a change)")
        ->check(CLI::Range(5, 3600))
        ->capture_default_str();
    cli.add_option("--screenshot-seconds", screenshot_s,
                   "Seconds between periodic screenshots sent to the server (0: none)")
        ->check(CLI::Range(0, 86400))
        ->capture_default_str();
    auto* size_opt = cli.add_option("--size", size, "Output size WxH (default 1920x1080)");
    cli.add_option("--snapshot", snapshot,
                   "Rewrite this PNG (atomically) with the frame on screen at each new item");
    auto* fifo_opt = cli.add_option(
        "--input-fifo", input_fifo,
        "Read 'tap X Y' and 'click X Y' lines (screen pixels) from this FIFO as touch and mouse "
        "input (tests, diagnostics); created when missing");
    auto* render_opt = cli.add_option("--render", render, "Render this slide JSON file and exit");
    cli.add_option("--out", out, "PNG written by --render");
    cli.add_flag("--lines", lines, "With --render: print the laid-out text as JSON on stdout");
    auto* page_opt =
        cli.add_option("--page", page, "With --render: the page to draw (0-based; lists page)");
    auto* now_opt = cli.add_option(
        "--now", now, "With --render: the time to draw at (ISO 8601; default: now, UTC+8)");
    auto* screen_opt = cli.add_flag("--screen", screen,
                                    "With --render: the full screen (header, main zone, ticker)");
    auto* settings_opt = cli.add_option("--settings", settings,
                                        "With --screen: a JSON file with the group's settings");
    auto* ticker_opt =
        cli.add_option("--ticker", tickers, "With --screen: a notice on the ticker (repeatable)");
    ticker_opt->allow_extra_args(false);
    cli.add_option("--font", font, "Regular font file (default $SIGNAGE_FONT or Noto Sans CJK SC)");
    std::string hwdec = "auto";
    cli.add_option("--hwdec", hwdec,
                   "Film decoding: auto (VA-API, then V4L2 mem-to-mem, then software), none "
                   "(software), vaapi or v4l2m2m (that or software)")
        ->check(CLI::IsMember({"auto", "none", "vaapi", "v4l2m2m"}))
        ->capture_default_str();
    cli.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    (void)size_opt;

    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return ParsedArgs{std::nullopt, cli.exit(e)};
    } catch (const CLI::ParseError& e) {
        cli.exit(e);
        return ParsedArgs{std::nullopt, 2};
    }

    Options options;
    options.log_level = log_level;
    if (auto hw = render::parse_hwdec(hwdec)) options.hwdec = *hw;
    if (!font.empty()) {
        options.font = font;
    } else if (const char* env = std::getenv("SIGNAGE_FONT"); env != nullptr && *env != '\0') {
        options.font = env;
    }
    auto parsed_size = render::parse_size(size);
    if (!parsed_size) return usage_error("--size: " + parsed_size.error().message);

    if (render_opt->count() > 0) {
        if (out.empty()) return usage_error("--render needs --out FILE.png");
        if (!server.empty() || !cache.empty() || !cache_max.empty() || fifo_opt->count() > 0 ||
            !public_url.empty()) {
            return usage_error(
                "--render does not take --server, --cache, --cache-max-bytes, "
                "--public-url or --input-fifo");
        }
        RenderOptions r;
        r.slide = render;
        r.out = out;
        r.size = *parsed_size;
        r.lines = lines;
        if (page < 0) return usage_error("--page: must be 0 or more, got " + std::to_string(page));
        r.page = page;
        if (!now.empty()) {
            auto t = protocol::parse_iso8601(now, std::chrono::hours{8});
            if (!t) return usage_error("--now: not an ISO 8601 time: '" + now + "'");
            r.now = *t;
        }
        if ((!settings.empty() || !tickers.empty()) && !screen) {
            return usage_error("--settings and --ticker go with --screen");
        }
        r.screen = screen;
        r.settings = settings;
        r.tickers = tickers;
        options.mode = r;
        return ParsedArgs{options, 0};
    }

    if (server.empty()) return usage_error("--server URL is required (or --render SLIDE.json)");
    if (cache.empty()) return usage_error("--cache DIR is required");
    if (lines || !out.empty() || page_opt->count() > 0 || now_opt->count() > 0 ||
        screen_opt->count() > 0 || settings_opt->count() > 0 || ticker_opt->count() > 0) {
        return usage_error(
            "--lines, --out, --page, --now, --screen, --settings and --ticker go with --render");
    }
    if (!token_file.empty()) {
        auto text = read_file(token_file);
        if (!text) return usage_error("--token-file: " + text.error().message);
        token = trim(*text);
    }
    if (token_file_opt->count() > 0 && token.empty()) {
        return usage_error("--token-file: the file is empty");
    }
    std::int64_t cache_max_bytes = 0;
    if (!cache_max.empty()) {
        auto n = player::parse_byte_count(cache_max);
        if (!n) {
            return usage_error("--cache-max-bytes: not a byte count above 0 (like 500M or 20G): '" +
                               cache_max + "'");
        }
        cache_max_bytes = *n;
    }
    if (public_url.empty()) public_url = server;
    if (public_url.rfind("http://", 0) != 0 && public_url.rfind("https://", 0) != 0) {
        return usage_error("--public-url: must start with http:// or https://, got '" + public_url +
                           "'");
    }
    PlayOptions p;
    p.server = server;
    p.public_url = public_url;
    p.token = token;
    p.name_hint = name_hint;
    p.cache = cache;
    p.headless = headless;
    p.fullscreen = fullscreen;
    p.max_download_bytes_per_s = max_rate_kb * 1024;
    p.cache_max_bytes = cache_max_bytes;
    p.size = *parsed_size;
    p.snapshot = snapshot;
    p.input_fifo = input_fifo;
    p.heartbeat_s = heartbeat_s;
    p.screenshot_s = screenshot_s;
    options.mode = p;
    return ParsedArgs{options, 0};
}

}  // namespace signage::app
