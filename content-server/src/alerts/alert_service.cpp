#include "alerts/alert_service.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

#include <curl/curl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "common/fault.hpp"
#include "common/json_input.hpp"
#include "common/time_zone.hpp"
#include "protocol/time.hpp"
#include "publish/publisher.hpp"
#include "store/audit_json.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace signage::server {

namespace {

constexpr std::size_t kMaxName = 100;
constexpr std::size_t kMaxUrl = 2000;
constexpr std::size_t kMaxSecret = 200;
constexpr std::size_t kMaxResponse = 64 * 1024;

bool has_control(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::int64_t unix_of(const std::string& iso) {
    if (iso.empty()) return 0;
    auto t = protocol::parse_iso8601(iso);
    return t ? static_cast<std::int64_t>(t->time_since_epoch().count()) : 0;
}

std::string iso_of(std::int64_t unix) {
    const std::time_t t = static_cast<std::time_t>(unix);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// "3 分钟", "45 秒", "2 小时 5 分钟"
std::string duration_text(std::int64_t seconds) {
    if (seconds < 60) return std::to_string(seconds).append(" 秒");
    const std::int64_t minutes = seconds / 60;
    if (minutes < 60) return std::to_string(minutes).append(" 分钟");
    std::string out = std::to_string(minutes / 60).append(" 小时");
    if (minutes % 60 != 0) out.append(" ").append(std::to_string(minutes % 60)).append(" 分钟");
    return out;
}

std::string groups_text(const std::vector<std::string>& groups) {
    if (groups.empty()) return "全部分组";
    std::string out = "分组 ";
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (i > 0) out += "、";
        out += groups[i];
    }
    return out;
}

std::vector<std::string> string_list(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (!j.is_array()) return out;
    for (const auto& v : j) {
        if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
}

// What a review item is called in messages: its title, else the start of its text.
std::string item_title(const nlohmann::json& j) {
    for (const char* key : {"title", "question", "body"}) {
        if (j.contains(key) && j[key].is_string() && !j[key].get_ref<const std::string&>().empty())
            return j[key].get<std::string>();
    }
    return "（无标题）";
}

bool wants(const Webhook& hook, const AlertEvent& event) {
    if (event.event != "test" &&
        std::find(hook.events.begin(), hook.events.end(), event.event) == hook.events.end()) {
        return false;
    }
    if (hook.groups.empty() || event.groups.empty()) return true;
    return std::any_of(event.groups.begin(), event.groups.end(), [&](const std::string& g) {
        return std::find(hook.groups.begin(), hook.groups.end(), g) != hook.groups.end();
    });
}

Result<std::string> required_text(const nlohmann::json& body, const char* field, std::size_t max) {
    const auto it = body.find(field);
    if (it == body.end() || !it->is_string())
        return make_error(ErrorCode::invalid, "is required (a string)", field)
            .because(ErrorReason::required);
    std::string text = it->get<std::string>();
    if (text.empty())
        return make_error(ErrorCode::invalid, "must not be empty", field)
            .because(ErrorReason::required);
    if (text.size() > max) {
        return make_error(
                   ErrorCode::invalid,
                   std::string("may have at most ").append(std::to_string(max)).append(" bytes"),
                   field)
            .because(ErrorReason::too_long, {{"max", max}, {"unit", "bytes"}});
    }
    if (has_control(text))
        return make_error(ErrorCode::invalid, "must not hold control characters", field)
            .because(ErrorReason::control_char);
    return text;
}

Status check_url(const std::string& url) {
    std::string lower = url.substr(0, 8);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::size_t rest = 0;
    if (lower.rfind("http://", 0) == 0) {
        rest = 7;
    } else if (lower.rfind("https://", 0) == 0) {
        rest = 8;
    } else {
        return make_error(ErrorCode::invalid, "must be an http:// or https:// address", "url")
            .because(ErrorReason::format, {{"format", "url"}});
    }
    const std::size_t end = url.find_first_of("/?#", rest);
    const std::string host =
        url.substr(rest, end == std::string::npos ? std::string::npos : end - rest);
    if (host.empty() || host.find('@') != std::string::npos)
        return make_error(ErrorCode::invalid, "must name a host (and no user or password)", "url")
            .because(ErrorReason::format, {{"format", "url"}});
    for (unsigned char c : url) {
        if (c <= 0x20 || c >= 0x7f)
            return make_error(ErrorCode::invalid, "must not hold spaces or non-ASCII characters",
                              "url")
                .because(ErrorReason::format, {{"format", "url"}});
    }
    return {};
}

Result<std::vector<std::string>> name_list(const nlohmann::json& body, const char* field,
                                           bool required, const std::vector<std::string>* allowed) {
    const auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
        if (required)
            return make_error(ErrorCode::invalid, "is required (a list)", field)
                .because(ErrorReason::required);
        return std::vector<std::string>{};
    }
    if (!it->is_array()) {
        return make_error(ErrorCode::invalid, "must be a list", field)
            .because(ErrorReason::wrong_type, {{"expected", "list"}});
    }
    if (required && it->empty())
        return make_error(ErrorCode::invalid, "must not be empty", field)
            .because(ErrorReason::required);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string path =
            std::string(field).append("[").append(std::to_string(i)).append("]");
        const nlohmann::json& v = (*it)[i];
        if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
            v.get_ref<const std::string&>().size() > 64) {
            return make_error(ErrorCode::invalid, "must be a name (a string)", path)
                .because(ErrorReason::wrong_type, {{"expected", "string"}});
        }
        const std::string name = v.get<std::string>();
        if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
            return make_error(ErrorCode::invalid, "is not a known event: " + name, path)
                .because(
                    ErrorReason::one_of,
                    {{"allowed", "screen_offline, sync_error, review_waiting, emergency_sent"}});
        }
        if (std::find(out.begin(), out.end(), name) != out.end())
            return make_error(ErrorCode::invalid, "is listed twice", path)
                .because(ErrorReason::duplicate);
        out.push_back(name);
    }
    return out;
}

