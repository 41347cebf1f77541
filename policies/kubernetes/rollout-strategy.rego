# METADATA
# title: Deployment rollout takes every replica down at once
# description: >-
#   With `strategy.type: Recreate` every rollout stops all replicas before the new
#   ones start, so each deploy is an outage however many replicas the service runs
#   (an HPA's `minReplicas` counts). A rolling update whose `maxUnavailable` covers
#   every replica (`100%`, or a number at least the replica count) does the same
#   and is reported too. Single-replica Deployments are not checked: they have
#   nothing to keep serving during a rollout.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-012.md
# custom:
#   id: SG-K8S-012
#   slug: rollout-strategy
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Use a rolling update that keeps most replicas serving, e.g. `strategy: {type:
#     RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}}`. If the
#     pods cannot run side by side (a ReadWriteOnce volume, a singleton lock), fix
#     that first: such a workload cannot scale out either.
package scalegate.rules.rollout_strategy

import data.scalegate.lib.disruption
import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in _deployments
	k8s.replicas(w) > 1
	_recreate(w)
	finding := result.finding(w, ["spec", "strategy", "type"], sprintf(
		"%s %q runs %d replicas but uses strategy.type Recreate: every rollout stops all of them before starting new ones",
		[w.type, w.name, k8s.replicas(w)],
	))
}

deny contains finding if {
	some w in _deployments
	replicas := k8s.replicas(w)
	replicas > 1
	not _recreate(w)
	v := w.config.spec.strategy.rollingUpdate.maxUnavailable
	disruption.scaled(v, replicas, false) >= replicas
	finding := result.finding(w, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], sprintf(
		"%s %q runs %d replicas but its rolling update allows maxUnavailable %v: a rollout may stop all of them at once",
		[w.type, w.name, replicas, v],
	))
}

unverified contains finding if {
	some w in _deployments
	not k8s.hpa_targeted(w)
	known.unknown(w, ["spec", "replicas"])
	_recreate(w)
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q uses strategy.type Recreate and its replica count is not known: with more than one replica every rollout is an outage",
		[w.type, w.name],
	))
}

_deployments := [w | some w in scale.running_workloads; w.type == "Deployment"]

_recreate(w) if w.config.spec.strategy.type == "Recreate"
