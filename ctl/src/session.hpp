#pragma once
// The saved sign-in: $XDG_CONFIG_HOME/civic-signage/session.json (else
// ~/.config/...), {"server": URL, "token": TOKEN, "username": NAME}, mode 0600.

#include <filesystem>
#include <optional>
#include <string>

namespace signage::ctl {

struct Session {
    std::string server;
    std::string token;
    std::string username;
};

// Where the session lives; a CtlError (kUsage) when neither XDG_CONFIG_HOME
// nor HOME is set.
std::filesystem::path session_path();

// The saved session, nullopt when there is none; a CtlError (kUsage) when
// the file cannot be read as a session.
std::optional<Session> load_session();

// Writes the session atomically with mode 0600 (its directory 0700).
void save_session(const Session& session);

// Removes the saved session; false when there was none.
bool remove_session();

// The password for login: the first line of `password_file` when given, else
// SIGNAGE_PASSWORD, else asked on the terminal without echo.
std::string read_password(const std::string& password_file);

}  // namespace signage::ctl
