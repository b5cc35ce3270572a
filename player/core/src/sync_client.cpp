#include "core/sync_client.hpp"
#include "common/json_input.hpp"

#include <curl/curl.h>

#include <spdlog/spdlog.h>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace signage::player {

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void ensure_curl() {
    static const CurlGlobal global;
}

using EasyPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using SlistPtr = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

std::string strip_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

// A response body kept in memory, bounded so a hostile server cannot exhaust RAM.
struct MemorySink {
    std::string data;
    std::size_t limit = 16u << 20;
    bool overflow = false;
};

std::size_t write_memory(char* ptr, std::size_t size, std::size_t n, void* userdata) {
    auto* sink = static_cast<MemorySink*>(userdata);
    const std::size_t bytes = size * n;
    if (sink->data.size() + bytes > sink->limit) {
        sink->overflow = true;
        return 0;
    }
    sink->data.append(ptr, bytes);
    return bytes;
}

// A download appended to a partial file, never past the size the manifest gave.
struct FileSink {
    std::FILE* file = nullptr;
    std::int64_t written = 0;
    std::int64_t limit = 0;
    bool overflow = false;
    bool io_error = false;
    // Download cap (bytes per second; 0: none), paced here because libcurl's
    // own CURLOPT_MAX_RECV_SPEED_LARGE lets short transfers through at full
    // speed. Pacing sleeps in short steps so stop() still ends it quickly.
    std::int64_t rate = 0;
    std::int64_t received = 0;  // in this transfer
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    const std::atomic<bool>* stopping = nullptr;
};

void pace(FileSink& sink) {
    if (sink.rate <= 0) return;
    using namespace std::chrono;
    const auto due =
        sink.started + duration_cast<steady_clock::duration>(duration<double>(
                           static_cast<double>(sink.received) / static_cast<double>(sink.rate)));
    for (auto now = steady_clock::now(); now < due; now = steady_clock::now()) {
        if (sink.stopping && sink.stopping->load()) return;
        std::this_thread::sleep_for(std::min<steady_clock::duration>(due - now, milliseconds{20}));
    }
}

std::size_t write_file(char* ptr, std::size_t size, std::size_t n, void* userdata) {
    auto* sink = static_cast<FileSink*>(userdata);
    const std::size_t bytes = size * n;
    if (sink->written + static_cast<std::int64_t>(bytes) > sink->limit) {
        sink->overflow = true;
        return 0;
    }
    if (std::fwrite(ptr, 1, bytes, sink->file) != bytes) {
        sink->io_error = true;
        return 0;
    }
    sink->written += static_cast<std::int64_t>(bytes);
    sink->received += static_cast<std::int64_t>(bytes);
    pace(*sink);
    return bytes;
}

struct HeaderSink {
    std::string etag;
    std::string command;  // Signage-Command
};

bool header_is(const std::string& line, const char* name) {
    const std::size_t n = std::char_traits<char>::length(name);
    if (line.size() <= n || line[n] != ':') return false;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::tolower(static_cast<unsigned char>(line[i])) !=
            std::tolower(static_cast<unsigned char>(name[i]))) {
            return false;
        }
    }
    return true;
}

std::size_t read_header(char* buffer, std::size_t size, std::size_t n, void* userdata) {
    auto* sink = static_cast<HeaderSink*>(userdata);
    std::string line(buffer, size * n);
    if (header_is(line, "signage-command")) {
        auto v = line.substr(16);
        auto b = v.find_first_not_of(" \t");
        auto e = v.find_last_not_of(" \t\r\n");
        sink->command = (b == std::string::npos) ? "" : v.substr(b, e - b + 1);
    }
    if (line.size() > 5 && (line.compare(0, 5, "ETag:") == 0 || line.compare(0, 5, "etag:") == 0)) {
        auto v = line.substr(5);
        auto b = v.find_first_not_of(" \t\"");
        auto e = v.find_last_not_of(" \t\r\n\"");
        sink->etag = (b == std::string::npos) ? "" : v.substr(b, e - b + 1);
    }
    return size * n;
}

}  // namespace

// Runs one transfer on a multi handle so stop() can interrupt it at once
// (curl_multi_wakeup) instead of waiting out a minute-long poll.
class Transfer {
  public:
    Transfer() : multi_(curl_multi_init()) {}
    ~Transfer() { curl_multi_cleanup(multi_); }
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    CURLcode perform(CURL* easy, const std::atomic<bool>& stopping) {
        curl_multi_add_handle(multi_, easy);
        CURLcode result = CURLE_OK;
        bool done = false;
        while (!done) {
            if (stopping) {
                result = CURLE_ABORTED_BY_CALLBACK;
                break;
            }
            int running = 0;
            if (curl_multi_perform(multi_, &running) != CURLM_OK) {
                result = CURLE_FAILED_INIT;
                break;
            }
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
                if (msg->msg == CURLMSG_DONE) {
                    result = msg->data.result;
                    done = true;
                }
            }
            if (!done && running > 0) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
        }
        curl_multi_remove_handle(multi_, easy);
        return result;
    }

    void wakeup() { curl_multi_wakeup(multi_); }

  private:
    CURLM* multi_;
};

