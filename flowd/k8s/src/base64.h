// The *-data fields of a kubeconfig are base64; OpenSSL (already linked for
// TLS) decodes them.
#pragma once

#include <string>
#include <string_view>

#include "flows/flowd/k8s/errors.h"

namespace flows::flowd::k8s::detail {

Result<std::string> Base64Decode(std::string_view text);

}  // namespace flows::flowd::k8s::detail
