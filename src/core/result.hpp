#pragma once
// Result<T>: a value or an Error (std::expected arrives with C++23; g++ 12 lacks it).

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace nzeza {

// Thrown when a Result is read the wrong way (value of an error, error of a value): a bug in
// the caller, reported loudly rather than undefined behaviour.
class BadResultAccess : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct Unexpected {
  Error error;
};
[[nodiscard]] inline Unexpected fail(Error e) {
  return Unexpected{std::move(e)};
}
[[nodiscard]] inline Unexpected fail(ErrorCode c, std::string msg) {
  return Unexpected{Error{c, std::move(msg)}};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Unexpected u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}             // NOLINT

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    check_value();
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    check_value();
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    check_value();
    return std::move(*std::get_if<0>(&v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    check_error();
    return *std::get_if<1>(&v_);
  }
  Error&& error() && {
    check_error();
    return std::move(*std::get_if<1>(&v_));
  }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void check_value() const {
    if (!ok())
      throw BadResultAccess("value() of a failed Result: " + std::get_if<1>(&v_)->to_string());
  }
  void check_error() const {
    if (ok()) throw BadResultAccess("error() of a successful Result");
  }
  std::variant<T, Error> v_;
};

// Status: success is an empty optional — no Error (a code and three strings) is built or
// destroyed on the hot path; a failure carries the Error in place, so reporting one allocates
// nothing more than its message does.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() noexcept = default;
  Result(Unexpected u) : err_(std::move(u.error)) {}  // NOLINT: implicit by design
  Result(Error e) : err_(std::move(e)) {}             // NOLINT
  [[nodiscard]] bool ok() const noexcept { return !err_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& {
    check_error();
    return *err_;
  }
  Error&& error() && {
    check_error();
    return std::move(*err_);
  }

 private:
  void check_error() const {
    if (ok()) throw BadResultAccess("error() of a successful Status");
  }
  std::optional<Error> err_;
};

using Status = Result<void>;

}  // namespace nzeza
