// Proto3 JSON (proto field names, as Hubble's jsonpb output) written
// straight from reflection. protobuf's MessageToJsonString serialises to
// binary and re-parses through a type resolver: ~40 us per flow, so
// `flows observe -o json --last 65535` took seconds. This covers what flow,
// observer and relay messages use (scalars, enums, strings, nested and
// repeated messages, Timestamp, wrappers) and returns false on anything
// else (maps, bytes, floating point, other well-known types, out-of-range
// times); the caller then falls back to protobuf's printer. Tests hold the
// two outputs equal.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace flows::cli {

// Appends the JSON of `m` to `out`; on false, `out` is left as it was.
bool AppendProtoJson(const google::protobuf::Message& m, std::string& out);

}  // namespace flows::cli
