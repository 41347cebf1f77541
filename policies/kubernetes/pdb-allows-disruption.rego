# METADATA
# title: PodDisruptionBudget allows no voluntary eviction
# description: >-
#   A PodDisruptionBudget that can never be satisfied blocks every node drain: cluster
#   upgrades, node autoscaler scale-downs and spot replacements stall on its pods
#   until someone deletes the budget by hand. Fails on `maxUnavailable` 0 or `0%`,
#   on `minAvailable` `100%`, and on a `minAvailable` that, rounded up as Kubernetes
#   does, reaches the pods the selected workloads run (their replicas, or an HPA's
#   `minReplicas`; `minAvailable: 1` over a single replica is the common case).
#   When that count is not in the bundle — the PDB selects no workload here, or a
#   DaemonSet or Job — the comparison is an unverified note, not a violation.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-009.md
# custom:
#   id: SG-K8S-009
#   slug: pdb-allows-disruption
#   severity: medium
#   input:
#     selector:
#       types: [PodDisruptionBudget]
#   remediation: >-
#     Let at least one pod go at a time: prefer `maxUnavailable: 1` (it keeps working
#     as the workload scales), or keep `minAvailable` below the replica count and run
#     more replicas, e.g. `spec: {maxUnavailable: 1, selector: {matchLabels: {app:
#     web}}}`.
package scalegate.rules.pdb_allows_disruption

import data.scalegate.lib.disruption
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result

# maxUnavailable wins over minAvailable (the API refuses both), and 0 or 0% is zero
# whatever the pod count.
deny contains finding if {
	some p in k8s.pdbs
	v := p.config.spec.maxUnavailable
	disruption.scaled(v, 1, true) == 0
	finding := result.finding(p, ["spec", "maxUnavailable"], sprintf(
		"PodDisruptionBudget %q sets maxUnavailable %v: none of the pods it selects can be evicted, so node drains and cluster upgrades stall",
		[p.name, v],
	))
}

deny contains finding if {
	some p in _min_available
	disruption.percent(p.config.spec.minAvailable) >= 100
	finding := result.finding(p, ["spec", "minAvailable"], sprintf(
		"PodDisruptionBudget %q sets minAvailable %v: none of the pods it selects can be evicted, so node drains and cluster upgrades stall",
		[p.name, p.config.spec.minAvailable],
	))
}

deny contains finding if {
	some p in _min_available
	v := p.config.spec.minAvailable
	not disruption.percent(v) >= 100
	workloads := disruption.pdb_workloads(p)
	total := disruption.expected_pods(workloads)
	total > 0
	needed := disruption.scaled(v, total, true)
	needed >= total
	finding := result.finding(p, ["spec", "minAvailable"], sprintf(
		"PodDisruptionBudget %q sets minAvailable %s but the workloads it selects (%s) run %s: none can be evicted, so node drains and cluster upgrades stall",
		[p.name, _requirement(v, needed), _names(workloads), _pods(total)],
	))
}

unverified contains finding if {
	some p in _min_available
	v := p.config.spec.minAvailable
	_may_block(v)
	count(disruption.pdb_workloads(p)) == 0
	finding := result.finding(p, ["spec", "minAvailable"], sprintf(
		"PodDisruptionBudget %q selects no workload in %s, so whether minAvailable %v leaves a pod to evict is not known",
		[p.name, input.bundle.path, v],
	))
}

unverified contains finding if {
	some p in _min_available
	v := p.config.spec.minAvailable
	_may_block(v)
	workloads := disruption.pdb_workloads(p)
	count(workloads) > 0
	not disruption.expected_pods(workloads)
	finding := result.finding(p, ["spec", "minAvailable"], sprintf(
		"PodDisruptionBudget %q selects %s, whose pod count is not stated in the manifests, so whether minAvailable %v leaves a pod to evict is not known",
		[p.name, _names(workloads), v],
	))
}

# The PDBs that rely on minAvailable (maxUnavailable, when set, is what counts).
_min_available := [p |
	some p in k8s.pdbs
	not _has_max_unavailable(p)
	p.config.spec.minAvailable != null
]

_has_max_unavailable(p) if p.config.spec.maxUnavailable != null

# A minAvailable that blocks on some pod counts: more than zero, less than 100%.
_may_block(v) if {
	is_number(v)
	v > 0
}

_may_block(v) if {
	disruption.percent(v) > 0
	disruption.percent(v) < 100
}

_requirement(v, _) := sprintf("%d", [v]) if is_number(v)

_requirement(v, needed) := sprintf("%s (%s, rounded up)", [v, _pods(needed)]) if is_string(v)

_names(workloads) := concat(", ", [sprintf("%s %q", [w.type, w.name]) | some w in workloads])

_pods(1) := "1 pod"

_pods(n) := sprintf("%d pods", [n]) if n != 1
