#include "app/server.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/routes.hpp"
#include "app/demo.hpp"
#include "auth/account_service.hpp"
#include "auth/authenticator.hpp"
#include "common/fs.hpp"
#include "groups/group_service.hpp"
#include "groups/order_service.hpp"
#include "http/listener.hpp"
#include "http/router.hpp"
#include "metrics/metrics.hpp"
#include "pairing/pairing_service.hpp"
#include "preview/preview_service.hpp"
#include "publish/manifest_hub.hpp"
#include "publish/publisher.hpp"
#include "quiz/quiz_service.hpp"
#include "reports/play_reports.hpp"
#include "screens/screen_service.hpp"
#include "screens/screenshot_requests.hpp"
#include "slides/slide_service.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "units/unit_service.hpp"

namespace signage::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

bool is_postgres_uri(const std::string& database) {
    return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> open_data_store(const std::filesystem::path& data_dir,
                                               const std::string& database) {
    // The database holds password hashes and the claim keys' MAC secrets:
    // only the server's user reads it. Directories made here are 0700, the
    // database 0600 (also when an older server left it readable), and SQLite
    // gives its -wal and -shm files the database's mode.
    namespace fs = std::filesystem;
    if (!database.empty() && !is_postgres_uri(database)) {
        return make_error(ErrorCode::invalid,
                          "expected a PostgreSQL URI (postgresql://USER@HOST:PORT/DB), got \"" +
                              redacted_uri(database) + "\"",
                          "database");
    }
    const ::mode_t old_mask = ::umask(S_IRWXG | S_IRWXO);
    std::error_code ec;
    if (!data_dir.empty()) fs::create_directories(data_dir, ec);
    if (ec) {
        ::umask(old_mask);
        return make_error(ErrorCode::io, "cannot create the data directory " + data_dir.string() +
                                             ": " + ec.message());
    }
    if (!database.empty()) {
        ::umask(old_mask);
        return open_postgres_store(database);
    }
    const fs::path db = data_dir / "signage.db";
    for (const char* suffix : {"", "-wal", "-shm"}) {
        fs::path file = db;
        file += suffix;
        if (fs::exists(file, ec)) {
            fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write,
                            fs::perm_options::replace, ec);
        }
    }
    auto store = open_sqlite_store(db);
    ::umask(old_mask);
    return store;
}

namespace {

// This machine's name, as instance names start.
std::string this_host() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
}

}  // namespace

Result<DatabaseState> inspect_database(const std::filesystem::path& data_dir,
                                       const std::string& database) {
    DatabaseState state;
    if (!database.empty()) {
        if (!is_postgres_uri(database)) {
            return make_error(ErrorCode::invalid,
                              "expected a PostgreSQL URI (postgresql://USER@HOST:PORT/DB), got \"" +
                                  redacted_uri(database) + "\"",
                              "database");
        }
        auto facts = inspect_postgres(database);
        if (!facts) return facts.error();
        state.backend = "postgresql";
        state.where = redacted_uri(database);
        state.schema = facts->schema;
        state.current = postgres_schema_version;
        state.server_version = facts->server_version;
        return state;
    }
    const auto db = data_dir / "signage.db";
    auto schema = sqlite_schema_of(db);
    if (!schema) return schema.error();
    state.backend = "sqlite";
    state.where = db.string();
    state.schema = *schema;
    state.current = sqlite_schema_version;
    return state;
}

Status check_media_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
    const auto probe = dir / (".check-" + random_suffix());
    if (auto st = write_file_atomic(probe, "civic-signage media directory check\n"); !st) {
        return st;
    }
    if (!std::filesystem::remove(probe, ec) || ec) {
        return make_error(ErrorCode::io, "cannot remove " + probe.string() + ": " + ec.message());
    }
    return {};
}

std::filesystem::path ServerConfig::media_path() const {
    return media_dir.empty() ? data_dir / "media" : media_dir;
}

std::filesystem::path ServerConfig::spool_dir() const {
    if (!data_dir.empty()) return data_dir / "spool";
    // Without a name of its own, a name no other process has: the spool is
    // cleared at start, and another instance may be spooling beside it.
    std::string name = instance_name;
    if (name.empty()) {
        name = this_host() + "-" + std::to_string(::getpid());
    }
    for (char& c : name) {
        if (c == '/' || c == ':' || static_cast<unsigned char>(c) < 0x20) c = '_';
    }
    return media_path() / ".spool" / name;
}