// The body of POST and PUT (the route has refused unknown fields), over
// `hook` (PUT: the stored one, whose secret stays when the body has none).
Result<Webhook> read_webhook(const nlohmann::json& body, Webhook hook) {
    auto name = required_text(body, "name", kMaxName);
    if (!name) return name.error();
    auto url = required_text(body, "url", kMaxUrl);
    if (!url) return url.error();
    if (auto st = check_url(*url); !st) return st.error();
    auto format = required_text(body, "format", 16);
    if (!format) return format.error();
    if (*format != "wecom" && *format != "dingtalk" && *format != "plain")
        return make_error(ErrorCode::invalid, "must be wecom, dingtalk or plain", "format");
    auto events = name_list(body, "events", true, &alert_event_names());
    if (!events) return events.error();
    auto groups = name_list(body, "groups", false, nullptr);
    if (!groups) return groups.error();
    if (const auto it = body.find("secret"); it != body.end()) {
        if (it->is_null()) {
            hook.secret.clear();
        } else if (!it->is_string()) {
            return make_error(ErrorCode::invalid, "must be a string or null", "secret");
        } else {
            hook.secret = it->get<std::string>();
            if (hook.secret.size() > kMaxSecret || has_control(hook.secret))
                return make_error(ErrorCode::invalid, "at most 200 bytes, no control characters",
                                  "secret");
        }
    }
    if (*format != "dingtalk") {
        if (body.contains("secret") && !hook.secret.empty())
            return make_error(ErrorCode::invalid, "only a dingtalk robot signs with a secret",
                              "secret");
        hook.secret.clear();
    }
    hook.name = std::move(*name);
    hook.url = std::move(*url);
    hook.format = std::move(*format);
    hook.events = std::move(*events);
    hook.groups = std::move(*groups);
    return hook;
}

Status check_groups_exist(Tx& tx, const std::vector<std::string>& groups) {
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (!tx.groups().find(groups[i])) {
            return make_error(ErrorCode::invalid, "no group " + groups[i],
                              std::string("groups[").append(std::to_string(i)).append("]"));
        }
    }
    return {};
}

std::string hook_audit(const Webhook& hook) {
    nlohmann::json view = webhook_view(hook);
    view.erase("created_at");
    view.erase("updated_at");
    return dump_audit(view);
}

