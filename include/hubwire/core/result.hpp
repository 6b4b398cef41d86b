#ifndef HUBWIRE_CORE_RESULT_HPP
#define HUBWIRE_CORE_RESULT_HPP

// A value or the std::error_code that explains its absence: std::expected<T,
// std::error_code> for C++20. Parsers of whole values (connection strings, tokens)
// return it; `value()` throws std::system_error for callers who prefer exceptions.

#include <optional>
#include <system_error>
#include <utility>

namespace hubwire::core {

template <class T>
class result {
public:
  result(T v) : value_(std::move(v)) {}
  result(std::error_code ec) : error_(ec) {}
  template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
  result(E e) : error_(make_error_code(e)) {}

  bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  std::error_code error() const noexcept { return error_; }

  T& value() & { check(); return *value_; }
  const T& value() const& { check(); return *value_; }
  T&& value() && { check(); return std::move(*value_); }
  T& operator*() & noexcept { return *value_; }
  const T& operator*() const& noexcept { return *value_; }
  T* operator->() noexcept { return &*value_; }
  const T* operator->() const noexcept { return &*value_; }

private:
  void check() const {
    if (!value_) throw std::system_error(error_);
  }
  std::optional<T> value_;
  std::error_code error_;
};

} // namespace hubwire::core

#endif
