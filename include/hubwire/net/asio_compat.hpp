#ifndef HUBWIRE_NET_ASIO_COMPAT_HPP
#define HUBWIRE_NET_ASIO_COMPAT_HPP

// The one place that knows which Asio this is. Debian 12 ships 1.22; vcpkg and Conan
// ship 1.3x. Everything version-specific is gated here on ASIO_VERSION.

// A standard header must come before Asio 1.22's config.hpp: Asio decides between
// aligned_alloc and operator new from libstdc++'s _GLIBCXX_HAVE_ALIGNED_ALLOC, so two
// translation units that include Asio first and second would allocate one way and free
// the other (an ODR violation AddressSanitizer reports as alloc-dealloc-mismatch).
#include <cstddef>

#include <asio/version.hpp>

// Asio 1.22 is the oldest release with the completion-token and cancellation-slot
// model hubwire's async operations are written against.
static_assert(ASIO_VERSION >= 102200, "hubwire needs Asio 1.22 or newer");

// 1.24 added asio::deferred in the main namespace (1.22 has it in experimental::) and
// as_tuple out of experimental::, and any_completion_handler; 1.28 added cancel_after
// (hubwire's with_timeout does that job on every version).
#define HUBWIRE_ASIO_HAS_ANY_COMPLETION_HANDLER (ASIO_VERSION >= 102400)
#define HUBWIRE_ASIO_HAS_DEFERRED (ASIO_VERSION >= 102400)

#if HUBWIRE_ASIO_HAS_DEFERRED
#include <asio/as_tuple.hpp>
#include <asio/deferred.hpp>
#else
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/deferred.hpp>
#endif

namespace hubwire::net {
#if HUBWIRE_ASIO_HAS_DEFERRED
inline constexpr auto& deferred = ::asio::deferred;
using ::asio::as_tuple;
#else
inline constexpr auto& deferred = ::asio::experimental::deferred;
using ::asio::experimental::as_tuple;
#endif
} // namespace hubwire::net

#endif