SyncClient::SyncClient(SyncOptions options, Cache& cache, ManifestHandler on_manifest,
                       ErrorHandler on_error)
    : options_(std::move(options)),
      cache_(cache),
      on_manifest_(std::move(on_manifest)),
      on_error_(std::move(on_error)) {
    ensure_curl();
    options_.server_url = strip_slash(options_.server_url);
}

SyncClient::~SyncClient() {
    stop();
}

void SyncClient::start(std::string known_version) {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this, v = std::move(known_version)]() mutable { run(std::move(v)); });
}

void SyncClient::stop() {
    stopping_ = true;
    {
        std::lock_guard lock(wake_mu_);
        if (active_) active_->wakeup();
    }
    wake_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

int SyncClient::perform(void* easy) {
    Transfer transfer;
    {
        std::lock_guard lock(wake_mu_);
        active_ = &transfer;
    }
    const CURLcode rc = transfer.perform(static_cast<CURL*>(easy), stopping_);
    std::lock_guard lock(wake_mu_);
    active_ = nullptr;
    return rc;
}

Result<std::optional<protocol::Manifest>> SyncClient::sync_once(const std::string& known_version,
                                                                int wait_s) {
    EasyPtr easy(curl_easy_init(), &curl_easy_cleanup);
    if (!easy) return make_error(ErrorCode::network, "cannot create a libcurl handle");
    const std::string url =
        options_.server_url + "/api/v1/player/manifest?wait=" + std::to_string(wait_s);
    SlistPtr headers(nullptr, &curl_slist_free_all);
    auto add_header = [&](const std::string& h) {
        headers.reset(curl_slist_append(headers.release(), h.c_str()));
    };
    add_header("Authorization: Bearer " + options_.token);
    if (!known_version.empty()) add_header("If-None-Match: \"" + known_version + "\"");
    if (on_command_) add_header("Signage-Commands: screenshot");

    MemorySink body;
    HeaderSink hdrs;
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &write_memory);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, &read_header);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &hdrs);
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(wait_s + 20) * 1000L);
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_ACCEPT_ENCODING, "");

    const auto rc = static_cast<CURLcode>(perform(easy.get()));
    if (stopping_) return make_error(ErrorCode::stopped, "sync stopped");
    if (rc != CURLE_OK) {
        if (body.overflow) return make_error(ErrorCode::network, "manifest response is too large");
        return make_error(ErrorCode::network, std::string("cannot reach ") + options_.server_url +
                                                  ": " + curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status == 304) return std::optional<protocol::Manifest>{};
    if (status == 401 || status == 403) {
        return make_error(ErrorCode::auth, "the server refused this screen's token (HTTP " +
                                               std::to_string(status) + ")");
    }
    if (status != 200) {
        return make_error(ErrorCode::network,
                          "manifest request answered HTTP " + std::to_string(status));
    }
    if (!hdrs.command.empty()) {
        // A command instead of a manifest; unknown ones are ignored.
        auto cmd = signage::read_json(body.data);
        std::string id;
        if (cmd.is_object() && cmd.contains("id") && cmd["id"].is_string()) {
            id = cmd["id"].get<std::string>();
        }
        spdlog::info("sync: command={} id={}", hdrs.command, id);
        if (on_command_) on_command_(hdrs.command, id);
        return std::optional<protocol::Manifest>{};
    }
    auto manifest = protocol::parse_manifest_text(body.data);
    if (!manifest) {
        return make_error(ErrorCode::bad_manifest,
                          "the server sent an unusable manifest: " + manifest.error().to_string());
    }
    if (manifest->version == known_version) return std::optional<protocol::Manifest>{};

    // Room first: a manifest that cannot fit is not fetched in part.
    const auto on_screen = cache_.load_manifest();
    auto room =
        cache_.make_room(*manifest, on_screen ? &*on_screen : nullptr, options_.cache_max_bytes);
    if (!room) {
        if (room.error().code == ErrorCode::cache_full) unfit_version_ = manifest->version;
        return room.error();
    }
    if (room->evicted_files > 0) {
        spdlog::info("sync: manifest {} needs {} more: evicted {} files ({}) from the cache",
                     manifest->version, format_bytes(room->missing_bytes), room->evicted_files,
                     format_bytes(room->evicted_bytes));
    }

    std::int64_t fetched_bytes = 0;
    std::size_t fetched_files = 0;
    for (const auto& ref : manifest->media) {
        if (cache_.has_media(ref.sha256)) continue;
        if (auto st = download_media(ref, fetched_bytes); !st) return st.error();
        ++fetched_files;
    }
    if (auto st = cache_.commit_manifest(*manifest); !st) return st.error();
    // What a publish cost this screen: bench/run reads this line.
    spdlog::info("sync: manifest {} ready: fetched {} media bytes in {} files, {} files cached",
                 manifest->version, fetched_bytes, fetched_files,
                 manifest->media.size() - fetched_files);
    return std::optional<protocol::Manifest>{std::move(*manifest)};
}

