#ifndef HUBWIRE_AMQP_FIELDS_HPP
#define HUBWIRE_AMQP_FIELDS_HPP

// Composite types (performatives, SASL frames, terminus, error, delivery states,
// message sections) are described lists. Each struct declares itself once with
// HUBWIRE_AMQP_COMPOSITE: its descriptor code and name and its fields in list order,
// the mandatory ones wrapped in mandatory(). A field's default is its member
// initializer: decoding leaves it when the field is null or absent, encoding writes
// null for it (and leaves out trailing nulls, as peers do). So a definition is written
// once and both directions, and equality, follow it:
//
//   struct received {
//     std::uint32_t section_number = 0;
//     std::uint64_t section_offset = 0;
//     HUBWIRE_AMQP_COMPOSITE(received, 0x23, "amqp:received:list",
//                            mandatory(s.section_number), mandatory(s.section_offset));
//   };
//
// Field types: bool, unsigned integers (ubyte/ushort/uint/ulong by width), enums over
// them, std::string_view (string), symbol, binary, timestamp, uuid, value (any type,
// null when absent), std::vector<symbol> (a "multiple" symbol field: one symbol or an
// array), std::optional of any of these, other composites, and std::variants of
// composites (chosen by descriptor) or of scalars (chosen by AMQP type).
//
// Decoding reads each field straight from the list's bytes: the common encodings of
// the scalar types are recognised by their constructor and validated in place; any
// other encoding goes through the generic value decoder, so errors are the same.
// Encoding sizes the whole composite first and writes it in one step.

#include <hubwire/amqp/decode.hpp>
#include <hubwire/amqp/encode.hpp>

#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace hubwire::amqp {

// A composite has `descriptor` (its code), `name` (its symbolic descriptor) and fields().
template <class T>
concept composite = requires {
  { T::descriptor } -> std::convertible_to<std::uint64_t>;
  { T::name } -> std::convertible_to<std::string_view>;
};

// A mandatory field in a composite's field list.
template <class T>
struct mandatory_field {
  T& field;
};
template <class T>
constexpr mandatory_field<T> mandatory(T& f) noexcept {
  return {f};
}

// fields() and the per-field lambdas are small and called once each; without this g++
// -O2 keeps some of them out of line (a 13-field composite passes 13 references through
// the stack), which costs more than the fields they handle.
#if defined(__GNUC__)
#define HUBWIRE_AMQP_INLINE __attribute__((always_inline))
#else
#define HUBWIRE_AMQP_INLINE
#endif

// Declares a composite inside its struct (see the top of this header). `s` names the
// struct's instance in the field list.
#define HUBWIRE_AMQP_COMPOSITE(type, code, symbolic, ...)                     \
  static constexpr std::uint64_t descriptor = code;                           \
  static constexpr std::string_view name = symbolic;                          \
  template <class Self, class Visit>                                          \
  HUBWIRE_AMQP_INLINE static decltype(auto) fields([[maybe_unused]] Self& s, Visit&& visit) { \
    return visit(__VA_ARGS__);                                                \
  }                                                                           \
  friend bool operator==(const type&, const type&) = default

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_variant : std::false_type {};
template <class... T> struct is_variant<std::variant<T...>> : std::true_type {};
template <class T> struct is_mandatory : std::false_type {};
template <class T> struct is_mandatory<mandatory_field<T>> : std::true_type {};

template <class T>
decltype(auto) field_ref(T& f) noexcept {
  if constexpr (is_mandatory<std::remove_const_t<T>>::value) return (f.field);
  else return (f);
}

template <class T>
bool descriptor_matches(const value& v) noexcept {
  if (v.type() != kind::described) return false;
  return v.descriptor_is_symbol() ? v.descriptor_symbol() == T::name : v.descriptor_code() == T::descriptor;
}

template <class T>
bool get(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth);

template <composite T>
bool get_composite(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth);

// Whether a field of type T is decoded from a described list (its value is read
// shallowly: the composite's own field reader validates the list).
template <class T>
constexpr bool holds_composites() {
  if constexpr (composite<T>) return true;
  else if constexpr (is_variant<T>::value) return []<class... A>(std::variant<A...>*) {
    return (composite<A> && ...);
  }(static_cast<T*>(nullptr));
  else return false;
}

