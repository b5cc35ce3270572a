// The test helpers themselves: a helper that lies makes every test that uses
// it worthless.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace signage::test;
using namespace std::chrono_literals;

TEST_CASE("support: TempDir is unique and removed with its contents", "[support]") {
    std::filesystem::path kept;
    {
        TempDir a;
        TempDir b;
        REQUIRE(std::filesystem::is_directory(a.path()));
        REQUIRE(a.path() != b.path());
        write_text_file(a / "sub/file.txt", "hello");
        CHECK(read_text_file(a / "sub/file.txt") == "hello");
        kept = a.path();
    }
    CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("support: Process captures stdout lines and the exit status", "[support]") {
    Process p("/bin/sh", {"-c", "echo first; echo 'listening on x'; echo third; exit 3"});
    auto line = p.wait_for_line(std::regex("^listening on (.*)$"), 5s);
    REQUIRE(line);
    CHECK(*line == "listening on x");
    // Lines before the match are consumed: "first" is not found again.
    CHECK_FALSE(p.wait_for_line(std::regex("first"), 200ms));
    CHECK(p.wait(5s) == 3);
    p.wait_for_output_end(5s);
    CHECK(p.lines() == std::vector<std::string>{"first", "listening on x", "third"});
}

TEST_CASE("support: Process passes extra environment and can be terminated", "[support]") {
    ProcessOptions options;
    options.env = {{"SIGNAGE_TEST_VALUE", "fourty-two"}};
    Process p("/bin/sh", {"-c", "echo \"$SIGNAGE_TEST_VALUE\"; exec sleep 30"}, options);
    CHECK(p.wait_for_line(std::regex("^fourty-two$"), 5s));
    CHECK(p.running());
    CHECK(p.terminate(5s) == -SIGTERM);
    CHECK_FALSE(p.running());
}

TEST_CASE("support: Process reports a program that cannot start", "[support]") {
    Process p("/nonexistent/program", {});
    CHECK(p.wait(5s) == 127);
}

TEST_CASE("support: http_request reports a refused connection as status 0", "[support]") {
    auto res = http_request("GET", "http://127.0.0.1:1/", {}, {}, 2s);
    CHECK(res.status == 0);
    CHECK_FALSE(res.error.empty());
}
