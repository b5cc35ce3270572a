#include "core/pairing.hpp"

#include <curl/curl.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/json_input.hpp"

namespace signage::player {

namespace {

std::size_t pairing_write_body(char* ptr, std::size_t size, std::size_t n, void* userdata) {
    auto* out = static_cast<std::string*>(userdata);
    const std::size_t bytes = size * n;
    if (out->size() + bytes > (64u << 10)) return 0;  // a pairing answer is small
    out->append(ptr, bytes);
    return bytes;
}

int pairing_progress(void* clientp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(clientp)->load() ? 1 : 0;
}

std::string pairing_trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

}  // namespace

PairingClient::PairingClient(std::string server_url) : server_url_(std::move(server_url)) {
    while (!server_url_.empty() && server_url_.back() == '/') server_url_.pop_back();
    curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; cheap when done already
}

Result<PairingClient::Reply> PairingClient::send(const std::string& method, const std::string& path,
                                                 const std::string& body) {
    if (cancelled_) return make_error(ErrorCode::stopped, "pairing stopped");
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
    if (!easy) return make_error(ErrorCode::network, "cannot create a libcurl handle");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, "Content-Type: application/json"), &curl_slist_free_all);
    const std::string url = server_url_ + path;
    Reply reply;
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") {
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    }
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &pairing_write_body);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(easy.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy.get(), CURLOPT_XFERINFOFUNCTION, &pairing_progress);
    curl_easy_setopt(easy.get(), CURLOPT_XFERINFODATA, &cancelled_);
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    const CURLcode rc = curl_easy_perform(easy.get());
    if (cancelled_) return make_error(ErrorCode::stopped, "pairing stopped");
    if (rc != CURLE_OK) {
        return make_error(ErrorCode::network,
                          "cannot reach " + server_url_ + ": " + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

Result<PairingCode> PairingClient::request_code(const std::string& name_hint) {
    nlohmann::json req = nlohmann::json::object();
    if (!name_hint.empty()) req["name_hint"] = name_hint;
    auto reply = send("POST", "/api/v1/player/pair", req.dump());
    if (!reply) return reply.error();
    if (reply->status == 429) {
        return make_error(ErrorCode::rate_limited,
                          "the server asks this address to wait before a new code");
    }
    if (reply->status != 201) {
        return make_error(ErrorCode::network,
                          "pairing request answered HTTP " + std::to_string(reply->status));
    }
    try {
        const auto j = signage::read_json(reply->body);
        if (j.is_discarded()) return make_error(ErrorCode::network, "pairing answer: not JSON");
        PairingCode out;
        out.pairing_id = j.at("pairing_id").get<std::string>();
        out.code = j.at("code").get<std::string>();
        out.expires_text = j.at("expires_at").get<std::string>();
        auto t = protocol::parse_iso8601(out.expires_text);
        if (!t) return make_error(ErrorCode::network, "pairing answer: expires_at is not ISO 8601");
        out.expires_at = *t;
        return out;
    } catch (const std::exception& e) {
        return make_error(ErrorCode::network, std::string("pairing answer: ") + e.what());
    }
}

Result<PairingOutcome> PairingClient::poll(const std::string& pairing_id) {
    auto reply = send("GET", "/api/v1/player/pair/" + pairing_id, {});
    if (!reply) return reply.error();
    if (reply->status == 404 || reply->status == 410) {
        return make_error(ErrorCode::expired, "the server no longer knows this pairing code");
    }
    if (reply->status != 200) {
        return make_error(ErrorCode::network,
                          "pairing poll answered HTTP " + std::to_string(reply->status));
    }
    try {
        const auto j = signage::read_json(reply->body);
        if (j.is_discarded()) return make_error(ErrorCode::network, "pairing answer: not JSON");
        PairingOutcome out;
        if (j.at("status").get<std::string>() != "paired") return out;
        out.paired = true;
        out.token = j.at("token").get<std::string>();
        out.screen = j.at("screen").get<std::string>();
        out.group = j.at("group").get<std::string>();
        if (out.token.empty()) return make_error(ErrorCode::network, "pairing answer: empty token");
        return out;
    } catch (const std::exception& e) {
        return make_error(ErrorCode::network, std::string("pairing answer: ") + e.what());
    }
}

std::filesystem::path device_token_path(const std::filesystem::path& cache_dir) {
    return cache_dir / "device-token";
}

std::string load_device_token(const std::filesystem::path& cache_dir) {
    auto text = read_file(device_token_path(cache_dir));
    return text ? pairing_trim(*text) : std::string{};
}

Status save_device_token(const std::filesystem::path& cache_dir, const std::string& token) {
    return write_file_atomic(device_token_path(cache_dir), token + "\n", 0600u);
}

void forget_device_token(const std::filesystem::path& cache_dir) {
    std::error_code ec;
    std::filesystem::remove(device_token_path(cache_dir), ec);
}

}  // namespace signage::player