std::string url_escape(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

struct Answer {
    std::optional<int> status;
    std::string error;  // empty: delivered
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
    auto* body = static_cast<std::string*>(out);
    const std::size_t bytes = size * n;
    if (body->size() < kMaxResponse)
        body->append(data, std::min(bytes, kMaxResponse - body->size()));
    return bytes;
}

int abort_when_stopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

// One POST. The robots answer 200 with {"errcode": N, "errmsg"} when they
// refuse a message (a wrong key, a bad signature): anything but errcode 0 fails.
Answer post_json(const std::string& url, const std::string& body, std::chrono::seconds timeout,
                 std::atomic<bool>& stopping) {
    Answer answer;
    CURL* curl = curl_easy_init();
    if (!curl) return {std::nullopt, "cannot start an HTTP request"};
    std::string response;
    char error[CURL_ERROR_SIZE] = {0};
    curl_slist* headers =
        curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_stopping);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stopping);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "civic-signage alerts");
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        answer.error = error[0] ? std::string(error) : std::string(curl_easy_strerror(rc));
        return answer;
    }
    answer.status = static_cast<int>(status);
    if (status < 200 || status > 299) {
        answer.error = std::string("HTTP ").append(std::to_string(status));
        return answer;
    }
    auto j = signage::read_json(response);
    if (j.is_object() && j.contains("errcode") && j["errcode"].is_number_integer() &&
        j["errcode"].get<std::int64_t>() != 0) {
        answer.error = std::string("errcode ")
                           .append(std::to_string(j["errcode"].get<std::int64_t>()))
                           .append(": ")
                           .append(j.value("errmsg", std::string{}));
    }
    return answer;
}

}  // namespace

const std::vector<std::string>& alert_event_names() {
    static const std::vector<std::string> names = {"screen_offline", "sync_error", "review_waiting",
                                                   "emergency_sent"};
    return names;
}

