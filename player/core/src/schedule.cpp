#include "core/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace signage::player {

using protocol::Slide;
using protocol::SlideType;
using protocol::Timestamp;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// The longest look-ahead for a boundary (a power-off window's end, a
// daypart's end): a day and a bit covers every daily window.
constexpr int kScanMinutes = 25 * 60;

bool schedule_active(const Slide& s, const TimeZone& tz, Timestamp t) {
    if (s.schedule.empty()) return true;
    const LocalTime lt = tz.local(t);
    return s.schedule.active_at(lt.weekday, lt.minute_of_day);
}

bool in_power_off(const protocol::GroupSettings& g, const TimeZone& tz, Timestamp t) {
    return in_daily_windows(g.power_off, tz, t);
}

// The first minute boundary after `t` (within `limit`) where pred(t') != pred(t).
template <typename Pred>
std::optional<Timestamp> next_change(Timestamp t, Timestamp limit, Pred pred) {
    const bool now = pred(t);
    // Boundaries fall on whole local minutes; offsets are whole minutes.
    Timestamp m = std::chrono::floor<minutes>(t) + minutes{1};
    for (int i = 0; i < kScanMinutes && m < limit; ++i, m += minutes{1}) {
        if (pred(m) != now) return m;
    }
    return std::nullopt;
}

bool eligible(const Slide& s, Timestamp now, const TimeZone& tz) {
    const auto offset = tz.offset_at(now);
    if (!s.is_valid_at(now, offset) || !schedule_active(s, tz, now)) return false;
    if (s.type == SlideType::red_black) {
        // A list whose every entry has ended has nothing left to show.
        auto any_valid = [&](const std::vector<protocol::ListEntry>& list) {
            return std::any_of(list.begin(), list.end(), [&](const protocol::ListEntry& e) {
                return e.is_valid_at(now, offset);
            });
        };
        return any_valid(s.red) || any_valid(s.black);
    }
    return true;
}

const Slide* current_emergency(const protocol::Manifest* m, Timestamp now, const TimeZone& tz) {
    if (!m) return nullptr;
    const Slide* best = nullptr;
    Timestamp best_start{};
    for (const auto& s : m->items) {
        if (s.type != SlideType::emergency || !eligible(s, now, tz)) continue;
        Timestamp start{};
        if (!s.valid_from.empty()) {
            if (auto from = protocol::parse_iso8601(s.valid_from, tz.offset_at(now), false)) {
                start = *from;
            }
        }
        if (!best || s.priority > best->priority ||
            (s.priority == best->priority && start > best_start)) {
            best = &s;
            best_start = start;
        }
    }
    return best;
}

// The earliest start of an emergency notice after `now`, if any.
std::optional<Timestamp> next_emergency_start(const protocol::Manifest* m, Timestamp now,
                                              const TimeZone& tz) {
    std::optional<Timestamp> first;
    if (!m) return first;
    for (const auto& s : m->items) {
        if (s.type != SlideType::emergency || s.valid_from.empty()) continue;
        auto from = protocol::parse_iso8601(s.valid_from, tz.offset_at(now), false);
        if (from && *from > now && (!first || *from < *first)) first = *from;
    }
    return first;
}

struct Candidate {
    const Slide* slide;
    std::int64_t airtime;
    bool fresh = false;  // new or changed by a publish: plays next (rule 6)
};

