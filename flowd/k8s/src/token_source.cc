#include "flows/flowd/k8s/token_source.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace flows::flowd::k8s {

Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::System("open " + path, errno ? errno : ENOENT);
  std::string data;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return Error{path + ": larger than " + std::to_string(max_bytes) + " bytes", kErrTooLarge};
    }
  }
  if (in.bad()) return Error::System("read " + path, errno ? errno : EIO);
  return data;
}

FileTokenSource::FileTokenSource(std::string path, std::chrono::seconds refresh, Clock now)
    : path_(std::move(path)), refresh_(refresh), now_(std::move(now)) {}

Result<std::string> FileTokenSource::Token() {
  std::lock_guard lock(mu_);
  const auto now = now_();
  if (have_ && now - read_at_ < refresh_) return token_;
  Result<std::string> data = ReadSmallFile(path_, 64 * 1024);
  std::string token;
  if (data) {
    token = std::move(*data);
    const auto first = token.find_first_not_of(" \t\r\n");
    const auto last = token.find_last_not_of(" \t\r\n");
    token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  }
  if (!data || token.empty()) {
    if (have_) return token_;  // keep the last good one; try again next call
    return data ? Error::Invalid("token file " + path_ + " is empty") : data.error();
  }
  token_ = std::move(token);
  read_at_ = now;
  have_ = true;
  return token_;
}

}  // namespace flows::flowd::k8s