std::string webhook_body(const std::string& format, const AlertEvent& event) {
    if (format == "wecom" || format == "dingtalk") {
        return nlohmann::json{{"msgtype", "text"}, {"text", {{"content", event.message}}}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    nlohmann::json plain{{"event", event.event}, {"at", event.at}};
    for (auto it = event.subject.begin(); it != event.subject.end(); ++it)
        plain[it.key()] = it.value();
    plain["groups"] = event.groups;
    plain["message"] = event.message;
    return plain.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dingtalk_signed_url(const std::string& url, const std::string& secret,
                                std::int64_t timestamp_ms) {
    const std::string ts = std::to_string(timestamp_ms);
    const std::string text = std::string(ts).append("\n").append(secret);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                                  text.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return std::string(url)
        .append(url.find('?') == std::string::npos ? "?" : "&")
        .append("timestamp=")
        .append(ts)
        .append("&sign=")
        .append(url_escape(b64));
}

std::string local_time_text(std::int64_t unix) {
    static const TimeZone zone = [] {
        auto named = TimeZone::named("Asia/Shanghai");
        return named ? *named : TimeZone::fixed(std::chrono::hours(8));
    }();
    const auto offset = zone.offset_at(std::chrono::sys_seconds(std::chrono::seconds(unix)));
    const std::time_t t = static_cast<std::time_t>(unix + offset.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

nlohmann::json webhook_view(const Webhook& hook) {
    return {{"id", std::to_string(hook.id)},
            {"name", hook.name},
            {"url", hook.url},
            {"format", hook.format},
            {"has_secret", !hook.secret.empty()},
            {"events", hook.events},
            {"groups", hook.groups},
            {"unit", nullptr},
            {"created_at", hook.created_at},
            {"updated_at", hook.updated_at}};
}

nlohmann::json delivery_view(const WebhookDelivery& d) {
    const bool waiting = d.status == "pending" || d.status == "retrying";
    return {
        {"id", std::to_string(d.id)},
        {"webhook", std::to_string(d.webhook_id)},
        {"event", d.event},
        {"status", d.status},
        {"attempts", d.attempts},
        {"http_status", d.http_status ? nlohmann::json(*d.http_status) : nlohmann::json(nullptr)},
        {"error", d.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.error)},
        {"message", d.message},
        {"created_at", d.created_at},
        {"updated_at", d.updated_at},
        {"delivered_at",
         d.delivered_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.delivered_at)},
        {"next_attempt_at",
         waiting ? nlohmann::json(iso_of(d.next_unix)) : nlohmann::json(nullptr)}};
}

AlertService::AlertService(Store& store, AlertConfig config) : store_(store), config_(config) {}

AlertService::~AlertService() {
    stop();
}

void AlertService::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void AlertService::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void AlertService::wake() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    cv_.notify_all();
}

Result<std::vector<Webhook>> AlertService::list() {
    return store_.read([](Tx& tx) -> Result<std::vector<Webhook>> { return tx.webhooks().list(); });
}

Result<Webhook> AlertService::get(std::int64_t id) {
    return store_.read([id](Tx& tx) -> Result<Webhook> {
        auto hook = tx.webhooks().find(id);
        if (!hook)
            return make_error(ErrorCode::not_found, "no webhook " + std::to_string(id), "id");
        return *hook;
    });
}

Result<Webhook> AlertService::create(const nlohmann::json& body, const User& by) {
    auto hook = read_webhook(body, Webhook{});
    if (!hook) return hook.error();
    return store_.write([&](Tx& tx) -> Result<Webhook> {
        if (auto st = check_groups_exist(tx, hook->groups); !st) return st.error();
        hook->created_at = hook->updated_at = now_iso8601();
        Webhook added = tx.webhooks().add(*hook);
        tx.audit().record(by.id, "create", "webhook", std::to_string(added.id), "",
                          hook_audit(added));
        return added;
    });
}

Result<Webhook> AlertService::update(std::int64_t id, const nlohmann::json& body, const User& by) {
    return store_.write([&](Tx& tx) -> Result<Webhook> {
        auto before = tx.webhooks().find(id);
        if (!before)
            return make_error(ErrorCode::not_found, "no webhook " + std::to_string(id), "id");
        auto hook = read_webhook(body, *before);
        if (!hook) return hook.error();
        if (auto st = check_groups_exist(tx, hook->groups); !st) return st.error();
        hook->updated_at = now_iso8601();
        tx.webhooks().update(*hook);
        tx.audit().record(by.id, "update", "webhook", std::to_string(id), hook_audit(*before),
                          hook_audit(*hook));
        return *hook;
    });
}

Status AlertService::remove(std::int64_t id, const User& by) {
    return store_.write([&](Tx& tx) -> Status {
        auto before = tx.webhooks().find(id);
        if (!before)
            return make_error(ErrorCode::not_found, "no webhook " + std::to_string(id), "id");
        tx.webhooks().remove(id);
        tx.audit().record(by.id, "delete", "webhook", std::to_string(id), hook_audit(*before), "");
        return {};
    });
}

Result<WebhookDelivery> AlertService::send_test(std::int64_t id, const User& by) {
    auto delivery = store_.write([&](Tx& tx) -> Result<WebhookDelivery> {
        auto hook = tx.webhooks().find(id);
        if (!hook)
            return make_error(ErrorCode::not_found, "no webhook " + std::to_string(id), "id");
        const std::int64_t now = now_unix();
        AlertEvent event{"test", iso_of(now), hook->groups, nlohmann::json::object(), ""};
        event.subject["webhook"] = {{"id", std::to_string(hook->id)}, {"name", hook->name}};
        event.message = std::string("【测试消息】这是告警推送「")
                            .append(hook->name)
                            .append("」的测试消息，由 ")
                            .append(by.username)
                            .append(" 于 ")
                            .append(local_time_text(now))
                            .append(" 发送。收到即表示告警可以送达。");
        WebhookDelivery d;
        d.webhook_id = hook->id;
        d.event = event.event;
        d.message = event.message;
        d.body = webhook_body(hook->format, event);
        d.status = "pending";
        d.created_at = d.updated_at = event.at;
        d.next_unix = now;
        return tx.webhooks().add_delivery(d, config_.keep);
    });
    if (delivery) wake();
    return delivery;
}

Result<std::vector<WebhookDelivery>> AlertService::deliveries(std::int64_t id, int limit) {
    return store_.read([&](Tx& tx) -> Result<std::vector<WebhookDelivery>> {
        if (!tx.webhooks().find(id))
            return make_error(ErrorCode::not_found, "no webhook " + std::to_string(id), "id");
        return tx.webhooks().deliveries(id, limit);
    });
}

void AlertService::heartbeat(const Screen& screen, const std::optional<std::string>& sync_error) {
    {
        std::lock_guard lock(mutex_);
        // A screen's queued heartbeat is replaced by its next one unless that
        // clears or brings an error (each change counts).
        auto same = std::find_if(beats_.rbegin(), beats_.rend(),
                                 [&](const Beat& b) { return b.screen.id == screen.id; });
        if (same != beats_.rend() && same->sync_error.has_value() == sync_error.has_value()) {
            *same = Beat{screen, sync_error, now_unix()};
        } else {
            beats_.push_back(Beat{screen, sync_error, now_unix()});
        }
    }
    cv_.notify_all();
}

void AlertService::published(const PublishResult& result, const User& by) {
    const std::int64_t now = now_unix();
    std::vector<AlertEvent> found;
    for (const auto& slide : result.published_slides) {
        auto j = signage::read_json(slide.json);
        if (!j.is_object() || j.value("type", std::string{}) != "emergency") continue;
        AlertEvent e;
        e.event = "emergency_sent";
        e.at = iso_of(now);
        e.groups = string_list(j.value("groups", nlohmann::json::array()));
        const std::string title = item_title(j);
        e.subject["slide"] = {{"id", std::to_string(slide.id)},
                              {"title", title},
                              {"body", j.value("body", std::string{})},
                              {"valid_until", j.value("valid_until", nlohmann::json(nullptr))},
                              {"approved_by", by.username}};
        e.message = std::string("【紧急通知已播发】「")
                        .append(title)
                        .append("」已于 ")
                        .append(local_time_text(now))
                        .append(" 播发到")
                        .append(groups_text(e.groups))
                        .append("，发布人：")
                        .append(by.username)
                        .append("。");
        found.push_back(std::move(e));
    }
    if (found.empty()) return;
    {
        std::lock_guard lock(mutex_);
        for (auto& e : found) events_.push_back(std::move(e));
    }
    cv_.notify_all();
}

void AlertService::run() {
    using Clock = std::chrono::steady_clock;
    auto next_check = Clock::now() + config_.check;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!beats_.empty()) {
            // Lets a test queue more heartbeats while this thread is busy.
            lock.unlock();
            fault::pause("alerts.before_heartbeats");
            lock.lock();
        }
        auto beats = std::move(beats_);
        beats_.clear();
        auto events = std::move(events_);
        events_.clear();
        poked_ = false;
        lock.unlock();
        for (const Beat& b : beats) handle_beat(b);
        for (const AlertEvent& e : events) raise(e);
        if (Clock::now() >= next_check) {
            check_screens();
            check_reviews();
            next_check = Clock::now() + config_.check;
        }
        send_due();
        auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_check - Clock::now());
        auto due = store_.read(
            [](Tx& tx) -> Result<std::optional<std::int64_t>> { return tx.webhooks().next_due(); });
        if (due && *due) {
            // Still due after send_due(): its result could not be stored;
            // try again in a second rather than at once.
            const std::int64_t in = **due - now_unix();
            const auto until = in <= 0 ? std::chrono::milliseconds(1000)
                                       : std::chrono::milliseconds(in * 1000 + 50);
            wait = std::min(wait, until);
        }
        lock.lock();
        if (stopping_ || poked_ || !beats_.empty() || !events_.empty()) continue;
        cv_.wait_for(lock, std::max(wait, std::chrono::milliseconds(10)),
                     [this] { return stopping_ || poked_ || !beats_.empty() || !events_.empty(); });
    }
}

