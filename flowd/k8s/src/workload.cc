#include "flows/flowd/k8s/workload.h"

#include <algorithm>
#include <string_view>

namespace flows::flowd::k8s {

namespace {

// The alphabet of Kubernetes' rand.SafeEncodeString, in which the
// Deployment controller spells pod-template-hash (no vowels, no 0/1/3).
constexpr std::string_view kSafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

// Splits "<base>-<suffix>" at the last '-'; both parts non-empty.
bool SplitLast(std::string_view name, std::string_view& base, std::string_view& suffix) {
  const std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return false;
  base = name.substr(0, dash);
  suffix = name.substr(dash + 1);
  return true;
}

// "<deploy>-<hash>": the hash is the pod's pod-template-hash label when it
// has one (exact), otherwise anything spelled like such a hash.
std::string_view DeploymentOf(const ObjectMeta& pod, std::string_view rs_name) {
  std::string_view base, suffix;
  if (!SplitLast(rs_name, base, suffix)) return {};
  if (auto it = pod.labels.find("pod-template-hash"); it != pod.labels.end()) {
    return suffix == it->second ? base : std::string_view{};
  }
  const bool hash_like = suffix.size() <= 10 && std::all_of(suffix.begin(), suffix.end(), [](char c) {
                           return kSafeAlphabet.find(c) != std::string_view::npos;
                         });
  return hash_like ? base : std::string_view{};
}

// "<cronjob>-<scheduled time in minutes since the epoch>": at least 8
// digits for any schedule after 1979, so a hand-made Job "backup-2" stays a
// Job.
std::string_view CronJobOf(std::string_view job_name) {
  std::string_view base, suffix;
  if (!SplitLast(job_name, base, suffix)) return {};
  const bool minutes = suffix.size() >= 8 &&
                       std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; });
  return minutes ? base : std::string_view{};
}

}  // namespace

Workload WorkloadOf(const ObjectMeta& pod) {
  if (pod.owner_references.empty()) return {};
  const OwnerReference* owner = &pod.owner_references.front();
  for (const OwnerReference& o : pod.owner_references) {
    if (o.controller) {
      owner = &o;
      break;
    }
  }
  if (owner->kind == "ReplicaSet") {
    if (std::string_view d = DeploymentOf(pod, owner->name); !d.empty())
      return {"Deployment", std::string(d)};
  } else if (owner->kind == "Job") {
    if (std::string_view c = CronJobOf(owner->name); !c.empty()) return {"CronJob", std::string(c)};
  }
  return {owner->kind, owner->name};
}

}  // namespace flows::flowd::k8s
