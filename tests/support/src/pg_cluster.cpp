#include "support/pg_cluster.hpp"
#include "support/raw_connection.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "support/process.hpp"

namespace signage::test {
namespace {
// Unity builds merge the anonymous namespaces of several files: own names.
namespace pgc {

using namespace std::chrono_literals;

bool executable(const std::filesystem::path& file) {
    return ::access(file.c_str(), X_OK) == 0;
}

bool has_programs(const std::filesystem::path& dir) {
    return !dir.empty() && executable(dir / "initdb") && executable(dir / "pg_ctl") &&
           executable(dir / "postgres");
}

std::filesystem::path find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return {};
    std::string dirs = path;
    std::size_t begin = 0;
    while (begin <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', begin), dirs.size());
        const std::filesystem::path dir = dirs.substr(begin, end - begin);
        if (!dir.empty() && executable(dir / name)) return dir / name;
        begin = end + 1;
    }
    return {};
}

// The first line `program` prints, or "" when it fails.
std::string first_line_of(const std::filesystem::path& program, std::vector<std::string> args) {
    Process p(program, std::move(args));
    const std::optional<int> status = p.wait(10s);
    if (!status) p.kill9();
    p.wait_for_output_end(2s);
    const std::vector<std::string> lines = p.lines();
    return status == 0 && !lines.empty() ? lines.front() : std::string();
}

std::filesystem::path find_bindir() {
    if (const char* env = std::getenv("SIGNAGE_TEST_PG_BINDIR"); env != nullptr && *env != 0) {
        if (has_programs(env)) return env;
        throw std::runtime_error(std::string("PgCluster: SIGNAGE_TEST_PG_BINDIR=") + env +
                                 " holds no initdb, pg_ctl and postgres");
    }
    if (has_programs("/usr/lib/postgresql/15/bin")) return "/usr/lib/postgresql/15/bin";
    if (const auto pg_config = find_in_path("pg_config"); !pg_config.empty()) {
        const std::filesystem::path dir = first_line_of(pg_config, {"--bindir"});
        if (has_programs(dir)) return dir;
    }
    if (const auto initdb = find_in_path("initdb"); has_programs(initdb.parent_path())) {
        return initdb.parent_path();
    }
    throw std::runtime_error(
        "PgCluster: finding the PostgreSQL programs failed: no initdb, pg_ctl and postgres in "
        "/usr/lib/postgresql/15/bin, `pg_config --bindir` or the PATH (install postgresql-15, "
        "or set SIGNAGE_TEST_PG_BINDIR)");
}

// `text` as a string literal of postgresql.conf.
std::string conf_quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string read_if_exists(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    try {
        return read_text_file(path);
    } catch (const std::exception&) {
        return {};
    }
}

// The watchdog's last act, so only async-signal-safe calls (it is forked from
// a process that may run threads): an immediate shutdown of the server whose
// pid the postmaster.pid file names, SIGKILL if it is still there after 10 s.
void kill_postmaster(const char* pid_file) {
    const int fd = ::open(pid_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[32];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    pid_t pid = 0;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i)
        pid = pid * 10 + (buf[i] - '0');
    if (pid <= 1) return;
    ::kill(pid, SIGQUIT);
    for (int i = 0; i < 500 && ::kill(pid, 0) == 0; ++i) {
        const timespec pause{0, 20'000'000};
        ::nanosleep(&pause, nullptr);
    }
    if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
}

}  // namespace pgc
}  // namespace

PgCluster& PgCluster::shared() {
    static std::mutex guard;
    static std::unique_ptr<PgCluster> cluster;  // destroyed (stopped) at exit
    static std::string failure;
    std::lock_guard lock(guard);
    if (cluster) return *cluster;
    // A cluster that failed to start fails every test that wants it, at once.
    if (!failure.empty()) throw std::runtime_error(failure);
    try {
        cluster = std::make_unique<PgCluster>();
    } catch (const std::exception& e) {
        failure = e.what();
        throw;
    }
    return *cluster;
}

