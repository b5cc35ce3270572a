#pragma once
// The project's nginx example (packaging/nginx/civic-signage-cluster.conf)
// run in front of several test servers: the file itself, with the test's
// instances in its upstream block, its TLS server listening on a free port
// of 127.0.0.1 without TLS (no certificate in a test), no redirect from
// port 80, and its media cache in a temporary directory. nginx comes from
// the PATH or /usr/sbin (Debian's nginx-light); it is stopped at the end.
//
//   NginxFront front({a.url(), b.url(), c.url()});
//   HttpClient through = HttpClient(front.url(), token);
//
// Throws std::runtime_error when the example cannot be read, nginx refuses
// the configuration (its own words), or it does not start listening.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace signage::test {

class NginxFront {
  public:
    // `upstreams`: the instances' URLs ("http://127.0.0.1:PORT").
    explicit NginxFront(const std::vector<std::string>& upstreams);
    ~NginxFront();
    NginxFront(const NginxFront&) = delete;
    NginxFront& operator=(const NginxFront&) = delete;

    const std::string& url() const { return url_; }
    // The configuration nginx runs (for a failing test's log).
    const std::string& config() const { return config_; }

  private:
    TempDir dir_;
    std::string config_;
    std::string url_;
    std::unique_ptr<Process> process_;
};

// The example with `upstreams` in place of its server lines, listening on
// 127.0.0.1:`port` without TLS, its cache under `cache_dir`: what
// NginxFront runs. Throws when the example no longer has the lines it
// replaces.
std::string adapt_nginx_example(const std::string& example,
                                const std::vector<std::string>& upstreams, std::uint16_t port,
                                const std::string& cache_dir);

}  // namespace signage::test
