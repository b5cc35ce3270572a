#include "app/cli.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/demo.hpp"
#include "app/server.hpp"
#include "app/transfer.hpp"
#include "auth/account_service.hpp"
#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "common/fs.hpp"
#include "common/logging.hpp"
#include "groups/group_service.hpp"
#include "protocol/slide.hpp"
#include "screens/screen_service.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/store.hpp"

#ifndef SIGNAGE_ASSETS_DIR
#define SIGNAGE_ASSETS_DIR "assets"
#endif
#ifndef SIGNAGE_CONSOLE_DIR
#define SIGNAGE_CONSOLE_DIR "console"
#endif

namespace signage::server {
namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// Journald-friendly under systemd (common/logging.hpp).
void setup_server_logging(const std::string& level) {
    signage::setup_logging("signage-server", level, "%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
}

int usage_error(const std::string& message) {
    std::cerr << "signage-server: " << message << "\nRun with --help for more information.\n";
    return exit_usage;
}

int failure(const std::string& message) {
    std::cerr << "signage-server: " << message << "\n";
    return exit_failure;
}

// "HOST:PORT" or "[V6]:PORT".
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return false;
        host = host.substr(1, host.size() - 2);
    }
    const std::string p = text.substr(colon + 1);
    if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    const unsigned long value = std::stoul(p);
    if (value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

Status check_name(const std::string& name, const char* what) {
    const std::size_t n = protocol::utf8_length(name);
    if (n == 0 || n > 64)
        return make_error(ErrorCode::invalid, std::string(what) + " has 1 to 64 characters");
    for (unsigned char c : name) {
        if (c <= 0x20 || c == 0x7f || c == '/') {
            return make_error(ErrorCode::invalid,
                              std::string(what) + " has no spaces, control characters or '/'");
        }
    }
    return {};
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

// An installed server (PREFIX/bin/signage-server) finds its console and assets
// in PREFIX/share/civic-signage/; run from the build tree it uses the source
// folders compiled in.
std::string installed_dir_or(const char* name, const char* build_tree_dir) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto dir = exe.parent_path().parent_path() / "share" / "civic-signage" / name;
        if (std::filesystem::is_directory(dir, ec)) return dir.string();
    }
    return build_tree_dir;
}

int user_add(const std::string& data, const std::string& database, const std::string& name,
             const std::string& role_text, const std::string& password_file) {
    if (auto st = check_name(name, "a user name"); !st) return usage_error(st.error().message);
    auto password = read_file(password_file);
    if (!password) return failure("cannot read " + password_file);
    std::string pw = *password;
    if (!pw.empty() && pw.back() == '\n') pw.pop_back();
    if (!pw.empty() && pw.back() == '\r') pw.pop_back();
    if (auto st = check_password_policy(pw); !st) return failure(st.error().message);
    auto store = open_data_store(data, database);
    if (!store) return failure(store.error().to_string());
    auto hash = hash_password(pw);
    if (!hash) return failure(hash.error().message);
    auto user = AccountService(**store).add_user(name, *hash, *parse_role(role_text));
    if (!user) return failure(user.error().message);
    spdlog::info("created {} {}", role_text, name);
    return 0;
}

// NAME-00001 … NAME-COUNT (at least five digits, so they sort).
std::vector<std::string> numbered_names(const std::string& name, unsigned count) {
    const std::size_t width = std::max<std::size_t>(5, std::to_string(count).size());
    std::vector<std::string> names;
    names.reserve(count);
    for (unsigned i = 1; i <= count; ++i) {
        std::string n = std::to_string(i);
        names.push_back(name + "-" + std::string(width - n.size(), '0') + n);
    }
    return names;
}

int screen_add(const std::string& data, const std::string& database, const std::string& name,
               const std::string& group, unsigned count) {
    if (auto st = check_name(name, "a screen name"); !st) return usage_error(st.error().message);
    if (auto st = check_group_name(group, "--group"); !st) {
        return usage_error("--group: " + st.error().message);
    }
    const std::vector<std::string> names =
        count > 0 ? numbered_names(name, count) : std::vector<std::string>{};
    for (const auto& n : names) {
        if (auto st = check_name(n, "a screen name"); !st) {
            return usage_error(n + ": " + st.error().message);
        }
    }
    auto store = open_data_store(data, database);
    if (!store) return failure(store.error().to_string());
    ScreenService screens(**store);
    if (count > 0) {
        auto tokens = screens.add_many(names, group);
        if (!tokens) return failure(tokens.error().message);
        for (const auto& token : *tokens) std::cout << token << '\n';
        std::cout << std::flush;
        spdlog::info("registered {} screens {} to {} in group {}", count, names.front(),
                     names.back(), group);
        return 0;
    }
    auto fresh = screens.new_device_token();
    if (!fresh) return failure(fresh.error().message);
    const std::string token = *fresh;
    auto screen = screens.add(name, group, device_credentials(token));
    if (!screen) return failure(screen.error().message);
    std::cout << token << std::endl;  // the only line on stdout: scripts read it
    spdlog::info("registered screen {} in group {}", name, group);
    return 0;
}

// What `migrate` and `check` say of the records.
std::string schema_words(const DatabaseState& s) {
    return s.schema == 0 ? std::string("none yet") : std::to_string(s.schema);
}

// migrate --from DATA --to URI: the SQLite installation's records and
// media into PostgreSQL (app/transfer.hpp), verified.
int transfer(const std::string& from, const std::string& to, const std::string& media_dir) {
    const auto started = std::chrono::steady_clock::now();
    std::cout << "copying " << from << " (SQLite) to " << redacted_uri(to) << "\n" << std::flush;
    TransferPlan plan{from, to, media_dir};
    auto report = transfer_to_postgres(plan, [](const std::string& line) {
        std::cout << "  " << line << "\n" << std::flush;
    });
    if (!report) return failure(report.error().to_string());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    std::cout << "done in " << static_cast<double>(ms) / 1000.0 << " s: " << report->rows
              << " rows in " << report->tables << " tables, " << report->media_files
              << " media files. Start the instances with --database " << redacted_uri(to)
              << (media_dir.empty() ? " --data " + from : " --media-dir " + media_dir) << "\n";
    return 0;
}

int migrate(const std::string& data, const std::string& database) {
    auto before = inspect_database(data, database);
    if (!before) return failure(before.error().to_string());
    if (before->schema > before->current) {
        return failure("database " + before->where + ": schema " + std::to_string(before->schema) +
                       " was written by a newer signage-server (this one writes " +
                       std::to_string(before->current) + ")");
    }
    if (before->schema == before->current) {
        std::cout << "database " << before->where << ": schema " << before->current
                  << " is current, nothing to do\n";
        return 0;
    }
    auto store = open_data_store(data, database);  // migrates, each step in a transaction
    if (!store) return failure(store.error().to_string());
    store->reset();
    auto after = inspect_database(data, database);
    if (!after) return failure(after.error().to_string());
    std::cout << "database " << after->where << ": schema " << schema_words(*before) << " -> "
              << after->schema << "\n";
    return after->schema == after->current ? 0 : exit_failure;
}

// One line each: "ok" or "FAIL", what, and the facts; exit 1 on any FAIL.
int check(const std::string& data, const std::string& database, const std::string& media_dir) {
    bool healthy = true;
    auto line = [&healthy](bool ok, const char* what, const std::string& text) {
        if (!ok) healthy = false;
        std::cout << (ok ? "ok    " : "FAIL  ") << what << "  " << text << "\n";
    };
    auto state = inspect_database(data, database);
    if (!state) {
        line(false, "database", state.error().message);
    } else {
        line(true, "database",
             state->where + (state->server_version.empty()
                                 ? std::string()
                                 : " (PostgreSQL " + state->server_version + ")"));
        if (state->schema == state->current) {
            line(true, "schema  ", std::to_string(state->schema) + " (current)");
        } else if (state->schema > state->current) {
            line(false, "schema  ",
                 std::to_string(state->schema) +
                     ", written by a newer signage-server (this one "
                     "writes " +
                     std::to_string(state->current) + ")");
        } else {
            line(false, "schema  ",
                 schema_words(*state) + ", this server writes " + std::to_string(state->current) +
                     ": run signage-server migrate");
        }
    }
    const std::filesystem::path media = media_dir.empty() ? std::filesystem::path(data) / "media"
                                                          : std::filesystem::path(media_dir);
    if (auto st = check_media_dir(media); !st) {
        line(false, "media   ", st.error().message);
    } else {
        line(true, "media   ", media.string() + " writable");
    }
    return healthy ? 0 : exit_failure;
}

// Each waiting screen holds a socket: allow as many as the system lets us.
void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            spdlog::warn("cannot raise the open file limit");
    }
}

