// signagectl: the staff command line for scripts (see README.md).
#include "commands.hpp"

int main(int argc, char** argv) {
    return signage::ctl::run_signagectl(argc, argv);
}
