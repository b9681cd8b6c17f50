// libFuzzer target for the DNS parser. Besides crashes and sanitizer reports
// it traps when an output string breaks the promise that names and data are
// plain printable ASCII (what the Observer API's UTF-8 strings need).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "flows/datapath/dns_parser.h"

namespace {

using flows::datapath::DnsMessage;

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

void Check(const flows::Result<DnsMessage>& r) {
  if (!r.ok()) {
    TouchError(r.error());
    return;
  }
  Touch(r->query);
  for (const auto& a : r->answers) {
    Touch(a.name);
    Touch(a.data);
    if (a.name.empty() || a.name.back() != '.') __builtin_trap();
  }
  if (!r->query.empty() && r->query.back() != '.') __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  Check(flows::datapath::ParseDns(bytes));
  Check(flows::datapath::ParseDnsOverTcp(bytes));
  return 0;
}
