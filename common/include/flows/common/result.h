// Errors as values: a Result<T> holds either a T or an Error carrying a
// message (with context) and, for system calls, the errno. No exceptions on
// the per-packet / per-record path.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace flows {

struct Error {
  std::string message;
  int err = 0;  // errno of a failed system call, 0 for parse/logic errors

  // "context: strerror(err)" for system errors, "context" otherwise.
  static Error System(std::string context, int err_no) {
    return Error{std::move(context) + ": " + std::strerror(err_no), err_no};
  }
  static Error Invalid(std::string what) { return Error{std::move(what), 0}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() {
  return Ok{};
}

}  // namespace flows
