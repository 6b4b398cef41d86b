#ifndef HUBWIRE_CORE_BYTES_HPP
#define HUBWIRE_CORE_BYTES_HPP

// Bounds-checked big-endian reader and writer over caller memory. Codecs use them so
// that no decoder indexes a buffer directly: a read past the end fails instead of
// reading garbage, and a write past the end is counted instead of performed, so one
// pass reports the size an encoding needs.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace hubwire::core {

using bytes_view = std::span<const std::uint8_t>;
using mutable_bytes = std::span<std::uint8_t>;

inline bytes_view as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(bytes_view b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// A big-endian unsigned integer at `p`: one load and a byte swap (g++ 12 does not merge
// the shift-and-or loop for 64-bit values).
template <class UInt>
inline UInt load_be(const std::uint8_t* p) noexcept {
  constexpr bool swap = std::endian::native == std::endian::little && std::is_unsigned_v<UInt> &&
                        (sizeof(UInt) == 2 || sizeof(UInt) == 4 || sizeof(UInt) == 8);
#if defined(__GNUC__)
  if constexpr (swap) {
    UInt v;
    std::memcpy(&v, p, sizeof(UInt));
    if constexpr (sizeof(UInt) == 2) return static_cast<UInt>(__builtin_bswap16(v));
    else if constexpr (sizeof(UInt) == 4) return static_cast<UInt>(__builtin_bswap32(v));
    else return static_cast<UInt>(__builtin_bswap64(v));
  }
#endif
  UInt r = 0;
  for (std::size_t i = 0; i < sizeof(UInt); ++i) r = static_cast<UInt>((r << 8) | p[i]);
  return r;
}

class byte_reader {
public:
  explicit byte_reader(bytes_view in) noexcept : in_(in) {}

  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  std::size_t position() const noexcept { return pos_; }
  bool empty() const noexcept { return remaining() == 0; }

  // Each read returns false, consuming nothing, when the input is too short.
  template <class UInt>
  bool read(UInt& out) noexcept {
    if (remaining() < sizeof(UInt)) return false;
    out = load_be<UInt>(in_.data() + pos_);
    pos_ += sizeof(UInt);
    return true;
  }
  bool read(std::size_t n, bytes_view& out) noexcept {
    if (remaining() < n) return false;
    out = in_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  bytes_view rest() const noexcept { return in_.subspan(pos_); }

private:
  bytes_view in_;
  std::size_t pos_ = 0;
};

class byte_writer {
public:
  byte_writer() noexcept = default; // counting only
  explicit byte_writer(mutable_bytes out) noexcept : out_(out) {}

  // Bytes the encoding needs, whether or not they fitted.
  std::size_t size() const noexcept { return pos_; }
  bool overflowed() const noexcept { return pos_ > out_.size(); }

  template <class UInt>
  void write(UInt v) noexcept {
    for (std::size_t i = 0; i < sizeof(UInt); ++i)
      put(static_cast<std::uint8_t>(v >> (8 * (sizeof(UInt) - 1 - i))));
  }
  void write(bytes_view b) noexcept {
    if (pos_ + b.size() <= out_.size() && !b.empty()) std::memcpy(out_.data() + pos_, b.data(), b.size());
    pos_ += b.size();
  }
  void write(std::string_view s) noexcept { write(as_bytes(s)); }
  void put(std::uint8_t b) noexcept {
    if (pos_ < out_.size()) out_[pos_] = b;
    ++pos_;
  }

private:
  mutable_bytes out_;
  std::size_t pos_ = 0;
};

} // namespace hubwire::core

#endif
