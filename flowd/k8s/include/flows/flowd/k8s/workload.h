// Which workload owns a pod, from its ownerReferences alone: flowd has no
// watch on ReplicaSets or Jobs, so the Deployment and CronJob are recovered
// from the names their controllers generate.
#pragma once

#include "flows/flowd/k8s/objects.h"

namespace flows::flowd::k8s {

// The controlling owner (or the first owner if none is marked controller):
//   ReplicaSet <deploy>-<pod-template-hash>  -> Deployment <deploy>
//   Job <cronjob>-<minutes since epoch>      -> CronJob <cronjob>
//   anything else                            -> that owner as it is
// A pod without owners has an empty workload.
Workload WorkloadOf(const ObjectMeta& pod_meta);

}  // namespace flows::flowd::k8s
