// Text from a server goes to a terminal: a pod name, URL or DNS query that
// holds control bytes could move the cursor, clear the screen or set the
// window title. The text printers' output is passed through here, which
// writes every control byte as \xNN, except the line breaks the printers
// make and, with colour on, the palette's own colour codes.
#pragma once

#include <string>

namespace flows::cli {

// Escapes control bytes in out[from, end). `keep_newlines`: '\n' stays
// (formats of several lines per flow); otherwise only a final '\n' stays.
void EscapeControlBytes(std::string& out, std::size_t from, bool keep_newlines, bool palette);

}  // namespace flows::cli
