#pragma once
// A plain TCP connection to a test server, for what an HTTP client library
// will not do: send a head and hold back the body, trickle bytes, keep many
// connections open. Blocking POSIX sockets; every wait has a timeout.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace signage::test {

class RawConnection {
  public:
    // Connects to 127.0.0.1:port; throws std::runtime_error when it cannot.
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(RawConnection&& other) noexcept;
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Sends all of `bytes`; false when the peer has closed or reset.
    bool send(std::string_view bytes);
    // What arrives until the peer closes or `timeout` passes (reading as it
    // comes; stops early once `until` is seen when not empty).
    std::string receive(std::chrono::milliseconds timeout, std::string_view until = {});
    // Whether the peer closed (or reset) the connection within `timeout`;
    // anything it sent meanwhile is added to received().
    bool closed_within(std::chrono::milliseconds timeout);
    const std::string& received() const { return received_; }

  private:
    int fd_ = -1;
    std::string received_;
};

// A port of 127.0.0.1 nothing listens on now (the kernel's choice for port
// 0), for a program the test starts on it; throws std::runtime_error.
std::uint16_t free_port();

// The first line of an HTTP response ("HTTP/1.1 401 Unauthorized"), or "".
std::string status_line(const std::string& response);

}  // namespace signage::test
