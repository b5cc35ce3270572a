#pragma once
// The command line of signage-server.
//
//   signage-server --data DIR --listen HOST:PORT [--demo] [--assets DIR]
//                  [--console DIR] [--max-upload-bytes N] [--max-video-bytes N] [--max-pixels N]
//                  [--log-level LEVEL]
//   signage-server user add NAME --role admin|editor|reviewer --password-file F --data DIR
//   signage-server screen add NAME --group GROUP --data DIR
//
// Standard output carries only what scripts read: the server prints exactly
// one line, "listening on http://HOST:PORT", once it accepts connections;
// `screen add` prints the device token. Everything else (logs, hints) goes to
// standard error. Exit codes: 0 success, 1 failure, 2 bad command line.

namespace signage::server {

int run_cli(int argc, char** argv);

}  // namespace signage::server
