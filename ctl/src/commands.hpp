#pragma once
// signagectl's command line: parses argv, runs one command and returns the
// exit status (0 done, 1 refused by the server, 2 usage, 3 server unreachable).

namespace signage::ctl {

int run_signagectl(int argc, char** argv);

}  // namespace signage::ctl