namespace {

// A group's latest manifest into the hub (its waiting screens wake when it
// is newer than the one they have).
void reload(ManifestHub& hub, const std::string& group) {
    if (auto st = hub.reload(group); !st) {
        spdlog::warn("manifest of {} from another instance: {}", group, st.error().message);
    }
}

std::optional<std::int64_t> screen_id_of(const std::string& text) {
    try {
        std::size_t used = 0;
        const std::int64_t id = std::stoll(text, &used);
        if (used == text.size()) return id;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

// A change another instance made (StoreEvent), followed here.
void follow(Store& store, ManifestHub& hub, const StoreEvent& e) {
    using Kind = StoreEvent::Kind;
    switch (e.kind) {
        case Kind::manifest:
            reload(hub, e.subject);
            return;
        case Kind::screens:
            store.screen_cache().forget();
            return;
        case Kind::moved: {
            store.screen_cache().forget();
            const auto id = screen_id_of(e.subject);
            if (!id || !hub.is_waiting(*id)) return;
            auto screen = store.read(
                [&](Tx& tx) { return Result<std::optional<Screen>>(tx.screens().find(*id)); });
            if (!screen || !*screen) return;
            if (auto snapshot = hub.current((*screen)->group)) hub.reassign_screen(*id, *snapshot);
            return;
        }
        case Kind::released:
            store.screen_cache().forget();
            if (const auto id = screen_id_of(e.subject)) hub.release_screen(*id);
            return;
        case Kind::command:
            if (const auto id = screen_id_of(e.subject); id && hub.is_waiting(*id)) {
                hub.send_command(*id, e.text, false);
            }
            return;
        case Kind::resync:
            // Whatever was missed: tokens read again, every manifest held here reloaded.
            store.screen_cache().forget();
            for (const auto& group : hub.groups()) reload(hub, group);
            return;
    }
}

}  // namespace

// Bodies spooled by sessions a crash or kill cut short.
void clear_spool(const std::filesystem::path& dir) {
    auto removed = remove_stale_temporaries(dir);
    if (!removed) {
        spdlog::warn("spool: {}", removed.error().to_string());
    } else if (removed->files > 0) {
        spdlog::info("removed {} unfinished upload(s) ({} bytes) from {}", removed->files,
                     removed->bytes, dir.string());
    }
}

// The connection cap, within what the process may open: the soft limit on
// open files is raised to the hard one, and the cap kept below it with room
// for the database, media files and previews.
http::ConnectionCaps fit_open_files(http::ConnectionCaps caps) {
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0) return caps;
    if (files.rlim_cur < files.rlim_max) {
        rlimit raised = files;
        raised.rlim_cur = files.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) files = raised;
    }
    constexpr rlim_t kReserved = 256;
    if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < caps.max_connections + kReserved) {
        const rlim_t room =
            files.rlim_cur > 2 * kReserved ? files.rlim_cur - kReserved : files.rlim_cur / 2;
        spdlog::warn("open files are limited to {}: at most {} connections (not {})",
                     files.rlim_cur, room, caps.max_connections);
        caps.max_connections = static_cast<std::uint32_t>(room);
    }
    return caps;
}

struct Server::Impl {
    explicit Impl(const ServerConfig& c) : config(c), io(1), pool(std::max(1u, c.worker_threads)) {
        // One context per I/O thread, each run by its thread alone; the
        // first (`io`) also runs the listener, the hub and the signals.
        for (unsigned i = 1; i < std::max(1u, c.io_threads); ++i) {
            more_io.push_back(std::make_unique<net::io_context>(1));
            keep_running.emplace_back(more_io.back()->get_executor());
        }
    }

    std::vector<net::io_context*> io_contexts() {
        std::vector<net::io_context*> all{&io};
        for (auto& c : more_io) all.push_back(c.get());
        return all;
    }

    ServerConfig config;
    // Outlives every session, and so the io_context, whose destruction ends
    // the sessions still open (each gives its connection slot back).
    std::unique_ptr<http::ConnectionGuard> guard;
    // The other I/O threads' contexts: destroyed after `io`, whose listener
    // may hold an accepted socket of theirs.
    std::vector<std::unique_ptr<net::io_context>> more_io;
    // Declared first, destroyed last: everything below may hold its handlers.
    net::io_context io;
    // Keeps the other contexts running while they have no connection.
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
    Metrics metrics;
    std::unique_ptr<Store> store;
    std::unique_ptr<MediaStore> media;
    std::unique_ptr<Authenticator> auth;
    std::unique_ptr<AccountService> accounts;
    std::unique_ptr<ScreenService> screens;
    std::unique_ptr<SlideService> slides;
    std::unique_ptr<ManifestHub> hub;
    std::unique_ptr<Publisher> publisher;
    std::unique_ptr<GroupService> groups;
    std::unique_ptr<OrderService> orders;
    std::unique_ptr<UnitService> units;
    std::unique_ptr<QuizService> quiz;
    std::unique_ptr<PairingService> pairing;
    std::unique_ptr<ScreenshotRequests> screenshots;
    std::unique_ptr<PreviewService> preview;
    std::unique_ptr<PlayReports> plays;
    std::unique_ptr<AlertService> alerts;  // its thread stops before the store closes
    std::unique_ptr<Converter> converter;  // its thread stops before the store closes
    std::unique_ptr<Services> services;
    std::unique_ptr<http::Router> router;
    net::thread_pool pool;  // destroyed (stopped and joined) before the services
    std::shared_ptr<http::Listener> listener;
    std::unique_ptr<net::signal_set> signals;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
    if (impl_) {
        impl_->pool.stop();
        impl_->pool.join();
        if (impl_->alerts) impl_->alerts->stop();
        if (impl_->converter) impl_->converter->stop();
        // Renders end and answer while the router their answers pass is alive.
        if (impl_->preview) impl_->preview->stop();
        if (impl_->store) impl_->store->stop_events();
        if (impl_->hub) impl_->hub->shutdown();
    }
}