enum class fast_read { done, failed, other };

template <class Size>
inline bool read_variable(core::byte_reader& in, bytes_view& b) noexcept {
  Size n = 0;
  return in.read(n) && in.read(n, b);
}

// The common encodings of a field's type, read in place; `other` (nothing consumed)
// for anything else, which the generic decoder then handles.
template <class T>
inline HUBWIRE_AMQP_INLINE fast_read read_fast(std::uint8_t c, core::byte_reader& in, T& out, std::error_code& ec) noexcept {
  auto truncated = [&] { ec = errc::truncated; return fast_read::failed; };
  auto number = [&]<class U>(U& x, std::size_t width) HUBWIRE_AMQP_INLINE {
    in.skip(1);
    if (width == 0) x = 0;
    else if (width == 1) {
      std::uint8_t b = 0;
      if (!in.read(b)) return truncated();
      x = b;
    } else if (!in.read(x)) return truncated();
    return fast_read::done;
  };
  auto text = [&](bytes_view& b) HUBWIRE_AMQP_INLINE {
    in.skip(1);
    if (!((c & 0xf0) == 0xa0 ? read_variable<std::uint8_t>(in, b) : read_variable<std::uint32_t>(in, b)))
      return truncated();
    return fast_read::done;
  };
  if constexpr (std::is_same_v<T, bool>) {
    if (c != 0x41 && c != 0x42) return fast_read::other;
    in.skip(1);
    out = c == 0x41;
    return fast_read::done;
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> u{};
    const fast_read r = read_fast(c, in, u, ec);
    if (r == fast_read::done) out = static_cast<T>(u);
    return r;
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return c == 0x50 ? number(out, 1) : fast_read::other;
  } else if constexpr (std::is_same_v<T, std::uint16_t>) {
    return c == 0x60 ? number(out, 2) : fast_read::other;
  } else if constexpr (std::is_same_v<T, std::uint32_t>) {
    return c == 0x70 ? number(out, 4) : c == 0x52 ? number(out, 1) : c == 0x43 ? number(out, 0) : fast_read::other;
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return c == 0x80 ? number(out, 8) : c == 0x53 ? number(out, 1) : c == 0x44 ? number(out, 0) : fast_read::other;
  } else if constexpr (std::is_same_v<T, timestamp>) {
    if (c != 0x83) return fast_read::other;
    std::uint64_t ms = 0;
    const fast_read r = number(ms, 8);
    out.ms = static_cast<std::int64_t>(ms);
    return r;
  } else if constexpr (std::is_same_v<T, uuid>) {
    if (c != 0x98) return fast_read::other;
    in.skip(1);
    bytes_view b;
    if (!in.read(16, b)) return truncated();
    std::memcpy(out.bytes.data(), b.data(), 16);
    return fast_read::done;
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    if (c != 0xa1 && c != 0xb1) return fast_read::other;
    bytes_view b;
    if (text(b) == fast_read::failed) return fast_read::failed;
    out = core::as_chars(b);
    if (!core::is_valid_utf8(out)) return ec = errc::bad_utf8, fast_read::failed;
    return fast_read::done;
  } else if constexpr (std::is_same_v<T, symbol>) {
    if (c != 0xa3 && c != 0xb3) return fast_read::other;
    bytes_view b;
    if (text(b) == fast_read::failed) return fast_read::failed;
    out.str = core::as_chars(b);
    if (!core::is_ascii(out.str)) return ec = errc::bad_symbol, fast_read::failed;
    return fast_read::done;
  } else if constexpr (std::is_same_v<T, binary>) {
    if (c != 0xa0 && c != 0xb0) return fast_read::other;
    return text(out.bytes);
  } else if constexpr (is_variant<T>::value && !holds_composites<T>()) {
    // The first alternative whose encodings include `c`.
    fast_read r = fast_read::other;
    [&]<class... A>(std::variant<A...>*) HUBWIRE_AMQP_INLINE {
      auto one = [&]<class X>(X*) HUBWIRE_AMQP_INLINE {
        if (r != fast_read::other) return;
        if (X* held = std::get_if<X>(&out)) { // a reused struct: read in place
          r = read_fast(c, in, *held, ec);
          return;
        }
        X x{};
        r = read_fast(c, in, x, ec);
        if (r == fast_read::done) out = x;
      };
      (one(static_cast<A*>(nullptr)), ...);
    }(static_cast<T*>(nullptr));
    return r;
  } else {
    return fast_read::other;
  }
}