void AlertService::handle_beat(const Beat& beat) {
    const std::string key = std::string("sync_error:").append(std::to_string(beat.screen.id));
    // Most heartbeats change nothing: which screens are marked is kept in
    // memory (this thread's alone), so only a change costs a write.
    if (!sync_marked_) {
        auto marks =
            store_.read([](Tx& tx) -> Result<std::unordered_map<std::string, std::string>> {
                return tx.webhooks().marks("sync_error:");
            });
        if (!marks) return;
        sync_marked_.emplace();
        for (const auto& [k, v] : *marks) sync_marked_->insert(k);
    }
    const bool had = sync_marked_->count(key) > 0;
    if (had == beat.sync_error.has_value()) return;  // one alert per stretch of errors
    auto marked = store_.write([&](Tx& tx) -> Result<bool> {
        if (!beat.sync_error) {
            tx.webhooks().clear_mark(key);
            return false;
        }
        tx.webhooks().set_mark(key, *beat.sync_error);
        return true;
    });
    if (!marked) return;
    if (*marked) {
        sync_marked_->insert(key);
    } else {
        sync_marked_->erase(key);
    }
    if (!*marked) return;
    AlertEvent e;
    e.event = "sync_error";
    e.at = iso_of(beat.at);
    e.groups = {beat.screen.group};
    e.subject["screen"] = {{"id", std::to_string(beat.screen.id)},
                           {"name", beat.screen.name},
                           {"group", beat.screen.group},
                           {"error", *beat.sync_error}};
    e.message = std::string("【同步错误】屏幕「")
                    .append(beat.screen.name)
                    .append("」（分组 ")
                    .append(beat.screen.group)
                    .append("）于 ")
                    .append(local_time_text(beat.at))
                    .append(" 报告无法从服务器同步内容：")
                    .append(*beat.sync_error)
                    .append("。屏幕继续播放已缓存的内容。");
    raise(e);
}

