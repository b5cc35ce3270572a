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
#include <type_traits>
#include <utility>

#include "common/result.hpp"
#include "store/repositories.hpp"
#include "store/screen_cache.hpp"

namespace signage::server {

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
};

}  // namespace signage::server