// The order of what is left of a loop (see the header's rule 3).
std::vector<Candidate> remaining_plan(const protocol::Manifest* m, Timestamp now,
                                      const TimeZone& tz, const LoopState& h, double share) {
    const auto offset = tz.offset_at(now);
    auto airtime = [&](const Slide& s) {
        return static_cast<std::int64_t>(s.airtime_s(now, offset));
    };
    std::vector<const Slide*> all;  // eligible rotation items
    if (m) {
        for (const auto& s : m->items) {
            if (s.in_rotation() && eligible(s, now, tz)) all.push_back(&s);
        }
    }
    int top = 0;
    for (const Slide* s : all) top = std::max(top, s->priority);
    std::vector<const Slide*> tier;
    for (const Slide* s : all) {
        if (s->priority == top) tier.push_back(s);
    }
    if (tier.empty()) tier.push_back(&default_slide());
    // The loop follows the manifest's order: the group's rotation order, as
    // the server arranged it.

    auto played_count = [&](const std::string& id) {
        return std::count(h.played.begin(), h.played.end(), id);
    };
    std::vector<Candidate> natural;  // what is left of the loop, in its order
    std::int64_t ps_total = h.public_s, total = h.played_s;
    auto add = [&](const Slide* s, bool fresh) {
        if (!s->public_service && share >= 1.0) return;
        const auto a = airtime(*s);
        total += a;
        if (s->public_service) ps_total += a;
        natural.push_back({s, a, fresh});
    };
    // What a publish brought plays first, in the order it was published.
    for (const std::string& id : h.fresh) {
        auto s =
            std::find_if(tier.begin(), tier.end(), [&](const Slide* t) { return t->id == id; });
        if (s != tier.end()) add(*s, true);
    }
    for (const Slide* s : tier) {
        if (played_count(s->id) == 0 && !h.is_fresh(s->id)) add(s, false);
    }
    std::vector<Candidate> extra;
    // Repeat public-service items until the loop reaches the minimum share:
    // (ps_total + x) / (total + x) >= share.
    // (Also when only repeats are left: items a publish brought may have
    // played ahead of the repeats that make up for them.)
    if (share > 0.0 && (!natural.empty() || !h.played.empty()) &&
        static_cast<double>(ps_total) < share * static_cast<double>(total)) {
        std::vector<const Slide*> pool;
        for (const Slide* s : tier) {
            if (s->public_service) pool.push_back(s);
        }
        if (pool.empty()) {
            for (const Slide* s : all) {
                if (s->public_service) pool.push_back(s);
            }
        }
        if (pool.empty()) pool.push_back(&default_slide());
        // Least played first, so repeats spread over the pool.
        std::stable_sort(pool.begin(), pool.end(), [&](const Slide* a, const Slide* b) {
            return played_count(a->id) < played_count(b->id);
        });
        // Bounded: history from before a settings change could otherwise
        // ask for more than any loop can give.
        constexpr std::size_t kMaxRepeats = 1000;
        for (std::size_t i = 0;
             i < kMaxRepeats && static_cast<double>(ps_total) < share * static_cast<double>(total);
             ++i) {
            const Slide* s = pool[i % pool.size()];
            const auto a = std::max<std::int64_t>(1, airtime(*s));
            extra.push_back({s, a});
            ps_total += a;
            total += a;
        }
    }

    // The loop keeps its order; when the next item would take the share of
    // the loop so far below the minimum, a public-service item goes first: a
    // repeat, else the next public-service item pulled forward. Fresh items
    // are not held back: the repeats counted them, so the whole loop still
    // meets the minimum.
    std::vector<Candidate> plan;
    std::size_t next_extra = 0;
    std::int64_t run_ps = h.public_s, run_total = h.played_s;
    auto take = [&](Candidate c) {
        run_total += c.airtime;
        if (c.slide->public_service) run_ps += c.airtime;
        plan.push_back(c);
    };
    for (std::size_t i = 0; i < natural.size();) {
        const Candidate& c = natural[i];
        const bool keeps_share =
            c.fresh || c.slide->public_service ||
            static_cast<double>(run_ps) >= share * static_cast<double>(run_total + c.airtime);
        if (keeps_share) {
            take(c);
            ++i;
        } else if (next_extra < extra.size()) {
            take(extra[next_extra++]);
        } else {
            auto ps =
                std::find_if(natural.begin() + static_cast<std::ptrdiff_t>(i) + 1, natural.end(),
                             [](const Candidate& n) { return n.slide->public_service; });
            if (ps == natural.end()) {
                take(c);
                ++i;
            } else {
                const Candidate pulled = *ps;
                natural.erase(ps);
                take(pulled);
            }
        }
    }
    while (next_extra < extra.size()) take(extra[next_extra++]);
    return plan;
}

}  // namespace

const protocol::Slide& default_slide() {
    static const Slide slide = [] {
        Slide s;
        s.id = "builtin:core_values";
        s.type = SlideType::core_values;
        s.title = "社会主义核心价值观";
        s.duration_s = 30;
        s.category = "核心价值观";
        s.public_service = true;
        return s;
    }();
    return slide;
}

