// Ring records are written by our own BPF programs, but the decoder treats
// them as untrusted: any bytes must give a Flow or an error, never a crash.
#include <cstddef>
#include <cstdint>

#include "flows/datapath/record_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The real clock: its conversion of untrusted timestamps is under test too.
  static flows::datapath::SystemClock clock;
  static flows::datapath::RecordDecoder decoder(clock);
  auto flow = decoder.Decode({data, size});
  if (flow.ok()) {
    volatile std::size_t touch = flow->src.ToString().size() + flow->l7_error.size();
    if (flow->http) touch = touch + flow->http->url.size() + flow->http->host.size();
    if (flow->dns)
      for (const auto& a : flow->dns->answers) touch = touch + a.name.size() + a.data.size();
    (void)touch;
  }
  return 0;
}
