#include "media/converter.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/fault.hpp"
#include "common/fs.hpp"
#include "preview/child_process.hpp"
#include "protocol/time.hpp"
#include "store/audit_json.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace signage::server {
namespace {

constexpr int kNice = 10;
constexpr std::size_t kErrorBytes = 500;
// Progress is written at most this often, and only when it moved a percent.
constexpr std::chrono::milliseconds kProgressEvery{250};
// With several instances on the database, a conversion is one instance's
// for this long and said again this often while ffmpeg works; an instance
// with nothing to do looks this often for one whose instance went away.
constexpr std::chrono::milliseconds kLease{120000};
constexpr std::chrono::milliseconds kLeaseRenewEvery{30000};
constexpr std::chrono::milliseconds kLeaseCheckEvery{60000};
// Renditions no group needs are looked for at least this often.
constexpr std::chrono::milliseconds kSweepEvery{3600000};

// The time `ms` (Unix milliseconds) as updated_at is written, in whole
// seconds.
std::string iso8601_of(std::int64_t ms) {
    return protocol::format_iso8601(protocol::Timestamp(std::chrono::seconds(ms / 1000)));
}

std::chrono::milliseconds time_limit(const ConvertConfig& config, const VideoInfo& film) {
    if (config.timeout.count() > 0) return config.timeout;
    // A hang, not a slow machine: 4K H.265 took 4.7x its length on a loaded
    // two-core server.
    return std::chrono::milliseconds(10 * film.duration_ms) + std::chrono::seconds(120);
}

std::string seconds_text(std::chrono::milliseconds ms) {
    std::ostringstream out;
    out << static_cast<double>(ms.count()) / 1000.0;
    return out.str();
}

// Reads ffmpeg's -progress lines ("out_time_us=1234567") as they come.
class ProgressReader {
  public:
    ProgressReader(std::int64_t duration_ms, std::function<void(double)> report)
        : duration_us_(std::max<std::int64_t>(1, duration_ms) * 1000), report_(std::move(report)) {}

    void feed(std::string_view chunk) {
        line_.append(chunk);
        std::size_t start = 0;
        for (std::size_t end; (end = line_.find('\n', start)) != std::string::npos;
             start = end + 1) {
            take(std::string_view(line_).substr(start, end - start));
        }
        line_.erase(0, start);
        if (line_.size() > 4096) line_.clear();  // no line is that long
    }

  private:
    void take(std::string_view line) {
        constexpr std::string_view key = "out_time_us=";
        if (line.substr(0, key.size()) != key) return;
        line.remove_prefix(key.size());
        std::int64_t us = 0;
        if (std::from_chars(line.data(), line.data() + line.size(), us).ec != std::errc{}) return;
        // 99% at most until the file is stored.
        report_(std::clamp(static_cast<double>(us) / static_cast<double>(duration_us_), 0.0, 0.99));
    }

    std::int64_t duration_us_;
    std::function<void(double)> report_;
    std::string line_;
};

}  // namespace

std::vector<std::string> convert_arguments(const VideoInfo& film,
                                           const protocol::VideoProfile& target,
                                           const std::filesystem::path& in,
                                           const std::filesystem::path& out) {
    const std::string rate = std::to_string(target.max_bitrate);
    const std::string buffer = std::to_string(target.max_bitrate * 2);
    std::vector<std::string> args{"-nostdin", "-y", "-v",        "error", "-nostats", "-progress",
                                  "pipe:1",   "-i", in.string(), "-map",  "0:v:0"};
    if (film.audio) args.insert(args.end(), {"-map", "0:a:0"});
    // Scaled down to fit the profile's frame, never up, keeping its shape
    // (of the frame as shown: ffmpeg turns a film its metadata rotates),
    // both sides even.
    const std::string max_w = std::to_string(target.max_width);
    const std::string max_h = std::to_string(target.max_height);
    args.insert(args.end(), {"-vf",
                             std::string("scale=w='min(iw,")
                                 .append(max_w)
                                 .append(")':h='min(ih,")
                                 .append(max_h)
                                 .append(")':force_original_aspect_ratio=decrease:"
                                         "force_divisible_by=2"),
                             "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-maxrate",
                             rate, "-bufsize", buffer, "-pix_fmt", "yuv420p"});
    if (!film.audio) {
        args.push_back("-an");
    } else if (*film.audio == "aac") {
        args.insert(args.end(), {"-c:a", "copy"});
    } else {
        args.insert(args.end(), {"-c:a", "aac", "-b:a", "128k"});
    }
    args.insert(args.end(), {"-movflags", "+faststart", "-f", "mp4", out.string()});
    return args;
}

