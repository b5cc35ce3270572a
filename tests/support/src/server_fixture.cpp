#include "support/server_fixture.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

#include "store/sql/pg_connection.hpp"
#include "store/sql/sqlite_connection.hpp"
#include "support/pg_cluster.hpp"

#ifndef SIGNAGE_SERVER_BINARY
#error "SIGNAGE_SERVER_BINARY must name the signage-server binary"
#endif

namespace signage::test {

std::filesystem::path ServerFixture::binary() {
    return SIGNAGE_SERVER_BINARY;
}

namespace {

std::mutex databases_mu;
std::map<std::filesystem::path, std::string> databases;  // by data directory

// The database a data directory was given; "" when none.
std::string known_database(const std::filesystem::path& data_dir) {
    std::lock_guard lock(databases_mu);
    auto it = databases.find(data_dir.lexically_normal());
    return it == databases.end() ? std::string{} : it->second;
}

}  // namespace

std::string database_for(const std::filesystem::path& data_dir) {
    std::lock_guard lock(databases_mu);
    auto [it, added] = databases.try_emplace(data_dir.lexically_normal());
    if (added) it->second = PgCluster::shared().create_database();
    return it->second;
}

namespace {

void set_database(const std::filesystem::path& data_dir, const std::string& uri) {
    std::lock_guard lock(databases_mu);
    databases[data_dir.lexically_normal()] = uri;
}

// SIGNAGE_DATABASE for a server or command run on `data_dir` (nothing
// when the records are in SQLite).
std::vector<std::pair<std::string, std::string>> database_env(
    const std::filesystem::path& data_dir) {
    if (data_dir.empty()) return {};
    std::string uri = known_database(data_dir);
    if (uri.empty() && ServerFixture::on_postgres()) uri = database_for(data_dir);
    if (uri.empty()) return {};
    return {{"SIGNAGE_DATABASE", uri}};
}

}  // namespace

bool ServerFixture::on_postgres() {
    const char* backend = std::getenv("SIGNAGE_TEST_DATABASE");
    return backend != nullptr && std::string_view(backend) == "postgresql";
}

std::string ServerFixture::database() const {
    if (std::string uri = known_database(data_dir_); !uri.empty()) return uri;
    return on_postgres() ? database_for(data_dir_) : std::string{};
}

ServerFixture::Rows ServerFixture::query(const std::string& sql,
                                         const std::vector<std::string>& params) const {
    namespace db = signage::server::sql;
    struct Close {
        void operator()(sqlite3* f) const { sqlite3_close(f); }
    };
    std::unique_ptr<sqlite3, Close> file;
    std::unique_ptr<db::Connection> connection;
    if (const std::string uri = database(); !uri.empty()) {
        connection = std::make_unique<db::PgConnection>(uri);
    } else {
        sqlite3* opened = nullptr;
        const auto path = data_dir_ / "signage.db";
        const int rc = sqlite3_open_v2(path.c_str(), &opened, SQLITE_OPEN_READWRITE, nullptr);
        file.reset(opened);
        if (rc != SQLITE_OK) {
            throw std::runtime_error("query: cannot open " + path.string() + ": " +
                                     sqlite3_errstr(rc));
        }
        sqlite3_busy_timeout(opened, 5000);
        connection = std::make_unique<db::SqliteConnection>(opened);
    }
    db::Statement q(*connection, sql);
    for (std::size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i) + 1, params[i]);
    Rows rows;
    while (q.step()) {
        std::vector<std::string>& row = rows.emplace_back();
        for (int c = 0; c < q.columns(); ++c) row.push_back(q.column(c).text());
    }
    return rows;
}

ServerFixture::ServerFixture(ServerOptions options)
    : options_(std::move(options)), scratch_("signage-server-scratch") {
    if (options_.data_dir.empty()) {
        temp_.emplace("signage-server-data");
        data_dir_ = temp_->path();
    } else {
        data_dir_ = options_.data_dir;
    }
    if (!options_.database.empty()) set_database(data_dir_, options_.database);
    start();
}

// A server still running is stopped by the Process: SIGTERM, and the test
// fails unless it exits with status 0 (sanitizer reports included).
ServerFixture::~ServerFixture() = default;

