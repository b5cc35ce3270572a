#include "session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "client.hpp"
#include "common/json_input.hpp"

namespace fs = std::filesystem;

namespace signage::ctl {

namespace {

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
}

void strip_line_end(std::string& s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Reads one line from the terminal with echo off.
std::string prompt_password() {
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        throw CtlError(kUsage,
                       "no password: give --password-file, set SIGNAGE_PASSWORD or run on a "
                       "terminal");
    }
    const char prompt[] = "Password: ";
    (void)!::write(fd, prompt, sizeof prompt - 1);
    termios old_mode{};
    const bool is_tty = ::tcgetattr(fd, &old_mode) == 0;
    if (is_tty) {
        termios quiet = old_mode;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::string line;
    char c = 0;
    while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
    if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &old_mode);
    (void)!::write(fd, "\n", 1);
    ::close(fd);
    strip_line_end(line);
    return line;
}

}  // namespace

fs::path session_path() {
    std::string base = env_or_empty("XDG_CONFIG_HOME");
    if (base.empty()) {
        const std::string home = env_or_empty("HOME");
        if (home.empty()) throw CtlError(kUsage, "neither XDG_CONFIG_HOME nor HOME is set");
        base = (fs::path(home) / ".config").string();
    }
    return fs::path(base) / "civic-signage" / "session.json";
}

std::optional<Session> load_session() {
    const fs::path path = session_path();
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    const auto j = signage::read_json(text.str());
    if (j.is_discarded() || !j.is_object() || !j.contains("server") || !j.contains("token") ||
        !j["server"].is_string() || !j["token"].is_string()) {
        throw CtlError(kUsage, path.string() + ": not a saved session; sign in again");
    }
    Session s;
    s.server = j["server"].get<std::string>();
    s.token = j["token"].get<std::string>();
    if (j.contains("username") && j["username"].is_string()) {
        s.username = j["username"].get<std::string>();
    }
    return s;
}

void save_session(const Session& session) {
    const fs::path path = session_path();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    ::chmod(path.parent_path().c_str(), 0700);
    const std::string text =
        nlohmann::json{
            {"server", session.server}, {"token", session.token}, {"username", session.username}}
            .dump(2) +
        "\n";
    const fs::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw CtlError(kRefused, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool closed = ::close(fd) == 0;
    if (!written || !closed || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw CtlError(kRefused, "cannot write " + path.string() + ": " + std::strerror(errno));
    }
}

bool remove_session() {
    std::error_code ec;
    return fs::remove(session_path(), ec);
}

std::string read_password(const std::string& password_file) {
    if (!password_file.empty()) {
        std::ifstream in(password_file, std::ios::binary);
        if (!in) throw CtlError(kUsage, "cannot read the password file " + password_file);
        std::string line;
        std::getline(in, line);
        strip_line_end(line);
        if (line.empty())
            throw CtlError(kUsage, "the password file " + password_file + " is empty");
        return line;
    }
    std::string from_env = env_or_empty("SIGNAGE_PASSWORD");
    if (!from_env.empty()) return from_env;
    return prompt_password();
}

}  // namespace signage::ctl
