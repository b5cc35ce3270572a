#include "support/hook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace signage::test {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

HookReceiver::HookReceiver() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("hook receiver: socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("hook receiver: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

HookReceiver::~HookReceiver() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    thread_.join();
    ::close(listen_fd_);
}

std::string HookReceiver::url(const std::string& path) const {
    return std::string("http://127.0.0.1:").append(std::to_string(port_)).append(path);
}

void HookReceiver::answer_next(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    statuses_.assign(statuses.begin(), statuses.end());
}

bool HookReceiver::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::vector<HookReceiver::Request> HookReceiver::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void HookReceiver::serve() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        handle(fd);
        ::close(fd);
    }
}

// One request per connection (the answer says Connection: close).
void HookReceiver::handle(int fd) {
    std::string data;
    std::size_t head_end = std::string::npos;
    std::size_t length = 0;
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        data.append(buf, static_cast<std::size_t>(n));
        if (head_end == std::string::npos) {
            head_end = data.find("\r\n\r\n");
            if (head_end == std::string::npos) continue;
            const std::string head = lower(data.substr(0, head_end));
            const auto at = head.find("\r\ncontent-length:");
            if (at != std::string::npos) length = std::stoul(head.substr(at + 17));
        }
        if (data.size() >= head_end + 4 + length) break;
    }
    Request req;
    const std::string line = data.substr(0, data.find("\r\n"));
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 + 1);
    req.method = line.substr(0, sp1);
    req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    req.body = data.substr(head_end + 4, length);
    int status = 200;
    {
        std::lock_guard lock(mutex_);
        if (!statuses_.empty()) {
            status = statuses_.front();
            statuses_.pop_front();
        }
    }
    const std::string body =
        status >= 200 && status < 300 ? R"({"errcode":0,"errmsg":"ok"})" : "server error";
    send_all(fd, std::string("HTTP/1.1 ")
                     .append(std::to_string(status))
                     .append(" X\r\nContent-Type: application/json\r\nContent-Length: ")
                     .append(std::to_string(body.size()))
                     .append("\r\nConnection: close\r\n\r\n")
                     .append(body));
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(req));
    }
    arrived_.notify_all();
}

}  // namespace signage::test
