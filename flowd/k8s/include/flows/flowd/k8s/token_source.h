// Bearer tokens. A projected service-account token is rotated by the kubelet
// (about hourly) while flowd keeps running, so a file token is read again
// once its refresh interval has passed, as client-go does.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "flows/common/atomic_file.h"
#include "flows/flowd/k8s/errors.h"

namespace flows::flowd::k8s {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual Result<std::string> Token() = 0;
};

class StaticToken final : public TokenSource {
 public:
  explicit StaticToken(std::string token) : token_(std::move(token)) {}
  Result<std::string> Token() override { return token_; }

 private:
  std::string token_;
};

class FileTokenSource final : public TokenSource {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit FileTokenSource(
      std::string path, std::chrono::seconds refresh = std::chrono::minutes(1),
      Clock now = [] { return std::chrono::steady_clock::now(); });

  // The file's contents (whitespace trimmed), read at most once per refresh
  // interval. If a re-read fails the last good token is kept (the kubelet
  // replaces the file atomically, but a read can still race a remount);
  // only with no good token yet is the failure returned.
  Result<std::string> Token() override;

 private:
  std::string path_;
  std::chrono::seconds refresh_;
  Clock now_;
  std::mutex mu_;
  std::string token_;
  std::chrono::steady_clock::time_point read_at_{};
  bool have_ = false;
};

}  // namespace flows::flowd::k8s
