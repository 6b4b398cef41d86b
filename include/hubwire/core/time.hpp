#ifndef HUBWIRE_CORE_TIME_HPP
#define HUBWIRE_CORE_TIME_HPP

// ISO 8601 UTC instants as IoT Hub writes them: "2016-07-04T10:38:06.1516616Z".
// format_iso8601 always writes seven fraction digits, the .NET round-trip form ("o")
// that the C# SDK requires for MQTT's $.exp (and every other parser accepts);
// parse_iso8601 accepts 0 to 9 fraction digits (extra precision is truncated to the
// 100 ns tick), a 'Z' or a +hh:mm / -hh:mm offset, and nothing else.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hubwire::core {

using system_time = std::chrono::system_clock::time_point;

std::string format_iso8601(system_time t);
std::optional<system_time> parse_iso8601(std::string_view s) noexcept;

} // namespace hubwire::core

#include <hubwire/core/impl/time.hpp>

#endif
