#ifndef HUBWIRE_HUBWIRE_HPP
#define HUBWIRE_HUBWIRE_HPP

// Everything. Prefer the individual headers in your own code: layers 0-2 compile
// without Asio, and a translation unit pays only for what it includes.

#include <hubwire/core/base64.hpp>
#include <hubwire/core/bytes.hpp>
#include <hubwire/core/error.hpp>
#include <hubwire/core/percent.hpp>
#include <hubwire/core/result.hpp>
#include <hubwire/core/time.hpp>
#include <hubwire/core/utf8.hpp>

#include <hubwire/amqp/cbs.hpp>
#include <hubwire/amqp/decode.hpp>
#include <hubwire/amqp/definitions.hpp>
#include <hubwire/amqp/encode.hpp>
#include <hubwire/amqp/engine.hpp>
#include <hubwire/amqp/engine_error.hpp>
#include <hubwire/amqp/engine_events.hpp>
#include <hubwire/amqp/error.hpp>
#include <hubwire/amqp/fields.hpp>
#include <hubwire/amqp/frame.hpp>
#include <hubwire/amqp/message.hpp>
#include <hubwire/amqp/performatives.hpp>
#include <hubwire/amqp/sasl.hpp>
#include <hubwire/amqp/serial.hpp>
#include <hubwire/amqp/types.hpp>

#include <hubwire/auth/connection_string.hpp>
#include <hubwire/auth/sas.hpp>

#include <hubwire/iothub/amqp_mapping.hpp>
#include <hubwire/http/error.hpp>
#include <hubwire/http/fields.hpp>
#include <hubwire/http/framing.hpp>
#include <hubwire/http/message.hpp>
#include <hubwire/http/parser.hpp>
#include <hubwire/http/serializer.hpp>

#include <hubwire/iothub/error.hpp>
#include <hubwire/iothub/feedback.hpp>
#include <hubwire/iothub/feedback_record.hpp>
#include <hubwire/iothub/https_mapping.hpp>
#include <hubwire/iothub/limits.hpp>
#include <hubwire/iothub/message.hpp>
#include <hubwire/iothub/purge_result.hpp>
#include <hubwire/iothub/mqtt_topics.hpp>

#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>
#include <hubwire/mqtt/error.hpp>
#include <hubwire/mqtt/packet.hpp>
#include <hubwire/mqtt/validate.hpp>

#include <hubwire/hub/error.hpp>
#include <hubwire/hub/lock_token.hpp>
#include <hubwire/hub/peek_lock_queue.hpp>
#include <hubwire/hub/queue.hpp>

#include <hubwire/net/asio_compat.hpp>
#include <hubwire/net/retry.hpp>
#include <hubwire/net/tls.hpp>
#include <hubwire/net/websocket_frame.hpp>
#include <hubwire/net/websocket_handshake.hpp>
#include <hubwire/net/websocket_stream.hpp>
#include <hubwire/net/with_timeout.hpp>

#endif
