#ifndef HUBWIRE_AMQP_TYPES_HPP
#define HUBWIRE_AMQP_TYPES_HPP

// The AMQP 1.0 type system (OASIS AMQP 1.0 part 1) as a view: a decoded `value` points
// into the bytes it came from and never owns memory, so decoding allocates nothing.
// Compound values (list, map, array, described) keep their encoded elements and are
// walked with `element_reader`; the decoder has validated them completely, so walking
// cannot fail. The buffer must outlive every value decoded from it.

#include <hubwire/core/bytes.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

namespace hubwire::amqp {

using core::bytes_view;

namespace detail {
struct value_codec;
} // namespace detail

// Format codes (part 1, 1.6). Only the ones code outside the codec needs are named.
namespace code {
inline constexpr std::uint8_t described = 0x00;
inline constexpr std::uint8_t null = 0x40;
inline constexpr std::uint8_t list0 = 0x45;
inline constexpr std::uint8_t list8 = 0xc0;
inline constexpr std::uint8_t list32 = 0xd0;
inline constexpr std::uint8_t map8 = 0xc1;
inline constexpr std::uint8_t map32 = 0xd1;
inline constexpr std::uint8_t array8 = 0xe0;
inline constexpr std::uint8_t array32 = 0xf0;
} // namespace code

enum class kind : std::uint8_t {
  null, boolean, ubyte, ushort, uint, ulong, byte, short_, int_, long_, float_, double_,
  decimal32, decimal64, decimal128, char_, timestamp, uuid, binary, string, symbol,
  list, map, array, described,
};

// Distinct types for the three views an AMQP field can hold, so overloads (and
// std::variant alternatives) say which AMQP type they mean.
struct binary {
  bytes_view bytes;
  friend bool operator==(const binary& a, const binary& b) noexcept {
    return a.bytes.size() == b.bytes.size() &&
           (a.bytes.empty() || std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) == 0);
  }
};
struct symbol {
  std::string_view str{};
  friend bool operator==(const symbol&, const symbol&) = default;
};
struct uuid {
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const uuid&, const uuid&) = default;
};
// Milliseconds since the Unix epoch, as AMQP timestamps are.
struct timestamp {
  std::int64_t ms = 0;
  friend bool operator==(const timestamp&, const timestamp&) = default;
};

// What the decoder will accept. Lower them for untrusted peers; every count is also
// checked against the bytes actually present before anything is walked.
struct decode_limits {
  std::size_t max_depth = 32;           // nested compounds and described values
  std::uint32_t max_elements = 1u << 20; // per compound (arrays of zero-width elements
                                         // would otherwise claim 2^32 elements in 9 bytes)
};

class value {
public:
  value() noexcept = default;

  // Scalars, for building expected values and for the encoder.
  static value null() noexcept { return {}; }
  static value boolean(bool b) noexcept { value v(kind::boolean); v.u_ = b; return v; }
  static value ubyte(std::uint8_t x) noexcept { value v(kind::ubyte); v.u_ = x; return v; }
  static value ushort(std::uint16_t x) noexcept { value v(kind::ushort); v.u_ = x; return v; }
  static value uint(std::uint32_t x) noexcept { value v(kind::uint); v.u_ = x; return v; }
  static value ulong(std::uint64_t x) noexcept { value v(kind::ulong); v.u_ = x; return v; }
  static value byte(std::int8_t x) noexcept { value v(kind::byte); v.i_ = x; return v; }
  static value short_(std::int16_t x) noexcept { value v(kind::short_); v.i_ = x; return v; }
  static value int_(std::int32_t x) noexcept { value v(kind::int_); v.i_ = x; return v; }
  static value long_(std::int64_t x) noexcept { value v(kind::long_); v.i_ = x; return v; }
  static value float_(float x) noexcept { value v(kind::float_); v.f_ = x; return v; }
  static value double_(double x) noexcept { value v(kind::double_); v.d_ = x; return v; }
  static value char_(char32_t c) noexcept { value v(kind::char_); v.u_ = c; return v; }
  static value time(timestamp t) noexcept { value v(kind::timestamp); v.i_ = t.ms; return v; }
  // decimal32/64/128 and uuid are carried as their big-endian bytes (4, 8, 16, 16).
  static value fixed(kind k, bytes_view b) noexcept { value v(k); v.data_ = b; return v; }
  static value bin(bytes_view b) noexcept { return fixed(kind::binary, b); }
  static value str(std::string_view s) noexcept { return fixed(kind::string, core::as_bytes(s)); }
  static value sym(std::string_view s) noexcept { return fixed(kind::symbol, core::as_bytes(s)); }

