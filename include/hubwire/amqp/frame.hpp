#ifndef HUBWIRE_AMQP_FRAME_HPP
#define HUBWIRE_AMQP_FRAME_HPP

// AMQP 1.0 transport framing (part 2, 2.2 and 2.3): the 8-byte protocol headers that
// open a connection (AMQP, or SASL first), and frames: a 4-byte size, a data offset in
// 4-byte words (at least 2; an extended header between byte 8 and the offset is
// skipped), a type (0 AMQP, 1 SASL) and a 2-byte channel. A frame of exactly 8 bytes
// is empty: a heartbeat.

#include <hubwire/amqp/error.hpp>
#include <hubwire/core/bytes.hpp>

#include <array>
#include <cstdint>
#include <system_error>
#include <vector>

namespace hubwire::amqp {

using core::bytes_view;

// --- protocol headers -------------------------------------------------------------

enum class protocol_id : std::uint8_t { amqp = 0, tls = 2, sasl = 3 };

struct protocol_header {
  protocol_id id = protocol_id::amqp;
  std::uint8_t major = 1, minor = 0, revision = 0;
  friend bool operator==(const protocol_header&, const protocol_header&) = default;
};

inline constexpr std::size_t protocol_header_size = 8;

// Reads the 8-byte header. Returns 8, or 0 with need_more (fewer than 8 bytes),
// not_amqp (no "AMQP" prefix) or protocol_mismatch (another id or version: `out` holds
// what the peer sent, so the caller can answer with the header it supports, as part 2,
// 2.2 asks, before closing).
inline std::size_t parse_protocol_header(bytes_view in, protocol_header& out, std::error_code& ec) noexcept {
  ec.clear();
  if (in.size() < protocol_header_size) return ec = errc::need_more, 0;
  if (in[0] != 'A' || in[1] != 'M' || in[2] != 'Q' || in[3] != 'P') return ec = errc::not_amqp, 0;
  out = {static_cast<protocol_id>(in[4]), in[5], in[6], in[7]};
  const bool known = in[4] == 0 || in[4] == 2 || in[4] == 3;
  if (!known || out.major != 1 || out.minor != 0 || out.revision != 0) return ec = errc::protocol_mismatch, 0;
  return protocol_header_size;
}

inline std::array<std::uint8_t, 8> encode_protocol_header(protocol_header h = {}) noexcept {
  return {'A', 'M', 'Q', 'P', static_cast<std::uint8_t>(h.id), h.major, h.minor, h.revision};
}

// --- frames -----------------------------------------------------------------------

enum class frame_type : std::uint8_t { amqp = 0, sasl = 1 };

inline constexpr std::size_t frame_header_size = 8;
// Every peer accepts frames this large before open has agreed a max-frame-size.
inline constexpr std::uint32_t min_max_frame_size = 512;

struct frame_header {
  std::uint32_t size = frame_header_size; // whole frame, header included
  std::uint8_t doff = 2;                   // data offset, in 4-byte words
  frame_type type = frame_type::amqp;
  std::uint16_t channel = 0;
  friend bool operator==(const frame_header&, const frame_header&) = default;
};

struct frame {
  frame_header header;
  bytes_view extended; // bytes between the header and the data offset (ignored by peers)
  bytes_view body;     // performative (and payload); empty for a heartbeat
  bool is_heartbeat() const noexcept { return body.empty(); }
};

// Validates an 8-byte frame header against the caller's max-frame-size.
inline bool parse_frame_header(bytes_view in, std::uint32_t max_frame_size, frame_header& h,
                               std::error_code& ec) noexcept {
  core::byte_reader r(in);
  std::uint8_t type = 0;
  if (!r.read(h.size) || !r.read(h.doff) || !r.read(type) || !r.read(h.channel)) return ec = errc::need_more, false;
  if (h.size < frame_header_size) return ec = errc::bad_frame_size, false;
  if (h.size > max_frame_size) return ec = errc::frame_too_large, false;
  if (h.doff < 2 || std::size_t{h.doff} * 4 > h.size) return ec = errc::bad_data_offset, false;
  if (type > 1) return ec = errc::bad_frame_type, false;
  h.type = static_cast<frame_type>(type);
  return true;
}

// Incremental frame reader with the `put(buffer, ec) -> used` contract: feed it what
// arrived; need_more means every byte was taken and the frame is not complete. When
// put() succeeds, `get()` is one whole frame, a view valid until the next put(): into
// the caller's buffer when the frame arrived in one piece (no copy), else into the
// reader's own buffer, which grows to at most max_frame_size, and only after the
// frame's header has been checked against it.
class frame_reader {
public:
  // Part 2, 2.4.1: before open, a peer may not send frames larger than 512 bytes;
  // raise it to the negotiated max-frame-size once open has been exchanged.
  static constexpr std::uint32_t default_max_frame_size = 64 * 1024;

