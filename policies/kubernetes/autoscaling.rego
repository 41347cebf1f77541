# METADATA
# title: Deployment or StatefulSet has neither an autoscaler nor enough replicas
# description: >-
#   A service that runs a fixed number of replicas below the minimum is down whenever
#   its single pod is rescheduled, and cannot follow load: it is either over-provisioned
#   all day or saturated at peak. A Deployment or StatefulSet passes when an
#   HorizontalPodAutoscaler or a KEDA ScaledObject in the same bundle and namespace
#   targets it (SG-K8S-004 checks the HPA's own bounds), or when its `spec.replicas`
#   (absent means 1) reaches `kubernetes.min_replicas`. A workload parked at
#   `replicas: 0` runs nothing and is not reported.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-003.md
# custom:
#   id: SG-K8S-003
#   slug: autoscaling
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Add an HorizontalPodAutoscaler (or a KEDA ScaledObject) beside the workload, e.g.
#     `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: web},
#     spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web},
#     minReplicas: 2, maxReplicas: 10}}`, or run at least the minimum number of
#     replicas: `spec: {replicas: 2}`.
package scalegate.rules.autoscaling

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in _checked
	not k8s.autoscaled(w)
	n := k8s.replicas(w)
	n < data.scalegate.settings.kubernetes.min_replicas
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q runs %s and no HorizontalPodAutoscaler or KEDA ScaledObject in %s targets it; at least %d replicas or an autoscaler are required",
		[w.type, w.name, _replicas_text(w, n), input.bundle.path, data.scalegate.settings.kubernetes.min_replicas],
	))
}

unverified contains finding if {
	some w in _checked
	not k8s.autoscaled(w)
	known.unknown(w, ["spec", "replicas"])
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q: spec.replicas is not known, and no HorizontalPodAutoscaler or KEDA ScaledObject in %s targets it",
		[w.type, w.name, input.bundle.path],
	))
}

_checked := [w | some w in scale.running_workloads; w.type in {"Deployment", "StatefulSet"}]

_replicas_text(w, n) := sprintf("%d replica (spec.replicas)", [n]) if {
	n == 1
	known.present(w.config, ["spec", "replicas"])
}

_replicas_text(w, n) := sprintf("%d replicas (spec.replicas)", [n]) if n != 1

_replicas_text(w, n) := "1 replica (spec.replicas is not set)" if {
	n == 1
	not known.present(w.config, ["spec", "replicas"])
}
