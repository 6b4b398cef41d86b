#ifndef HUBWIRE_AMQP_IMPL_TYPES_HPP
#define HUBWIRE_AMQP_IMPL_TYPES_HPP

#include <hubwire/amqp/impl/value_decoder.hpp>

namespace hubwire::amqp {

namespace detail {
// Input that has been validated once is walked again with limits that cannot trip.
inline const decode_limits& no_limits() noexcept {
  static constexpr decode_limits l{.max_depth = ~std::size_t{0}, .max_elements = ~std::uint32_t{0}};
  return l;
}
} // namespace detail

} // namespace hubwire::amqp
namespace hubwire::amqp::detail {
// Decodes a value whose top-level list or map is checked but not walked: for callers
// that then walk it with a validating element_reader.
inline std::size_t decode_shallow(bytes_view in, value& out, std::error_code& ec, const decode_limits& lim) noexcept {
  ec.clear();
  core::byte_reader r(in);
  value_decoder d(lim, ec);
  d.shallow();
  if (!d.read(r, out, 0)) return 0;
  return r.position();
}

// A list or map decoded shallowly, validated completely: after this it may be walked
// without validation. Other values were validated when decoded.
inline bool validate_elements(value& v, const decode_limits& lim, std::error_code& ec, std::size_t depth) noexcept {
  if (v.type() != kind::list && v.type() != kind::map) return true;
  element_reader r(v, lim, ec, depth);
  value e;
  while (r.next(e)) {
  }
  if (ec) return false;
  if (!r.bytes_exhausted()) return ec = errc::trailing_bytes, false;
  r.conclude(v);
  return true;
}

// One value from input decoded (and validated) before; returns the bytes it spans.
inline std::size_t decode_trusted(bytes_view in, value& out) noexcept {
  std::error_code ec;
  core::byte_reader r(in);
  value_decoder::trusted(ec).read(r, out, 0);
  return r.position();
}
} // namespace hubwire::amqp::detail
namespace hubwire::amqp {

inline value value::described_value() const noexcept {
  value v;
  if (kind_ != kind::described) return v;
  std::error_code ec;
  core::byte_reader r(data_);
  value_decoder::trusted(ec).read_body(elem_code_, r, v, 0);
  return v;
}

inline element_reader::element_reader(const value& compound) noexcept : in_(compound.data_) {
  if (compound.kind_ == kind::list || compound.kind_ == kind::map || compound.kind_ == kind::array)
    left_ = compound.count_;
  if (compound.kind_ == kind::array) array_ = &compound;
}

inline element_reader::element_reader(const value& compound, const decode_limits& lim, std::error_code& ec,
                                      std::size_t depth) noexcept
    : element_reader(compound) {
  lim_ = &lim;
  ec_ = &ec;
  depth_ = depth;
}

inline bool element_reader::next(value& out) noexcept {
  if (left_ == 0) return false;
  --left_;
  if (lim_ && !array_) {
    if (depth_ >= lim_->max_depth) {
      *ec_ = errc::too_deep;
      return false;
    }
    if (!value_decoder(*lim_, *ec_).read(in_, out, depth_ + 1)) return false;
    all_compact_ = all_compact_ && out.compact_;
    return true;
  }
  std::error_code ec;
  value_decoder d = value_decoder::trusted(ec);
  if (!array_) return d.read(in_, out, 0);
  const auto start = in_.rest();
  if (!d.read_body(array_->elem_code_, in_, out, 0)) return false;
  if (array_->elem_described_) {
    out = value(kind::described);
    out.desc_symbol_ = array_->desc_symbol_;
    out.desc_code_ = array_->desc_code_;
    out.desc_name_ = array_->desc_name_;
    out.elem_code_ = array_->elem_code_;
    out.data_ = start.first(start.size() - in_.remaining());
  }
  return true;
}

inline void element_reader::conclude(value& compound) const noexcept {
  if (compound.kind_ == kind::list || compound.kind_ == kind::map) value_decoder::walked(compound, all_compact_);
}

inline bool operator==(const value& a, const value& b) noexcept {
  if (a.kind_ != b.kind_) return false;
  auto same_bytes = [](bytes_view x, bytes_view y) {
    return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size()) == 0);
  };
  switch (a.kind_) {
    case kind::null: return true;
    case kind::boolean: case kind::ubyte: case kind::ushort: case kind::uint: case kind::ulong:
    case kind::char_:
      return a.u_ == b.u_;
    case kind::byte: case kind::short_: case kind::int_: case kind::long_: case kind::timestamp:
      return a.i_ == b.i_;
    case kind::float_: return std::memcmp(&a.f_, &b.f_, sizeof(float)) == 0; // NaN equals itself
    case kind::double_: return std::memcmp(&a.d_, &b.d_, sizeof(double)) == 0;
    case kind::decimal32: case kind::decimal64: case kind::decimal128: case kind::uuid:
    case kind::binary: case kind::string: case kind::symbol:
      return same_bytes(a.data_, b.data_);
    case kind::described:
      if (a.desc_symbol_ != b.desc_symbol_ || a.desc_code_ != b.desc_code_ ||
          !same_bytes(a.desc_name_, b.desc_name_))
        return false;
      return a.described_value() == b.described_value();
    case kind::array:
      if (a.elem_kind_ != b.elem_kind_ || a.elem_described_ != b.elem_described_) return false;
      if (a.elem_described_ && (a.desc_symbol_ != b.desc_symbol_ || a.desc_code_ != b.desc_code_ ||
                                !same_bytes(a.desc_name_, b.desc_name_)))
        return false;
      [[fallthrough]];
    case kind::list: case kind::map: {
      if (a.count_ != b.count_) return false;
      element_reader ra(a), rb(b);
      value x, y;
      while (ra.next(x) && rb.next(y))
        if (!(x == y)) return false;
      return true;
    }
  }
  return false;
}

} // namespace hubwire::amqp

#endif
