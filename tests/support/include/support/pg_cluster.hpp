#pragma once
// A private PostgreSQL server for tests: `initdb` into a fresh temporary
// directory, started with `pg_ctl` on a free port of 127.0.0.1 (its Unix socket
// inside that directory), trust authentication for the role `postgres`, and
// settings that trade durability for speed (fsync, synchronous_commit and
// full_page_writes off: a power cut would lose data; a stop or restart keeps
// every committed row).
//
// One cluster serves the whole test process, started on first use and stopped
// (pg_ctl stop -m fast) at exit, its directory removed. Each test takes a
// database of its own:
//
//   auto& pg = signage::test::PgCluster::shared();
//   const std::string uri = pg.create_database();
//   // "postgresql://postgres@127.0.0.1:41234/signage_test_4242_1"
//   pg.restart();  // same port, same data: the URI still works
//
// The programs come from $SIGNAGE_TEST_PG_BINDIR, else
// /usr/lib/postgresql/15/bin, else `pg_config --bindir`, else the PATH.
// initdb and postgres refuse to run as root: a test run as root runs them as
// the `postgres` system user (`nobody` when there is none) through runuser
// (setpriv without it), and the cluster's directory is made under /tmp,
// whatever TMPDIR says, so that user can reach it.
//
// A test process that dies without running its static destructors (a crash,
// SIGKILL, _exit, ctest's kill at a timeout) leaves no server behind: a small
// watchdog process started with the cluster notices the test process is gone,
// stops the server (immediate shutdown) and removes the directory.
//
// Failures (to start, to stop, to create a database) throw std::runtime_error
// naming the step, with the command's output and the tail of the server log.
// shared(), create_database(), start(), stop() and restart() may be called
// from several threads.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace signage::test {

class PgCluster {
  public:
    // The test process's cluster, started by the first call; a failure to
    // start is thrown by that call and by every later one.
    static PgCluster& shared();

    // A cluster of its own (most tests want shared()): initdb, then started.
    PgCluster();
    // Stops the server and removes the directory.
    ~PgCluster();
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    // Creates an empty database with a name unique in this cluster
    // ("signage_test_<pid>_<n>") and returns its URI.
    std::string create_database();
    // "postgresql://postgres@127.0.0.1:<port>/<database>".
    std::string uri(const std::string& database) const;
    // The TCP port, chosen at construction and kept by stop/start/restart.
    std::uint16_t port() const { return port_; }

    // pg_ctl stop -m fast: open connections are ended. Nothing when stopped.
    void stop();
    // pg_ctl start -w. Nothing when running.
    void start();
    // pg_ctl restart -w -m fast: open connections are ended.
    void restart();

    // The cluster's directory (data/ holds the data directory, server.log
    // the server's log, and the Unix socket is in it).
    const std::filesystem::path& directory() const { return dir_->path(); }
    std::filesystem::path log_file() const { return dir_->path() / "server.log"; }
    // The last `lines` lines of the server's log (for failure messages).
    std::string log_tail(std::size_t lines = 30) const;

  private:
    struct Ran {
        std::optional<int> status;  // the exit status (see Process); none when it timed out
        bool timed_out = false;
        std::string output;  // standard output, then standard error
    };
    // Runs a PostgreSQL program (as the unprivileged user when root).
    Ran run(const std::string& program, std::vector<std::string> args,
            std::chrono::seconds timeout) const;
    // Throws "PgCluster: <step> failed ..." with `ran`'s output and the log's tail.
    [[noreturn]] void fail(const std::string& step, const Ran& ran) const;
    void write_settings() const;
    void start_watchdog();
    // clean_up_done: the server is stopped and the directory removed; else
    // the watchdog does both. Returns once the watchdog has exited.
    void dismiss_watchdog(bool clean_up_done);
    void stop_locked();

    mutable std::mutex mutex_;
    std::filesystem::path bindir_;
    // Set when running as root: who runs the programs, and how.
    std::string user_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    std::vector<std::string> launcher_;  // e.g. {"/usr/sbin/runuser", "-u", "postgres", "--"}
    std::optional<TempDir> dir_;
    std::filesystem::path data_;
    std::uint16_t port_ = 0;
    unsigned next_database_ = 0;
    int watchdog_fd_ = -1;
};

}  // namespace signage::test
