#include "publish/manifest_hub.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace signage::server {

namespace net = boost::asio;

struct ManifestHub::Impl {
    using Time = std::chrono::steady_clock::time_point;
    struct Waiter {
        std::string group;
        std::int64_t screen_id = 0;
        std::string known_version;
        WaitCallback done;
        Time deadline;
        bool accepts_commands = false;
    };

    Impl(net::io_context& io, Loader load)
        : strand(net::make_strand(io)), expiry(strand), loader(std::move(load)) {}

    SnapshotPtr cached(const std::string& group) {
        std::lock_guard lock(mutex);
        auto it = snapshots.find(group);
        return it == snapshots.end() ? nullptr : it->second;
    }

    // Strand only from here on.
    void add_waiter(const std::string& group, std::int64_t screen_id, const std::string& known,
                    std::chrono::milliseconds wait, WaitCallback done, bool accepts_commands) {
        if (accepts_commands) {
            if (auto cmd = pending_commands.find(screen_id); cmd != pending_commands.end()) {
                SnapshotPtr command = std::move(cmd->second);
                pending_commands.erase(cmd);
                done(std::move(command));
                return;
            }
        }
        if (auto moved = moved_to.find(screen_id);
            moved != moved_to.end() && moved->second != group) {
            // The screen was moved after this request read its group.
            if (auto snap = cached(moved->second)) {
                done(std::move(snap));
                return;
            }
        }
        if (auto snap = cached(group); snap && snap->version != known) {
            done(std::move(snap));
            return;
        }
        const std::uint64_t id = next_id++;
        const Time deadline = std::chrono::steady_clock::now() + wait;
        waiters.emplace(
            id, Waiter{group, screen_id, known, std::move(done), deadline, accepts_commands});
        deadlines.emplace(deadline, id);
        arm_expiry();
        by_group[group].insert(id);
        by_screen[screen_id].insert(id);
        count.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard lock(mutex);
        ++waiting_screens[screen_id];
    }

    template <class Index, class Key>
    static void forget(Index& index, const Key& key, std::uint64_t id) {
        auto it = index.find(key);
        if (it == index.end()) return;
        it->second.erase(id);
        if (it->second.empty()) index.erase(it);
    }

    // One timer for every wait, set for the earliest deadline: a wait costs
    // an entry in `deadlines`, not a timer of its own to cancel when a
    // publish answers it.
    void arm_expiry() {
        if (deadlines.empty()) return;
        const Time first = deadlines.begin()->first;
        if (armed_for == first) return;
        armed_for = first;
        expiry.expires_at(first);
        expiry.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;  // set again for an earlier deadline, or shut down
            armed_for = Time{};
            const Time now = std::chrono::steady_clock::now();
            std::vector<Waiter> ended;
            while (!deadlines.empty() && deadlines.begin()->first <= now) {
                ended.push_back(take(deadlines.begin()->second));
            }
            arm_expiry();
            for (Waiter& w : ended) w.done(nullptr);
        });
    }

    // Takes one waiter out of every index; the caller answers it.
    Waiter take(std::uint64_t id) {
        std::lock_guard lock(mutex);
        Waiter w = take_locked(waiters.find(id));
        forget(by_group, w.group, id);
        return w;
    }

    // Takes the waiter at `it` out of every index but `by_group`, which the
    // caller sees to; the caller holds `mutex`.
    Waiter take_locked(std::unordered_map<std::uint64_t, Waiter>::iterator it) {
        const std::uint64_t id = it->first;
        Waiter w = std::move(it->second);
        waiters.erase(it);
        deadlines.erase({w.deadline, id});
        forget(by_screen, w.screen_id, id);
        if (auto ws = waiting_screens.find(w.screen_id);
            ws != waiting_screens.end() && --ws->second == 0) {
            waiting_screens.erase(ws);
        }
        count.fetch_sub(1, std::memory_order_relaxed);
        return w;
    }

    void wake(const SnapshotPtr& snap) {
        // A later snapshot replaced this one before its turn came: that one
        // wakes the group (its wake is queued behind this one).
        if (cached(snap->group) != snap) return;
        auto g = by_group.find(snap->group);
        if (g == by_group.end()) return;
        // The whole group is taken out first, in one pass over each index,
        // and then answered: each answer is written as it is made.
        std::vector<Waiter> woken;
        woken.reserve(g->second.size());
        {
            std::lock_guard lock(mutex);
            for (auto id_it = g->second.begin(); id_it != g->second.end();) {
                const std::uint64_t id = *id_it;
                auto it = waiters.find(id);
                if (it->second.known_version == snap->version) {
                    ++id_it;
                    continue;
                }
                woken.push_back(take_locked(it));
                id_it = g->second.erase(id_it);
            }
        }
        if (g->second.empty()) by_group.erase(g);
        arm_expiry();
        for (Waiter& w : woken) w.done(snap);
    }

    void reassign(std::int64_t screen_id, const SnapshotPtr& snap) {
        moved_to[screen_id] = snap->group;
        answer_screen(screen_id, snap);
    }

    // Answers every waiter of one screen with `snap` (nullptr: as if the
    // wait ran out).
    void answer_screen(std::int64_t screen_id, const SnapshotPtr& snap) {
        auto s = by_screen.find(screen_id);
        if (s == by_screen.end()) return;
        const std::vector<std::uint64_t> ids(s->second.begin(), s->second.end());
        for (std::uint64_t id : ids) take(id).done(snap);
    }

    void command(std::int64_t screen_id, const SnapshotPtr& cmd) {
        std::vector<std::uint64_t> ids;
        if (auto s = by_screen.find(screen_id); s != by_screen.end()) {
            for (std::uint64_t id : s->second) {
                if (waiters.at(id).accepts_commands) ids.push_back(id);
            }
        }
        if (ids.empty()) {
            pending_commands[screen_id] = cmd;
            return;
        }
        for (std::uint64_t id : ids) take(id).done(cmd);
    }

    net::strand<net::io_context::executor_type> strand;
    net::steady_timer expiry;  // for the earliest deadline
    Time armed_for{};          // the deadline it is set for, if any
    Loader loader;
    mutable std::mutex mutex;  // guards snapshots and waiting_screens
    std::unordered_map<std::string, SnapshotPtr> snapshots;
    std::function<void(std::int64_t, const std::string&)> relay;  // set before serving
    std::unordered_map<std::int64_t, int> waiting_screens;        // screen id -> its waits
    // Strand only:
    std::unordered_map<std::uint64_t, Waiter> waiters;
    std::set<std::pair<Time, std::uint64_t>> deadlines;
    std::unordered_map<std::string, std::unordered_set<std::uint64_t>> by_group;
    std::unordered_map<std::int64_t, std::unordered_set<std::uint64_t>> by_screen;
    // Screens moved while this server runs: screen id -> its group now.
    std::unordered_map<std::int64_t, std::string> moved_to;
    // Commands for screens that were not waiting: screen id -> the newest.
    std::unordered_map<std::int64_t, SnapshotPtr> pending_commands;
    std::uint64_t next_id = 1;
    std::atomic<std::size_t> count{0};
};

