#ifndef HUBWIRE_NET_IMPL_WEBSOCKET_FRAME_HPP
#define HUBWIRE_NET_IMPL_WEBSOCKET_FRAME_HPP

#include <hubwire/core/utf8.hpp>

#include <algorithm>
#include <cstring>

namespace hubwire::net::websocket {

inline std::size_t encode_header(const frame_header& h, core::mutable_bytes out) noexcept {
  core::byte_writer w(out);
  w.put(static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | static_cast<std::uint8_t>(h.op)));
  const std::uint8_t mask_bit = h.masked ? 0x80 : 0;
  if (h.payload_size < 126) {
    w.put(static_cast<std::uint8_t>(mask_bit | h.payload_size));
  } else if (h.payload_size <= 0xFFFF) {
    w.put(static_cast<std::uint8_t>(mask_bit | 126));
    w.write(static_cast<std::uint16_t>(h.payload_size));
  } else {
    w.put(static_cast<std::uint8_t>(mask_bit | 127));
    w.write(h.payload_size);
  }
  if (h.masked) w.write(core::bytes_view(h.mask));
  return w.size();
}

inline void apply_mask(core::mutable_bytes data, const std::array<std::uint8_t, 4>& mask,
                       std::uint64_t offset) noexcept {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= mask[(offset + i) & 3];
}

inline std::error_code check_close_payload(core::bytes_view p) noexcept {
  if (p.empty()) return {};
  if (p.size() == 1) return errc::bad_close_payload;
  const unsigned code = (unsigned{p[0]} << 8) | p[1];
  // 7.4: 1005, 1006 and 1015 must never be sent; 1016-2999 are reserved; 0-999 unused.
  const bool allowed = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  if (!allowed || !core::is_valid_utf8(core::as_chars(p.subspan(2)))) return errc::bad_close_payload;
  return {};
}

inline bool decoder::check_sequence(std::error_code& ec) noexcept {
  const frame_header& h = header_;
  if (is_control(h.op)) {
    if (!h.fin || h.payload_size > 125) ec = errc::bad_control_frame;
  } else if (h.op == opcode::continuation) {
    if (!in_message_) ec = errc::unexpected_continuation;
  } else if (in_message_) {
    ec = errc::expected_continuation;
  }
  if (!ec && !is_control(h.op)) in_message_ = !h.fin;
  return !ec;
}

inline std::size_t decoder::put(core::mutable_bytes in, std::error_code& ec) {
  ec = {};
  payload_ = {};
  if (done_) {
    done_ = false;
    state_ = state::header;
  }
  std::size_t used = 0;
  if (state_ == state::header) {
    if (in.size() < 2) {
      ec = errc::need_more;
      return 0;
    }
    const std::uint8_t b0 = in[0], b1 = in[1];
    if (b0 & 0x70) {
      ec = errc::reserved_bits;
      return 0;
    }
    const auto op = static_cast<std::uint8_t>(b0 & 0x0F);
    if ((op > 2 && op < 8) || op > 10) {
      ec = errc::bad_opcode;
      return 0;
    }
    const bool masked = (b1 & 0x80) != 0;
    // Clients mask, servers do not (5.1): we decode the peer's frames.
    if (masked != (opts_.local == role::server)) {
      ec = errc::bad_masking;
      return 0;
    }
    std::size_t need = 2 + (masked ? 4 : 0);
    const std::uint8_t len7 = b1 & 0x7F;
    need += len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    if (in.size() < need) {
      ec = errc::need_more;
      return 0;
    }
    core::byte_reader r(core::bytes_view(in).subspan(2));
    std::uint64_t size = len7;
    if (len7 == 126) {
      std::uint16_t v = 0;
      r.read(v);
      size = v;
      if (size < 126) ec = errc::non_minimal_length;
    } else if (len7 == 127) {
      r.read(size);
      if (size >> 63) ec = errc::length_too_large;
      else if (size <= 0xFFFF) ec = errc::non_minimal_length;
    }
    if (ec) return 0;
    header_ = frame_header{(b0 & 0x80) != 0, static_cast<opcode>(op), masked, {}, size};
    if (masked) {
      core::bytes_view m;
      r.read(4, m);
      std::copy(m.begin(), m.end(), header_.mask.begin());
    }
    if (!check_sequence(ec)) return 0;
    if (size > opts_.max_frame_payload) {
      ec = errc::frame_too_large;
      return 0;
    }
    used = need;
    received_ = 0;
    control_size_ = 0;
    state_ = state::payload;
  }

  const std::uint64_t left = header_.payload_size - received_;
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, in.size() - used));
  auto chunk = in.subspan(used, n);
  if (header_.masked) apply_mask(chunk, header_.mask, received_);
  if (header_.op == opcode::close) {
    std::memcpy(control_.data() + control_size_, chunk.data(), n);
    control_size_ += n;
  }
  received_ += n;
  used += n;
  payload_ = chunk;
  if (used == 0 && received_ < header_.payload_size) ec = errc::need_more;
  if (received_ == header_.payload_size) {
    done_ = true;
    if (header_.op == opcode::close) ec = check_close_payload(core::bytes_view(control_.data(), control_size_));
  }
  return used;
}

} // namespace hubwire::net::websocket

#endif
