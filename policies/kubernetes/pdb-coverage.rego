# METADATA
# title: Workload has no PodDisruptionBudget
# description: >-
#   A multi-replica workload without a PodDisruptionBudget can lose all of its
#   replicas at once during node drains and cluster upgrades, because nothing tells
#   the eviction API to wait. The replicas that were meant to keep the service up
#   through a disruption are then taken down together.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-008.md
# custom:
#   id: SG-K8S-008
#   slug: pdb-coverage
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Add a PodDisruptionBudget in the same namespace whose selector matches the pod
#     labels, e.g. `{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata:
#     {name: web}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}}`.
package scalegate.rules.pdb_coverage

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in scale.running_workloads
	k8s.replicas(w) > 1
	not k8s.pdb_covers(w)
	finding := result.finding(w, ["spec", "selector"], sprintf(
		"%s %q has %d replicas but no PodDisruptionBudget in %s selects its pods",
		[w.type, w.name, k8s.replicas(w), input.bundle.path],
	))
}

unverified contains finding if {
	some w in scale.running_workloads
	not k8s.hpa_targeted(w)
	known.unknown(w, ["spec", "replicas"])
	not k8s.pdb_covers(w)
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q: its replica count is not known, and no PodDisruptionBudget in %s selects its pods",
		[w.type, w.name, input.bundle.path],
	))
}
