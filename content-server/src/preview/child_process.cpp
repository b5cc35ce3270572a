#include "preview/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace signage::server {
namespace {

// A pipe's two ends, closed when dropped.
struct ChildPipe {
    int fd[2] = {-1, -1};
    ~ChildPipe() {
        for (int& f : fd) close_end(f);
    }
    static void close_end(int& f) {
        if (f >= 0) ::close(f);
        f = -1;
    }
};

struct SpawnActions {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};
    SpawnActions() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnActions() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
};

std::string errno_text(const char* what, int err) {
    return std::string(what) + ": " + std::strerror(err);
}

}  // namespace

Result<ChildResult> run_child(const std::filesystem::path& program,
                              const std::vector<std::string>& args,
                              const std::vector<std::string>& env, const ChildLimits& limits) {
    ChildPipe out_pipe;
    ChildPipe err_pipe;
    if (::pipe2(out_pipe.fd, O_CLOEXEC) != 0 || ::pipe2(err_pipe.fd, O_CLOEXEC) != 0) {
        return make_error(ErrorCode::unavailable, errno_text("pipe", errno));
    }
    SpawnActions spawn;
    posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&spawn.actions, out_pipe.fd[1], 1);
    posix_spawn_file_actions_adddup2(&spawn.actions, err_pipe.fd[1], 2);
    // Sockets, the database and anything else the server holds stay with it.
    posix_spawn_file_actions_addclosefrom_np(&spawn.actions, 3);
    // The server ignores SIGPIPE and blocks nothing the child should inherit.
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&spawn.attr, &defaults);
    posix_spawnattr_setsigmask(&spawn.attr, &none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (limits.own_group) {
        posix_spawnattr_setpgroup(&spawn.attr, 0);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    posix_spawnattr_setflags(&spawn.attr, flags);

    std::vector<std::string> argv_text;
    argv_text.push_back(program.string());
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = env;
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    const int spawned =
        ::posix_spawn(&pid, program.c_str(), &spawn.actions, &spawn.attr, argv.data(), envp.data());
    if (spawned != 0) {
        return make_error(ErrorCode::unavailable, errno_text(program.c_str(), spawned));
    }
    ChildPipe::close_end(out_pipe.fd[1]);
    ChildPipe::close_end(err_pipe.fd[1]);

    ChildResult result;
    const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
    int* const fds[2] = {&out_pipe.fd[0], &err_pipe.fd[0]};
    std::string* const sinks[2] = {&result.out, &result.err};
    char buffer[16384];
    while (*fds[0] >= 0 || *fds[1] >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            break;
        }
        if (limits.cancel != nullptr && limits.cancel->load()) {
            result.cancelled = true;
            break;
        }
        pollfd p[2];
        nfds_t n = 0;
        int which[2] = {0, 0};
        for (int k = 0; k < 2; ++k) {
            if (*fds[k] < 0) continue;
            p[n] = pollfd{*fds[k], POLLIN, 0};
            which[n++] = k;
        }
        const auto slice =
            limits.cancel != nullptr ? std::min(left, std::chrono::milliseconds{100}) : left;
        const int ready = ::poll(p, n, static_cast<int>(slice.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        for (nfds_t i = 0; i < n; ++i) {
            if (p[i].revents == 0) continue;
            const int k = which[i];
            const ssize_t got = ::read(*fds[k], buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                ChildPipe::close_end(*fds[k]);
                continue;
            }
            if (k == 0 && limits.on_out) {
                limits.on_out(std::string_view(buffer, static_cast<std::size_t>(got)));
            }
            const std::size_t room =
                limits.output_bytes - std::min(limits.output_bytes, sinks[k]->size());
            sinks[k]->append(buffer, std::min(room, static_cast<std::size_t>(got)));
        }
    }
    if (result.timed_out || result.cancelled) ::kill(limits.own_group ? -pid : pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace signage::server
