#ifndef HUBWIRE_AMQP_FIELDS_HPP
#define HUBWIRE_AMQP_FIELDS_HPP

// Composite types (performatives, SASL frames, terminus, error, delivery states,
// message sections) are described lists. Each struct lists its fields once, in
// `fields(self, visitor)`, saying which are mandatory and which have a default; one
// visitor decodes (checking types and mandatory fields), another encodes (writing
// defaults as null and leaving out trailing nulls, as peers do). So a definition is
// written once and both directions follow it.
//
// Field types: bool, unsigned integers (ubyte/ushort/uint/ulong by width), enums over
// them, std::string_view (string), symbol, binary, timestamp, uuid, value (any type,
// null when absent), std::vector<symbol> (a "multiple" symbol field: one symbol or an
// array), std::optional of any of these, and other composites.

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

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_variant : std::false_type {};
template <class... T> struct is_variant<std::variant<T...>> : std::true_type {};

template <class T>
bool descriptor_matches(const value& v) noexcept {
  if (v.type() != kind::described) return false;
  return v.descriptor_is_symbol() ? v.descriptor_symbol() == T::name : v.descriptor_code() == T::descriptor;
}

template <class T>
bool get(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth);

template <composite T>
bool get_composite(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth);

// Reads a list's elements into a struct's fields in order.
class field_reader {
public:
  field_reader(const value& list, const decode_limits& lim, std::error_code& ec, std::size_t depth) noexcept
      : r_(list, lim, ec, depth), lim_(lim), ec_(ec), depth_(depth) {}

  template <class T>
  void req(T& f) { field(f, true); }
  template <class T>
  void opt(T& f) { field(f, false); }
  template <class T, class D>
  void def(T& f, D d) {
    f = static_cast<T>(d);
    field(f, false);
  }
  bool done() {
    if (!ec_ && r_.remaining() > 0) ec_ = errc::too_many_fields;
    if (!ec_ && !r_.bytes_exhausted()) ec_ = errc::trailing_bytes;
    return !ec_;
  }

private:
  template <class T>
  void field(T& f, bool mandatory) {
    if (ec_) return;
    value v;
    const bool present = r_.next(v);
    if (ec_) return;
    if (!present || v.is_null()) {
      if (mandatory) ec_ = errc::missing_field;
      return;
    }
    if constexpr (is_optional<T>::value) {
      f.emplace();
      get(v, *f, lim_, ec_, depth_ + 1);
    } else {
      get(v, f, lim_, ec_, depth_ + 1);
    }
  }

  element_reader r_;
  const decode_limits& lim_;
  std::error_code& ec_;
  std::size_t depth_;
};

template <class T>
void put(encoder& e, const T& x);

// Writes fields into an open list, remembering where the last non-null one ended.
class field_writer {
public:
  explicit field_writer(encoder& e) noexcept : e_(e), size_(e.size()) {}

  template <class T>
  void req(const T& f) { write(f); }
  template <class T>
  void opt(const T& f) { write(f); }
  template <class T, class D>
  void def(const T& f, D d) {
    if (f == static_cast<T>(d)) e_.write_null();
    else write(f);
  }
  void finish() { e_.truncate(size_, count_); }

private:
  template <class T>
  void write(const T& f) {
    if (is_null(f)) {
      e_.write_null();
      return;
    }
    put(e_, f);
    size_ = e_.size();
    count_ = e_.open_count();
  }
  template <class T>
  static bool is_null(const T& f) {
    if constexpr (is_optional<T>::value) return !f.has_value();
    else if constexpr (std::is_same_v<T, value>) return f.is_null();
    else if constexpr (std::is_same_v<T, std::vector<symbol>>) return f.empty();
    else return false;
  }

  encoder& e_;
  std::size_t size_;
  std::uint32_t count_ = 0;
};

template <composite T>
bool get_composite(const value& v, T& out, const decode_limits& lim, std::error_code& ec, std::size_t depth) {
  if (depth > lim.max_depth) return ec = errc::too_deep, false;
  if (!descriptor_matches<T>(v)) return ec = errc::unexpected_type, false;
  const value list = v.described_value();
  if (list.type() != kind::list) return ec = errc::unexpected_type, false;
  out = T{};
  field_reader r(list, lim, ec, depth);
  T::fields(out, r);
  return r.done();
}

template <composite T>
void put_composite(encoder& e, const T& x) {
  e.write_descriptor(T::descriptor);
  e.begin_list();
  field_writer w(e);
  T::fields(x, w);
  w.finish();
  e.end_list();
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
    get_variant(v, out, lim, ec, depth); // found by ADL/overload for each variant
  } else {
    static_assert(sizeof(T) == 0, "no AMQP mapping for this field type");
  }
  return !ec;
}

template <class T>
void put(encoder& e, const T& x) {
  if constexpr (std::is_same_v<T, bool>) e.write_bool(x);
  else if constexpr (std::is_enum_v<T>) put(e, static_cast<std::underlying_type_t<T>>(x));
  else if constexpr (std::is_same_v<T, std::uint8_t>) e.write_ubyte(x);
  else if constexpr (std::is_same_v<T, std::uint16_t>) e.write_ushort(x);
  else if constexpr (std::is_same_v<T, std::uint32_t>) e.write_uint(x);
  else if constexpr (std::is_same_v<T, std::uint64_t>) e.write_ulong(x);
  else if constexpr (std::is_same_v<T, std::string_view>) e.write_string(x);
  else if constexpr (std::is_same_v<T, symbol>) e.write_symbol(x.str);
  else if constexpr (std::is_same_v<T, binary>) e.write_binary(x.bytes);
  else if constexpr (std::is_same_v<T, timestamp>) e.write_timestamp(x);
  else if constexpr (std::is_same_v<T, uuid>) e.write_uuid(x);
  else if constexpr (std::is_same_v<T, value>) e.write(x);
  else if constexpr (std::is_same_v<T, std::vector<symbol>>) {
    if (x.size() == 1) e.write_symbol(x[0].str); // as peers write a single value
    else e.write_symbol_array(x);
  } else if constexpr (is_optional<T>::value) {
    if (x) put(e, *x);
    else e.write_null();
  } else if constexpr (composite<T>) put_composite(e, x);
  else if constexpr (is_variant<T>::value) put_variant(e, x);
  else static_assert(sizeof(T) == 0, "no AMQP mapping for this field type");
}

} // namespace detail

// Decodes one composite from a value (e.g. a performative from a frame body).
template <composite T>
std::error_code decode(const value& v, T& out, const decode_limits& lim = {}) {
  std::error_code ec;
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
