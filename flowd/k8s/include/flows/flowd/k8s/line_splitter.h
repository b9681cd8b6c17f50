// Cuts a byte stream (a watch response body, as it arrives in arbitrary
// pieces) into newline-terminated lines, holding at most one partial line of
// bounded size, so a server that never sends '\n' cannot grow memory.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "flows/flowd/k8s/errors.h"

namespace flows::flowd::k8s {

class LineSplitter {
 public:
  // Called per complete line, without its "\n" (or "\r\n"); empty lines are
  // skipped. Returns false to stop.
  using OnLine = std::function<bool(std::string_view line)>;

  explicit LineSplitter(std::size_t max_line_bytes) : max_line_(max_line_bytes) {}

  // Result: true to go on, false if on_line asked to stop. A line longer
  // than the bound is an error (kErrTooLarge), after which the splitter is
  // spent.
  Result<bool> Feed(std::string_view bytes, const OnLine& on_line);

  // Bytes of an unfinished line held back.
  std::size_t pending() const { return partial_.size(); }

 private:
  std::size_t max_line_;
  std::string partial_;
};

}  // namespace flows::flowd::k8s
