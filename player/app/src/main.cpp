// signage-player: see app/options.hpp for the command line.
#include "app/app.hpp"
#include "common/memory.hpp"

int main(int argc, char** argv) {
    signage::return_large_blocks_to_system();  // frames and slides are large
    return signage::app::run(argc, argv);
}
