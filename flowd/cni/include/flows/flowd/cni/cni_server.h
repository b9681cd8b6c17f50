// flowd's end of the registration socket: accepts flows-cni's connections on
// a unix socket and answers each request line (cni_handler.h) on its own
// thread, so the sink's calls are serialized.
//
// The peers are root processes on the node, but their bytes are still
// untrusted: lines are bounded (kMaxCniLine), a connection that sends
// nothing is closed after `idle_timeout`, and a bad line gets an error reply.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "flows/common/result.h"
#include "flows/flowd/cni/cni_config.h"
#include "flows/flowd/cni/cni_handler.h"

namespace flows::flowd {

struct CniServerOptions {
  std::string socket_path = std::string(kCniDefaultSocket);
  std::string node_name;  // stamped on every registered endpoint
  std::chrono::milliseconds idle_timeout{10000};
  mode_t socket_mode = 0600;                    // only root may register pods
  std::function<void(const std::string&)> log;  // rejected requests, accept errors; optional
};

class CniServer {
 public:
  // Creates the socket's directory if needed, replaces a stale socket file
  // (refuses if another process still serves it, or if the path is not a
  // socket), listens, and starts the thread.
  static Result<std::unique_ptr<CniServer>> Start(CniServerOptions options, EndpointSink& sink);
  ~CniServer();  // Stop()
  CniServer(const CniServer&) = delete;
  CniServer& operator=(const CniServer&) = delete;

  // Stops the thread, closes connections, removes the socket file (if it is
  // still ours). Idempotent. Waits for a sink call in progress to return, so
  // never call it from a sink callback.
  void Stop();
  const std::string& socket_path() const;

  struct Impl;  // opaque; named here so the implementation's helpers can refer to it

 private:
  explicit CniServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flows::flowd
