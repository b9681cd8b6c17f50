// Decoding of the start of an HTTP/1.x message from the kernel's L7 window:
// the request or status line, and for requests the Host header if it lies
// within the window. The bytes are untrusted and may be cut anywhere.
#pragma once

#include <cstdint>
#include <span>

#include "flows/common/result.h"
#include "flows/datapath/flow.h"

namespace flows::datapath {

// Requires a complete first line ending in CRLF (a bare LF there is an
// error: being strict keeps non-HTTP payloads from being misread):
//   request:  METHOD SP request-target SP HTTP/1.x CRLF   (METHOD: 1-16 of A-Z)
//   response: HTTP/1.x SP 3DIGIT [SP reason-phrase] CRLF (status 100-599)
// Header lines may end in CRLF or LF; a header line cut by the end of the
// bytes is ignored, as is a Host value that is not visible ASCII.
Result<HttpMessage> ParseHttp(std::span<const std::uint8_t> bytes);

}  // namespace flows::datapath
