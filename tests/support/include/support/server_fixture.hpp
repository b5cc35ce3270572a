#pragma once
// The real signage-server binary, started for a test on 127.0.0.1 with a free
// port and a temporary data directory, stopped (SIGTERM) at the end; the test
// fails when it then exits with anything but status 0 (see Process).
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
