#include "proto_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/wrappers.pb.h>
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
  std::size_t plain_from = 0;  // characters that need no escape are copied in runs
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>') continue;
    if (c >= 0x80) return false;
    out.append(s, plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s, plain_from, std::string::npos);
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

constexpr int kMaxDepth = 100;  // protobuf's own recursion limit

bool AppendMessage(const Message& m, std::string& out, int depth);

// One value of field `f` (element `index` when repeated).
bool AppendValue(const Message& m, const FieldDescriptor* f, int index, std::string& out, int depth) {
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
      return AppendMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out, depth + 1);
    default:
      return false;  // float and double: protobuf's number formatting is not ours to copy
  }
}

bool AppendMessage(const Message& m, std::string& out, int depth) {
  if (depth > kMaxDepth) return false;
  const Descriptor* d = m.GetDescriptor();
  if (d == google::protobuf::Timestamp::descriptor()) return AppendTimestamp(m, out);
  // Wrappers print as their value (float, double and bytes wrappers are
  // declined by AppendValue).
  if (d->file() == google::protobuf::BoolValue::descriptor()->file()) {
    return AppendValue(m, d->FindFieldByNumber(1), -1, out, depth);
  }
  // Duration, FieldMask, Any, Struct, ...: not in flows' responses.
  if (d->file()->package() == "google.protobuf") return false;
  const Reflection* r = m.GetReflection();
  // One field list per nesting depth, reused: no allocation per message.
  // Sized once: growing it would move the lists outer calls are iterating.
  thread_local std::vector<std::vector<const FieldDescriptor*>> lists(kMaxDepth + 1);
  std::vector<const FieldDescriptor*>& fields = lists[static_cast<std::size_t>(depth)];
  fields.clear();
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
        if (!AppendValue(m, f, i, out, depth)) return false;
      }
      out += ']';
    } else if (!AppendValue(m, f, -1, out, depth)) {
      return false;
    }
  }
  out += '}';
  return true;
}

}  // namespace

bool AppendProtoJson(const Message& m, std::string& out) {
  const std::size_t size = out.size();
  if (AppendMessage(m, out, 0)) return true;
  out.resize(size);
  return false;
}

}  // namespace flows::cli