Decision decide(const protocol::Manifest* m, Timestamp now, const TimeZone& tz,
                const LoopState& history) {
    Decision d;
    d.start = now;
    const protocol::GroupSettings settings = m ? m->settings : protocol::GroupSettings{};

    if (const Slide* e = current_emergency(m, now, tz)) {
        d.mode = Mode::emergency;
        d.slide = e;
        const auto until = e->valid_until_at(tz.offset_at(now));
        d.until = until ? *until : now + seconds{60};
        if (auto next = next_emergency_start(m, now, tz); next && *next < d.until) {
            d.until = *next;  // a newer notice may take over
        }
        return d;
    }

    const auto emergency_start = next_emergency_start(m, now, tz);
    const Timestamp far = now + minutes{kScanMinutes};
    const Timestamp horizon = emergency_start ? std::min(*emergency_start, far) : far;
    auto off = [&](Timestamp t) { return in_power_off(settings, tz, t); };

    if (off(now)) {
        d.mode = Mode::power_off;
        d.until = next_change(now, horizon, off).value_or(horizon);
        return d;
    }

    LoopState h = history;
    auto plan = h.loop == 0 ? std::vector<Candidate>{}
                            : remaining_plan(m, now, tz, h, settings.min_public_share);
    if (plan.empty()) {
        h = LoopState{};
        h.loop = history.loop + 1;
        h.fresh = history.fresh;
        d.starts_loop = true;
        plan = remaining_plan(m, now, tz, h, settings.min_public_share);
    }
    const Candidate next = plan.front();
    d.mode = Mode::item;
    d.slide = next.slide;
    d.loop = h.loop;
    d.pages = next.slide->pages_at(now, tz.offset_at(now));

    Timestamp until = now + seconds{std::max<std::int64_t>(1, next.airtime)};
    if (auto expiry = next.slide->valid_until_at(tz.offset_at(now)); expiry && *expiry < until) {
        until = *expiry;
    }
    if (emergency_start && *emergency_start < until) until = *emergency_start;
    if (!settings.power_off.empty()) {
        if (auto start = next_change(now, until, off)) until = *start;
    }
    if (!next.slide->schedule.empty()) {
        const Slide& s = *next.slide;
        if (auto end =
                next_change(now, until, [&](Timestamp t) { return schedule_active(s, tz, t); })) {
            until = *end;
        }
    }
    d.until = until;
    return d;
}

void record(LoopState& history, const Decision& d) {
    if (d.mode != Mode::item || !d.slide) return;
    if (d.starts_loop) {
        auto fresh = std::move(history.fresh);
        history = LoopState{};
        history.loop = d.loop;
        history.fresh = std::move(fresh);
    }
    std::erase(history.fresh, d.slide->id);
    const auto airtime = d.airtime_s();
    history.played.push_back(d.slide->id);
    history.played_s += airtime;
    if (d.slide->public_service) history.public_s += airtime;
}

bool carry_over(LoopState& history, const protocol::Manifest* previous,
                const protocol::Manifest& next) {
    if (!previous) {
        history = LoopState{};
        return false;
    }
    // The share the loop so far was played for no longer applies.
    const bool new_loop = previous->settings.min_public_share != next.settings.min_public_share;
    if (new_loop) {
        auto fresh = std::move(history.fresh);
        history = LoopState{};
        history.fresh = std::move(fresh);
    }
    std::erase_if(history.fresh, [&](const std::string& id) {
        return std::none_of(next.items.begin(), next.items.end(),
                            [&](const Slide& s) { return s.id == id; });
    });
    for (const Slide& s : next.items) {
        if (!s.in_rotation()) continue;
        auto before = std::find_if(previous->items.begin(), previous->items.end(),
                                   [&](const Slide& p) { return p.id == s.id; });
        const bool changed =
            before == previous->items.end() || protocol::to_json(*before) != protocol::to_json(s);
        if (changed && !history.is_fresh(s.id)) history.fresh.push_back(s.id);
    }
    return !new_loop;
}

bool in_daily_windows(const std::vector<protocol::DayPart>& windows, const TimeZone& tz,
                      Timestamp t) {
    if (windows.empty()) return false;
    const int minute = tz.local(t).minute_of_day;
    return std::any_of(windows.begin(), windows.end(),
                       [&](const protocol::DayPart& d) { return d.contains(minute); });
}

std::vector<std::string> ticker_at(const protocol::Manifest* m, Timestamp now, const TimeZone& tz) {
    std::vector<std::string> out;
    if (!m) return out;
    for (const auto& s : m->items) {
        if (s.type == SlideType::notice && eligible(s, now, tz)) out.push_back(s.body);
    }
    return out;
}

}  // namespace signage::player
