#include "filter_tracker.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <initializer_list>

#include "filter_values.h"

namespace flows::cli {
namespace {

using flow::FlowFilter;

// Hubble's conflict groups: two flags of one group in the same list
// (whitelist or blacklist) make the request ambiguous or always empty.
// The last three are ours: -A says "every namespace", a namespace flag says
// one.
const std::vector<std::vector<std::string_view>>& ConflictGroups() {
  static const std::vector<std::vector<std::string_view>> groups = {
      {"from-fqdn", "from-ip", "ip", "fqdn", "from-namespace", "namespace"},
      {"from-fqdn", "from-ip", "ip", "fqdn", "from-pod", "pod"},
      {"to-fqdn", "to-ip", "ip", "fqdn", "to-namespace", "namespace"},
      {"to-fqdn", "to-ip", "ip", "fqdn", "to-pod", "pod"},
      {"to-pod", "namespace"},
      {"from-pod", "namespace"},
      {"to-service", "namespace"},
      {"from-service", "namespace"},
      {"label", "from-label"},
      {"label", "to-label"},
      {"service", "from-service"},
      {"service", "to-service"},
      {"port", "to-port"},
      {"port", "from-port"},
      {"workload", "to-workload"},
      {"workload", "from-workload"},
      {"all-namespaces", "namespace"},
      {"all-namespaces", "from-namespace"},
      {"all-namespaces", "to-namespace"},
  };
  return groups;
}

std::string_view NamespaceOf(std::string_view name) {
  const std::size_t slash = name.find('/');
  return slash == std::string_view::npos ? std::string_view{} : name.substr(0, slash);
}

// Values without a namespace get each of `namespaces` ("ns/value"); values
// with one are kept.
void AddNamespaces(google::protobuf::RepeatedPtrField<std::string>* values,
                   const std::vector<std::string>& namespaces) {
  if (namespaces.empty() || values->empty()) return;
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const std::string& v : *values) {
    if (v.find('/') != std::string::npos) {
      out.Add(std::string(v));
      continue;
    }
    for (const std::string& ns : namespaces) out.Add(ns + "/" + v);
  }
  values->Swap(&out);
}

void ApplySourceNamespaces(FlowFilter& f, const std::vector<std::string>& ns) {
  if (f.source_pod().empty() && f.source_service().empty()) f.add_source_pod("");
  AddNamespaces(f.mutable_source_pod(), ns);
  AddNamespaces(f.mutable_source_service(), ns);
}

void ApplyDestinationNamespaces(FlowFilter& f, const std::vector<std::string>& ns) {
  if (f.destination_pod().empty() && f.destination_service().empty()) f.add_destination_pod("");
  AddNamespaces(f.mutable_destination_pod(), ns);
  AddNamespaces(f.mutable_destination_service(), ns);
}

std::optional<Error> NamespaceConflict(const std::vector<std::string>& namespaces,
                                       const google::protobuf::RepeatedPtrField<std::string>& names) {
  for (const std::string& ns : namespaces) {
    for (const std::string& name : names) {
      const std::string_view name_ns = NamespaceOf(name);
      if (!name_ns.empty() && name_ns != ns) {
        return Error::Invalid("namespace conflict: " + Quote(ns) + " does not contain " + Quote(name));
      }
    }
  }
  return std::nullopt;
}

// A pod in one namespace cannot be behind a service of another.
std::optional<Error> PodServiceConflict(const google::protobuf::RepeatedPtrField<std::string>& pods,
                                        const google::protobuf::RepeatedPtrField<std::string>& services) {
  for (const std::string& pod : pods) {
    const std::string_view pod_ns = NamespaceOf(pod);
    if (pod_ns.empty()) continue;
    for (const std::string& svc : services) {
      if (NamespaceOf(svc) != pod_ns) {
        return Error::Invalid("namespace of service " + Quote(svc) + " conflicts with pod " + Quote(pod));
      }
    }
  }
  return std::nullopt;
}

}  // namespace

bool FilterTracker::Changed(std::string_view flag) const {
  return std::find(changed.begin(), changed.end(), flag) != changed.end();
}

std::optional<Error> FilterTracker::Conflict() const {
  for (const auto& group : ConflictGroups()) {
    for (std::string_view a : group) {
      if (!Changed(a)) continue;
      for (std::string_view b : group) {
        if (a != b && Changed(b)) {
          return Error::Invalid("filters --" + std::string(a) + " and --" + std::string(b) +
                                " cannot be combined");
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<Error> FilterTracker::NamespaceConflicts(const FlowFilter& f) const {
  for (const auto* check :
       {&f.source_pod(), &f.source_service(), &f.destination_pod(), &f.destination_service()}) {
    if (auto e = NamespaceConflict(ns, *check)) return e;
  }
  for (const auto* check : {&f.source_pod(), &f.source_service()}) {
    if (auto e = NamespaceConflict(src_ns, *check)) return e;
  }
  for (const auto* check : {&f.destination_pod(), &f.destination_service()}) {
    if (auto e = NamespaceConflict(dst_ns, *check)) return e;
  }
  if (auto e = PodServiceConflict(f.source_pod(), f.source_service())) return e;
  return PodServiceConflict(f.destination_pod(), f.destination_service());
}

std::vector<FlowFilter> FilterTracker::Materialize() const {
  if (!used && ns.empty() && src_ns.empty() && dst_ns.empty()) return {};
  FlowFilter l = left, r = right;
  if (!dst_ns.empty()) {
    ApplyDestinationNamespaces(l, dst_ns);
    ApplyDestinationNamespaces(r, dst_ns);
  }
  if (!src_ns.empty()) {
    ApplySourceNamespaces(l, src_ns);
    ApplySourceNamespaces(r, src_ns);
  }
  if (!ns.empty()) {
    ApplySourceNamespaces(l, ns);
    ApplyDestinationNamespaces(r, ns);
  }
  if (google::protobuf::util::MessageDifferencer::Equals(l, r)) return {l};
  return {l, r};
}

}  // namespace flows::cli
