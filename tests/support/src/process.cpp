#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace signage::test {
namespace {

std::vector<std::string> build_env(const ProcessOptions& options) {
    std::vector<std::string> env;
    auto overridden = [&](std::string_view entry) {
        const std::string_view name = entry.substr(0, entry.find('='));
        for (const auto& [n, v] : options.env) {
            if (n == name) return true;
        }
        for (const auto& n : options.unset_env) {
            if (n == name) return true;
        }
        return false;
    };
    for (char** e = environ; e && *e; ++e) {
        if (!overridden(*e)) env.emplace_back(*e);
    }
    for (const auto& [n, v] : options.env) env.push_back(n + "=" + v);
    return env;
}

int decode_status(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw)) return -WTERMSIG(raw);
    return -1;
}

}  // namespace

Process::Process(std::filesystem::path program, std::vector<std::string> args,
                 ProcessOptions options)
    : program_(program.filename().string()) {
    // Everything the child needs is prepared before fork: after it, only
    // async-signal-safe calls.
    std::vector<std::string> argv_s;
    argv_s.push_back(program.string());
    for (auto& a : args) argv_s.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = build_env(options);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string cwd = options.cwd.string();
    const std::string err_file = options.stderr_file.string();

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    }
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);
        ::dup2(fds[1], STDOUT_FILENO);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        if (!err_file.empty()) {
            const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) ::dup2(fd, STDERR_FILENO);
        }
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
        // Signals the test ignores must not stay ignored in the child.
        ::signal(SIGPIPE, SIG_DFL);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] { read_loop(fd); });
}

Process::~Process() {
    const std::string problem = finish();
    if (!problem.empty()) {
        try {
            FAIL_CHECK(problem);
        } catch (...) {
            std::fprintf(stderr, "%s\n", problem.c_str());
        }
    }
    if (!status_) {  // finish() could not reap it: never leave a zombie
        ::kill(pid_, SIGKILL);
        reap(true);
    }
    {
        std::lock_guard lock(mutex_);
        stop_reader_ = true;
    }
    if (reader_.joinable()) reader_.join();
}

void Process::read_loop(int fd) {
    char buf[4096];
    while (true) {
        {
            std::lock_guard lock(mutex_);
            if (stop_reader_) break;
        }
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard lock(mutex_);
        if (n <= 0) break;
        partial_.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = partial_.find('\n')) != std::string::npos) {
            std::string line = partial_.substr(0, nl);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines_.push_back(std::move(line));
            partial_.erase(0, nl + 1);
        }
        cv_.notify_all();
    }
    ::close(fd);
    std::lock_guard lock(mutex_);
    if (!partial_.empty()) {
        lines_.push_back(std::move(partial_));
        partial_.clear();
    }
    output_closed_ = true;
    cv_.notify_all();
}

bool Process::reap(bool block) {
    if (status_) return true;
    int raw = 0;
    while (true) {
        const pid_t r = ::waitpid(pid_, &raw, block ? 0 : WNOHANG);
        if (r == pid_) {
            status_ = decode_status(raw);
            return true;
        }
        if (r == 0) return false;
        if (errno == EINTR) continue;
        status_ = -1;  // not our child any more
        return true;
    }
}

bool Process::running() {
    return !reap(false);
}

std::optional<std::string> Process::wait_for_line(const std::regex& pattern,
                                                  std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (true) {
        for (; cursor_ < lines_.size(); ++cursor_) {
            if (std::regex_search(lines_[cursor_], pattern)) return lines_[cursor_++];
        }
        if (output_closed_) return std::nullopt;
        if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
            for (; cursor_ < lines_.size(); ++cursor_) {
                if (std::regex_search(lines_[cursor_], pattern)) return lines_[cursor_++];
            }
            return std::nullopt;
        }
    }
}

std::vector<std::string> Process::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

std::string Process::output() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out + partial_;
}

void Process::wait_for_output_end(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [this] { return output_closed_; });
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reap(false)) {
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    status_seen_ = true;
    return status_;
}

int Process::terminate(std::chrono::milliseconds timeout) {
    if (!status_) ::kill(pid_, SIGTERM);
    if (auto s = wait(timeout)) return *s;
    kill9();
    return *status_;
}

void Process::kill9() {
    if (!status_) ::kill(pid_, SIGKILL);
    reap(true);
    status_seen_ = true;
}

std::string Process::finish(std::chrono::milliseconds timeout) {
    if (judged_) return {};
    judged_ = true;
    const bool seen = status_seen_;
    bool stopped = false;
    bool hung = false;
    if (!reap(false)) {
        stopped = true;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!reap(false) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (!status_) {
            hung = true;
            ::kill(pid_, SIGKILL);
            reap(true);
        }
    }
    if (seen || status_ == 0) return {};
    std::string what = program_ + " (pid " + std::to_string(pid_) + ")";
    if (hung) {
        return what + " did not exit within " + std::to_string(timeout.count()) +
               " ms of SIGTERM at the end of the test and was killed";
    }
    return what + " ended with status " + std::to_string(*status_) +
           (stopped ? " when stopped with SIGTERM at the end of the test"
                    : " on its own, and the test never looked") +
           " (a crash, or a sanitizer report: see its standard error)";
}

void Process::signal(int signo) {
    if (!status_) ::kill(pid_, signo);
}

}  // namespace signage::test
