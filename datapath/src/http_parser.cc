#include "flows/datapath/http_parser.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace flows::datapath {
namespace {

constexpr std::size_t kMaxMethod = 16;

bool IsVisible(char c) {
  return c > 0x20 && c < 0x7f;
}

bool AllVisible(std::string_view s) {
  for (char c : s) {
    if (!IsVisible(c)) return false;
  }
  return true;
}

bool IsVersion(std::string_view v) {
  return v == "HTTP/1.0" || v == "HTTP/1.1";
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsNoCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != lower[i]) return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Returns an empty view on success, else what is wrong.
std::string_view ParseRequestLine(std::string_view line, HttpMessage* out) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return "no space in request line";
  const std::string_view method = line.substr(0, sp1);
  if (method.empty() || method.size() > kMaxMethod) return "bad method";
  for (char c : method) {
    if (c < 'A' || c > 'Z') return "bad method";
  }
  line.remove_prefix(sp1 + 1);
  const std::size_t sp2 = line.find(' ');
  if (sp2 == std::string_view::npos) return "no version in request line";
  const std::string_view target = line.substr(0, sp2);
  // Visible ASCII only, which also keeps the URL valid UTF-8 downstream.
  if (target.empty() || !AllVisible(target)) return "bad request target";
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsVersion(version)) return "bad version in request line";
  out->method = method;
  out->url = target;
  out->version = version;
  return {};
}

std::string_view ParseStatusLine(std::string_view line, HttpMessage* out) {
  constexpr std::size_t kCodeAt = 9;  // "HTTP/1.x " is 9 bytes
  if (line.size() < kCodeAt + 3) return "status line too short";
  const std::string_view version = line.substr(0, 8);
  if (!IsVersion(version) || line[8] != ' ') return "bad version in status line";
  const std::string_view code = line.substr(kCodeAt, 3);
  if (code[0] < '1' || code[0] > '5') return "bad status code";
  for (char c : code) {
    if (c < '0' || c > '9') return "bad status code";
  }
  // The reason phrase may be absent altogether; many servers omit it.
  std::string_view reason = line.substr(kCodeAt + 3);
  if (!reason.empty()) {
    if (reason[0] != ' ') return "bad status code";
    for (char ch : reason) {
      const auto c = static_cast<unsigned char>(ch);  // obs-text (0x80-0xff) is allowed
      if ((c < 0x20 && c != '\t') || c == 0x7f) return "control character in reason phrase";
    }
  }
  out->response = true;
  out->version = version;
  out->status = static_cast<std::uint16_t>((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
  return {};
}

// The first Host header among complete lines before the blank line, or empty.
std::string_view FindHost(std::string_view headers) {
  for (;;) {
    const std::size_t lf = headers.find('\n');
    if (lf == std::string_view::npos) return {};  // cut by the window
    std::string_view line = headers.substr(0, lf);
    headers.remove_prefix(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return {};  // end of the header section
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !EqualsNoCase(line.substr(0, colon), "host")) continue;
    // Only the first Host counts: a second one makes the request invalid
    // (RFC 9112 3.2), and a value that is not plain ASCII is not reported.
    const std::string_view value = TrimOws(line.substr(colon + 1));
    return AllVisible(value) ? value : std::string_view{};
  }
}

}  // namespace

Result<HttpMessage> ParseHttp(std::span<const std::uint8_t> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const std::size_t lf = text.find('\n');
  if (lf == std::string_view::npos) return Error::Invalid("http: no CRLF in first line");
  if (lf == 0 || text[lf - 1] != '\r') return Error::Invalid("http: bare LF in first line");
  const std::string_view line = text.substr(0, lf - 1);

  HttpMessage m;
  if (line.starts_with("HTTP/")) {
    if (std::string_view why = ParseStatusLine(line, &m); !why.empty()) {
      return Error::Invalid("http: " + std::string(why));
    }
    return m;
  }
  if (std::string_view why = ParseRequestLine(line, &m); !why.empty()) {
    return Error::Invalid("http: " + std::string(why));
  }
  m.host = FindHost(text.substr(lf + 1));
  return m;
}

}  // namespace flows::datapath
