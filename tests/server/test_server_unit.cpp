// The server's parts in-process, without a socket: the manifest hub's order
// under concurrent writers.
#include <catch2/catch.hpp>

#include <barrier>
#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "publish/manifest_hub.hpp"
#include "support/wait.hpp"

using namespace signage::server;
using signage::test::wait_until;

namespace {

// A hub whose I/O context runs on a thread of its own.
struct RunningHub {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        io.get_executor()};
    ManifestHub hub{io, [](const std::string& group) -> signage::Result<ManifestSnapshot> {
                        return ManifestSnapshot{group, "empty", "{}", 0};
                    }};
    std::thread runner{[this] { io.run(); }};

    ~RunningHub() {
        work.reset();
        io.stop();
        runner.join();
        hub.shutdown();
    }
};

SnapshotPtr snapshot(const std::string& group, const std::string& version, std::int64_t sequence) {
    return std::make_shared<const ManifestSnapshot>(
        ManifestSnapshot{group, version, "{\"version\":\"" + version + "\"}", sequence});
}

// Waits on the hub and returns what answered it (nullptr: the wait ran out).
SnapshotPtr wait_answer(ManifestHub& hub, const std::string& group, const std::string& known,
                        std::chrono::milliseconds wait) {
    std::promise<SnapshotPtr> answer;
    auto future = answer.get_future();
    hub.wait_for_change(group, 1, known, wait,
                        [&answer](SnapshotPtr snap) { answer.set_value(std::move(snap)); });
    return future.get();
}

}  // namespace

TEST_CASE("hub: a manifest handed in after a later one is ignored, and no waiter gets it",
          "[server][unit][hub]") {
    RunningHub h;
    REQUIRE(h.hub.current("plaza"));
    h.hub.update(snapshot("plaza", "v7", 7));
    h.hub.update(snapshot("plaza", "v6", 6));  // a slower writer's older manifest
    REQUIRE(h.hub.loaded("plaza"));
    CHECK(h.hub.loaded("plaza")->version == "v7");

    // A screen that has v7 keeps waiting: the older one does not wake it.
    auto waiting = std::async(std::launch::async, [&] {
        return wait_answer(h.hub, "plaza", "v7", std::chrono::milliseconds(400));
    });
    REQUIRE(wait_until([&] { return h.hub.waiting() == 1; }));
    h.hub.update(snapshot("plaza", "v5", 5));
    CHECK(waiting.get() == nullptr);

    // The same sequence again changes nothing; a later one wakes it.
    h.hub.update(snapshot("plaza", "v7-again", 7));
    CHECK(h.hub.loaded("plaza")->version == "v7");
    auto woken = std::async(std::launch::async, [&] {
        return wait_answer(h.hub, "plaza", "v7", std::chrono::seconds(5));
    });
    REQUIRE(wait_until([&] { return h.hub.waiting() == 1; }));
    h.hub.update(snapshot("plaza", "v8", 8));
    auto got = woken.get();
    REQUIRE(got);
    CHECK(got->version == "v8");
}

TEST_CASE("hub: two writers released together always leave the later manifest",
          "[server][unit][hub]") {
    RunningHub h;
    REQUIRE(h.hub.current("demo"));
    constexpr int rounds = 300;
    // Three parties: the two writers and this thread, which judges each round
    // between the writers' updates and the next round.
    std::barrier step(3);
    auto writer = [&](bool later) {
        for (int r = 0; r < rounds; ++r) {
            const std::int64_t seq = 2 * r + (later ? 2 : 1);
            auto snap = snapshot("demo", std::string("v").append(std::to_string(seq)), seq);
            step.arrive_and_wait();  // released together
            h.hub.update(std::move(snap));
            step.arrive_and_wait();  // both updates are in
            step.arrive_and_wait();  // the round has been judged
        }
    };
    std::thread older(writer, false);
    std::thread later(writer, true);
    int left_on_older = 0;
    for (int r = 0; r < rounds; ++r) {
        step.arrive_and_wait();
        step.arrive_and_wait();
        if (h.hub.loaded("demo")->sequence != 2 * r + 2) ++left_on_older;
        step.arrive_and_wait();
    }
    older.join();
    later.join();
    CHECK(left_on_older == 0);
}
