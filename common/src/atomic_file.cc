#include "flows/common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "flows/common/unique_fd.h"

namespace flows {
namespace {

std::string DirOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::System("write " + what, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".tmp.XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));  // mode 0600: only flowd reads its state
  if (!fd) return Error::System("create temporary file for " + path, errno);
  Status s = WriteAll(fd.get(), contents, tmp);
  if (s && ::fsync(fd.get()) != 0) s = Error::System("fsync " + tmp, errno);
  // close(2) can report a deferred write error: checked, not left to reset().
  if (::close(fd.release()) != 0 && s) s = Error::System("close " + tmp, errno);
  if (s && ::rename(tmp.c_str(), path.c_str()) != 0)
    s = Error::System("rename " + tmp + " to " + path, errno);
  if (!s) {
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename itself is durable only once the directory is synced.
  if (UniqueFd dir(::open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dir) ::fsync(dir.get());
  return OkStatus();
}

Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::System("open " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::System("stat " + path, errno);
  if (!S_ISREG(st.st_mode)) return Error::Invalid(path + ": not a regular file");
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::System("read " + path, errno);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes)
      return Error{path + ": larger than " + std::to_string(max_bytes) + " bytes", EMSGSIZE};
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace flows
