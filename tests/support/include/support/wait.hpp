#pragma once
// Waiting for a condition instead of sleeping a fixed time.

#include <chrono>
#include <thread>

namespace signage::test {

// Polls `pred` every `every` until it holds or `timeout` passes; its last answer.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(every);
    }
    return pred();
}

}  // namespace signage::test
