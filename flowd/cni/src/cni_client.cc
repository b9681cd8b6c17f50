#include "flows/flowd/cni/cni_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "flows/common/unique_fd.h"

namespace flows::flowd {
namespace {

using Clock = std::chrono::steady_clock;

int MsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on `fd` until the deadline: true when ready.
Result<bool> WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, MsLeft(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return Error::System("poll", errno);
  }
}

Error Timeout(const std::string& what) {
  return Error{what + ": flowd did not answer in time", ETIMEDOUT};
}

}  // namespace

Result<CniReply> SendCniRequest(const std::string& socket_path, const CniRequest& req,
                                std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(addr.sun_path))
    return Error::Invalid("socket path empty or too long: " + socket_path);
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return Error::System("socket", errno);
  // A unix-socket connect completes at once or fails; EAGAIN means the
  // listener's backlog is full (flowd busy): retry until the deadline.
  for (;;) {
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Error::System("connect " + socket_path, errno);
    if (MsLeft(deadline) == 0) return Timeout("connect " + socket_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  const std::string line = SerializeCniRequest(req);
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Error::System("send to " + socket_path, errno);
    auto ready = WaitFor(fd.get(), POLLOUT, deadline);
    if (!ready) return ready.error();
    if (!*ready) return Timeout("send to " + socket_path);
  }

  std::string reply;
  char buf[4096];
  for (;;) {
    const auto nl = reply.find('\n');
    if (nl != std::string::npos) return ParseCniReply(std::string_view(reply).substr(0, nl + 1));
    if (reply.size() > kMaxCniLine)
      return Error::Invalid("reply from flowd longer than " + std::to_string(kMaxCniLine));
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n > 0) {
      reply.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return Error{"flowd closed the connection without a reply", ECONNRESET};
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Error::System("recv from " + socket_path, errno);
    auto ready = WaitFor(fd.get(), POLLIN, deadline);
    if (!ready) return ready.error();
    if (!*ready) return Timeout("wait for reply on " + socket_path);
  }
}

}  // namespace flows::flowd
