#include "http/connection_guard.hpp"

#include <array>

#include "http/message.hpp"

namespace signage::server::http {

namespace ip = boost::asio::ip;

namespace {

// The bytes of an address, IPv4-mapped IPv6 taken as IPv4.
ip::address canonical(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    }
    return a;
}

bool prefix_matches(const ip::address& net, unsigned prefix, const ip::address& a) {
    if (net.is_v4() != a.is_v4()) return false;
    std::array<unsigned char, 16> x{};
    std::array<unsigned char, 16> y{};
    std::size_t size = 0;
    if (net.is_v4()) {
        const auto nb = net.to_v4().to_bytes();
        const auto ab = a.to_v4().to_bytes();
        std::copy(nb.begin(), nb.end(), x.begin());
        std::copy(ab.begin(), ab.end(), y.begin());
        size = 4;
    } else {
        x = net.to_v6().to_bytes();
        y = a.to_v6().to_bytes();
        size = 16;
    }
    unsigned left = prefix;
    for (std::size_t i = 0; i < size && left > 0; ++i) {
        const unsigned bits = left >= 8 ? 8 : left;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
        if ((x[i] & mask) != (y[i] & mask)) return false;
        left -= bits;
    }
    return true;
}

}  // namespace

Result<AddressSet> AddressSet::parse(const std::vector<std::string>& entries,
                                     const std::string& field) {
    AddressSet out;
    for (const std::string& text : entries) {
        const auto slash = text.find('/');
        boost::system::error_code ec;
        auto address = ip::make_address(text.substr(0, slash), ec);
        if (ec) {
            return make_error(ErrorCode::invalid,
                              "\"" + text + "\" is not an IP address or network (10.0.0.0/8)",
                              field);
        }
        address = canonical(address);
        const unsigned width = address.is_v4() ? 32 : 128;
        unsigned prefix = width;
        if (slash != std::string::npos) {
            const std::string bits = text.substr(slash + 1);
            std::size_t used = 0;
            int n = -1;
            try {
                n = std::stoi(bits, &used);
            } catch (const std::exception&) {
                n = -1;
            }
            if (bits.empty() || used != bits.size() || n < 0 || static_cast<unsigned>(n) > width) {
                return make_error(
                    ErrorCode::invalid,
                    "\"" + text + "\": the prefix must be 0 to " + std::to_string(width) + " bits",
                    field);
            }
            prefix = static_cast<unsigned>(n);
        }
        out.entries_.push_back({address, prefix});
    }
    return out;
}

bool AddressSet::contains(const ip::address& address) const {
    const ip::address a = canonical(address);
    for (const Entry& e : entries_) {
        if (prefix_matches(e.address, e.prefix, a)) return true;
    }
    return false;
}

std::string client_address(const ip::address& peer, std::string_view forwarded,
                           const AddressSet& trusted) {
    const ip::address direct = canonical(peer);
    if (forwarded.empty() || !trusted.contains(direct)) return direct.to_string();
    // Right to left: each proxy appends the address it was called from, so
    // the first one no trusted proxy vouches for is the client.
    std::string last_trusted;
    while (!forwarded.empty()) {
        const auto comma = forwarded.rfind(',');
        const std::string_view item =
            trim_ows(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
        forwarded =
            comma == std::string_view::npos ? std::string_view{} : forwarded.substr(0, comma);
        boost::system::error_code ec;
        const auto address = ip::make_address(std::string(item), ec);
        // Garbage in the header: the proxy vouched for nothing past it.
        if (ec) break;
        const ip::address a = canonical(address);
        if (!trusted.contains(a)) return a.to_string();
        last_trusted = a.to_string();
    }
    return last_trusted.empty() ? direct.to_string() : last_trusted;
}

ConnectionGuard::ConnectionGuard(ConnectionCaps caps, AddressSet trusted_proxies)
    : caps_(caps), trusted_(std::move(trusted_proxies)) {}

ConnectionGuard::Slot::~Slot() {
    guard_.release(key_);
}

std::unique_ptr<ConnectionGuard::Slot> ConnectionGuard::admit(const ip::address& peer) {
    const ip::address a = canonical(peer);
    std::string key = trusted_.contains(a) ? std::string{} : a.to_string();
    std::lock_guard lock(mu_);
    if (open_ >= caps_.max_connections) {
        ++refused_total_;
        return nullptr;
    }
    if (!key.empty()) {
        auto& count = per_address_[key];
        if (count >= caps_.max_per_address) {
            ++refused_address_;
            return nullptr;
        }
        ++count;
    }
    ++open_;
    return std::make_unique<Slot>(*this, std::move(key));
}

void ConnectionGuard::release(const std::string& key) {
    std::lock_guard lock(mu_);
    --open_;
    if (key.empty()) return;
    auto it = per_address_.find(key);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

ConnectionStats ConnectionGuard::stats() const {
    std::lock_guard lock(mu_);
    return {open_, refused_total_, refused_address_, timeouts_.load(std::memory_order_relaxed)};
}

}  // namespace signage::server::http
