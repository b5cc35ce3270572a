#include "common/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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
    fs::path tmp = path;
    tmp += ".tmp-" + random_suffix();
    {
        Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                    static_cast<mode_t>(mode))};
        if (f.fd < 0) return errno_error("cannot create", tmp);
        const char* p = bytes.data();
        std::size_t left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(f.fd, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                auto err = errno_error("cannot write", tmp);
                ::unlink(tmp.c_str());
                return err;
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        if (::fsync(f.fd) != 0) {
            auto err = errno_error("cannot fsync", tmp);
            ::unlink(tmp.c_str());
            return err;
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto err = errno_error("cannot rename onto", path);
        ::unlink(tmp.c_str());
        return err;
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

}  // namespace signage
