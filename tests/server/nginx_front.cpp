#include "nginx_front.hpp"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"
#include "support/raw_connection.hpp"

#ifndef SIGNAGE_NGINX_EXAMPLE
#error "SIGNAGE_NGINX_EXAMPLE names packaging/nginx/civic-signage-cluster.conf"
#endif

namespace signage::test {
namespace {

std::string nginx_program() {
    for (const char* candidate : {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"}) {
        if (::access(candidate, X_OK) == 0) return candidate;
    }
    throw std::runtime_error(
        "nginx front: no nginx in /usr/sbin (install nginx-light; scripts/setup does)");
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("nginx front: cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// "http://127.0.0.1:PORT" -> "127.0.0.1:PORT"
std::string host_port(const std::string& url) {
    const auto at = url.find("://");
    return at == std::string::npos ? url : url.substr(at + 3);
}

}  // namespace

std::string adapt_nginx_example(const std::string& example,
                                const std::vector<std::string>& upstreams, std::uint16_t port,
                                const std::string& cache_dir) {
    std::istringstream in(example);
    std::ostringstream out;
    std::string line;
    bool servers_written = false, listen_written = false, in_redirect = false;
    int replaced_servers = 0;
    const std::regex upstream_server(R"(^(\s*)server\s+\S+:\d+(\s.*)?;\s*$)");
    std::smatch m;
    std::string pending_server;  // a "server {" line not yet known to be the redirect
    while (std::getline(in, line)) {
        if (in_redirect) {
            if (line == "}") in_redirect = false;
            continue;
        }
        if (!pending_server.empty()) {
            if (line.find("listen 80;") != std::string::npos) {
                in_redirect = true;  // the port-80 redirect: left out
                pending_server.clear();
                continue;
            }
            out << pending_server << '\n';
            pending_server.clear();
        }
        if (line == "server {") {
            pending_server = line;
            continue;
        }
        if (std::regex_match(line, m, upstream_server)) {
            ++replaced_servers;
            if (!servers_written) {
                for (const std::string& u : upstreams) {
                    out << m[1] << "server " << host_port(u) << m[2] << ";\n";
                }
                servers_written = true;
            }
            continue;
        }
        if (line.find("listen 443 ssl") != std::string::npos) {
            out << "    listen 127.0.0.1:" << port << ";\n";
            listen_written = true;
            continue;
        }
        if (line.find("listen [::]:443") != std::string::npos) continue;
        if (line.find_first_not_of(' ') != std::string::npos &&
            line.compare(line.find_first_not_of(' '), 4, "ssl_") == 0) {
            continue;
        }
        const auto cache = line.find("/var/cache/nginx/civic-signage");
        if (cache != std::string::npos) {
            line.replace(cache, std::strlen("/var/cache/nginx/civic-signage"), cache_dir);
        }
        out << line << '\n';
    }
    if (replaced_servers == 0 || !listen_written) {
        throw std::runtime_error(
            "nginx front: the example has no upstream server lines or no \"listen 443 ssl\"");
    }
    return out.str();
}

NginxFront::NginxFront(const std::vector<std::string>& upstreams) : dir_("signage-nginx") {
    const std::uint16_t port = free_port();
    const std::string d = dir_.path().string();
    const std::string site =
        adapt_nginx_example(read_text(SIGNAGE_NGINX_EXAMPLE), upstreams, port, d + "/cache");
    std::ostringstream conf;
    if (::geteuid() == 0) conf << "user root;\n";  // workers reach the temporary directory
    conf << "worker_processes 1;\n"
         << "pid " << d << "/nginx.pid;\n"
         << "error_log " << d << "/error.log warn;\n"
         << "events { worker_connections 1024; }\n"
         << "http {\n"
         << "    access_log off;\n"
         << "    client_body_temp_path " << d << "/body;\n"
         << "    proxy_temp_path " << d << "/proxy;\n"
         << "    fastcgi_temp_path " << d << "/fastcgi;\n"
         << "    uwsgi_temp_path " << d << "/uwsgi;\n"
         << "    scgi_temp_path " << d << "/scgi;\n"
         << site << "}\n";
    config_ = conf.str();
    {
        std::ofstream file(dir_ / "nginx.conf");
        file << config_;
    }
    const std::string program = nginx_program();
    const std::vector<std::string> args = {
        "-p", d, "-e", d + "/error.log", "-c", d + "/nginx.conf", "-g", "daemon off;"};
    {
        Process test(program, {"-t", "-p", d, "-e", d + "/error.log", "-c", d + "/nginx.conf"});
        const auto status = test.wait(std::chrono::seconds(10));
        if (!status || *status != 0) {
            std::string log;
            try {
                log = read_text(d + "/error.log");
            } catch (const std::exception&) {
            }
            throw std::runtime_error("nginx front: nginx -t refused the example: " + log);
        }
    }
    process_ = std::make_unique<Process>(program, args);
    url_ = "http://127.0.0.1:" + std::to_string(port);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (http_request("GET", url_ + "/api/v1/health", {}, {}, std::chrono::seconds(2)).status ==
            200) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("nginx front: nothing answered on " + url_);
}

NginxFront::~NginxFront() {
    if (process_) process_->finish();
}

}  // namespace signage::test
