#ifndef HUBWIRE_TEST_FAIL_COUNT_HPP
#define HUBWIRE_TEST_FAIL_COUNT_HPP

// Fails the Nth operation that consults it, and every one after. Run an exchange with
// N = 1, 2, 3, ... until it succeeds, and every error path of it has been taken once.

#include <cstddef>
#include <system_error>

namespace hubwire::test {

class fail_count {
public:
  explicit fail_count(std::size_t n, std::error_code ec = std::make_error_code(std::errc::connection_reset)) noexcept
      : n_(n), ec_(ec) {}

  // Sets ec and returns true when this operation is the Nth or later.
  bool fail(std::error_code& ec) noexcept {
    if (i_ < n_) ++i_;
    if (i_ == n_) {
      ec = ec_;
      return true;
    }
    ec = {};
    return false;
  }
  std::size_t count() const noexcept { return i_; }

private:
  std::size_t n_;
  std::size_t i_ = 0;
  std::error_code ec_;
};

} // namespace hubwire::test

#endif