// Reads a list's elements into a struct's fields in order. Every field is assigned,
// null and absent ones their default, so a struct can be decoded into again without
// being reset first.
class field_reader {
public:
  field_reader(const value& list, const decode_limits& lim, std::error_code& ec, std::size_t depth) noexcept
      : in_(list.bytes()), left_(list.count()), lim_(lim), ec_(ec), depth_(depth) {}

  // Field `f`, whose default is `d`.
  template <class F, class D>
  HUBWIRE_AMQP_INLINE void one(F&& f, const D& d) {
    read(field_ref(f), field_ref(d), is_mandatory<std::remove_cvref_t<F>>::value);
  }
  bool done() {
    if (!ec_ && left_ > 0) ec_ = errc::too_many_fields;
    if (!ec_ && !in_.empty()) ec_ = errc::trailing_bytes;
    return !ec_;
  }

private:
  template <class T>
  HUBWIRE_AMQP_INLINE void read(T& f, const T& d, bool mandatory) {
    if (ec_) return;
    if (left_ == 0) {
      if (mandatory) ec_ = errc::missing_field;
      f = d;
      return;
    }
    --left_;
    if (depth_ >= lim_.max_depth) return void(ec_ = errc::too_deep);
    const bytes_view rest = in_.rest();
    if (rest.empty()) return void(ec_ = errc::truncated);
    const std::uint8_t c = rest[0];
    if (c == code::null) {
      in_.skip(1);
      if (mandatory) ec_ = errc::missing_field;
      f = d;
      return;
    }
    // A present optional is read into as it is: every reader assigns the whole value.
    if constexpr (is_optional<T>::value) present(c, f ? *f : f.emplace());
    else present(c, f);
  }

  template <class T>
  HUBWIRE_AMQP_INLINE void present(std::uint8_t c, T& f) {
    if (read_fast(c, in_, f, ec_) != fast_read::other) return;
    generic(f);
  }

  // Any other encoding, through the generic value decoder (and its errors).
  template <class T>
  [[gnu::noinline]] void generic(T& f) {
    value v;
    value_decoder d(lim_, ec_);
    if constexpr (holds_composites<T>()) d.shallow();
    if (!d.read(in_, v, depth_ + 1)) return;
    get(v, f, lim_, ec_, depth_ + 1);
  }

  core::byte_reader in_;
  std::uint32_t left_;
  const decode_limits& lim_;
  std::error_code& ec_;
  std::size_t depth_;
};

template <composite T>
const T& defaults() {
  static constexpr T d{};
  return d;
}

template <class T>
std::size_t field_size(const T& x) noexcept;
template <class T>
std::uint8_t* write_field(std::uint8_t* p, const T& x) noexcept;

// Whether a field is written as null: it is optional and holds its default. Optional
// fields mostly default to nothing, and the defaults are constants, so this is a test of
// has_value() instead of a generic comparison (a variant's == is a call).
template <class F>
HUBWIRE_AMQP_INLINE inline bool written_as_null(const F& f, const F& d) noexcept {
  if constexpr (is_mandatory<F>::value) return false;
  else if constexpr (is_optional<F>::value) return !f ? !d : (d && *f == *d);
  else return f == d;
}

// A composite's list: how many fields up to the last non-null one, and their bytes.
struct list_extent {
  std::size_t count = 0;
  std::size_t body = 0;
};