Status SyncClient::download_media(const protocol::MediaRef& ref, std::int64_t& received) {
    const auto part = cache_.partial_path(ref.sha256);
    std::error_code ec;
    std::int64_t have = 0;
    if (fs::exists(part, ec)) have = static_cast<std::int64_t>(fs::file_size(part, ec));
    if (ec || have > ref.size) {
        fs::remove(part, ec);
        have = 0;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (have < ref.size) {
            std::unique_ptr<std::FILE, decltype(&std::fclose)> file(
                std::fopen(part.c_str(), have > 0 ? "ab" : "wb"), &std::fclose);
            if (!file) return make_error(ErrorCode::io, "cannot write " + part.string());
            EasyPtr easy(curl_easy_init(), &curl_easy_cleanup);
            const std::string url = options_.server_url + "/media/" + ref.sha256;
            FileSink sink{file.get(), have, ref.size};
            sink.rate = options_.max_download_bytes_per_s;
            sink.stopping = &stopping_;
            curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
            curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &write_file);
            curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &sink);
            curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
            curl_easy_setopt(easy.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
            curl_easy_setopt(easy.get(), CURLOPT_LOW_SPEED_TIME, 30L);

            curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
            const std::string range = std::to_string(have) + "-";
            if (have > 0) curl_easy_setopt(easy.get(), CURLOPT_RANGE, range.c_str());
            const auto rc = static_cast<CURLcode>(perform(easy.get()));
            long status = 0;
            curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
            if (std::fflush(file.get()) != 0) sink.io_error = true;
            file.reset();
            received += sink.received;
            if (stopping_) return make_error(ErrorCode::stopped, "sync stopped");
            if (sink.io_error) {
                return make_error(ErrorCode::io, "cannot write " + part.string() + " (disk full?)");
            }
            if (have > 0 && status == 200) {
                // The server ignored the range: the body starts from byte 0.
                fs::remove(part, ec);
                have = 0;
                continue;
            }
            if (rc != CURLE_OK && !sink.overflow) {
                return make_error(ErrorCode::network, "download of " + ref.sha256 +
                                                          " failed: " + curl_easy_strerror(rc));
            }
            if (status != 200 && status != 206) {
                return make_error(
                    ErrorCode::network,
                    "download of " + ref.sha256 + " answered HTTP " + std::to_string(status));
            }
        }
        auto st = cache_.commit_media(ref.sha256, ref.size);
        if (st || st.error().code != ErrorCode::corrupt) return st;
        spdlog::warn("sync: {}; fetching it again", st.error().message);
        have = 0;
    }
    return make_error(ErrorCode::corrupt, "media " + ref.sha256 + " does not match its sha256");
}

void SyncClient::run(std::string version) {
    auto backoff = options_.retry_min;
    // The newest manifest when its media cannot fit in the cache: its error
    // stands (and the poll names its version, so the server holds the poll
    // until a newer one) until a manifest is switched to.
    std::optional<std::pair<std::string, Error>> unfit;
    bool failed_since = false;  // another failure was reported since `unfit`'s
    while (!stopping_) {
        auto r = sync_once(unfit ? unfit->first : version, options_.wait_s);
        if (stopping_) break;
        if (r) {
            backoff = options_.retry_min;
            if (*r) {
                version = (*r)->version;
                unfit.reset();
            }
            if (!unfit) {
                if (on_success_) on_success_();
            } else if (failed_since) {
                // The cache error is the one that still holds.
                failed_since = false;
                if (on_error_) on_error_(unfit->second);
            }
            if (*r && on_manifest_) on_manifest_(std::move(**r));
            continue;
        }
        if (r.error().code == ErrorCode::cache_full) {
            unfit.emplace(unfit_version_, r.error());
            failed_since = false;
            if (on_error_) on_error_(r.error());
            continue;  // the next poll waits for a newer manifest
        }
        failed_since = unfit.has_value();
        if (on_error_) on_error_(r.error());
        std::unique_lock lock(wake_mu_);
        wake_cv_.wait_for(lock, backoff, [this] { return stopping_.load(); });
        backoff = std::min(backoff * 2, options_.retry_max);
    }
}

}  // namespace signage::player
