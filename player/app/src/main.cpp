// signage-player: see app/options.hpp for the command line.
#include "app/app.hpp"

int main(int argc, char** argv) {
    return signage::app::run(argc, argv);
}