template <composite T>
list_extent composite_extent(const T& x) noexcept {
  list_extent e;
  std::size_t total = 0, index = 0;
  T::fields(x, [&](const auto&... f) HUBWIRE_AMQP_INLINE {
    T::fields(defaults<T>(), [&](const auto&... d) HUBWIRE_AMQP_INLINE {
      [[maybe_unused]] auto one = [&](const auto& fi, const auto& di) HUBWIRE_AMQP_INLINE {
        ++index;
        if (written_as_null(fi, di)) {
          total += 1; // null
          return;
        }
        total += field_size(field_ref(fi));
        e.count = index;
        e.body = total;
      };
      (one(f, d), ...);
    });
  });
  return e;
}

template <composite T>
std::size_t composite_size(const list_extent& e) noexcept {
  return descriptor_size(T::descriptor) + compound_size(true, e.count, e.body);
}
template <composite T>
std::size_t composite_size(const T& x) noexcept {
  return composite_size<T>(composite_extent(x));
}

template <composite T>
std::uint8_t* write_composite(std::uint8_t* p, const T& x, const list_extent& e) noexcept;

template <composite T>
std::uint8_t* write_composite(std::uint8_t* p, const T& x) noexcept {
  return write_composite(p, x, composite_extent(x));
}

// With the extent the caller computed to size it.
template <composite T>
std::uint8_t* write_composite(std::uint8_t* p, const T& x, const list_extent& e) noexcept {
  p = write_compound_header(write_descriptor(p, T::descriptor), code::list8, e.count, e.body);
  std::size_t index = 0;
  T::fields(x, [&](const auto&... f) HUBWIRE_AMQP_INLINE {
    T::fields(defaults<T>(), [&](const auto&... d) HUBWIRE_AMQP_INLINE {
      [[maybe_unused]] auto one = [&](const auto& fi, const auto& di) HUBWIRE_AMQP_INLINE {
        if (index++ >= e.count) return;
        if (written_as_null(fi, di)) p = put_u8(p, code::null);
        else p = write_field(p, field_ref(fi));
      };
      (one(f, d), ...);
    });
  });
  return p;
}

inline std::size_t symbol_array_rest(const std::vector<symbol>& x, bool& small) noexcept {
  small = true;
  std::size_t rest = 1;
  for (const auto& s : x) small = small && s.str.size() <= 0xff;
  for (const auto& s : x) rest += (small ? 1 : 4) + s.str.size();
  return rest;
}

template <class T>
std::size_t field_size(const T& x) noexcept {
  if constexpr (std::is_same_v<T, bool>) return 1;
  else if constexpr (std::is_enum_v<T>) return field_size(static_cast<std::underlying_type_t<T>>(x));
  else if constexpr (std::is_same_v<T, std::uint8_t>) return 2;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return 3;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return uint_size(x);
  else if constexpr (std::is_same_v<T, std::uint64_t>) return ulong_size(x);
  else if constexpr (std::is_same_v<T, std::string_view>) return variable_size(x.size());
  else if constexpr (std::is_same_v<T, symbol>) return variable_size(x.str.size());
  else if constexpr (std::is_same_v<T, binary>) return variable_size(x.bytes.size());
  else if constexpr (std::is_same_v<T, timestamp>) return 9;
  else if constexpr (std::is_same_v<T, uuid>) return 17;
  else if constexpr (std::is_same_v<T, value>) return value_codec::size(x);
  else if constexpr (std::is_same_v<T, std::vector<symbol>>) {
    if (x.size() == 1) return variable_size(x[0].str.size()); // as peers write a single value
    bool small = true;
    return compound_size(false, x.size(), symbol_array_rest(x, small));
  } else if constexpr (is_optional<T>::value) return x ? field_size(*x) : 1;
  else if constexpr (composite<T>) return composite_size(x);
  else if constexpr (is_variant<T>::value) return std::visit([](const auto& a) HUBWIRE_AMQP_INLINE { return field_size(a); }, x);
  else static_assert(sizeof(T) == 0, "no AMQP mapping for this field type");
}

