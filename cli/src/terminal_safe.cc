#include "terminal_safe.h"

#include <cstdio>
#include <string_view>

#include "flows/cli/palette.h"

namespace flows::cli {
namespace {

bool IsControl(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

}  // namespace

void EscapeControlBytes(std::string& out, std::size_t from, bool keep_newlines, bool palette) {
  const std::size_t end = out.size();
  const std::size_t last = end == from ? end : end - 1;
  std::size_t i = from;
  // The common case: nothing to escape, nothing copied.
  for (; i < end; ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (!IsControl(c) || c == '\t') continue;
    if (c == '\n' && (keep_newlines || i == last)) continue;
    if (c == '\x1b' && palette && PaletteCodeAt(out, i) > 0) {
      i += PaletteCodeAt(out, i) - 1;
      continue;
    }
    break;
  }
  if (i == end) return;
  std::string safe(out, i, std::string::npos);
  out.resize(i);
  for (std::size_t j = 0; j < safe.size(); ++j) {
    const auto c = static_cast<unsigned char>(safe[j]);
    const bool final_newline = j + 1 == safe.size();
    if (!IsControl(c) || c == '\t' || (c == '\n' && (keep_newlines || final_newline))) {
      out += safe[j];
      continue;
    }
    if (const std::size_t n = palette && c == '\x1b' ? PaletteCodeAt(safe, j) : 0; n > 0) {
      out.append(safe, j, n);
      j += n - 1;
      continue;
    }
    char hex[5];
    std::snprintf(hex, sizeof(hex), "\\x%02x", c);
    out += hex;
  }
}

}  // namespace flows::cli