Result<std::unique_ptr<Server>> Server::create(const ServerConfig& config) {
    auto impl = std::make_unique<Impl>(config);
    Impl& m = *impl;
    auto store = open_data_store(config.data_dir, config.database);
    if (!store) return store.error();
    m.store = std::move(*store);
    if (config.data_dir.empty() && config.media_dir.empty()) {
        return make_error(ErrorCode::invalid, "--data or --media-dir is required (the media store)",
                          "--media-dir");
    }
    m.media = std::make_unique<MediaStore>(config.media_path(), *m.store, config.media,
                                           !config.media_dir.empty());
    m.media->remove_leftovers();
    m.media->backfill_posters();
    m.auth = std::make_unique<Authenticator>(*m.store, config.session_ttl);
    m.accounts = std::make_unique<AccountService>(*m.store);
    m.screens = std::make_unique<ScreenService>(*m.store);
    m.screens->quota().set_limits(config.health.quota);
    m.slides = std::make_unique<SlideService>(*m.store);
    Store& st = *m.store;
    m.hub = std::make_unique<ManifestHub>(
        m.io, [&st](const std::string& group) { return load_manifest(st, group); });
    // What other instances on the same database change reaches the screens
    // waiting here, and commands for screens waiting there go to them.
    m.store->on_event([&st, hub = m.hub.get()](const StoreEvent& e) { follow(st, *hub, e); });
    m.hub->set_command_relay([&st](std::int64_t screen, const std::string& command) {
        st.announce(StoreEvent{StoreEvent::Kind::command, std::to_string(screen), command});
    });
    m.publisher = std::make_unique<Publisher>(*m.store, *m.hub);
    m.groups = std::make_unique<GroupService>(*m.store, *m.publisher, *m.hub);
    m.orders = std::make_unique<OrderService>(*m.store);
    m.units = std::make_unique<UnitService>(*m.store);
    m.quiz = std::make_unique<QuizService>(*m.store, config.prize_code_days);
    m.pairing = std::make_unique<PairingService>(*m.store, *m.screens, config.pairing_code_ttl);
    m.screenshots =
        std::make_unique<ScreenshotRequests>(*m.store, config.health.screenshot_timeout);
    PreviewConfig preview;
    preview.player = find_player(config.player);
    preview.timeout = config.preview_timeout;
    if (!config.player.empty() && preview.player.empty()) {
        return make_error(ErrorCode::invalid, config.player.string() + " is not an executable file",
                          "--player");
    }
    m.preview = std::make_unique<PreviewService>(std::move(preview));
    m.plays = std::make_unique<PlayReports>(*m.store);
    m.alerts = std::make_unique<AlertService>(*m.store, config.alerts);
    ConvertConfig convert = config.convert;
    convert.spool_dir = config.spool_dir();
    m.converter = std::make_unique<Converter>(*m.store, *m.media, std::move(convert));
    // A finished conversion reaches the screens at once, without a publish.
    m.converter->on_done([publisher = m.publisher.get()] {
        if (auto films = publisher->refresh_films(); !films) {
            spdlog::error("convert: manifests not re-issued: {}", films.error().message);
        }
    });
    m.services = std::make_unique<Services>(Services{*m.media,
                                                     *m.auth,
                                                     *m.accounts,
                                                     *m.screens,
                                                     *m.slides,
                                                     *m.publisher,
                                                     *m.hub,
                                                     *m.groups,
                                                     *m.quiz,
                                                     *m.pairing,
                                                     *m.screenshots,
                                                     *m.preview,
                                                     *m.plays,
                                                     config.console_dir,
                                                     m.metrics,
                                                     config.health,
                                                     *m.alerts,
                                                     *m.orders,
                                                     *m.converter,
                                                     *m.store,
                                                     config.instance_name,
                                                     *m.units});
    m.alerts->set_screen_source(
        [services = m.services.get()] { return screen_status_list(*services); });
    m.publisher->on_publish([alerts = m.alerts.get()](const PublishResult& result, const User& by) {
        alerts->published(result, by);
    });
    net::thread_pool& pool = m.pool;
    m.router = std::make_unique<http::Router>(
        [&pool](std::function<void()> task) { net::post(pool, std::move(task)); });
    add_all_routes(*m.router, *m.services);
    m.router->set_observer([&metrics = m.metrics](std::string_view method, const std::string& route,
                                                  int status, double seconds) {
        metrics.observe_request(method, route, status, seconds);
    });

    boost::system::error_code ec;
    tcp::endpoint endpoint;
    const auto address = net::ip::make_address(config.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, config.port);
    } else {
        tcp::resolver resolver(m.io);
        auto results = resolver.resolve(config.host, std::to_string(config.port), ec);
        if (ec || results.empty()) {
            return make_error(ErrorCode::invalid,
                              "cannot resolve " + config.host + ": " + ec.message(), "--listen");
        }
        endpoint = results.begin()->endpoint();
    }
    auto proxies = http::AddressSet::parse(config.trusted_proxies, "--trusted-proxy");
    if (!proxies) return proxies.error();
    m.guard = std::make_unique<http::ConnectionGuard>(fit_open_files(config.connections),
                                                      std::move(*proxies));
    m.metrics.set_connection_source([guard = m.guard.get()] {
        const auto c = guard->stats();
        return Metrics::Connections{c.open,
                                    c.refused_total_cap,
                                    c.refused_address_cap,
                                    c.request_timeouts,
                                    guard->caps().max_connections,
                                    guard->caps().max_per_address};
    });
    http::SessionLimits limits = config.http;
    limits.spool_dir = config.spool_dir();
    clear_spool(limits.spool_dir);
    auto listener =
        http::Listener::open(m.io, m.io_contexts(), endpoint, *m.router, limits, *m.guard);
    if (!listener) return listener.error();
    m.listener = std::move(*listener);
    // This instance's name: --instance-name, else HOST:PORT as bound (so two
    // instances started on port 0 are told apart).
    if (m.config.instance_name.empty()) {
        m.config.instance_name =
            this_host() + ":" + std::to_string(m.listener->local_endpoint().port());
    }
    m.services->instance = m.config.instance_name;
    m.converter->set_instance(m.config.instance_name);
    m.metrics.set_database_source(m.config.instance_name, [&st] {
        const StoreHealth h = st.health();
        return Metrics::Database{h.backend, h.connections, h.idle, h.events_connected,
                                 h.event_reconnects};
    });

    // Caught from here on (and delivered once run() waits), so a signal that
    // arrives while starting up still stops the server cleanly.
    m.signals = std::make_unique<net::signal_set>(m.io, SIGINT, SIGTERM);

    std::unique_ptr<Server> server(new Server(std::move(impl)));
    if (config.demo) {
        if (auto seeded = seed_demo(*server->impl_->services, config.data_dir, config.assets_dir);
            !seeded) {
            return make_error(seeded.error().code, "demo content: " + seeded.error().to_string());
        }
    }
    return server;
}

