// signage-player's command line: the cache limit and film decoding flags.

#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/options.hpp"

using signage::app::parse_args;
using signage::app::ParsedArgs;
using signage::app::PlayOptions;

namespace {

struct Parsed {
    ParsedArgs args;
    std::string err;  // what went to stderr
};

Parsed parse(std::vector<std::string> extra) {
    std::vector<std::string> words = {"signage-player", "--server", "http://127.0.0.1:8080",
                                      "--cache", "/tmp/signage-options-test"};
    words.insert(words.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    std::ostringstream err;
    auto* old = std::cerr.rdbuf(err.rdbuf());
    Parsed out{parse_args(static_cast<int>(argv.size()), argv.data()), {}};
    std::cerr.rdbuf(old);
    out.err = err.str();
    return out;
}

std::int64_t limit_of(const Parsed& p) {
    REQUIRE(p.args.options.has_value());
    return std::get<PlayOptions>(p.args.options->mode).cache_max_bytes;
}

}  // namespace

TEST_CASE(
    "options: --cache-max-bytes takes bytes or K, M, G, and refuses anything else naming the flag",
    "[player][options]") {
    CHECK(limit_of(parse({})) == 0);  // the default: worked out from the free space at start
    CHECK(limit_of(parse({"--cache-max-bytes", "20G"})) == 20LL * 1024 * 1024 * 1024);
    CHECK(limit_of(parse({"--cache-max-bytes", "300M"})) == 300LL * 1024 * 1024);
    CHECK(limit_of(parse({"--cache-max-bytes", "512K"})) == 512LL * 1024);
    CHECK(limit_of(parse({"--cache-max-bytes=1048576"})) == 1048576);
    for (const char* junk : {"junk", "0", "1.5G", "-3", "20X", "G"}) {
        INFO(junk);
        const auto p = parse({"--cache-max-bytes", junk});
        CHECK_FALSE(p.args.options.has_value());
        CHECK(p.args.exit_code == 2);
        CHECK(p.err.find("--cache-max-bytes") != std::string::npos);
        CHECK(p.err.find(junk) != std::string::npos);
    }
}

TEST_CASE("options: --hwdec chooses how films are decoded, and refuses other words naming the flag",
          "[player][options]") {
    using signage::render::HwDecode;
    auto hwdec_of = [](const Parsed& p) {
        REQUIRE(p.args.options.has_value());
        return p.args.options->hwdec;
    };
    CHECK(hwdec_of(parse({})) == HwDecode::automatic);
    CHECK(hwdec_of(parse({"--hwdec", "none"})) == HwDecode::none);
    CHECK(hwdec_of(parse({"--hwdec", "vaapi"})) == HwDecode::vaapi);
    CHECK(hwdec_of(parse({"--hwdec", "v4l2m2m"})) == HwDecode::v4l2m2m);
    const auto p = parse({"--hwdec", "cuda"});
    CHECK_FALSE(p.args.options.has_value());
    CHECK(p.args.exit_code != 0);
    CHECK(p.err.find("--hwdec") != std::string::npos);
}
