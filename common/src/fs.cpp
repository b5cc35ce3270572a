#include "common/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/random.hpp"

namespace fs = std::filesystem;

namespace signage {

namespace {

Error errno_error(const std::string& what, const fs::path& path) {
    return make_error(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(errno));
}

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

Status fsync_path(const fs::path& path, int flags) {
    Fd f{::open(path.c_str(), flags | O_CLOEXEC)};
    if (f.fd < 0) return errno_error("cannot open", path);
    if (::fsync(f.fd) != 0) return errno_error("cannot fsync", path);
    return {};
}

}  // namespace

std::string random_suffix() {
    return random_hex(6);
}

namespace {
constexpr std::string_view kTemporaryMark = ".tmp-";
constexpr std::size_t kSuffixChars = 12;  // random_suffix(): 6 bytes in hex
}  // namespace

fs::path temporary_path_for(const fs::path& path) {
    fs::path tmp = path;
    tmp += std::string(kTemporaryMark).append(random_suffix());
    return tmp;
}

bool is_temporary_name(std::string_view name) {
    if (name.size() <= kTemporaryMark.size() + kSuffixChars) return false;
    const std::string_view suffix = name.substr(name.size() - kSuffixChars);
    const std::string_view mark =
        name.substr(name.size() - kSuffixChars - kTemporaryMark.size(), kTemporaryMark.size());
    return mark == kTemporaryMark &&
           suffix.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Result<StaleTemporaries> remove_stale_temporaries(const fs::path& dir,
                                                  std::chrono::seconds older_than) {
    StaleTemporaries removed;
    std::error_code ec;
    const auto cutoff = fs::file_time_type::clock::now() - older_than;
    if (!fs::is_directory(dir, ec)) return removed;
    fs::recursive_directory_iterator it(dir, ec);
    if (ec) return make_error(ErrorCode::io, "cannot list " + dir.string() + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const fs::directory_entry& entry = *it;
        if (!entry.is_regular_file(ec) || !is_temporary_name(entry.path().filename().string())) {
            continue;
        }
        if (older_than.count() > 0) {
            const auto written = entry.last_write_time(ec);
            if (ec || written > cutoff) {
                ec.clear();
                continue;
            }
        }
        const std::uint64_t size = entry.file_size(ec);
        if (!fs::remove(entry.path(), ec) || ec) {
            return make_error(ErrorCode::io,
                              "cannot remove " + entry.path().string() + ": " + ec.message());
        }
        ++removed.files;
        removed.bytes += size;
    }
    if (ec) return make_error(ErrorCode::io, "cannot list " + dir.string() + ": " + ec.message());
    return removed;
}

Status fsync_dir(const fs::path& dir) {
    return fsync_path(dir.empty() ? fs::path(".") : dir, O_RDONLY | O_DIRECTORY);
}

Status commit_file(const fs::path& tmp, const fs::path& to) {
    if (auto st = fsync_path(tmp, O_RDONLY); !st) return st;
    if (::rename(tmp.c_str(), to.c_str()) != 0) return errno_error("cannot rename onto", to);
    return fsync_dir(to.parent_path());
}

Status write_file_atomic(const fs::path& path, std::string_view bytes, unsigned mode) {
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            return make_error(ErrorCode::io,
                              "cannot create " + path.parent_path().string() + ": " + ec.message());
    }
    const fs::path tmp = temporary_path_for(path);
    // Removes the temporary file on every way out but the rename.
    struct Discard {
        const fs::path& tmp;
        bool armed = true;
        ~Discard() {
            if (armed) ::unlink(tmp.c_str());
        }
    };
    {
        Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                    static_cast<mode_t>(mode))};
        if (f.fd < 0) return errno_error("cannot create", tmp);
        Discard discard{tmp, true};
        const char* p = bytes.data();
        std::size_t left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(f.fd, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                return errno_error("cannot write", tmp);
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        if (::fsync(f.fd) != 0) return errno_error("cannot fsync", tmp);
        if (::rename(tmp.c_str(), path.c_str()) != 0) {
            return errno_error("cannot rename onto", path);
        }
        discard.armed = false;
    }
    return fsync_dir(path.parent_path());
}

Result<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(path, ec))
            return make_error(ErrorCode::not_found, "no such file: " + path.string());
        return make_error(ErrorCode::io, "cannot open " + path.string());
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return make_error(ErrorCode::io, "read error on " + path.string());
    return ss.str();
}

std::filesystem::path find_on_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const std::string_view dir = dirs.substr(0, colon);
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
        if (dir.empty()) continue;
        const auto candidate = std::filesystem::path(dir) / name;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec) &&
            ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return {};
}

}  // namespace signage
