#include "flows/flowd/k8s/token_source.h"

#include "flows/common/atomic_file.h"

namespace flows::flowd::k8s {

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
