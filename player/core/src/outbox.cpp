#include "core/outbox.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/json_input.hpp"
#include "common/random.hpp"

namespace signage::player {

namespace fs = std::filesystem;

namespace {

std::size_t outbox_discard_body(char*, std::size_t size, std::size_t n, void*) {
    return size * n;
}

// Aborts a transfer once the uploader is stopping.
int outbox_progress(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

void outbox_ensure_curl() {
    // Reference-counted and thread-safe in the libcurl Debian 12 ships (7.88).
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)initialised;
}

// "<microseconds since 1970, 20 digits>-<random>.json": names sort by age.
std::string outbox_file_name() {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    std::string n = std::to_string(us);
    std::string name(n.size() < 20 ? 20 - n.size() : 0, '0');
    name += n;
    name += '-';
    name += random_hex(4);
    name += ".json";
    return name;
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::open(fs::path dir, std::size_t max_items) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
    std::unique_ptr<Outbox> box(new Outbox(std::move(dir), max_items));
    box->count_ = box->files_locked().size();
    return box;
}

// The finished items, oldest first (write_file_atomic's temporaries are not).
std::vector<fs::path> Outbox::files_locked() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        const auto name = e.path().filename().string();
        if (e.is_regular_file() && e.path().extension() == ".json" &&
            name.find(".tmp") == std::string::npos) {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

Status Outbox::add(const nlohmann::json& item) {
    std::lock_guard lock(mu_);
    if (auto st = write_file_atomic(dir_ / outbox_file_name(), item.dump()); !st) return st;
    ++count_;
    if (max_items_ == 0 || count_ <= max_items_) return {};
    // Over the limit: drop the oldest, down to nine tenths of it.
    const auto files = files_locked();
    const std::size_t keep = max_items_ - max_items_ / 10;
    std::size_t n = 0;
    std::error_code ec;
    for (std::size_t i = 0; i + keep < files.size(); ++i) {
        if (fs::remove(files[i], ec)) ++n;
    }
    fsync_dir(dir_).ok();
    count_ = files.size() - n;
    dropped_ += n;
    spdlog::warn("outbox: {} holds more than {} items: dropped the {} oldest ({} so far)",
                 dir_.string(), max_items_, n, dropped_);
    return {};
}

std::size_t Outbox::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
}

std::vector<Outbox::Item> Outbox::pending(std::size_t max) {
    std::lock_guard lock(mu_);
    const std::vector<fs::path> files = files_locked();
    std::error_code ec;
    std::vector<Item> out;
    for (const auto& f : files) {
        if (out.size() >= max) break;
        auto text = read_file(f);
        if (!text) continue;
        auto j = signage::read_json(*text);
        if (j.is_discarded() || !j.is_object()) {
            const fs::path aside = dir_ / "corrupt" / f.filename();
            fs::create_directories(aside.parent_path(), ec);
            fs::rename(f, aside, ec);
            if (ec) fs::remove(f, ec);
            if (count_ > 0) --count_;
            spdlog::warn("outbox: {} is corrupt; moved to {}", f.string(), aside.string());
            continue;
        }
        out.push_back(Item{f, std::move(j)});
    }
    return out;
}

void Outbox::remove(const std::vector<Item>& items) {
    std::lock_guard lock(mu_);
    std::error_code ec;
    for (const auto& i : items) {
        if (fs::remove(i.file, ec) && count_ > 0) --count_;
    }
    fsync_dir(dir_).ok();
}

void Outbox::set_aside(const std::vector<Item>& items, const std::string& folder) {
    std::lock_guard lock(mu_);
    std::error_code ec;
    fs::create_directories(dir_ / folder, ec);
    for (const auto& i : items) {
        fs::rename(i.file, dir_ / folder / i.file.filename(), ec);
        if (ec) fs::remove(i.file, ec);
        if (count_ > 0) --count_;
    }
    fsync_dir(dir_).ok();
}

std::size_t Outbox::size() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".json") ++n;
    }
    return n;
}

OutboxUploader::OutboxUploader(Outbox& outbox, UploaderOptions options)
    : outbox_(outbox), options_(std::move(options)) {
    while (!options_.server_url.empty() && options_.server_url.back() == '/') {
        options_.server_url.pop_back();
    }
    outbox_ensure_curl();
}

OutboxUploader::~OutboxUploader() {
    stop();
}

void OutboxUploader::start() {
    stopping_ = false;
    wake_ = true;  // items left from before a restart go at once
    thread_ = std::thread([this] { run(); });
}

void OutboxUploader::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        wake_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxUploader::notify() {
    {
        std::lock_guard lock(mu_);
        wake_ = true;
    }
    cv_.notify_all();
}

Status OutboxUploader::send_pending() {
    for (;;) {
        auto items = outbox_.pending(options_.batch);
        if (items.empty()) return {};
        nlohmann::json batch = nlohmann::json::array();
        for (const auto& i : items) batch.push_back(i.body);
        const std::string body = nlohmann::json{{options_.key, batch}}.dump();

        std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(),
                                                                 &curl_easy_cleanup);
        if (!easy) return make_error(ErrorCode::network, "cannot create a libcurl handle");
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                            &curl_slist_free_all);
        const std::string auth = "Authorization: Bearer " + options_.token;
        headers.reset(curl_slist_append(headers.release(), auth.c_str()));
        headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
        const std::string url = options_.server_url + options_.path;
        curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(body.size()));
        curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &outbox_discard_body);
        curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 20000L);
        curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy.get(), CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(easy.get(), CURLOPT_XFERINFOFUNCTION, &outbox_progress);
        curl_easy_setopt(easy.get(), CURLOPT_XFERINFODATA, &stopping_);
        const CURLcode rc = curl_easy_perform(easy.get());
        if (rc != CURLE_OK) {
            return make_error(ErrorCode::network,
                              std::string("POST ") + options_.path + ": " + curl_easy_strerror(rc));
        }
        long status = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
        if (status == 422) {
            // The server will never take these as they are: keep them aside
            // for a person to look at, and let the rest of the queue go.
            outbox_.set_aside(items, "rejected");
            spdlog::error("outbox: {} refused {} item(s) (HTTP 422); moved to {}", options_.path,
                          items.size(), (outbox_.dir() / "rejected").string());
            continue;
        }
        if (status < 200 || status > 299) {
            return make_error(ErrorCode::http, std::string("POST ") + options_.path + ": HTTP " +
                                                   std::to_string(status));
        }
        outbox_.remove(items);
        spdlog::info("outbox: sent {} item(s) to {}", items.size(), options_.path);
    }
}

void OutboxUploader::run() {
    auto backoff = options_.retry_min;
    std::chrono::milliseconds wait{0};
    for (;;) {
        {
            std::unique_lock lock(mu_);
            // Idle: wait for notify(), or the next periodic flush.
            if (wait.count() == 0) wait = options_.flush_every;
            if (wait.count() > 0) {
                cv_.wait_for(lock, wait, [this] { return wake_; });
            } else {
                cv_.wait(lock, [this] { return wake_; });
            }
            wake_ = false;
            if (stopping_) return;
        }
        if (auto st = send_pending(); !st) {
            spdlog::warn("outbox: {}; retrying in {} ms", st.error().message, backoff.count());
            wait = backoff;
            backoff = std::min(backoff * 2, options_.retry_max);
        } else {
            backoff = options_.retry_min;
            wait = std::chrono::milliseconds{0};
        }
    }
}

}  // namespace signage::player
