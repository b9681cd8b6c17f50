#include "proto_json.h"

#include <google/protobuf/descriptor.h>
#include <time.h>

#include <charconv>
#include <cstdint>
#include <vector>

namespace flows::cli {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

template <typename T>
void AppendInt(T v, std::string& out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

// protobuf's escaping of ASCII (checked against its printer): quote,
// backslash, control characters and DEL, '<' and '>'. Beyond ASCII it
// escapes a table of Unicode format and separator characters; rather than
// copy that table, a string with any non-ASCII byte is left to protobuf
// (false). Flow fields are ASCII in practice (names, URLs, DNS names).
bool AppendString(const std::string& s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '<':
        out += "\\u003c";
        continue;
      case '>':
        out += "\\u003e";
        continue;
      default:
        break;
    }
    if (c >= 0x80) return false;
    if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  out += '"';
  return true;
}

bool AppendTimestamp(const Message& m, std::string& out) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const std::int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
  const std::int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
  // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as protobuf checks.
  if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 || nanos > 999'999'999) return false;
  const time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  if (!gmtime_r(&t, &tm)) return false;
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "\"%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  out.append(buf, static_cast<std::size_t>(n));
  if (nanos != 0) {
    // 3, 6 or 9 digits, as protobuf prints them.
    if (nanos % 1'000'000 == 0) {
      n = std::snprintf(buf, sizeof(buf), ".%03d", nanos / 1'000'000);
    } else if (nanos % 1'000 == 0) {
      n = std::snprintf(buf, sizeof(buf), ".%06d", nanos / 1'000);
    } else {
      n = std::snprintf(buf, sizeof(buf), ".%09d", nanos);
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  out += "Z\"";
  return true;
}

bool AppendMessage(const Message& m, std::string& out);

// One value of field `f` (element `index` when repeated).
bool AppendValue(const Message& m, const FieldDescriptor* f, int index, std::string& out) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      AppendInt(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f), out);
      return true;
    case FieldDescriptor::CPPTYPE_UINT32:
      AppendInt(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f), out);
      return true;
    case FieldDescriptor::CPPTYPE_INT64:
      out += '"';
      AppendInt(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), out);
      out += '"';
      return true;
    case FieldDescriptor::CPPTYPE_UINT64:
      out += '"';
      AppendInt(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f), out);
      out += '"';
      return true;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
      return true;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      if (const auto* v = f->enum_type()->FindValueByNumber(number)) {
        out += '"';
        out += v->name();
        out += '"';
      } else {
        AppendInt(number, out);  // a value newer than our proto
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      if (f->type() == FieldDescriptor::TYPE_BYTES) return false;  // base64: left to protobuf
      std::string scratch;
      const std::string& s =
          rep ? r->GetRepeatedStringReference(m, f, index, &scratch) : r->GetStringReference(m, f, &scratch);
      return AppendString(s, out);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return AppendMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
    default:
      return false;  // float and double: protobuf's number formatting is not ours to copy
  }
}

bool AppendMessage(const Message& m, std::string& out) {
  const Descriptor* d = m.GetDescriptor();
  if (d->file()->name().rfind("google/protobuf/", 0) == 0) {
    const std::string& name = d->full_name();
    if (name == "google.protobuf.Timestamp") return AppendTimestamp(m, out);
    if (name == "google.protobuf.BoolValue" || name == "google.protobuf.Int32Value" ||
        name == "google.protobuf.UInt32Value" || name == "google.protobuf.Int64Value" ||
        name == "google.protobuf.UInt64Value" || name == "google.protobuf.StringValue") {
      return AppendValue(m, d->FindFieldByNumber(1), -1, out);
    }
    return false;  // Duration, FieldMask, Any, Struct, ...: not in flows' responses
  }
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // set fields, by field number, as protobuf prints them
  out += '{';
  bool first = true;
  for (const FieldDescriptor* f : fields) {
    if (f->is_map()) return false;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += f->name();
    out += "\":";
    if (f->is_repeated()) {
      out += '[';
      const int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        if (i) out += ',';
        if (!AppendValue(m, f, i, out)) return false;
      }
      out += ']';
    } else if (!AppendValue(m, f, -1, out)) {
      return false;
    }
  }
  out += '}';
  return true;
}

}  // namespace

bool AppendProtoJson(const Message& m, std::string& out) {
  const std::size_t size = out.size();
  if (AppendMessage(m, out)) return true;
  out.resize(size);
  return false;
}

}  // namespace flows::cli
