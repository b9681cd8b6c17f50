// Turns the bytes of one flow-ring record into a Flow. The bytes come from
// the kernel but are treated as untrusted: version, sizes and lengths are
// checked, and L7 payload goes through the safe user-space parsers.
#pragma once

#include <cstdint>
#include <span>

#include "flows/common/result.h"
#include "flows/datapath/clock.h"
#include "flows/datapath/flow.h"

struct flows_key;
struct flows_stats;

namespace flows::datapath {

class RecordDecoder {
 public:
  explicit RecordDecoder(const Clock& clock) : clock_(clock) {}

  // Decodes one record. An error means the record is unusable (counted by
  // the caller as a decode loss); an L7 payload that fails to parse is not
  // an error: the flow is kept and Flow::l7_error says why.
  Result<Flow> Decode(std::span<const std::uint8_t> bytes) const;

  // Builds a Flow from a flow-table entry (the sweeper's flow-end records).
  Flow FromTableEntry(const flows_key& key, const flows_stats& stats, std::uint16_t reasons) const;

 private:
  const Clock& clock_;
};

}  // namespace flows::datapath
