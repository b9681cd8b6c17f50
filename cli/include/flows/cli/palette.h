// ANSI colours for the text formats, or nothing. Hubble's choices: hosts
// cyan, ports yellow, identities magenta, verdicts by outcome.
#pragma once

#include <string>
#include <string_view>

namespace flows::cli {

enum class Color { kNone, kRed, kGreen, kYellow, kBlue, kMagenta, kCyan };

class Palette {
 public:
  explicit Palette(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }

  // Appends text, wrapped in the colour's escape codes when enabled.
  void Append(Color c, std::string_view text, std::string& out) const;

 private:
  bool enabled_;
};

// The length of the palette's own colour code starting at text[at]; 0 when
// there is none (what the terminal-safety pass lets through).
std::size_t PaletteCodeAt(std::string_view text, std::size_t at);

// --color auto|always|never. auto: only when stdout is a terminal that is not
// "dumb" and NO_COLOR is unset (https://no-color.org).
bool ShouldColor(std::string_view mode, bool stdout_is_tty, const char* term_env, const char* no_color_env);

}  // namespace flows::cli
