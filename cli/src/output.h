// Writing to stdout/stderr without iostreams: the observe loop writes
// batches of lines, and must notice a closed pipe (`flows observe | head`)
// and stop quietly instead of dying on SIGPIPE or spinning.
#pragma once

#include <string_view>

namespace flows::cli {

class FdWriter {
 public:
  explicit FdWriter(int fd) : fd_(fd) {}
  // False once a write failed; errno_of_failure() says why.
  bool Write(std::string_view text);
  int errno_of_failure() const { return errno_; }

 private:
  int fd_;
  int errno_ = 0;
};

// One line on stderr: "flows: <message>\n".
void PrintError(std::string_view message);

}  // namespace flows::cli
