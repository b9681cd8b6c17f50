// -o json: each GetFlowsResponse as proto3 JSON on one line, with the proto
// field names ("source_port", "node_name", "IP"), as Hubble's jsonpb output
// does, so jq scripts written for Hubble work unchanged. The fast writer in
// proto_json.h does the work; protobuf's printer covers what it declines.
#include <google/protobuf/util/json_util.h>

#include "printers.h"
#include "proto_json.h"

namespace flows::cli {
namespace {

class JsonPrinter final : public FlowPrinter {
 public:
  JsonPrinter() { options_.preserve_proto_field_names = true; }

  void Print(const observer::GetFlowsResponse& r, std::string& out, std::string& err) override {
    // Node status goes to stderr (Hubble does the same), so stdout holds
    // flows and lost events only.
    std::string& to = r.has_node_status() ? err : out;
    if (AppendProtoJson(r, to)) {
      to += '\n';
      return;
    }
    json_.clear();
    const auto status = google::protobuf::util::MessageToJsonString(r, &json_, options_);
    if (!status.ok()) {
      err += "flows: cannot print a response as JSON: ";
      err += std::string(status.message());
      err += '\n';
      return;
    }
    to += json_;
    to += '\n';
  }

 private:
  google::protobuf::util::JsonPrintOptions options_;
  std::string json_;
};

}  // namespace

std::unique_ptr<FlowPrinter> MakeJsonPrinter() {
  return std::make_unique<JsonPrinter>();
}

}  // namespace flows::cli
