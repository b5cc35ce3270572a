// signage-server: see app/cli.hpp for the command line.
#include "app/cli.hpp"

int main(int argc, char** argv) {
    return signage::server::run_cli(argc, argv);
}
