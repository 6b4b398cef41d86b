#ifndef HUBWIRE_HTTP_SERIALIZER_HPP
#define HUBWIRE_HTTP_SERIALIZER_HPP

// Requests and responses to bytes (RFC 9112). Field names and values are written
// exactly as given, in order. Everything written is first checked against the grammar
// the parser enforces, so a CR or LF smuggled into a value, a name that is not a token
// or a body on a 204 is an error, never a second message on the wire.
//
// serialize() frames the body: with "Transfer-Encoding: chunked" among the fields it
// writes the body as one chunk plus the trailers; with a Content-Length it checks the
// value matches; otherwise it adds "Content-Length" when the message has content or a
// method that expects it (POST, PUT, PATCH), as RFC 9110 8.6 asks. serialize_head()
// writes only the start line and the fields as they are, for callers that stream the
// body with serialize_chunk() / serialize_last_chunk() or answer a HEAD.

#include <hubwire/http/error.hpp>
#include <hubwire/http/message.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::http {

std::error_code serialize_head(const request& req, std::string& out);
std::error_code serialize_head(const response& res, std::string& out);

std::error_code serialize(const request& req, std::string& out);
std::error_code serialize(const response& res, std::string& out);

// One chunk (nothing for empty data: an empty chunk would end the body).
void serialize_chunk(std::string_view data, std::string& out);
// The last chunk and the trailer section.
std::error_code serialize_last_chunk(const fields& trailers, std::string& out);

} // namespace hubwire::http

#include <hubwire/http/impl/serializer.hpp>

#endif
