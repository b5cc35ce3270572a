#pragma once
// The real signage-server binary, started for a test on 127.0.0.1 with a free
// port and a temporary data directory, stopped (SIGTERM) at the end; the test
// fails when it then exits with anything but status 0 (see Process). Its
// records are in SQLite in the data directory, or in PostgreSQL when the
// test runs with SIGNAGE_TEST_DATABASE=postgresql (on_postgres()).
//
//   signage::test::ServerFixture server;              // started and listening
//   server.add_user("erin", "editor", "erin-password");
//   auto editor = server.client(server.login("erin", "erin-password"));
//   auto res = editor.post("/api/v1/slides", {{"type", "text"}, ...});
//
// Failures to start, or of the helper commands, throw std::runtime_error
// with the reason, which Catch reports as a failed test.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace signage::test {

struct ServerOptions {
    std::vector<std::string> args;   // extra flags, e.g. {"--max-upload-bytes", "2000"}
    bool demo = false;               // --demo
    std::filesystem::path assets;    // --assets, when set
    std::filesystem::path data_dir;  // empty: a fresh temporary directory
    // Added to the server's environment (e.g. a fault point: common/fault.hpp).
    std::vector<std::pair<std::string, std::string>> env;
    std::chrono::milliseconds start_timeout{15000};
    // The server's log (standard error) goes to this file instead of the test's.
    std::filesystem::path log_file;
    // The records in this PostgreSQL database (several servers may share
    // one); empty: as ServerFixture::on_postgres() says.
    std::string database;
};

class ServerFixture {
  public:
    // Starts the server and waits for its "listening on http://HOST:PORT" line.
    explicit ServerFixture(ServerOptions options = {});
    ~ServerFixture();
    ServerFixture(const ServerFixture&) = delete;
    ServerFixture& operator=(const ServerFixture&) = delete;

    // The signage-server binary under test.
    static std::filesystem::path binary();
    // The records are in PostgreSQL (SIGNAGE_TEST_DATABASE=postgresql in
    // the test's environment): each data directory gets a database of its
    // own in the test process's cluster (PgCluster::shared()), which every
    // server and command run on that directory uses (SIGNAGE_DATABASE).
    // Otherwise SQLite in the data directory.
    static bool on_postgres();
    // This server's PostgreSQL URI; "" on SQLite.
    std::string database() const;
    // Runs `sql` (`?` placeholders, bound to `params` as text) on this
    // server's records, SQLite or PostgreSQL, outside the server: what a
    // test needs to age a row or plant one the API refuses. The rows, each
    // column as text (NULL as ""); throws std::runtime_error on failure.
    using Rows = std::vector<std::vector<std::string>>;
    Rows query(const std::string& sql, const std::vector<std::string>& params = {}) const;

    const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT"
    std::uint16_t port() const { return port_; }
    const std::filesystem::path& data_dir() const { return data_dir_; }
    bool running() const { return process_ && process_->running(); }
    Process& process() { return *process_; }

    // `signage-server user add NAME --role ROLE --password-file F --data DIR`.
    void add_user(const std::string& name, const std::string& role, const std::string& password);
    // POST /api/v1/auth/login; the session token.
    std::string login(const std::string& name, const std::string& password);
    // add_user with password NAME + "-password", then login: the token.
    std::string add_staff(const std::string& name, const std::string& role);
    // `signage-server screen add NAME --group GROUP --data DIR`: the device token.
    std::string add_screen(const std::string& name, const std::string& group);

    // A client for this server with an optional bearer token.
    HttpClient client(const std::string& token = {}) const { return HttpClient(url_, token); }

    struct CliResult {
        int status = -1;  // exit status (see Process)
        std::string out;  // standard output
    };
    // Runs signage-server with `args` (standard error passes through).
    static CliResult run_cli(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // SIGTERM and wait: the exit status (0 for a clean stop).
    int stop();
    // Starts again with the same data directory, on the same port.
    void start();
    // The environment additions of the next start() (replacing ServerOptions::env).
    void set_env(std::vector<std::pair<std::string, std::string>> env) {
        options_.env = std::move(env);
    }
    void restart();
    // SIGKILL: stops with no chance to clean up.
    void kill9();

  private:
    ServerOptions options_;
    std::optional<TempDir> temp_;  // data directory and password files
    TempDir scratch_;
    std::filesystem::path data_dir_;
    std::unique_ptr<Process> process_;
    std::string url_;
    std::uint16_t port_ = 0;
};

// The PostgreSQL database of a data directory, for tests whose records are
// in PostgreSQL (ServerFixture::on_postgres()): one of its own in the test
// process's cluster, made the first time a server, a command or a test asks
// for the directory, the same ever after (a restart, a command run on it).
std::string database_for(const std::filesystem::path& data_dir);

// Creates `slide` as `editor`, submits it and approves it as `reviewer`: the
// slide's id. Throws std::runtime_error naming the step that failed.
std::string approve_slide(HttpClient& editor, HttpClient& reviewer, const nlohmann::json& slide);

// GET PATH (a slide or a quiz question), then POST PATH/approve naming the
// revision it showed, as a reviewer who looked at it does: the approval's
// response (or the GET's when that failed).
HttpResponse approve_as_seen(HttpClient& reviewer, const std::string& path);
// The items of a bulk question approval for `ids` (a JSON list of question
// ids): [{"id": ID, "revision": the revision GET shows now}, …].
nlohmann::json approval_items(HttpClient& reviewer, const nlohmann::json& ids);

}  // namespace signage::test
