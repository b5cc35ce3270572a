#pragma once
// Logging set-up shared by signage-server and signage-player: spdlog on
// standard error, at a level given by --log-level.
//
// Under systemd, when standard error is the journal's stream (JOURNAL_STREAM
// names its device and inode, as systemd.exec(5) describes), lines carry no
// timestamp or level text of their own (journald records both) but start
// with the syslog priority prefix journald reads ("<6>" info, "<4>" warn,
// "<3>" error, "<2>" critical, "<7>" debug and trace). Otherwise `pattern` is
// used. Messages themselves are plain text with key=value fields where they
// carry data ("heartbeat: sent status=200 offset_ms=3").
//
// Every message is escaped as it is formatted (escape_log_text): a value from
// outside cannot forge a line of its own or reach a terminal as an escape
// sequence, whichever code logged it.

#include <string>
#include <string_view>

namespace signage {

// The text with its control characters written out: "\n", "\r", "\t",
// "\x1b" (C0 and DEL), "\u009b" (C1); everything else as it is.
std::string escape_log_text(std::string_view text);

// True when standard error is connected to the systemd journal.
bool stderr_is_journal();

// Makes a logger named `name` the default one. `level`: trace, debug, info,
// warn, error, critical or off.
void setup_logging(const std::string& name, const std::string& level, const std::string& pattern);

}  // namespace signage
