// The errno conventions the Kubernetes client puts in Error::err, so callers
// can branch on the kind of failure without parsing messages.
#pragma once

#include <cerrno>

#include "flows/common/result.h"

namespace flows::flowd::k8s {

// HTTP 410 Gone (a resourceVersion or continue token the server has
// compacted away): the caller must list again. ESTALE because the client's
// view is stale, and because it is an errno, as Error::err promises.
inline constexpr int kErrGone = ESTALE;
// 401/403: the credentials were refused.
inline constexpr int kErrUnauthorized = EACCES;
// Any other non-2xx reply from the server.
inline constexpr int kErrHttpStatus = EREMOTEIO;
// A line, header or body past its configured bound.
inline constexpr int kErrTooLarge = EMSGSIZE;

inline bool IsGone(const Error& e) {
  return e.err == kErrGone;
}

}  // namespace flows::flowd::k8s
