// Runs a fuzz target's LLVMFuzzerTestOneInput on every file of its corpus
// (tests/fuzz/corpus/<target>/): the inputs that once found a fault, and the
// seeds, checked in every test run without libFuzzer. Fails on an empty or
// missing corpus, so a replay that checked nothing never passes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "common/fs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        if (fs::is_directory(argv[i], ec)) {
            for (const auto& e : fs::recursive_directory_iterator(argv[i])) {
                if (e.is_regular_file()) files.push_back(e.path());
            }
        } else if (fs::is_regular_file(argv[i], ec)) {
            files.emplace_back(argv[i]);
        } else {
            std::fprintf(stderr, "replay: %s is neither a file nor a folder\n", argv[i]);
            return 2;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "replay: no inputs to replay\n");
        return 2;
    }
    for (const fs::path& f : files) {
        auto bytes = signage::read_file(f);
        if (!bytes) {
            std::fprintf(stderr, "replay: %s\n", bytes.error().to_string().c_str());
            return 2;
        }
        std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), bytes->size());
        // A copy of its own, so a read past the end is a sanitizer report.
        std::vector<std::uint8_t> data(bytes->begin(), bytes->end());
        LLVMFuzzerTestOneInput(data.data(), data.size());
    }
    std::printf("replay: %zu inputs, none failed\n", files.size());
    return 0;
}
