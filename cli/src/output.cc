#include "output.h"

#include <errno.h>
#include <unistd.h>

#include <string>

namespace flows::cli {

bool FdWriter::Write(std::string_view text) {
  while (errno_ == 0 && !text.empty()) {
    const ssize_t n = ::write(fd_, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      break;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return errno_ == 0;
}

void PrintError(std::string_view message) {
  std::string line = "flows: ";
  line += message;
  line += '\n';
  FdWriter(STDERR_FILENO).Write(line);
}

}  // namespace flows::cli