ManifestHub::ManifestHub(net::io_context& io, Loader loader)
    : impl_(std::make_unique<Impl>(io, std::move(loader))) {}

ManifestHub::~ManifestHub() {
    shutdown();
}

SnapshotPtr ManifestHub::loaded(const std::string& group) {
    return impl_->cached(group);
}

Result<SnapshotPtr> ManifestHub::current(const std::string& group) {
    if (auto snap = impl_->cached(group)) return snap;
    auto loaded = impl_->loader(group);  // outside the lock: it reads the database
    if (!loaded) return loaded.error();
    std::lock_guard lock(impl_->mutex);
    auto [it, inserted] = impl_->snapshots.try_emplace(
        group, std::make_shared<const ManifestSnapshot>(std::move(*loaded)));
    return it->second;  // a concurrent publish or load may have won: keep theirs
}

Status ManifestHub::reload(const std::string& group) {
    auto loaded = impl_->loader(group);
    if (!loaded) return loaded.error();
    update(std::make_shared<const ManifestSnapshot>(std::move(*loaded)));
    return {};
}

void ManifestHub::wait_for_change(const std::string& group, std::int64_t screen_id,
                                  const std::string& known_version, std::chrono::milliseconds wait,
                                  WaitCallback done, bool accepts_commands) {
    net::post(impl_->strand, [impl = impl_.get(), group, screen_id, known_version, wait,
                              done = std::move(done), accepts_commands]() mutable {
        impl->add_waiter(group, screen_id, known_version, wait, std::move(done), accepts_commands);
    });
}

void ManifestHub::set_command_relay(std::function<void(std::int64_t, const std::string&)> relay) {
    impl_->relay = std::move(relay);
}

void ManifestHub::send_command(std::int64_t screen_id, std::string command_json, bool relay) {
    if (relay && impl_->relay && !is_waiting(screen_id)) impl_->relay(screen_id, command_json);
    auto cmd = std::make_shared<ManifestSnapshot>();
    cmd->json = std::move(command_json);
    cmd->command = true;
    net::post(impl_->strand, [impl = impl_.get(), screen_id, cmd = SnapshotPtr(std::move(cmd))] {
        impl->command(screen_id, cmd);
    });
}

std::vector<std::string> ManifestHub::groups() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::string> out;
    out.reserve(impl_->snapshots.size());
    for (const auto& [group, snapshot] : impl_->snapshots) out.push_back(group);
    return out;
}

bool ManifestHub::is_waiting(std::int64_t screen_id) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->waiting_screens.count(screen_id) > 0;
}

void ManifestHub::update(SnapshotPtr snapshot) {
    {
        std::lock_guard lock(impl_->mutex);
        SnapshotPtr& current = impl_->snapshots[snapshot->group];
        if (current && current->sequence >= snapshot->sequence) return;  // older or the same
        current = snapshot;
    }
    net::post(impl_->strand,
              [impl = impl_.get(), snapshot = std::move(snapshot)] { impl->wake(snapshot); });
}

void ManifestHub::reassign_screen(std::int64_t screen_id, SnapshotPtr snapshot) {
    {
        // Cached, so a wait that starts in the old group can be answered.
        std::lock_guard lock(impl_->mutex);
        impl_->snapshots.try_emplace(snapshot->group, snapshot);
    }
    net::post(impl_->strand, [impl = impl_.get(), screen_id, snapshot = std::move(snapshot)] {
        impl->reassign(screen_id, snapshot);
    });
}

void ManifestHub::release_screen(std::int64_t screen_id) {
    net::post(impl_->strand,
              [impl = impl_.get(), screen_id] { impl->answer_screen(screen_id, nullptr); });
}

void ManifestHub::shutdown() {
    impl_->deadlines.clear();
    impl_->by_screen.clear();
    impl_->by_group.clear();
    impl_->waiters.clear();
    impl_->pending_commands.clear();
    impl_->count.store(0);
    std::lock_guard lock(impl_->mutex);
    impl_->waiting_screens.clear();
}

std::size_t ManifestHub::waiting() const {
    return impl_->count.load(std::memory_order_relaxed);
}

}  // namespace signage::server
