#pragma once
// The store: every durable record of the content server, reached through the
// repositories (store/repositories.hpp) inside a transaction:
//
//     auto user = store.write([&](Tx& tx) -> Result<User> { ... tx.users() ... });
//
// write() runs its callback in one transaction and commits when it returns a
// value (or an ok Status); an error result or a throw rolls everything back.
// A database failure inside becomes an "internal" error. read() is the same
// for callbacks that only read. Calls never throw.
//
// Threading: any thread. A backend may serialise transactions; a callback must
// not call the store again (it would wait on itself).
//
// The SQLite backend is store/sqlite/sqlite_store.hpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "common/result.hpp"
#include "store/repositories.hpp"
#include "store/screen_cache.hpp"
#include "units/unit_tree.hpp"

namespace signage::server {

// What another server instance on the same database changed (PostgreSQL
// only: its notifications; an instance never hears its own).
struct StoreEvent {
    enum class Kind {
        manifest,  // a group's manifest was stored: `subject` names the group
        screens,   // screens changed (tokens, groups): forget cached tokens
        moved,     // screen `subject` (its id) moved to another group
        released,  // screen `subject`'s token was revoked
        command,   // `text` is a command for screen `subject`
        resync,    // events may have been missed (the connection came back)
    };
    Kind kind = Kind::screens;
    std::string subject;
    std::string text;
};

// The state of the store's connections, for /metrics.
struct StoreHealth {
    std::string backend;                 // "sqlite" or "postgresql"
    std::size_t connections = 1;         // open
    std::size_t idle = 0;                // open and free
    bool events_connected = true;        // listening for other instances' changes
    std::uint64_t event_reconnects = 0;  // the event connection came back
};

class Store {
  public:
    virtual ~Store() = default;
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // `f(Tx&)` returns a Result<T> or a Status; so does write().
    template <class F>
    auto write(F&& f) -> std::invoke_result_t<F&, Tx&> {
        return run(Mode::write, f);
    }
    template <class F>
    auto read(F&& f) -> std::invoke_result_t<F&, Tx&> {
        return run(Mode::read, f);
    }

    // Device tokens already resolved and the screens' last writes of
    // last_seen, in memory (the I/O thread's fast path). Screen changes made
    // through write() clear its tokens.
    ScreenCache& screen_cache() { return screen_cache_; }
    // The unit tree as last read, kept while the database's unit version
    // stands (Tx::unit_tree reads through it).
    UnitTreeCache& unit_cache() { return unit_cache_; }

    // Events from other instances on the same database go to `handler`, on
    // the store's own thread, one at a time (PostgreSQL; SQLite has no
    // other instance and never calls it). Set once, before serving.
    virtual void on_event(std::function<void(const StoreEvent&)> handler) { (void)handler; }
    // Tells the other instances (not this one) of `event` now, outside any
    // transaction (changes made in a transaction are told by the store
    // itself when it commits).
    virtual void announce(const StoreEvent& event) { (void)event; }
    virtual StoreHealth health() const { return StoreHealth{"sqlite"}; }
    // Whether other instances may write the same records (PostgreSQL): what
    // this one holds in memory may then be a moment behind the database.
    virtual bool shared() const { return false; }
    // No event reaches the handler after this returns (before what the
    // handler uses goes away).
    virtual void stop_events() {}

  protected:
    enum class Mode { read, write };
    // Runs `body` in one transaction: commits when it returns true, rolls back
    // when it returns false or throws (then "internal").
    virtual Status transact(Mode mode, const std::function<bool(Tx&)>& body) = 0;

  private:
    template <class F>
    auto run(Mode mode, F& f) -> std::invoke_result_t<F&, Tx&> {
        using R = std::invoke_result_t<F&, Tx&>;
        std::optional<R> out;
        Status st = transact(mode, [&](Tx& tx) {
            out.emplace(f(tx));
            return static_cast<bool>(*out);
        });
        if (!st) return R(st.error());
        return std::move(*out);
    }

    ScreenCache screen_cache_;
    UnitTreeCache unit_cache_;
};

}  // namespace signage::server