Result<std::vector<std::chrono::seconds>> parse_retry_delays(std::string_view text,
                                                             const std::string& field) {
    std::vector<std::chrono::seconds> out;
    if (text == "none") return out;
    auto refuse = [&] {
        return make_error(
            ErrorCode::invalid,
            "give whole seconds, each more than the one before (60,600,3600), or none", field);
    };
    for (std::size_t begin = 0; begin <= text.size();) {
        std::size_t end = text.find(',', begin);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view item = text.substr(begin, end - begin);
        std::int64_t seconds = 0;
        const auto [rest, ec] = std::from_chars(item.data(), item.data() + item.size(), seconds);
        if (item.empty() || ec != std::errc{} || rest != item.data() + item.size() ||
            seconds <= 0 || seconds > 7 * 24 * 3600 ||
            (!out.empty() && seconds <= out.back().count())) {
            return refuse();
        }
        out.emplace_back(seconds);
        begin = end + 1;
    }
    return out;
}

int failures_before_retry(const RenditionRecord& failed,
                          const std::vector<std::chrono::seconds>& delays) {
    auto failed_at = protocol::parse_iso8601(failed.updated_at);
    if (!failed_at) return 1;
    // The failure was at updated_at or within its second, and the retry
    // put off from it by one of the delays: whole seconds, each longer
    // than the one before, so only one fits.
    const std::int64_t gap =
        failed.lease_until_ms -
        std::chrono::duration_cast<std::chrono::milliseconds>(failed_at->time_since_epoch())
            .count();
    int failures = 1;
    for (std::size_t i = 0; i < delays.size(); ++i) {
        if (std::chrono::milliseconds(delays[i]).count() <= gap) {
            failures = static_cast<int>(i) + 1;
        }
    }
    return failures;
}

std::string last_lines(const std::string& text, std::size_t lines) {
    std::vector<std::string> kept;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        const auto last = line.find_last_not_of(" \t\r");
        kept.push_back(line.substr(first, last - first + 1));
    }
    std::string out;
    for (std::size_t i = kept.size() > lines ? kept.size() - lines : 0; i < kept.size(); ++i) {
        if (!out.empty()) out += "; ";
        out += kept[i];
    }
    if (out.size() > kErrorBytes) out = out.substr(out.size() - kErrorBytes);
    return out;
}

Converter::Converter(Store& store, MediaStore& media, ConvertConfig config)
    : store_(store), media_(media), config_(std::move(config)) {
    if (config_.ffmpeg.empty()) config_.ffmpeg = find_on_path("ffmpeg");
}

Converter::~Converter() {
    stop();
}

void Converter::start() {
    schedule();
    thread_ = std::thread([this] { run(); });
}

void Converter::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Converter::schedule() {
    auto queued = store_.write([](Tx& tx) -> Result<int> {
        const std::vector<ProfileUse> uses = profile_uses(tx.groups().list());
        const std::string now = now_iso8601();
        int added = 0;
        for (const MediaInfo& film : tx.media().original_films()) {
            for (const ProfileUse& use : uses) {
                if (film.video && !fits_profile(*film.video, use.profile) &&
                    tx.media().queue_rendition(film.sha256, rendition_key(use.profile), now)) {
                    ++added;
                }
            }
        }
        return added;
    });
    if (!queued) {
        spdlog::error("convert: cannot queue conversions: {}", queued.error().to_string());
        return;
    }
    if (*queued > 0) spdlog::info("convert: {} conversion(s) queued", *queued);
    {
        std::lock_guard lock(mutex_);
        pending_ = true;
        sweep_asked_ = true;  // a profile may have gone
    }
    wake_.notify_all();
}

