#include "field_error.h"

#include <cstdio>

namespace flows::flowd::filter {

std::string Quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

Error BadValue(std::string_view field, std::string_view value, std::string_view problem) {
  std::string message(field);
  message += ": ";
  message += Quoted(value);
  message += ' ';
  message += problem;
  return Error::Invalid(std::move(message));
}

Error BadField(std::string_view field, std::string_view problem) {
  std::string message(field);
  message += ": ";
  message += problem;
  return Error::Invalid(std::move(message));
}

}  // namespace flows::flowd::filter
