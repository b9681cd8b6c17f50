// libFuzzer target for the HTTP parser. Traps when an output string is not
// visible ASCII or a success does not look like a request or a response.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "flows/datapath/http_parser.h"

namespace {

volatile unsigned sink;

void Touch(const std::string& s) {
  unsigned sum = 0;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) __builtin_trap();
    sum += static_cast<unsigned char>(c);
  }
  sink = sink + sum;
}

void TouchError(const flows::Error& e) {
  unsigned sum = 0;
  for (char c : e.message) sum += static_cast<unsigned char>(c);
  sink = sink + sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = flows::datapath::ParseHttp(std::span<const std::uint8_t>(data, size));
  if (!r.ok()) {
    TouchError(r.error());
    return 0;
  }
  Touch(r->method);
  Touch(r->url);
  Touch(r->host);
  Touch(r->version);
  if (r->version != "HTTP/1.0" && r->version != "HTTP/1.1") __builtin_trap();
  if (r->response ? r->status < 100 || r->status > 599 || !r->method.empty()
                  : r->status != 0 || r->method.empty() || r->url.empty()) {
    __builtin_trap();
  }
  return 0;
}