void Converter::save(const RenditionRecord& record) {
    auto saved = store_.write([&](Tx& tx) -> Status {
        tx.media().save_rendition(record);
        return {};
    });
    if (!saved) spdlog::error("convert: cannot record progress: {}", saved.error().to_string());
}

void Converter::run() {
    // This thread, and so the ffmpeg it starts, gives way to serving.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kNice);
    const bool shared = store_.shared();
    while (!stopping_) {
        RenditionRecord before;
        auto next = store_.write([&](Tx& tx) -> Result<std::optional<RenditionRecord>> {
            const std::int64_t now = now_unix_ms();
            return tx.media().claim_rendition(instance_, now, now + kLease.count(), shared, before);
        });
        if (!next) {
            spdlog::error("convert: cannot read the queue: {}", next.error().to_string());
        } else if (*next) {
            // A failed one whose retry is due goes on counting its failures;
            // one cut short (a stop, a crash) counts from none.
            const int failures =
                before.status == "failed" ? failures_before_retry(before, config_.retry_delays) : 0;
            convert(std::move(**next), failures);
            // Manifests may have moved on from renditions no group has now.
            std::lock_guard lock(mutex_);
            sweep_asked_ = true;
            continue;
        }
        idle();
    }
}

void Converter::idle() {
    const auto now = std::chrono::steady_clock::now();
    bool sweep = now >= next_sweep_;
    {
        std::lock_guard lock(mutex_);
        sweep = sweep || sweep_asked_;
        sweep_asked_ = false;
    }
    if (sweep) {
        next_sweep_ = now + kSweepEvery;
        auto swept = media_.sweep_renditions();
        if (!swept) {
            spdlog::error("convert: renditions no group needs not removed: {}",
                          swept.error().to_string());
        } else if (*swept > 0) {
            spdlog::info("convert: {} conversion(s) for screen profiles no group has removed",
                         *swept);
        }
    }
    // When the next failed conversion is to be tried again.
    std::optional<std::int64_t> due;
    auto rows = store_.read(
        [](Tx& tx) -> Result<std::vector<RenditionRecord>> { return tx.media().renditions({}); });
    if (!rows) {
        spdlog::error("convert: cannot read the conversions: {}", rows.error().to_string());
    } else {
        for (const RenditionRecord& r : *rows) {
            if (r.status == "failed" && r.lease_until_ms > 0) {
                due = std::min(due.value_or(r.lease_until_ms), r.lease_until_ms);
            }
        }
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_sweep_ - now);
    if (store_.shared()) wait = std::min(wait, kLeaseCheckEvery);
    if (due) {
        wait = std::min(
            wait, std::chrono::milliseconds(std::max<std::int64_t>(0, *due - now_unix_ms()) + 1));
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, wait, [this] { return pending_ || stopping_; });
    pending_ = false;
}

Result<int> Converter::retry(const std::string& film, std::int64_t actor) {
    auto queued = store_.write([&](Tx& tx) -> Result<int> {
        auto found = tx.media().find(film);
        if (!found || !found->rendition_of.empty()) {
            return make_error(ErrorCode::not_found, "no media " + film, "sha256");
        }
        const std::string now = now_iso8601();
        nlohmann::json failed = nlohmann::json::array();
        for (RenditionRecord r : tx.media().renditions(film)) {
            if (r.status != "failed") continue;
            failed.push_back({{"profile", nlohmann::json::parse(r.profile_key, nullptr, false)},
                              {"error", r.error}});
            r.status = "queued";
            r.progress = 0;
            r.error.clear();
            r.claimed_by.clear();
            r.lease_until_ms = 0;
            r.updated_at = now;
            tx.media().save_rendition(r);
        }
        if (!failed.empty()) {
            tx.audit().record(actor, "retry_conversion", "media", film,
                              dump_audit({{"failed", failed}}), dump_audit({{"status", "queued"}}));
        }
        return static_cast<int>(failed.size());
    });
    if (queued && *queued > 0) {
        spdlog::info("convert: {} conversion(s) of {} queued again, as staff asked", *queued, film);
        {
            std::lock_guard lock(mutex_);
            pending_ = true;
        }
        wake_.notify_all();
    }
    return queued;
}

