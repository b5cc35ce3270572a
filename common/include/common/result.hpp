#pragma once
// Result<T>: the value of an operation that can fail in an expected way
// (bad input, network, I/O). Errors carry a code, a message for people and,
// where there is one, the path of the offending field ("items[3].valid_until").
// Exceptions are kept for broken invariants and start-up.

#include <cassert>
#include <concepts>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/error_code.hpp"

namespace signage {

// One parameter of an error's reason: {"max", 3600} or {"format", "date"}.
struct ErrorParam {
    std::string name;
    std::string value;
    bool number = false;  // sent as a JSON number

    ErrorParam(std::string n, std::string v) : name(std::move(n)), value(std::move(v)) {}
    ErrorParam(std::string n, const char* v) : name(std::move(n)), value(v) {}
    template <std::integral I>
    ErrorParam(std::string n, I v) : name(std::move(n)), value(std::to_string(v)), number(true) {}
};

struct Error {
    ErrorCode code = ErrorCode::internal;    // what kind of failure (common/error_code.hpp)
    std::string message;                     // for people (in English, for logs and scripts)
    std::string field;                       // offending field path, empty when there is none
    ErrorReason reason = ErrorReason::none;  // the rule broken, for clients to word
    std::vector<ErrorParam> params;          // the rule's parameters (see the reason table)

    // "field: message", or just "message" when there is no field.
    std::string to_string() const { return field.empty() ? message : field + ": " + message; }

    // The same error with its reason: make_error(…).because(ErrorReason::range, {{"min", 1}}).
    Error because(ErrorReason why, std::initializer_list<ErrorParam> with = {}) && {
        reason = why;
        params.assign(with.begin(), with.end());
        return std::move(*this);
    }
    // The same error (reason and parameters kept) about another field.
    Error at(std::string path) const {
        Error e = *this;
        e.field = std::move(path);
        return e;
    }
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.field = std::move(field);
    return e;
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
