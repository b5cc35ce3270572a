#pragma once
// The server: the store, the media store, the publisher and the hub, the HTTP
// router and listener, the I/O threads (one by default) and a small worker
// pool.
//
// Threads: the I/O threads run every socket, timer and waiting long-poll
// (each connection on its own strand, the hub's waiters on one); the workers
// run the handlers (database, password hashing, media hashing).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "alerts/alert_service.hpp"
#include "api/services.hpp"
#include "common/result.hpp"
#include "http/connection_guard.hpp"
#include "http/router.hpp"
#include "http/session.hpp"
#include "media/converter.hpp"
#include "media/media_store.hpp"

namespace signage::server {

class Store;

struct ServerConfig {
    // SQLite's database, media, and uploads in progress; created when
    // missing. May be empty with a PostgreSQL `database` and a `media_dir`.
    std::filesystem::path data_dir;
    // --media-dir: the media store, shared by several instances (network
    // storage); empty: DATA/media, this instance's own.
    std::filesystem::path media_dir;
    // --database: a PostgreSQL URI (postgresql://…) holds the records
    // instead of DATA/signage.db; empty: SQLite.
    std::string database;
    // --instance-name: this instance in logs and /metrics (default HOST:PORT).
    std::string instance_name;
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port
    bool demo = false;          // seed the demo set into an empty database
    std::filesystem::path assets_dir;
    std::filesystem::path console_dir;
    MediaLimits media;
    std::chrono::seconds session_ttl{12 * 3600};
    // --io-threads: threads running the event loop (sockets, timers, the
    // long-polls and the manifest's fast path); each connection stays on
    // one strand, so any count is safe. --worker-threads: the pool that
    // runs route handlers (database, password hashing, media hashing).
    unsigned io_threads = 1;
    unsigned worker_threads = 4;
    std::chrono::seconds pairing_code_ttl{15 * 60};  // how long a pairing code is valid
    // --player: the signage-player that draws previews; empty: the one next
    // to this program, else on PATH (preview/preview_service.hpp).
    std::filesystem::path player;
    std::chrono::milliseconds preview_timeout{20000};
    HealthConfig health;  // offline rule, screenshot size, /metrics on or off
    AlertConfig alerts;   // webhook retries, how often screens and reviews are checked
    // Connections: caps, request deadlines (its spool_dir is set by
    // spool_dir()), and the proxies whose X-Forwarded-For names the client.
    http::ConnectionCaps connections;
    http::SessionLimits http;
    std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
    // --prize-code-days: prize codes are honoured this many days back from
    // today (UTC), 1..6 (QuizService::kMaxCodeDays).
    int prize_code_days = 3;
    // Films converted to the groups' screen profiles: the ffmpeg program
    // (--ffmpeg) and the time limit (--convert-timeout-ms); the spool
    // directory is set by spool_dir().
    ConvertConfig convert;

    // Where the media are: media_dir, else DATA/media.
    std::filesystem::path media_path() const;
    // Where uploads and conversions are spooled: DATA/spool, else (no
    // data_dir) MEDIA/.spool/INSTANCE: on the media's file system, so a
    // film is linked into place, not copied, and this instance's own.
    std::filesystem::path spool_dir() const;
};

// Opens the PostgreSQL database `database` names when it is not empty;
// else DATA/signage.db, creating DATA when missing: the directories it
// makes are 0700, the database and its -wal and -shm files 0600.
Result<std::unique_ptr<Store>> open_data_store(const std::filesystem::path& data_dir,
                                               const std::string& database = {});
// Where the records are and their schema, read without changing anything
// (signage-server check and migrate).
struct DatabaseState {
    std::string backend;         // "sqlite" or "postgresql"
    std::string where;           // the file, or the URI without its password
    int schema = 0;              // 0: none yet
    int current = 0;             // the schema this server writes
    std::string server_version;  // PostgreSQL's
};
Result<DatabaseState> inspect_database(const std::filesystem::path& data_dir,
                                       const std::string& database);
// Whether the media can be stored in `dir`: it exists (or is made) and
// takes a file written, fsynced and renamed as uploads are, then removed.
Status check_media_dir(const std::filesystem::path& dir);

// Whether `database` is a PostgreSQL URI (postgresql:// or postgres://).
bool is_postgres_uri(const std::string& database);

class Server {
  public:
    // Opens the data, binds the address and, with `demo`, seeds the demo set.
    // Nothing is served until run().
    static Result<std::unique_ptr<Server>> create(const ServerConfig& config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // "http://HOST:PORT" with the port actually bound.
    std::string url() const;
    // --instance-name, else HOST:PORT as bound.
    const std::string& instance_name() const;

    // Serves until SIGINT, SIGTERM or stop(); returns once the workers have
    // finished. The database is closed when the Server is destroyed.
    void run();
    void stop();  // from any thread

    Services& services();
    // The router's routes ("METHOD PATTERN"), for `signage-server routes`.
    std::vector<std::string> routes() const;
    // The same with each route's access (api/access.hpp), for `signage-server
    // routes --json` and the tests of the access table.
    std::vector<http::RouteInfo> route_table() const;

  private:
    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace signage::server
