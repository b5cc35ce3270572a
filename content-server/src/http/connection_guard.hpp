#pragma once
// What one address and everybody together may hold open, and who the client
// behind a connection is.
//
// ConnectionGuard counts open connections overall and per peer address and
// refuses one more past either cap; trusted proxies (which carry many
// clients on few connections) are exempt from the per-address cap. A slot is
// held for the connection's life and given back when its Slot is destroyed.
// The counters are what /metrics shows (signage_http_connections...).
//
// client_address(): the peer's address, or, when the peer is a trusted
// proxy, the rightmost address of X-Forwarded-For that is not itself a
// trusted proxy. Throttles key on it, so behind nginx each resident is
// themselves and not 127.0.0.1; from anyone else the header is ignored.
//
// Threading: any thread.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "common/result.hpp"

namespace signage::server::http {

// Addresses and networks ("10.0.0.0/8", "::1", "127.0.0.1").
class AddressSet {
  public:
    // "invalid" naming `field` for an entry that is neither.
    static Result<AddressSet> parse(const std::vector<std::string>& entries,
                                    const std::string& field);
    bool contains(const boost::asio::ip::address& address) const;
    bool empty() const { return entries_.empty(); }

  private:
    struct Entry {
        boost::asio::ip::address address;
        unsigned prefix = 0;  // bits that must match
    };
    std::vector<Entry> entries_;
};

// The client's address as text (see above).
std::string client_address(const boost::asio::ip::address& peer, std::string_view x_forwarded_for,
                           const AddressSet& trusted_proxies);

struct ConnectionCaps {
    std::uint32_t max_connections = 16384;  // open at once, overall (a waiting screen holds one)
    std::uint32_t max_per_address = 512;    // open at once from one peer address (a NAT's screens)
};

struct ConnectionStats {
    std::uint64_t open = 0;
    std::uint64_t refused_total_cap = 0;    // turned away: the overall cap
    std::uint64_t refused_address_cap = 0;  // turned away: the per-address cap
    std::uint64_t request_timeouts = 0;     // requests cut at their deadline
};

class ConnectionGuard {
  public:
    ConnectionGuard(ConnectionCaps caps, AddressSet trusted_proxies);

    // A held slot; gives it back when destroyed.
    class Slot {
      public:
        Slot(ConnectionGuard& guard, std::string key) : guard_(guard), key_(std::move(key)) {}
        ~Slot();
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

      private:
        ConnectionGuard& guard_;
        std::string key_;  // empty: not counted per address
    };

    // A slot for a connection from `peer`, or null when a cap is reached
    // (counted as refused).
    std::unique_ptr<Slot> admit(const boost::asio::ip::address& peer);
    void count_request_timeout() { timeouts_.fetch_add(1, std::memory_order_relaxed); }

    const ConnectionCaps& caps() const { return caps_; }
    const AddressSet& trusted_proxies() const { return trusted_; }
    ConnectionStats stats() const;

  private:
    void release(const std::string& key);

    const ConnectionCaps caps_;
    const AddressSet trusted_;
    mutable std::mutex mu_;
    std::uint64_t open_ = 0;
    std::map<std::string, std::uint32_t> per_address_;
    std::uint64_t refused_total_ = 0;
    std::uint64_t refused_address_ = 0;
    std::atomic<std::uint64_t> timeouts_{0};
};

}  // namespace signage::server::http