  kind type() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }

  // Accessors; each is meaningful for the kinds its name says.
  bool as_bool() const noexcept { return u_ != 0; }
  std::uint64_t as_unsigned() const noexcept { return u_; }  // ubyte..ulong, char
  std::int64_t as_signed() const noexcept { return i_; }     // byte..long, timestamp
  float as_float() const noexcept { return f_; }
  double as_double() const noexcept { return d_; }
  bytes_view bytes() const noexcept { return data_; }         // binary, decimals, uuid
  std::string_view str() const noexcept { return core::as_chars(data_); } // string, symbol
  amqp::uuid as_uuid() const noexcept {
    amqp::uuid u;
    if (data_.size() == 16) std::memcpy(u.bytes.data(), data_.data(), 16);
    return u;
  }

  // list: fields; map: keys and values alternating (count is twice the entries);
  // array: elements of one constructor.
  std::uint32_t count() const noexcept { return count_; }

  // described: the descriptor is a ulong code or a symbol.
  bool descriptor_is_symbol() const noexcept { return desc_symbol_; }
  std::uint64_t descriptor_code() const noexcept { return desc_code_; }
  std::string_view descriptor_symbol() const noexcept { return core::as_chars(desc_name_); }
  value described_value() const noexcept; // the value being described
  // Whether this described value has the given numeric descriptor.
  bool is_described(std::uint64_t c) const noexcept {
    return kind_ == kind::described && !desc_symbol_ && desc_code_ == c;
  }

  // array: the kind of its elements; for arrays of described elements the descriptor
  // above is theirs and element_kind() is the kind they describe.
  kind element_kind() const noexcept { return elem_kind_; }
  bool elements_described() const noexcept { return elem_described_; }

  // Whether the validating decoder found this value encoded exactly as the encoder
  // would write it (then re-encoding it is a copy).
  bool compact_flag() const noexcept { return compact_; }

  // Structural equality: the same AMQP value, whichever encoding each came from.
  friend bool operator==(const value& a, const value& b) noexcept;

private:
  friend class value_decoder;
  friend class element_reader;
  friend struct detail::value_codec;
  explicit value(kind k) noexcept : kind_(k) {}

  kind kind_ = kind::null;
  // Set by the validating decoder: the value is encoded exactly as the encoder would
  // write it, so the encoder may copy its bytes (see impl/compact.hpp).
  bool compact_ = false;
  // A list or map whose elements are all compact, whatever its header: re-encoding it
  // is a new header and a copy of the elements.
  bool elements_compact_ = false;
  union {
    std::uint64_t u_ = 0;
    std::int64_t i_;
    float f_;
    double d_;
  };
  // Payload of binary/string/symbol/decimal/uuid; elements of a compound; body of
  // the described value (after its constructor) for described.
  bytes_view data_{};
  std::uint32_t count_ = 0;
  std::uint8_t elem_code_ = 0;   // array element / described inner / list or map constructor
  kind elem_kind_ = kind::null;  // array element kind
  bool elem_described_ = false;  // array of described elements
  bool desc_symbol_ = false;
  std::uint64_t desc_code_ = 0;
  bytes_view desc_name_{};
};

// Walks the elements of a list, map or array (or the single value a described value
// holds), in order. The compound has been validated by the decoder.
class element_reader {
public:
  explicit element_reader(const value& compound) noexcept;
  // Validating mode, for a list or map decoded shallowly: each element is validated as
  // it is read (errors go to `ec`, nesting counts from `depth`).
  element_reader(const value& compound, const decode_limits& lim, std::error_code& ec, std::size_t depth) noexcept;
  std::uint32_t remaining() const noexcept { return left_; }
  // Whether the elements read so far used up exactly the compound's bytes.
  bool bytes_exhausted() const noexcept { return in_.empty(); }
  // The next element, or false when none is left (or, validating, on an error).
  bool next(value& out) noexcept;
  // Validating: whether every element read so far was encoded compactly.
  bool all_compact() const noexcept { return all_compact_; }
  // Validating, after the last element: marks `compound` compact when it is.
  void conclude(value& compound) const noexcept;

private:
  core::byte_reader in_;
  std::uint32_t left_ = 0;
  const value* array_ = nullptr; // non-null for arrays: elements share its constructor
  const decode_limits* lim_ = nullptr;
  std::error_code* ec_ = nullptr;
  std::size_t depth_ = 0;
  bool all_compact_ = true;
};

} // namespace hubwire::amqp

#include <hubwire/amqp/impl/types.hpp>

#endif