void AlertService::check_screens() {
    if (!screens_) return;
    auto list = screens_();
    if (!list) {
        spdlog::warn("alerts: cannot read the screens: {}", list.error().to_string());
        return;
    }
    const std::int64_t now = now_unix();
    std::vector<AlertEvent> raised;
    auto st = store_.write([&](Tx& tx) -> Status {
        auto marks = tx.webhooks().marks("screen_offline:");
        std::set<std::string> current;
        for (const nlohmann::json& sc : *list) {
            const std::string id = sc.value("id", std::string{});
            const std::string key = std::string("screen_offline:").append(id);
            current.insert(key);
            const std::string state = sc.value("state", std::string{});
            const bool marked = marks.count(key) > 0;
            if (state != "offline" || sc.value("revoked", false)) {
                if (marked) tx.webhooks().clear_mark(key);
                continue;
            }
            if (marked) continue;
            tx.webhooks().set_mark(key, iso_of(now));
            const std::string name = sc.value("name", std::string{});
            const std::string group = sc.value("group", std::string{});
            const nlohmann::json last = sc.value("last_seen", nlohmann::json(nullptr));
            const std::int64_t last_unix = last.is_string() ? unix_of(last.get<std::string>()) : 0;
            AlertEvent e;
            e.event = "screen_offline";
            e.at = iso_of(now);
            e.groups = {group};
            e.subject["screen"] = {{"id", id},
                                   {"name", name},
                                   {"group", group},
                                   {"last_seen", last},
                                   {"offline_after_s", sc.value("offline_after_s", 0)}};
            e.message = std::string("【屏幕离线】屏幕「")
                            .append(name)
                            .append("」（分组 ")
                            .append(group)
                            .append("）已离线：最后一次联系服务器是 ")
                            .append(last_unix ? local_time_text(last_unix) : std::string("未知"))
                            .append("，已超过 ")
                            .append(duration_text(sc.value("offline_after_s", std::int64_t{0})))
                            .append(" 没有消息。请检查屏幕的电源和网络。");
            raised.push_back(std::move(e));
        }
        for (const auto& [key, value] : marks) {
            if (!current.count(key)) tx.webhooks().clear_mark(key);
        }
        return {};
    });
    if (!st) spdlog::warn("alerts: screen check failed: {}", st.error().to_string());
    for (const AlertEvent& e : raised) raise(e);
}