template <class T>
std::uint8_t* write_field(std::uint8_t* p, const T& x) noexcept {
  if constexpr (std::is_same_v<T, bool>) return put_u8(p, x ? 0x41 : 0x42);
  else if constexpr (std::is_enum_v<T>) return write_field(p, static_cast<std::underlying_type_t<T>>(x));
  else if constexpr (std::is_same_v<T, std::uint8_t>) return put_u8(put_u8(p, 0x50), x);
  else if constexpr (std::is_same_v<T, std::uint16_t>) return put_be(put_u8(p, 0x60), x);
  else if constexpr (std::is_same_v<T, std::uint32_t>) return write_uint(p, x);
  else if constexpr (std::is_same_v<T, std::uint64_t>) return write_ulong(p, x);
  else if constexpr (std::is_same_v<T, std::string_view>) return write_variable(p, 0xa1, 0xb1, core::as_bytes(x));
  else if constexpr (std::is_same_v<T, symbol>) return write_variable(p, 0xa3, 0xb3, core::as_bytes(x.str));
  else if constexpr (std::is_same_v<T, binary>) return write_variable(p, 0xa0, 0xb0, x.bytes);
  else if constexpr (std::is_same_v<T, timestamp>) return put_be(put_u8(p, 0x83), static_cast<std::uint64_t>(x.ms));
  else if constexpr (std::is_same_v<T, uuid>) return put_raw(put_u8(p, 0x98), x.bytes.data(), 16);
  else if constexpr (std::is_same_v<T, value>) return value_codec::write(p, x);
  else if constexpr (std::is_same_v<T, std::vector<symbol>>) {
    if (x.size() == 1) return write_variable(p, 0xa3, 0xb3, core::as_bytes(x[0].str));
    bool small = true;
    const std::size_t rest = symbol_array_rest(x, small);
    p = put_u8(write_compound_header(p, code::array8, x.size(), rest), small ? 0xa3 : 0xb3);
    for (const auto& s : x) {
      if (small) p = put_u8(p, static_cast<std::uint8_t>(s.str.size()));
      else p = put_be(p, static_cast<std::uint32_t>(s.str.size()));
      p = put_raw(p, core::as_bytes(s.str));
    }
    return p;
  } else if constexpr (is_optional<T>::value) return x ? write_field(p, *x) : put_u8(p, code::null);
  else if constexpr (composite<T>) return write_composite(p, x);
  else if constexpr (is_variant<T>::value) return std::visit([&](const auto& a) HUBWIRE_AMQP_INLINE { return write_field(p, a); }, x);
  else static_assert(sizeof(T) == 0, "no AMQP mapping for this field type");
}

// A composite's fields from the list it was described with; fields null or absent
// from the list get their defaults, so `out` need not be a default one.
template <composite T>
bool read_fields(const value& list, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth) {
  if (list.type() != kind::list) return ec = errc::unexpected_type, false;
  field_reader r(list, lim, ec, depth);
  T::fields(out, [&](auto&&... f) HUBWIRE_AMQP_INLINE {
    T::fields(defaults<T>(), [&](const auto&... d) HUBWIRE_AMQP_INLINE { (r.one(f, d), ...); });
  });
  return r.done();
}

template <composite T>
bool get_composite(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth) {
  if (depth > lim.max_depth) return ec = errc::too_deep, false;
  if (!descriptor_matches<T>(v)) return ec = errc::unexpected_type, false;
  return read_fields(v.described_value(), out, lim, ec, depth);
}

template <composite T>
void put_composite(encoder& e, const T& x) {
  write_composite(e.append(composite_size(x)), x);
}

// One of several composites, chosen by descriptor.
template <class... T>
bool get_one_of(const value& v, std::variant<T...>& out, const decode_limits& lim, std::error_code& ec,
                std::size_t depth) {
  bool found = false;
  auto try_one = [&]<class A>(A*) {
    if (found || !descriptor_matches<A>(v)) return;
    found = true;
    A a;
    if (get_composite(v, a, lim, ec, depth)) out = std::move(a);
  };
  (try_one(static_cast<T*>(nullptr)), ...);
  if (!found) ec = v.type() == kind::described ? errc::unknown_descriptor : errc::unexpected_type;
  return !ec;
}

