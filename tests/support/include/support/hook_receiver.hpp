#pragma once
// A tiny real HTTP receiver for the alerts' webhooks: listens on 127.0.0.1
// with a free port, records every request (target and body) and answers each
// with the next programmed status (then 200), with a robot's
// {"errcode":0,"errmsg":"ok"} body on a 2xx.
//
//   HookReceiver hook;
//   hook.answer_next({500, 500});          // two failures, then 200s
//   ... point a webhook at hook.url("/robot") ...
//   REQUIRE(hook.wait_for(3));             // blocks until 3 requests came
//   json body = json::parse(hook.requests()[2].body);

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace signage::test {

class HookReceiver {
  public:
    struct Request {
        std::string method;
        std::string target;  // path and query
        std::string body;
    };

    HookReceiver();
    ~HookReceiver();
    HookReceiver(const HookReceiver&) = delete;
    HookReceiver& operator=(const HookReceiver&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/hook") const;

    // The statuses of the next requests, in order; later ones get 200.
    void answer_next(std::vector<int> statuses);
    // Blocks until at least `n` requests arrived or `timeout` passed.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(15));
    std::vector<Request> requests() const;

  private:
    void serve();
    void handle(int fd);

    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<Request> requests_;
    std::deque<int> statuses_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace signage::test