void AlertService::check_reviews() {
    const std::int64_t now = now_unix();
    std::vector<AlertEvent> raised;
    auto st = store_.write([&](Tx& tx) -> Status {
        auto marks = tx.webhooks().marks("review_waiting:");
        std::set<std::string> current;
        const auto look = [&](ReviewRepository& repo, const char* kind, const char* noun) {
            for (const SlideRecord& r : repo.list()) {
                if (r.status != SlideStatus::pending) continue;
                const std::string key = std::string("review_waiting:")
                                            .append(kind)
                                            .append(":")
                                            .append(std::to_string(r.id));
                current.insert(key);
                const std::int64_t since = unix_of(r.updated_at);
                if (since == 0 || now - since < config_.review_after.count()) continue;
                auto mark = marks.find(key);
                if (mark != marks.end() && mark->second == r.updated_at) continue;
                tx.webhooks().set_mark(key, r.updated_at);
                auto j = signage::read_json(r.json);
                const std::string title = item_title(j);
                AlertEvent e;
                e.event = "review_waiting";
                e.at = iso_of(now);
                e.groups = string_list(j.is_object() ? j.value("groups", nlohmann::json::array())
                                                     : nlohmann::json());
                e.subject[kind] = {{"id", std::to_string(r.id)},
                                   {"title", title},
                                   {"author", r.updated_by},
                                   {"waiting_since", r.updated_at}};
                e.message = std::string("【待审核】")
                                .append(noun)
                                .append("「")
                                .append(title)
                                .append("」（编号 ")
                                .append(std::to_string(r.id))
                                .append("，")
                                .append(r.updated_by)
                                .append(" 于 ")
                                .append(local_time_text(since))
                                .append(" 提交）已等待审核 ")
                                .append(duration_text(now - since))
                                .append("，请审核员处理。");
                raised.push_back(std::move(e));
            }
        };
        look(tx.slides(), "slide", "内容");
        look(tx.questions(), "question", "题目");
        for (const auto& [key, value] : marks) {
            if (!current.count(key)) tx.webhooks().clear_mark(key);
        }
        return {};
    });
    if (!st) spdlog::warn("alerts: review check failed: {}", st.error().to_string());
    for (const AlertEvent& e : raised) raise(e);
}

void AlertService::raise(const AlertEvent& event) {
    auto stored = store_.write([&](Tx& tx) -> Result<int> {
        int n = 0;
        for (const Webhook& hook : tx.webhooks().list()) {
            if (!wants(hook, event)) continue;
            WebhookDelivery d;
            d.webhook_id = hook.id;
            d.event = event.event;
            d.message = event.message;
            d.body = webhook_body(hook.format, event);
            d.status = "pending";
            d.created_at = d.updated_at = now_iso8601();
            d.next_unix = now_unix();
            tx.webhooks().add_delivery(d, config_.keep);
            ++n;
        }
        return n;
    });
    if (!stored) {
        spdlog::error("alerts: cannot store the deliveries of {}: {}", event.event,
                      stored.error().to_string());
        return;
    }
    spdlog::info("alert: event={} webhooks={} message={}", event.event, *stored, event.message);
}

void AlertService::send_due() {
    auto due = store_.read([](Tx& tx) -> Result<std::vector<WebhookDelivery>> {
        return tx.webhooks().due(now_unix());
    });
    if (!due) return;
    for (WebhookDelivery& d : *due) {
        if (stopping_) return;
        send(std::move(d));
    }
}

void AlertService::send(WebhookDelivery d) {
    auto hook = store_.read(
        [&](Tx& tx) -> Result<std::optional<Webhook>> { return tx.webhooks().find(d.webhook_id); });
    if (!hook || !*hook) return;  // deleted meanwhile (its deliveries went with it)
    const Webhook& h = **hook;
    const std::string url = h.format == "dingtalk" && !h.secret.empty()
                                ? dingtalk_signed_url(h.url, h.secret, now_unix_ms())
                                : h.url;
    const auto started = std::chrono::steady_clock::now();
    Answer answer = post_json(url, d.body, config_.timeout, stopping_);
    if (stopping_ && !answer.error.empty()) return;  // cut off: tried again after the restart
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    d.attempts += 1;
    d.http_status = answer.status;
    d.error = answer.error;
    d.updated_at = now_iso8601();
    if (answer.error.empty()) {
        d.status = "delivered";
        d.delivered_at = d.updated_at;
    } else if (d.attempts >= config_.attempts) {
        d.status = "failed";
    } else {
        d.status = "retrying";
        d.next_unix = now_unix() + config_.retry.count() * (std::int64_t{1} << (d.attempts - 1));
    }
    auto st = store_.write([&](Tx& tx) -> Status {
        tx.webhooks().update_delivery(d);
        return {};
    });
    if (!st) spdlog::error("alerts: cannot store a delivery: {}", st.error().to_string());
    if (answer.error.empty()) {
        spdlog::info("alert: delivered webhook={} event={} attempt={} ms={}", h.name, d.event,
                     d.attempts, ms);
    } else {
        spdlog::warn("alert: webhook={} event={} attempt={} status={} error={}", h.name, d.event,
                     d.attempts, d.status, answer.error);
    }
}

}  // namespace signage::server
