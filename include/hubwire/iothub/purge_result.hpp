#ifndef HUBWIRE_IOTHUB_PURGE_RESULT_HPP
#define HUBWIRE_IOTHUB_PURGE_RESULT_HPP

// The hub's 200 answer to a purge (DELETE /devices/{id}/commands, see
// https::make_purge_request): {"deviceId": "...", "moduleId": ..., "totalMessagesPurged": N}
// (reference: iothub-wire-details.md 3.5, the C# and Python service SDKs' models).
// Keys compare case-insensitively, as Newtonsoft does in the .NET SDK.

#include <hubwire/core/result.hpp>
#include <hubwire/http/message.hpp>
#include <hubwire/iothub/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hubwire::iothub::https {

struct purge_result {
  std::string device_id;
  std::optional<std::string> module_id; // null or absent for a device
  std::uint64_t total_messages_purged = 0;
  friend bool operator==(const purge_result&, const purge_result&) = default;
};

// 200 with the JSON body -> the result; other statuses -> their iothub::errc (see
// classify()); a body that is not the documented object -> errc::invalid_message.
core::result<purge_result> parse_purge_response(const http::response& res) noexcept;

// The emulator's 200 answer.
http::response make_purge_response(const purge_result& r);

} // namespace hubwire::iothub::https

#include <hubwire/iothub/impl/purge_result.hpp>

#endif