// One of several scalar types, chosen by the value's AMQP type.
template <class... T>
bool get_by_type(const value& v, std::variant<T...>& out, const decode_limits& lim, std::error_code& ec,
                 std::size_t depth) {
  bool found = false;
  auto try_one = [&]<class A>(A*) {
    if (found) return;
    std::error_code probe;
    A a{};
    if (!get(v, a, lim, probe, depth)) return;
    found = true;
    out = a;
  };
  (try_one(static_cast<T*>(nullptr)), ...);
  if (!found) ec = errc::unexpected_type;
  return found;
}

template <class T>
bool get(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth) {
  auto want = [&](kind k) {
    if (v.type() != k) ec = errc::unexpected_type;
    return !ec;
  };
  if constexpr (std::is_same_v<T, bool>) {
    if (want(kind::boolean)) out = v.as_bool();
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> u{};
    if (get(v, u, lim, ec, depth)) out = static_cast<T>(u);
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    if (want(kind::ubyte)) out = static_cast<T>(v.as_unsigned());
  } else if constexpr (std::is_same_v<T, std::uint16_t>) {
    if (want(kind::ushort)) out = static_cast<T>(v.as_unsigned());
  } else if constexpr (std::is_same_v<T, std::uint32_t>) {
    if (want(kind::uint)) out = static_cast<T>(v.as_unsigned());
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    if (want(kind::ulong)) out = v.as_unsigned();
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    if (want(kind::string)) out = v.str();
  } else if constexpr (std::is_same_v<T, symbol>) {
    if (want(kind::symbol)) out = symbol{v.str()};
  } else if constexpr (std::is_same_v<T, binary>) {
    if (want(kind::binary)) out = binary{v.bytes()};
  } else if constexpr (std::is_same_v<T, timestamp>) {
    if (want(kind::timestamp)) out = timestamp{v.as_signed()};
  } else if constexpr (std::is_same_v<T, uuid>) {
    if (want(kind::uuid)) out = v.as_uuid();
  } else if constexpr (std::is_same_v<T, value>) {
    out = v;
  } else if constexpr (std::is_same_v<T, std::vector<symbol>>) {
    out.clear();
    if (v.type() == kind::symbol) out.push_back(symbol{v.str()});
    else if (v.type() == kind::array && v.element_kind() == kind::symbol && !v.elements_described()) {
      out.reserve(v.count()); // bounded: the decoder checked the array against its input
      element_reader r(v);
      value s;
      while (r.next(s)) out.push_back(symbol{s.str()});
    } else ec = errc::unexpected_type;
  } else if constexpr (composite<T>) {
    get_composite(v, out, lim, ec, depth);
  } else if constexpr (is_variant<T>::value) {
    if constexpr (holds_composites<T>()) get_one_of(v, out, lim, ec, depth);
    else get_by_type(v, out, lim, ec, depth);
  } else {
    static_assert(sizeof(T) == 0, "no AMQP mapping for this field type");
  }
  return !ec;
}

// A frame body that starts with one of the variant's composites: what SASL and AMQP
// frames both carry. Returns the bytes it took.
template <class... T>
std::size_t decode_body(bytes_view body, std::variant<T...>& out, const decode_limits& lim, std::error_code& ec) {
  if (body.empty()) return ec = errc::empty_frame, 0;
  value v{};
  const std::size_t used = decode_shallow(body, v, ec, lim);
  if (ec || !get_one_of(v, out, lim, ec, 0)) return 0;
  return used;
}

template <class... T>
void encode_one_of(encoder& e, const std::variant<T...>& x) {
  std::visit([&](const auto& c) { put_composite(e, c); }, x);
}

} // namespace detail

// Decodes one composite from a value (e.g. a performative from a frame body).
template <composite T>
std::error_code decode(const value& v, T& out, const decode_limits& lim = {}) {
  std::error_code ec;
  out = T{};
  detail::get_composite(v, out, lim, ec, 0);
  return ec;
}

// Appends one composite as a described list.
template <composite T>
void encode(encoder& e, const T& x) {
  detail::put_composite(e, x);
}

} // namespace hubwire::amqp

#endif