void Converter::convert(RenditionRecord work, int failures) {
    auto fail = [&](std::string why) {
        // Tried again after the next delay, if there is one left.
        const std::int64_t now = now_unix_ms();
        const auto& delays = config_.retry_delays;
        const bool again = static_cast<std::size_t>(failures) < delays.size();
        work.status = "failed";
        work.claimed_by.clear();
        work.updated_at = iso8601_of(now);
        work.lease_until_ms =
            again
                ? now +
                      std::chrono::milliseconds(delays[static_cast<std::size_t>(failures)]).count()
                : 0;
        spdlog::warn("convert: {} for {} failed (attempt {}): {}; {}", work.original_sha256,
                     work.profile_key, failures + 1, why,
                     again ? "tried again at " + iso8601_of(work.lease_until_ms)
                           : std::string("not tried again unless staff ask"));
        work.error = std::move(why);
        save(work);
    };
    auto film = media_.find(work.original_sha256);
    if (!film || !*film || !(*film)->video) return fail("the film is no longer stored");
    const MediaInfo& original = **film;
    auto target = rendition_target(work.profile_key);
    if (!target) return fail("the profile cannot be read: " + target.error().to_string());
    if (config_.ffmpeg.empty()) return fail("the ffmpeg program is not installed");

    work.status = "converting";
    work.progress = 0;
    work.error.clear();
    work.updated_at = now_iso8601();
    work.lease_until_ms = now_unix_ms() + kLease.count();
    save(work);
    fault::pause("convert.before_ffmpeg");

    std::error_code ec;
    std::filesystem::create_directories(config_.spool_dir, ec);
    const auto out = temporary_path_for(config_.spool_dir / (original.sha256 + ".mp4"));
    auto last_saved = std::chrono::steady_clock::now();
    ProgressReader progress(original.video->duration_ms, [&](double p) {
        const auto now = std::chrono::steady_clock::now();
        const bool renew = now - last_saved >= kLeaseRenewEvery;
        if (!renew && (p < work.progress + 0.01 || now - last_saved < kProgressEvery)) return;
        work.progress = std::max(work.progress, p);
        work.updated_at = now_iso8601();
        work.lease_until_ms = now_unix_ms() + kLease.count();
        save(work);
        last_saved = now;
    });
    ChildLimits limits;
    limits.timeout = time_limit(config_, *original.video);
    limits.output_bytes = 64 * 1024;
    limits.cancel = &stopping_;
    limits.on_out = [&progress](std::string_view chunk) { progress.feed(chunk); };
    limits.own_group = true;
    spdlog::info("convert: {} to {}", original.sha256, work.profile_key);
    auto ran = run_child(
        config_.ffmpeg,
        convert_arguments(*original.video, *target, media_.path_for(original.sha256), out), {},
        limits);
    auto cleanup = [&out] {
        std::error_code ignored;
        std::filesystem::remove(out, ignored);
    };
    if (!ran) {
        cleanup();
        return fail("ffmpeg could not be started: " + ran.error().message);
    }
    if (ran->cancelled) {  // the server stops: it, or another instance, starts it over
        cleanup();
        work.lease_until_ms = 0;
        save(work);
        return;
    }
    if (ran->timed_out) {
        cleanup();
        std::string why = "ffmpeg took longer than " + seconds_text(limits.timeout) + " s";
        if (const auto said = last_lines(ran->err); !said.empty()) why += ": " + said;
        return fail(std::move(why));
    }
    if (ran->exit_code != 0) {
        cleanup();
        std::string why = ran->exit_code < 0
                              ? std::string("ffmpeg was killed")
                              : "ffmpeg exited with status " + std::to_string(ran->exit_code);
        if (const auto said = last_lines(ran->err); !said.empty()) why += ": " + said;
        return fail(std::move(why));
    }
    auto stored = media_.ingest_rendition(out, original);
    cleanup();
    if (!stored) return fail("the converted film was refused: " + stored.error().message);
    work.status = "done";
    work.lease_until_ms = 0;
    work.progress = 1;
    work.rendition_sha256 = stored->sha256;
    work.updated_at = now_iso8601();
    save(work);
    spdlog::info("convert: {} is {} for {}", original.sha256, stored->sha256, work.profile_key);
    if (on_done_) on_done_();
}

}  // namespace signage::server
