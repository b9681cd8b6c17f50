// flows-cni's side of the registration socket: one request, one reply, all
// within a deadline. The CNI plugin must never hold up a pod for long, so
// every step (connect, send, wait for the reply) shares the one budget.
#pragma once

#include <chrono>
#include <string>

#include "flows/common/result.h"
#include "flows/flowd/cni/cni_protocol.h"

namespace flows::flowd {

// Errors carry errno where there is one (ENOENT/ECONNREFUSED: flowd is not
// running; ETIMEDOUT: it did not answer in time).
Result<CniReply> SendCniRequest(const std::string& socket_path, const CniRequest& req,
                                std::chrono::milliseconds timeout);

}  // namespace flows::flowd