  explicit frame_reader(std::uint32_t max_frame_size = default_max_frame_size) noexcept
      : max_(max_frame_size) {}

  void max_frame_size(std::uint32_t n) noexcept { max_ = n; }
  std::uint32_t max_frame_size() const noexcept { return max_; }

  std::size_t put(bytes_view in, std::error_code& ec);

  const frame& get() const noexcept { return frame_; }

private:
  bool finish(bytes_view whole, std::error_code& ec) noexcept;

  std::uint32_t max_;
  std::vector<std::uint8_t> buf_;
  frame_header header_{};
  bool have_header_ = false;
  frame frame_{};
};

inline std::size_t frame_reader::put(bytes_view in, std::error_code& ec) {
  ec.clear();
  if (buf_.empty() || (have_header_ && buf_.size() == header_.size)) {
    buf_.clear();
    have_header_ = false;
    // Whole frame present: hand out a view of the caller's bytes.
    if (in.size() >= frame_header_size) {
      if (!parse_frame_header(in, max_, header_, ec)) return 0;
      if (in.size() >= header_.size) {
        finish(in.first(header_.size), ec);
        return header_.size;
      }
      have_header_ = true;
    }
  }
  std::size_t used = 0;
  if (!have_header_) {
    const std::size_t n = std::min(frame_header_size - buf_.size(), in.size());
    buf_.insert(buf_.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    used = n;
    if (buf_.size() < frame_header_size) return ec = errc::need_more, used;
    if (!parse_frame_header(buf_, max_, header_, ec)) {
      buf_.clear();
      return used;
    }
    have_header_ = true;
    buf_.reserve(header_.size);
  }
  const std::size_t n = std::min<std::size_t>(header_.size - buf_.size(), in.size() - used);
  buf_.insert(buf_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
              in.begin() + static_cast<std::ptrdiff_t>(used + n));
  used += n;
  if (buf_.size() < header_.size) return ec = errc::need_more, used;
  finish(buf_, ec);
  return used;
}

inline bool frame_reader::finish(bytes_view whole, std::error_code&) noexcept {
  const std::size_t off = std::size_t{header_.doff} * 4;
  frame_.header = header_;
  frame_.extended = whole.subspan(frame_header_size, off - frame_header_size);
  frame_.body = whole.subspan(off);
  return true;
}

// Frame writing: begin_frame reserves the header, the caller appends the body, and
// end_frame patches the size in. Frames are written with doff 2 (no extended header).
inline std::size_t begin_frame(std::vector<std::uint8_t>& out, frame_type type, std::uint16_t channel) {
  const std::size_t start = out.size();
  out.insert(out.end(), {0, 0, 0, 0, 2, static_cast<std::uint8_t>(type),
                         static_cast<std::uint8_t>(channel >> 8), static_cast<std::uint8_t>(channel)});
  return start;
}
inline void end_frame(std::vector<std::uint8_t>& out, std::size_t start) noexcept {
  const auto size = static_cast<std::uint32_t>(out.size() - start);
  for (std::size_t i = 0; i < 4; ++i) out[start + i] = static_cast<std::uint8_t>(size >> (24 - 8 * i));
}
// The empty frame a peer sends to keep an idle connection open.
inline void write_heartbeat(std::vector<std::uint8_t>& out) {
  end_frame(out, begin_frame(out, frame_type::amqp, 0));
}

} // namespace hubwire::amqp

#endif