const std::string& Server::instance_name() const {
    return impl_->config.instance_name;
}

std::string Server::url() const {
    const auto ep = impl_->listener->local_endpoint();
    const auto addr = ep.address();
    const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return "http://" + host + ":" + std::to_string(ep.port());
}

void Server::run() {
    impl_->signals->async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("signal {}: stopping", signal);
        stop();
    });
    impl_->listener->start();
    impl_->alerts->start();
    impl_->converter->start();
    // The calling thread is the first I/O thread; the others join it.
    std::vector<std::thread> more_io;
    for (auto& context : impl_->more_io) {
        more_io.emplace_back([io = context.get()] { io->run(); });
    }
    impl_->io.run();
    for (auto& t : more_io) t.join();
    impl_->pool.stop();
    impl_->pool.join();
    impl_->alerts->stop();
    impl_->converter->stop();
    impl_->store->stop_events();
    impl_->hub->shutdown();
    spdlog::info("stopped");
}

void Server::stop() {
    net::post(impl_->io, [impl = impl_.get()] {
        impl->listener->stop();
        impl->keep_running.clear();
        for (auto& context : impl->more_io) context->stop();
        impl->io.stop();
    });
}

Services& Server::services() {
    return *impl_->services;
}

std::vector<std::string> Server::routes() const {
    return impl_->router->route_list();
}

std::vector<http::RouteInfo> Server::route_table() const {
    return impl_->router->routes();
}

}  // namespace signage::server