PgCluster::PgCluster() : bindir_(pgc::find_bindir()) {
    if (::geteuid() == 0) {
        // initdb and postgres refuse to run as root: a system user runs them.
        for (const char* name : {"postgres", "nobody"}) {
            passwd entry{};
            passwd* found = nullptr;
            std::vector<char> buf(16384);
            if (::getpwnam_r(name, &entry, buf.data(), buf.size(), &found) == 0 && found) {
                user_ = name;
                uid_ = entry.pw_uid;
                gid_ = entry.pw_gid;
                break;
            }
        }
        if (user_.empty()) {
            throw std::runtime_error(
                "PgCluster: running as root, and neither the user postgres nor nobody exists "
                "to run initdb and postgres");
        }
        if (pgc::executable("/usr/sbin/runuser")) {
            launcher_ = {"/usr/sbin/runuser", "-u", user_, "--"};
        } else if (pgc::executable("/sbin/runuser")) {
            launcher_ = {"/sbin/runuser", "-u", user_, "--"};
        } else if (pgc::executable("/usr/bin/setpriv")) {
            launcher_ = {"/usr/bin/setpriv", "--reuid=" + std::to_string(uid_),
                         "--regid=" + std::to_string(gid_), "--init-groups", "--"};
        } else {
            throw std::runtime_error(
                "PgCluster: running as root, and neither runuser nor setpriv "
                "is there to run initdb and postgres as " +
                user_);
        }
        // An absolute prefix puts the directory under /tmp whatever TMPDIR says
        // (TempDir joins it to the temporary directory's path, which an
        // absolute path replaces): root's TMPDIR may be closed to the user.
        dir_.emplace("/tmp/signage-pg");
        for (auto p = dir_->path().parent_path();; p = p.parent_path()) {
            struct stat st {};
            if (::stat(p.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0) {
                throw std::runtime_error("PgCluster: " + p.string() + " is closed to the user " +
                                         user_ + ", who must reach " + dir_->path().string());
            }
            if (p == p.root_path()) break;
        }
        if (::chown(dir_->path().c_str(), uid_, gid_) != 0) {
            throw std::runtime_error("PgCluster: chown " + dir_->path().string() + " to " + user_ +
                                     " failed: " + std::strerror(errno));
        }
    } else {
        dir_.emplace("signage-pg");
    }
    data_ = dir_->path() / "data";
    start_watchdog();
    try {
        const Ran init = run("initdb",
                             {"-D", data_.string(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                              "--no-locale", "--no-sync"},
                             std::chrono::seconds(120));
        if (init.status != 0) fail("initdb", init);
        {
            std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
            conf << "\n# The tests' settings (tests/support/src/pg_cluster.cpp).\n"
                    "include 'signage_test.conf'\n";
            if (!conf) throw std::runtime_error("PgCluster: cannot append to postgresql.conf");
        }
        for (int attempt = 1;; ++attempt) {
            port_ = free_port();
            write_settings();
            const std::size_t log_before = pgc::read_if_exists(log_file()).size();
            const Ran ran =
                run("pg_ctl",
                    {"start", "-w", "-t", "60", "-D", data_.string(), "-l", log_file().string()},
                    std::chrono::seconds(90));
            if (ran.status == 0) break;
            // Another program may have taken the port since free_port() saw it free.
            const std::string log = pgc::read_if_exists(log_file());
            if (attempt < 5 && log.size() > log_before &&
                log.find("Address already in use", log_before) != std::string::npos) {
                continue;
            }
            fail("pg_ctl start", ran);
        }
    } catch (...) {
        // The watchdog stops a server that started all the same (pg_ctl may
        // have given up waiting for it) and removes the directory.
        dir_->keep();
        dir_.reset();
        dismiss_watchdog(false);
        throw;
    }
}

PgCluster::~PgCluster() {
    bool stopped = false;
    try {
        stop();
        stopped = true;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
    }
    // When the server would not stop, the watchdog kills it and removes the directory.
    if (!stopped) dir_->keep();
    dir_.reset();
    dismiss_watchdog(stopped);
}

std::string PgCluster::create_database() {
    std::lock_guard lock(mutex_);
    const std::string name =
        "signage_test_" + std::to_string(::getpid()) + "_" + std::to_string(++next_database_);
    const std::string step = "CREATE DATABASE " + name;
    const std::string admin = uri("postgres") + "?connect_timeout=10";
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(admin.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        fail(step, Ran{std::nullopt, false,
                       "connecting to " + admin + ": " + PQerrorMessage(conn.get())});
    }
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), step.c_str()),
                                                         &PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        fail(step, Ran{std::nullopt, false, PQerrorMessage(conn.get())});
    }
    return uri(name);
}

