#include "decode_common.h"

namespace flows::flowd::k8s {

Result<Namespace> DecodeNamespace(const nlohmann::json& object) {
  JsonReader r;
  Namespace ns;
  detail::ReadMeta(r, object, ns.meta);
  if (r.failed()) return detail::Failure("namespace", object, r);
  return ns;
}

}  // namespace flows::flowd::k8s
