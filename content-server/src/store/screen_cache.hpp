#pragma once
// What the server keeps in memory about screens so that a screen's poll does
// not wait on the database: the screen of each device token hash already
// resolved, and when last_seen was last written for each screen.
//
// Any change to the screens clears the tokens (forget()); a lookup started
// before a change cannot put its older answer back (generation()).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/records.hpp"

namespace signage::server {

class ScreenCache {
  public:
    std::optional<Screen> find(const std::string& token_hash);
    // The same without a copy: the cached screen itself, or null.
    std::shared_ptr<const Screen> find_shared(const std::string& token_hash);
    // The current generation: take it before reading a screen from the
    // database, and hand it to put().
    std::uint64_t generation();
    // Keeps `screen` for its token unless the screens changed since `generation`.
    void put(const std::string& token_hash, const Screen& screen, std::uint64_t generation);
    void forget();  // the screens changed: every token is read again

    // last_seen was written for the screen at `unix_now`.
    void touched(std::int64_t screen_id, std::int64_t unix_now);
    void forget_touch(std::int64_t screen_id);
    // Whether last_seen was written less than `seconds` ago.
    bool seen_within(std::int64_t screen_id, std::int64_t seconds);

  private:
    static constexpr std::size_t kTokenLimit = 100000;
    std::mutex mutex_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, std::shared_ptr<const Screen>> tokens_;
    std::unordered_map<std::int64_t, std::int64_t> last_touch_;  // screen id -> unix seconds
};

}  // namespace signage::server