void ServerFixture::start() {
    if (process_ && process_->running()) throw std::runtime_error("the server is already running");
    std::vector<std::string> args = {"--data", data_dir_.string(), "--listen",
                                     "127.0.0.1:" + std::to_string(port_)};
    if (options_.demo) args.emplace_back("--demo");
    if (!options_.assets.empty()) {
        args.emplace_back("--assets");
        args.push_back(options_.assets.string());
    }
    args.insert(args.end(), options_.args.begin(), options_.args.end());
    ProcessOptions process_options;
    process_options.env = database_env(data_dir_);
    process_options.env.insert(process_options.env.end(), options_.env.begin(), options_.env.end());
    process_options.stderr_file = options_.log_file;
    process_ = std::make_unique<Process>(binary(), args, process_options);
    static const std::regex listening(R"(^listening on (http://127\.0\.0\.1:(\d+))$)");
    auto line = process_->wait_for_line(listening, options_.start_timeout);
    if (!line) {
        const bool alive = process_->running();
        process_->kill9();
        throw std::runtime_error(std::string("signage-server did not print its listening line") +
                                 (alive ? " in time" : " (it exited)") +
                                 "; stdout was: " + process_->output());
    }
    std::smatch m;
    std::regex_match(*line, m, listening);
    url_ = m[1].str();
    port_ = static_cast<std::uint16_t>(std::stoul(m[2].str()));
}

int ServerFixture::stop() {
    if (!process_) return -1;
    return process_->terminate(std::chrono::seconds(10));
}

void ServerFixture::restart() {
    stop();
    start();
}

void ServerFixture::kill9() {
    if (process_) process_->kill9();
}

ServerFixture::CliResult ServerFixture::run_cli(const std::vector<std::string>& args,
                                                std::chrono::milliseconds timeout) {
    ProcessOptions options;
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--data") options.env = database_env(args[i + 1]);
    }
    Process p(binary(), args, options);
    auto status = p.wait(timeout);
    if (!status) {
        p.kill9();
        throw std::runtime_error("signage-server " + (args.empty() ? "" : args[0]) +
                                 " did not finish in time");
    }
    p.wait_for_output_end(std::chrono::seconds(5));
    return CliResult{*status, p.output()};
}

void ServerFixture::add_user(const std::string& name, const std::string& role,
                             const std::string& password) {
    const auto file = scratch_ / ("password-" + name);
    write_text_file(file, password + "\n");
    ::chmod(file.c_str(), 0600);
    auto r = run_cli({"user", "add", name, "--role", role, "--password-file", file.string(),
                      "--data", data_dir_.string()});
    if (r.status != 0) {
        throw std::runtime_error("user add " + name + " failed with status " +
                                 std::to_string(r.status));
    }
}

std::string ServerFixture::login(const std::string& name, const std::string& password) {
    auto res = client().post("/api/v1/auth/login", {{"username", name}, {"password", password}});
    if (res.status != 200) {
        throw std::runtime_error("login as " + name + " failed: " + std::to_string(res.status) +
                                 " " + res.error + res.body);
    }
    return res.json().at("token").get<std::string>();
}

std::string ServerFixture::add_staff(const std::string& name, const std::string& role) {
    add_user(name, role, name + "-password");
    return login(name, name + "-password");
}

std::string ServerFixture::add_screen(const std::string& name, const std::string& group) {
    auto r = run_cli({"screen", "add", name, "--group", group, "--data", data_dir_.string()});
    if (r.status != 0) {
        throw std::runtime_error("screen add " + name + " failed with status " +
                                 std::to_string(r.status));
    }
    std::string token = r.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
}

std::string approve_slide(HttpClient& editor, HttpClient& reviewer, const nlohmann::json& slide) {
    auto created = editor.post("/api/v1/slides", slide);
    if (created.status != 201) {
        throw std::runtime_error("create slide: " + std::to_string(created.status) + " " +
                                 created.body);
    }
    const std::string id = created.json().at("id").get<std::string>();
    auto submitted = editor.post("/api/v1/slides/" + id + "/submit");
    if (submitted.status != 200) throw std::runtime_error("submit: " + submitted.body);
    auto approved = approve_as_seen(reviewer, "/api/v1/slides/" + id);
    if (approved.status != 200) throw std::runtime_error("approve: " + approved.body);
    return id;
}

HttpResponse approve_as_seen(HttpClient& reviewer, const std::string& path) {
    auto seen = reviewer.get(path);
    if (seen.status != 200) return seen;
    return reviewer.post(path + "/approve",
                         {{"revision", seen.json().value("revision", std::string())}});
}

nlohmann::json approval_items(HttpClient& reviewer, const nlohmann::json& ids) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& id : ids) {
        const std::string text = id.is_string() ? id.get<std::string>() : id.dump();
        auto seen = reviewer.get("/api/v1/quiz/questions/" + text);
        items.push_back({{"id", id}, {"revision", seen.json().value("revision", std::string())}});
    }
    return items;
}

}  // namespace signage::test