int serve(ServerConfig config, bool demo) {
    raise_file_limit();
    auto server = Server::create(config);
    if (!server) return failure(server.error().to_string());
    std::printf("listening on %s\n", (*server)->url().c_str());
    std::fflush(stdout);
    spdlog::info(
        "serving {} as {} (data {}, records in {}, console {}; {} I/O thread(s), {} worker(s))",
        (*server)->url(), (*server)->instance_name(), config.data_dir.string(),
        config.database.empty() ? std::string("SQLite") : redacted_uri(config.database),
        config.console_dir.string(), config.io_threads, config.worker_threads);
    if (demo) std::cerr << demo_hints((*server)->url(), config.data_dir) << std::flush;
    (*server)->run();
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{"signage-server: the civic-signage content server"};
    app.require_subcommand(0, 1);

    ServerConfig config;
    std::string data, listen, log_level = "info";
    std::string assets = env_or("SIGNAGE_ASSETS", installed_dir_or("assets", SIGNAGE_ASSETS_DIR));
    std::string console =
        env_or("SIGNAGE_CONSOLE", installed_dir_or("console", SIGNAGE_CONSOLE_DIR));
    app.add_option("--data", data, "data directory (database and media), created if missing");
    std::string database;
    const char* database_help =
        "PostgreSQL database for the records (postgresql://USER@HOST:PORT/DB; a password "
        "is better kept in ~/.pgpass); default: SQLite in --data";
    app.add_option("--database", database, database_help)->envname("SIGNAGE_DATABASE");
    app.add_option("--instance-name", config.instance_name,
                   "this instance in /metrics and the log (default: HOST:PORT)")
        ->envname("SIGNAGE_INSTANCE_NAME");
    std::string media_dir;
    app.add_option("--media-dir", media_dir,
                   "media store shared by several instances (network storage); default: "
                   "DATA/media")
        ->envname("SIGNAGE_MEDIA_DIR");
    app.add_option("--listen", listen, "address to serve on, HOST:PORT (port 0: any free port)");
    app.add_flag("--demo", config.demo, "seed the demo content into an empty database");
    app.add_option("--assets", assets, "built-in assets directory")->capture_default_str();
    app.add_option("--console", console, "admin console directory")->capture_default_str();
    app.add_option("--max-upload-bytes", config.media.max_bytes, "largest image upload in bytes")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--max-video-bytes", config.media.video.max_bytes,
                   "largest film upload (MP4, WebM, MOV) in bytes")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--max-pixels", config.media.max_pixels,
                   "largest image (width x height) accepted")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    std::int64_t pairing_seconds = config.pairing_code_ttl.count();
    app.add_option("--pairing-code-seconds", pairing_seconds,
                   "how long a screen's pairing code is valid")
        ->check(CLI::Range(std::int64_t{5}, std::int64_t{86400}))
        ->capture_default_str();
    std::string player;
    app.add_option("--player", player,
                   "signage-player program that draws previews (default: the one next to "
                   "signage-server, else on PATH)");
    std::string ffmpeg;
    app.add_option("--ffmpeg", ffmpeg,
                   "ffmpeg program that converts films to the groups' screen profiles "
                   "(default: ffmpeg on PATH)");
    std::int64_t convert_timeout_ms = 0;
    app.add_option("--convert-timeout-ms", convert_timeout_ms,
                   "time limit of one film conversion in milliseconds (0: ten times the "
                   "film's length plus 120 s)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{24} * 3600 * 1000))
        ->capture_default_str();
    std::string convert_retry = "60,600,3600";
    app.add_option("--convert-retry-seconds", convert_retry,
                   "after a film conversion fails, it is tried again after each of these "
                   "delays in turn (whole seconds, each longer than the one before; none: never)")
        ->capture_default_str();
    std::int64_t preview_seconds = config.preview_timeout.count() / 1000;
    app.add_option("--preview-timeout", preview_seconds,
                   "seconds a preview may take to render before it is stopped")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{300}))
        ->capture_default_str();
    app.add_option("--offline-after-missed", config.health.offline_after_missed,
                   "a screen is offline after this many missing heartbeats")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    app.add_option("--max-screenshot-bytes", config.health.max_screenshot_bytes,
                   "largest screenshot a screen may upload, in bytes")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    std::int64_t screenshot_timeout_s = config.health.screenshot_timeout.count();
    app.add_option("--screenshot-timeout-seconds", screenshot_timeout_s,
                   "seconds a screen has to answer a screenshot request before staff see an error")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{300}))
        ->capture_default_str();
    std::int64_t webhook_retry_s = config.alerts.retry.count();
    app.add_option("--webhook-retry-seconds", webhook_retry_s,
                   "seconds before a failed webhook delivery is tried again (doubling each time)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
        ->capture_default_str();
    app.add_option("--webhook-attempts", config.alerts.attempts,
                   "attempts before a webhook delivery counts as failed")
        ->check(CLI::Range(1, 20))
        ->capture_default_str();
    std::int64_t alert_check_s = config.alerts.check.count();
    app.add_option("--alert-check-seconds", alert_check_s,
                   "how often screens going offline and items waiting for review are looked for")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
        ->capture_default_str();
    double review_alert_minutes = static_cast<double>(config.alerts.review_after.count()) / 60.0;
    app.add_option("--review-alert-minutes", review_alert_minutes,
                   "alert when an item has waited this long for review (decimals allowed)")
        ->check(CLI::Range(0.01, 10080.0))
        ->capture_default_str();
    app.add_option("--max-plays-per-hour", config.health.quota.plays_per_hour,
                   "play records one screen may send in an hour")
        ->check(CLI::Range(1u, 10000000u))
        ->capture_default_str();
    app.add_option("--max-heartbeats-per-hour", config.health.quota.heartbeats_per_hour,
                   "heartbeats one screen may send in an hour")
        ->check(CLI::Range(1u, 1000000u))
        ->capture_default_str();
    app.add_option("--max-screenshots-per-hour", config.health.quota.screenshots_per_hour,
                   "screenshots one screen may send in an hour")
        ->check(CLI::Range(1u, 1000000u))
        ->capture_default_str();
    app.add_option("--trusted-proxy", config.trusted_proxies,
                   "address or network (10.0.0.0/8) of a reverse proxy whose X-Forwarded-For "
                   "names the client; repeat for more")
        ->capture_default_str();
    app.add_option("--max-connections", config.connections.max_connections,
                   "open connections allowed at once")
        ->check(CLI::Range(1u, 1000000u))
        ->capture_default_str();
    app.add_option("--max-connections-per-address", config.connections.max_per_address,
                   "open connections allowed at once from one address (trusted proxies exempt)")
        ->check(CLI::Range(1u, 1000000u))
        ->capture_default_str();
    std::int64_t header_timeout_s = config.http.header_timeout.count();
    app.add_option("--header-timeout-seconds", header_timeout_s,
                   "seconds a request's head may take to arrive whole (and an idle connection "
                   "stays open)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
        ->capture_default_str();
    std::int64_t body_timeout_s = config.http.body_timeout.count();
    app.add_option("--body-timeout-seconds", body_timeout_s,
                   "seconds a request's body may take to arrive whole, plus its size at "
                   "--min-body-rate")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
        ->capture_default_str();
    app.add_option("--min-body-rate", config.http.min_body_rate,
                   "bytes a second the slowest client is given for a request body")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
        ->capture_default_str();
    app.add_option("--prize-code-days", config.prize_code_days,
                   "prize codes are honoured this many days after the day they were won (1-6)")
        ->check(CLI::Range(1, 6))
        ->capture_default_str();
    // A thread count: 1 to 256, also from the environment.
    const auto thread_option = [&app](const char* name, unsigned& count, const char* env,
                                      const char* help) {
        app.add_option(name, count, help)
            ->check(CLI::Range(1u, 256u))
            ->envname(env)
            ->capture_default_str();
    };
    thread_option("--io-threads", config.io_threads, "SIGNAGE_IO_THREADS",
                  "threads serving connections, timers and waiting screens (1 is enough for "
                  "thousands of screens; more for many manifest requests a second)");
    thread_option("--worker-threads", config.worker_threads, "SIGNAGE_WORKER_THREADS",
                  "threads running request handlers (database, password checks, media hashing)");
    bool no_metrics = false;
    app.add_flag("--no-metrics", no_metrics, "do not serve GET /metrics");
    app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();

    auto* user = app.add_subcommand("user", "manage staff accounts");
    user->require_subcommand(1);
    auto* user_add_cmd = user->add_subcommand("add", "create a staff account");
    std::string user_name, role, password_file, user_data;
    user_add_cmd->add_option("NAME", user_name, "user name")->required();
    user_add_cmd->add_option("--role", role, "admin|editor|reviewer")
        ->required()
        ->check(CLI::IsMember({"admin", "editor", "reviewer"}));
    user_add_cmd->add_option("--password-file", password_file, "file holding the password")
        ->required()
        ->check(CLI::ExistingFile);
    user_add_cmd->add_option("--data", user_data, "data directory");
    user_add_cmd->add_option("--database", database, database_help)->envname("SIGNAGE_DATABASE");

    auto* screen = app.add_subcommand("screen", "manage screens");
    screen->require_subcommand(1);
    auto* screen_add_cmd =
        screen->add_subcommand("add", "register a screen and print its device token");
    std::string screen_name, group, screen_data;
    screen_add_cmd->add_option("NAME", screen_name, "screen name")->required();
    screen_add_cmd->add_option("--group", group, "screen group (created if missing)")->required();
    unsigned screen_count = 0;
    screen_add_cmd
        ->add_option("--count", screen_count,
                     "register N screens, NAME-00001 to NAME-N, in one transaction and print "
                     "their tokens one a line in that order")
        ->check(CLI::Range(1u, 100000u));
    screen_add_cmd->add_option("--data", screen_data, "data directory");
    screen_add_cmd->add_option("--database", database, database_help)->envname("SIGNAGE_DATABASE");

    auto* routes_cmd = app.add_subcommand(
        "routes", "print every route the server registers (METHOD PATTERN, one a line)");
    std::string routes_data;
    routes_cmd->add_option("--data", routes_data, "data directory (opened, as when serving)")
        ->required();
    routes_cmd->add_option("--database", database, database_help)->envname("SIGNAGE_DATABASE");
    bool routes_json = false;
    routes_cmd->add_flag("--json", routes_json,
                         "a JSON list of {method, pattern, access}: who may call each route");

    auto* migrate_cmd = app.add_subcommand(
        "migrate",
        "bring the database's schema up to date (as a starting server does), each step in "
        "one transaction, and say what was done");
    std::string migrate_data, migrate_from, migrate_to, migrate_media;
    migrate_cmd->add_option("--data", migrate_data, "data directory (SQLite)");
    migrate_cmd->add_option("--database", database, database_help)->envname("SIGNAGE_DATABASE");
    auto* from_opt = migrate_cmd->add_option(
        "--from", migrate_from,
        "move this SQLite installation (its data directory) to the database --to names: every "
        "record and media file, verified by counts and sha256");
    auto* to_opt = migrate_cmd->add_option("--to", migrate_to,
                                           "the empty PostgreSQL database to move --from into");
    migrate_cmd
        ->add_option("--media-dir", migrate_media,
                     "with --from: copy the media here (the instances' shared directory); "
                     "default: they stay in FROM/media")
        ->needs(from_opt);
    from_opt->needs(to_opt);
    to_opt->needs(from_opt);
    from_opt->excludes("--data");
    from_opt->excludes("--database");

    auto* check_cmd = app.add_subcommand(
        "check",
        "check that an instance could serve: database reachable, schema current, media "
        "directory writable; one line each, exit status 1 when any fails");
    std::string check_data, check_media;
    check_cmd->add_option("--data", check_data, "data directory");
    check_cmd->add_option("--database", database, database_help)->envname("SIGNAGE_DATABASE");
    check_cmd->add_option("--media-dir", check_media, "media directory (default: DATA/media)")
        ->envname("SIGNAGE_MEDIA_DIR");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage;
    }

    setup_server_logging(log_level);
    if (sodium_init() < 0) return failure("libsodium could not be initialised");

    // Where the records are: --database, else the SQLite file in --data.
    auto records_at = [&](const std::string& dir) -> std::optional<int> {
        if (dir.empty() && database.empty()) return usage_error("--data or --database is required");
        if (!database.empty() && !is_postgres_uri(database)) {
            return usage_error("--database: expected postgresql://USER@HOST:PORT/DB, got \"" +
                               redacted_uri(database) + "\"");
        }
        return std::nullopt;
    };
    if (user_add_cmd->parsed()) {
        if (auto bad = records_at(user_data)) return *bad;
        return user_add(user_data, database, user_name, role, password_file);
    }
    if (screen_add_cmd->parsed()) {
        if (auto bad = records_at(screen_data)) return *bad;
        return screen_add(screen_data, database, screen_name, group, screen_count);
    }
    if (migrate_cmd->parsed()) {
        if (!migrate_from.empty()) {
            if (!is_postgres_uri(migrate_to)) {
                return usage_error("--to: expected postgresql://USER@HOST:PORT/DB, got \"" +
                                   redacted_uri(migrate_to) + "\"");
            }
            return transfer(migrate_from, migrate_to, migrate_media);
        }
        if (auto bad = records_at(migrate_data)) return *bad;
        return migrate(migrate_data, database);
    }
    if (check_cmd->parsed()) {
        if (auto bad = records_at(check_data)) return *bad;
        if (check_data.empty() && check_media.empty()) {
            return usage_error("--data or --media-dir is required (where the media are kept)");
        }
        return check(check_data, database, check_media);
    }
    if (routes_cmd->parsed()) {
        ServerConfig routes_config;
        routes_config.host = "127.0.0.1";
        routes_config.port = 0;
        routes_config.data_dir = routes_data;
        routes_config.database = database;
        routes_config.console_dir = console;
        routes_config.assets_dir = assets;
        auto server = Server::create(routes_config);
        if (!server) return failure(server.error().to_string());
        if (!routes_json) {
            for (const auto& line : (*server)->routes()) std::cout << line << '\n';
            return 0;
        }
        nlohmann::json list = nlohmann::json::array();
        for (const auto& r : (*server)->route_table()) {
            list.push_back({{"method", r.method}, {"pattern", r.pattern}, {"access", r.access}});
        }
        std::cout << list.dump(2) << '\n';
        return 0;
    }

    if (database.empty() && data.empty()) {
        return usage_error("--data is required (SQLite's database and the media)");
    }
    if (data.empty() && media_dir.empty()) {
        return usage_error("--data or --media-dir is required (where the media are kept)");
    }
    if (data.empty() && config.demo) {
        return usage_error("--demo needs --data (the demo screen's token is written there)");
    }
    if (auto bad = records_at(data)) return *bad;
    if (listen.empty()) return usage_error("--listen is required");
    if (!parse_listen(listen, config.host, config.port)) {
        return usage_error("--listen: expected HOST:PORT, got \"" + listen + "\"");
    }
    config.data_dir = data;
    config.media_dir = media_dir;
    config.database = database;
    config.http.header_timeout = std::chrono::seconds(header_timeout_s);
    config.http.body_timeout = std::chrono::seconds(body_timeout_s);
    config.health.metrics_enabled = !no_metrics;
    config.health.screenshot_timeout = std::chrono::seconds(screenshot_timeout_s);
    config.alerts.retry = std::chrono::seconds(webhook_retry_s);
    config.alerts.check = std::chrono::seconds(alert_check_s);
    config.alerts.review_after =
        std::chrono::seconds(static_cast<std::int64_t>(review_alert_minutes * 60.0 + 0.5));
    config.pairing_code_ttl = std::chrono::seconds{pairing_seconds};
    config.player = player;
    config.preview_timeout = std::chrono::seconds{preview_seconds};
    config.convert.ffmpeg = ffmpeg;
    config.convert.timeout = std::chrono::milliseconds{convert_timeout_ms};
    auto retry_delays = parse_retry_delays(convert_retry, "--convert-retry-seconds");
    if (!retry_delays) {
        return usage_error("--convert-retry-seconds: " + retry_delays.error().message);
    }
    config.convert.retry_delays = std::move(*retry_delays);
    if (!ffmpeg.empty() && ::access(ffmpeg.c_str(), X_OK) != 0) {
        return usage_error("--ffmpeg: " + ffmpeg + " is not an executable file");
    }
    config.assets_dir = assets;
    config.console_dir = console;
    return serve(config, config.demo);
}

}  // namespace signage::server
