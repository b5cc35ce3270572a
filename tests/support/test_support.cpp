// The test helpers themselves: a helper that lies makes every test that uses
// it worthless.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/show_on_failure.hpp"
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

TEST_CASE("support: a child that does not end cleanly is reported, one that does is not",
          "[support]") {
    SECTION("exit 0 on SIGTERM: no problem") {
        Process p("/bin/sh", {"-c", "trap 'exit 0' TERM; echo up; while :; do sleep 0.05; done"});
        REQUIRE(p.wait_for_line(std::regex("^up$"), 5s));
        CHECK(p.finish() == "");
        CHECK_FALSE(p.running());
    }
    SECTION("a non-zero status on SIGTERM (as a sanitizer report at exit gives)") {
        Process p("/bin/sh", {"-c", "trap 'exit 23' TERM; echo up; while :; do sleep 0.05; done"});
        REQUIRE(p.wait_for_line(std::regex("^up$"), 5s));
        const std::string problem = p.finish();
        CHECK_THAT(problem, Catch::Contains("sh (pid "));
        CHECK_THAT(problem, Catch::Contains("status 23 when stopped with SIGTERM"));
        CHECK(p.finish() == "");  // judged once
    }
    SECTION("a crash nobody looked at") {
        Process p("/bin/sh", {"-c", "kill -SEGV $$"});
        p.wait_for_output_end(5s);
        while (p.running()) std::this_thread::sleep_for(5ms);
        CHECK_THAT(p.finish(), Catch::Contains("status -11 on its own"));
    }
    SECTION("a child that ignores SIGTERM is killed and reported") {
        Process p("/bin/sh", {"-c", "trap '' TERM; echo up; while :; do sleep 0.05; done"});
        REQUIRE(p.wait_for_line(std::regex("^up$"), 5s));
        CHECK_THAT(p.finish(300ms), Catch::Contains("did not exit within 300 ms of SIGTERM"));
        CHECK_FALSE(p.running());
    }
    SECTION("a status the test took itself is the test's to judge") {
        Process p("/bin/sh", {"-c", "exit 4"});
        CHECK(p.wait(5s) == 4);
        CHECK(p.finish() == "");
        Process q("/bin/sh", {"-c", "sleep 30"});
        q.kill9();
        CHECK(q.finish() == "");
    }
}

TEST_CASE("support: ShowOnFailure reads its file when it is shown, not when declared",
          "[support]") {
    TempDir dir;
    const auto log = dir / "child.log";
    ShowOnFailure whole("whole log", log);
    ShowOnFailure shown("child log", log, 9);
    CHECK_THAT(whole.render(), Catch::Contains("does not exist"));
    write_text_file(log, "line one\nline two\n");
    CHECK_THAT(whole.render(), Catch::Contains("---- whole log ----\nline one\nline two\n"));
    CHECK_THAT(shown.render(),
               Catch::Contains("---- child log (last 9 of 18 bytes) ----\nline two\n"));
    CHECK(ShowOnFailure::registry().back() == &shown);
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

TEST_CASE("support: HttpClient connects from the local address it is given", "[support]") {
    // A one-request HTTP server on a socket, which records the peer address.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    std::string peer;
    std::thread serve([&] {
        sockaddr_in from{};
        socklen_t from_len = sizeof from;
        const int c = ::accept(fd, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (c < 0) return;
        char ip[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
        peer = ip;
        char buf[4096];
        // The request is read and the answer written whole or not at all;
        // the client's check tells which.
        if (::read(c, buf, sizeof buf) > 0) {
            const char reply[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
            if (::write(c, reply, sizeof reply - 1) < 0) peer += " (reply not sent)";
        }
        ::close(c);
    });
    HttpClient client("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
    client.set_local_address("127.0.0.7");
    auto res = client.get("/");
    serve.join();
    ::close(fd);
    CHECK(res.status == 204);
    CHECK(peer == "127.0.0.7");
}
