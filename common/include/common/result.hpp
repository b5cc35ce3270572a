#pragma once
// Result<T>: the value of an operation that can fail in an expected way
// (bad input, network, I/O). Errors carry a code, a message for people and,
// where there is one, the path of the offending field ("items[3].valid_until").
// Exceptions are kept for broken invariants and start-up.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "common/error_code.hpp"

namespace signage {

struct Error {
    ErrorCode code = ErrorCode::internal;  // what kind of failure (common/error_code.hpp)
    std::string message;                   // for people: what was wrong
    std::string field;                     // offending field path, empty when there is none

    // "field: message", or just "message" when there is no field.
    std::string to_string() const { return field.empty() ? message : field + ": " + message; }
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
    return Error{code, std::move(message), std::move(field)};
}

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const {
        assert(!ok_);
        return error_;
    }

  private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace signage
