#pragma once
// A child process for tests: fork/exec with arguments and extra environment,
// its standard output captured line by line through a pipe (read by a
// background thread, so a chatty child never blocks), standard error passed
// through to the test's (so it shows in ctest's output) or sent to a file.
//
// A child still running when the Process is destroyed is stopped as a service
// manager would stop it: SIGTERM, then SIGKILL if it has not exited within 15 s.
// How every child ended is judged unless the test asked for its exit status
// itself (wait, terminate, kill9): anything but a clean exit 0 fails the test
// that started it, so a crash, a sanitizer report at exit (AddressSanitizer's
// leak check runs when a program returns from main) or a hang on SIGTERM is
// never lost. The child is also killed when the test process dies
// (PR_SET_PDEATHSIG; note: tied to the thread that started it, so start
// children from the test's main thread).
//
// Exit statuses: the exit code (0-255) for a normal exit, minus the signal
// number (-9, -15) for a child killed by a signal.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace signage::test {

struct ProcessOptions {
    // Added to (or replacing in) the inherited environment.
    std::vector<std::pair<std::string, std::string>> env;
    // Removed from the inherited environment.
    std::vector<std::string> unset_env;
    std::filesystem::path cwd;          // empty: the test's own
    std::filesystem::path stderr_file;  // empty: inherit the test's stderr
};

class Process {
  public:
    // Starts `program` with `args` (not including argv[0]); throws
    // std::runtime_error when it cannot be started (exec failure shows as exit 127).
    Process(std::filesystem::path program, std::vector<std::string> args,
            ProcessOptions options = {});
    // finish(), and a failed check in the running test when it found a problem.
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }

    // True until the child has exited (reaps it when it has).
    bool running();

    // Waits for the next line of standard output that matches `pattern`
    // (std::regex_search) and returns it. Each call looks only at lines after
    // the one the previous call returned. nullopt when the timeout passes or
    // the output ends first.
    std::optional<std::string> wait_for_line(const std::regex& pattern,
                                             std::chrono::milliseconds timeout);

    // Every line of standard output so far, and all of it as one string.
    std::vector<std::string> lines() const;
    std::string output() const;

    // Waits for the child to exit: its exit status, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // SIGTERM, then waits; SIGKILL when it has not exited within `timeout`.
    // Returns the exit status (so a clean shutdown returns 0).
    int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // SIGKILL and reap: no chance to clean up (a power cut, as far as files go).
    void kill9();
    // Sends any signal.
    void signal(int signo);

    // Waits until the whole standard output has been read (the child closed it).
    void wait_for_output_end(std::chrono::milliseconds timeout);

    // Stops the child if it still runs (SIGTERM; SIGKILL after `timeout`) and
    // judges its end: "" when it exited with status 0 or the test already took
    // its status, else what went wrong ("signage-server (pid 42) ended with
    // status -6 ..."). Only the first call judges; later ones return "".
    std::string finish(std::chrono::milliseconds timeout = std::chrono::seconds(15));

  private:
    void read_loop(int fd);
    bool reap(bool block);

    std::string program_;
    pid_t pid_ = -1;
    std::optional<int> status_;
    bool status_seen_ = false;  // the test took the status (wait, terminate, kill9)
    bool judged_ = false;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::string> lines_;
    std::string partial_;
    std::size_t cursor_ = 0;  // lines before this were consumed by wait_for_line
    bool output_closed_ = false;
    bool stop_reader_ = false;
};

}  // namespace signage::test
