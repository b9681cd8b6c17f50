// LossCounters: reads ServerStatusResponse field 200000 (repeated
// LostEventCount{source=1, count=2, node_name=3}) whether our generated code
// knows the field (reflection) or not (unknown fields, parsed by hand).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/wire_format_lite.h>

#include "flows/cli/status_text.h"

namespace flows::cli {
namespace {

constexpr int kLossField = 200000;

// One LostEventCount from its wire bytes; false when malformed (a server's
// bytes are untrusted: skip what does not parse).
bool ParseLossCount(const std::string& bytes, LossCount& out) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (true) {
    const std::uint32_t tag = in.ReadTag();
    if (tag == 0) return in.ConsumedEntireMessage() || in.CurrentPosition() == static_cast<int>(bytes.size());
    const int field = static_cast<int>(tag >> 3);
    const int wire = static_cast<int>(tag & 7);
    if ((field == 1 || field == 3) && wire == 2) {
      std::uint32_t len;
      std::string s;
      if (!in.ReadVarint32(&len) || !in.ReadString(&s, static_cast<int>(len))) return false;
      (field == 1 ? out.source : out.node_name) = std::move(s);
    } else if (field == 2 && wire == 0) {
      std::uint64_t v;
      if (!in.ReadVarint64(&v)) return false;
      out.count = v;
    } else if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
}

}  // namespace

std::vector<LossCount> LossCounters(const observer::ServerStatusResponse& status) {
  std::vector<LossCount> out;
  const auto* desc = status.GetDescriptor();
  const auto* refl = status.GetReflection();
  if (const auto* field = desc->FindFieldByNumber(kLossField);
      field && field->is_repeated() && field->message_type()) {
    for (int i = 0; i < refl->FieldSize(status, field); ++i) {
      const google::protobuf::Message& m = refl->GetRepeatedMessage(status, field, i);
      LossCount c;
      if (!ParseLossCount(m.SerializeAsString(), c)) continue;
      out.push_back(std::move(c));
    }
    return out;
  }
  const auto& unknown = refl->GetUnknownFields(status);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const auto& f = unknown.field(i);
    if (f.number() != kLossField || f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
      continue;
    LossCount c;
    if (ParseLossCount(f.length_delimited(), c)) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace flows::cli
