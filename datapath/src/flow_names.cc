#include "flow_record.h"
#include "flows/datapath/flow.h"

namespace flows::datapath {

std::vector<std::string> ReasonNames(Reasons r) {
  static_assert(FLOWS_REASON_EVICTED == 1u << (std::size(kReasonNames) - 1),
                "kReasonNames follows flow_record.h");
  std::vector<std::string> out;
  ForEachReason(r, [&](const char* name) { out.emplace_back(name); });
  return out;
}

std::string MacString(const std::array<std::uint8_t, 6>& m) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(17, ':');
  for (int i = 0; i < 6; ++i) {
    s[i * 3] = kHex[m[i] >> 4];
    s[i * 3 + 1] = kHex[m[i] & 0xf];
  }
  return s;
}

}  // namespace flows::datapath
