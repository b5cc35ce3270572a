#include "core/play_log.hpp"

#include <algorithm>

#include "common/random.hpp"

namespace signage::player {

namespace {

// A record covers at most a day (the protocol's limit); an emergency notice
// valid for longer is logged as consecutive records.
constexpr std::int64_t kPlayMaxMs = 24LL * 60 * 60 * 1000;

const std::string& play_title(const protocol::Slide& s) {
    static const std::string core_values = "社会主义核心价值观";
    if (!s.title.empty() || s.type != protocol::SlideType::core_values) return s.title;
    return core_values;
}

}  // namespace

std::string PlayLog::new_boot_id() {
    return random_hex(6);
}

PlayLog::PlayLog(std::string boot_id, Sink sink)
    : boot_(std::move(boot_id)), sink_(std::move(sink)) {}

void PlayLog::finish(std::int64_t now_ms, bool loop_over) {
    if (!open_) return;
    protocol::Play p = std::move(*open_);
    open_.reset();
    std::int64_t left = std::max<std::int64_t>(0, now_ms - p.start_ms);
    // Pieces of a very long play, each with its own id.
    while (left > kPlayMaxMs) {
        protocol::Play piece = p;
        piece.duration_ms = kPlayMaxMs;
        piece.id = boot_ + "-" + std::to_string(++serial_);
        sink_(piece);
        p.start_ms += kPlayMaxMs;
        left -= kPlayMaxMs;
    }
    p.duration_ms = left;
    p.loop_end = p.kind == protocol::PlayKind::item && loop_over && !loop_broken_;
    sink_(p);
}

void PlayLog::open(protocol::Play p, std::int64_t now_ms, const std::string& manifest_version) {
    p.id = boot_ + "-" + std::to_string(++serial_);
    p.start_ms = now_ms;
    p.manifest_version = manifest_version;
    open_ = std::move(p);
}

void PlayLog::show(const Decision& d, std::int64_t now_ms, const std::string& manifest_version) {
    const bool new_loop = d.mode == Mode::item && d.starts_loop;
    finish(now_ms, new_loop);
    if (d.mode == Mode::power_off || !d.slide) return;
    if (new_loop) {
        loop_id_ = boot_ + "-L" + std::to_string(++loops_);
        loop_broken_ = false;
    }
    protocol::Play p;
    p.slide_id = d.slide->id;
    p.title = play_title(*d.slide);
    if (d.mode == Mode::emergency) {
        p.kind = protocol::PlayKind::emergency;
        p.public_service = true;
    } else {
        p.kind = protocol::PlayKind::item;
        p.loop_id = loop_id_.empty() ? boot_ + "-L0" : loop_id_;
        p.public_service = d.slide->public_service;
    }
    open(std::move(p), now_ms, manifest_version);
}

void PlayLog::show_invitation(std::int64_t now_ms, const std::string& manifest_version,
                              bool loop_over) {
    finish(now_ms, loop_over);
    protocol::Play p;
    p.kind = protocol::PlayKind::quiz_invitation;
    p.slide_id = "quiz-invitation";
    p.title = "文明知识有奖问答";
    // Not counted as public service: the schedule's guaranteed share does
    // not rely on the invitation, so the report does not either.
    p.public_service = false;
    open(std::move(p), now_ms, manifest_version);
}

void PlayLog::stop(std::int64_t now_ms) {
    finish(now_ms, false);
}

}  // namespace signage::player