std::string PgCluster::uri(const std::string& database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PgCluster::stop() {
    std::lock_guard lock(mutex_);
    stop_locked();
}

void PgCluster::stop_locked() {
    std::error_code ec;
    if (!std::filesystem::exists(data_ / "postmaster.pid", ec)) return;
    const Ran ran = run("pg_ctl", {"stop", "-w", "-t", "60", "-m", "fast", "-D", data_.string()},
                        std::chrono::seconds(90));
    if (ran.status == 0) return;
    // A server that died on its own (a test killed it) leaves its pid file.
    if (run("pg_ctl", {"status", "-D", data_.string()}, std::chrono::seconds(30)).status == 3) {
        return;
    }
    fail("pg_ctl stop", ran);
}

void PgCluster::start() {
    std::lock_guard lock(mutex_);
    if (run("pg_ctl", {"status", "-D", data_.string()}, std::chrono::seconds(30)).status == 0) {
        return;
    }
    const Ran ran =
        run("pg_ctl", {"start", "-w", "-t", "60", "-D", data_.string(), "-l", log_file().string()},
            std::chrono::seconds(90));
    if (ran.status != 0) fail("pg_ctl start", ran);
}

void PgCluster::restart() {
    std::lock_guard lock(mutex_);
    const Ran ran = run("pg_ctl",
                        {"restart", "-w", "-t", "60", "-m", "fast", "-D", data_.string(), "-l",
                         log_file().string()},
                        std::chrono::seconds(150));
    if (ran.status != 0) fail("pg_ctl restart", ran);
}

std::string PgCluster::log_tail(std::size_t lines) const {
    const std::string log = pgc::read_if_exists(log_file());
    // Walks back over `lines` line ends, the one ending the log aside.
    std::size_t begin = log.size();
    if (begin > 0 && log[begin - 1] == '\n') --begin;
    for (std::size_t n = 0; n < lines; ++n) {
        const std::size_t nl = begin == 0 ? std::string::npos : log.rfind('\n', begin - 1);
        if (nl == std::string::npos) return log;
        begin = nl;
    }
    return log.substr(begin + 1);
}

PgCluster::Ran PgCluster::run(const std::string& program, std::vector<std::string> args,
                              std::chrono::seconds timeout) const {
    std::filesystem::path exe = bindir_ / program;
    if (!launcher_.empty()) {
        args.insert(args.begin(), exe.string());
        args.insert(args.begin(), launcher_.begin() + 1, launcher_.end());
        exe = launcher_.front();
    }
    ProcessOptions options;
    options.env = {{"LC_ALL", "C"}};
    options.unset_env = {"PGDATA",    "PGPORT",       "PGHOST",    "PGHOSTADDR",
                         "PGUSER",    "PGDATABASE",   "PGOPTIONS", "PGCTLTIMEOUT",
                         "PGSERVICE", "PGSYSCONFDIR", "PGTZ",      "PGCLIENTENCODING"};
    options.cwd = dir_->path();  // a directory the user may enter
    options.stderr_file = dir_->path() / "command.err";
    std::error_code ec;
    std::filesystem::remove(options.stderr_file, ec);

    Process p(exe, std::move(args), options);
    Ran ran;
    ran.status = p.wait(timeout);
    if (!ran.status) {
        ran.timed_out = true;
        p.kill9();
    }
    p.wait_for_output_end(std::chrono::seconds(2));
    ran.output = p.output() + pgc::read_if_exists(options.stderr_file);
    std::filesystem::remove(options.stderr_file, ec);
    return ran;
}

void PgCluster::fail(const std::string& step, const Ran& ran) const {
    std::string message = "PgCluster: " + step + " failed";
    if (ran.timed_out) message += " (timed out)";
    if (ran.status) message += " (exit status " + std::to_string(*ran.status) + ")";
    if (!ran.output.empty()) message += ":\n" + ran.output;
    if (const std::string tail = log_tail(); !tail.empty()) {
        if (message.back() != '\n') message += '\n';
        message += "--- the end of the server's log ---\n" + tail;
    }
    throw std::runtime_error(message);
}

void PgCluster::write_settings() const {
    const std::filesystem::path file = data_ / "signage_test.conf";
    write_text_file(file,
                    "listen_addresses = '127.0.0.1'\n"
                    "port = " +
                        std::to_string(port_) + "\n" + "unix_socket_directories = " +
                        pgc::conf_quoted(dir_->path().string()) + "\n" +
                        "max_connections = 300\n"
                        // Durability the tests do not need (no power cuts in a test).
                        "fsync = off\n"
                        "synchronous_commit = off\n"
                        "full_page_writes = off\n");
    if (!user_.empty() && ::chown(file.c_str(), uid_, gid_) != 0) {
        throw std::runtime_error("PgCluster: chown " + file.string() +
                                 " failed: " + std::strerror(errno));
    }
}

// A process that waits on a socket for the test process: a 'q' means all is
// cleaned up; the end of the stream without it means the test process died
// (or gave up), and the watchdog stops the server and removes the directory.
// It is a grandchild, adopted by init at once: a test runner that kills the
// test's process tree on a timeout (ctest does) leaves it be.
void PgCluster::start_watchdog() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw std::runtime_error("PgCluster: socketpair failed: " +
                                 std::string(std::strerror(errno)));
    }
    // Everything the watchdog needs is prepared before fork: after it, only
    // async-signal-safe calls.
    const std::string pid_file = (data_ / "postmaster.pid").string();
    std::vector<std::string> rm_s = {"/bin/rm", "-rf", "--", dir_->path().string()};
    std::vector<char*> rm_argv;
    for (auto& a : rm_s) rm_argv.push_back(a.data());
    rm_argv.push_back(nullptr);
    char* no_env[] = {nullptr};

    const pid_t pid = ::fork();
    if (pid == 0) {
        // Out of the test's session: Ctrl-C, or a kill of the test's process
        // group, ends the test but not its watchdog.
        ::setsid();
        const pid_t watchdog = ::fork();
        if (watchdog != 0) ::_exit(watchdog > 0 ? 0 : 1);
        ::dup2(fds[1], STDIN_FILENO);  // without FD_CLOEXEC: rm holds it until it ends
        const int null_fd = ::open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
            ::dup2(null_fd, STDOUT_FILENO);
            ::dup2(null_fd, STDERR_FILENO);
        }
        // No copy of the test's other descriptors (pipes it waits on the end of).
        if (::close_range(3, ~0U, 0) != 0) {
            for (int fd = 3; fd < 4096; ++fd) ::close(fd);
        }
        char c = 0;
        while (true) {
            const ssize_t n = ::read(STDIN_FILENO, &c, 1);
            if (n == 1 && c == 'q') ::_exit(0);
            if (n == 0 || (n < 0 && errno != EINTR)) break;
        }
        pgc::kill_postmaster(pid_file.c_str());
        ::execve(rm_argv[0], rm_argv.data(), no_env);
        ::_exit(127);
    }
    const int error = errno;
    ::close(fds[1]);
    int raw = 0;
    while (pid > 0 && ::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
    }
    if (pid < 0 || !WIFEXITED(raw) || WEXITSTATUS(raw) != 0) {
        ::close(fds[0]);
        throw std::runtime_error("PgCluster: starting the watchdog failed: " +
                                 std::string(pid < 0 ? std::strerror(error) : "fork failed"));
    }
    watchdog_fd_ = fds[0];
}

// Tells the watchdog all is cleaned up, or lets it clean up, and waits until
// it is done: its end of the socket closes when it has exited.
void PgCluster::dismiss_watchdog(bool clean_up_done) {
    if (watchdog_fd_ < 0) return;
    if (clean_up_done) {
        const char quit = 'q';
        if (::send(watchdog_fd_, &quit, 1, MSG_NOSIGNAL) != 1) {
            std::fprintf(stderr, "PgCluster: the watchdog is gone: %s\n", std::strerror(errno));
        }
    }
    ::shutdown(watchdog_fd_, SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{watchdog_fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        char c = 0;
        const ssize_t n = ::recv(watchdog_fd_, &c, 1, 0);
        if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    ::close(watchdog_fd_);
    watchdog_fd_ = -1;
}

}  // namespace signage::test
