#ifndef HUBWIRE_NET_ASIO_COMPAT_HPP
#define HUBWIRE_NET_ASIO_COMPAT_HPP

// The one place that knows which Asio this is. Debian 12 ships 1.22; vcpkg and Conan
// ship 1.3x. Everything version-specific is gated here on ASIO_VERSION.

#include <asio/version.hpp>

// Asio 1.22 is the oldest release with the completion-token and cancellation-slot
// model hubwire's async operations are written against.
static_assert(ASIO_VERSION >= 102200, "hubwire needs Asio 1.22 or newer");

// 1.24 added asio::deferred in the main namespace (1.22 has it in experimental::) and
// any_completion_handler; 1.28 added cancel_after (added by hubwire as with_timeout).
#define HUBWIRE_ASIO_HAS_ANY_COMPLETION_HANDLER (ASIO_VERSION >= 102400)
#define HUBWIRE_ASIO_HAS_DEFERRED (ASIO_VERSION >= 102400)

#include <asio/experimental/deferred.hpp>

namespace hubwire::net {
#if HUBWIRE_ASIO_HAS_DEFERRED
inline constexpr auto& deferred = ::asio::deferred;
#else
inline constexpr auto& deferred = ::asio::experimental::deferred;
#endif
} // namespace hubwire::net

#endif
