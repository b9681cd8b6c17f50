#include "flows/cli/palette.h"

#include <string_view>

namespace flows::cli {

namespace {

constexpr std::string_view kCodes[] = {"",         "\x1b[31m", "\x1b[32m", "\x1b[33m",
                                       "\x1b[34m", "\x1b[35m", "\x1b[36m"};
constexpr std::string_view kReset = "\x1b[0m";

}  // namespace

void Palette::Append(Color c, std::string_view text, std::string& out) const {
  if (!enabled_ || c == Color::kNone) {
    out += text;
    return;
  }
  out += kCodes[static_cast<int>(c)];
  out += text;
  out += kReset;
}

std::size_t PaletteCodeAt(std::string_view text, std::size_t at) {
  const std::string_view rest = text.substr(at);
  if (rest.starts_with(kReset)) return kReset.size();
  for (const std::string_view code : kCodes) {
    if (!code.empty() && rest.starts_with(code)) return code.size();
  }
  return 0;
}

bool ShouldColor(std::string_view mode, bool stdout_is_tty, const char* term_env, const char* no_color_env) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (no_color_env && *no_color_env) return false;
  if (term_env && std::string_view(term_env) == "dumb") return false;
  return stdout_is_tty;
}

}  // namespace flows::cli
