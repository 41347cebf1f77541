# METADATA
# title: Replicas are not spread across nodes or zones
# description: >-
#   Replicas exist to survive the loss of one of them, but the scheduler packs pods
#   where they fit best and may put every replica of a workload on the same node or
#   in the same zone, where one failure takes them all. A workload with more than one
#   replica (an HPA's `minReplicas` counts) needs `topologySpreadConstraints` or pod
#   anti-affinity (required or preferred) whose label selector selects its own pods:
#   a constraint copied from another workload, selecting other pods, spreads
#   nothing and is reported too.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-011.md
# custom:
#   id: SG-K8S-011
#   slug: replica-spread
#   severity: low
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Spread the pods over zones and nodes with a selector that matches the pod
#     template's labels, e.g. `topologySpreadConstraints: [{maxSkew: 1, topologyKey:
#     topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector:
#     {matchLabels: {app: web}}}]`.
package scalegate.rules.replica_spread

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in scale.running_workloads
	k8s.replicas(w) > 1
	not _spread_unknown(w)
	count(_terms(w)) == 0
	finding := result.finding(w, _tsc_path(w), sprintf(
		"%s %q runs %d replicas without topologySpreadConstraints or pod anti-affinity, so they may all land on one node or zone",
		[w.type, w.name, k8s.replicas(w)],
	))
}

deny contains finding if {
	some w in scale.running_workloads
	k8s.replicas(w) > 1
	not _spread_unknown(w)
	count(_terms(w)) > 0
	not _spreads(w)
	finding := result.finding(w, _terms(w)[0].path, sprintf(
		"%s %q runs %d replicas, but none of its topologySpreadConstraints or pod anti-affinity terms selects its own pods (labelSelector does not match the pod template's labels)",
		[w.type, w.name, k8s.replicas(w)],
	))
}

unverified contains finding if {
	some w in scale.running_workloads
	k8s.replicas(w) > 1
	_spread_unknown(w)
	not _spreads(w)
	finding := result.finding(w, k8s.pod_spec_path(w), sprintf(
		"%s %q runs %d replicas, and its topologySpreadConstraints or affinity are not known before deployment",
		[w.type, w.name, k8s.replicas(w)],
	))
}

unverified contains finding if {
	some w in scale.running_workloads
	not k8s.hpa_targeted(w)
	known.unknown(w, ["spec", "replicas"])
	not _spreads(w)
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q: its replica count is not known, and it has no topologySpreadConstraints or pod anti-affinity that selects its pods",
		[w.type, w.name],
	))
}

_tsc_path(w) := array.concat(k8s.pod_spec_path(w), ["topologySpreadConstraints"])

_anti_affinity_path(w) := array.concat(k8s.pod_spec_path(w), ["affinity", "podAntiAffinity"])

_spread_unknown(w) if known.unknown(w, _tsc_path(w))

_spread_unknown(w) if known.unknown(w, _anti_affinity_path(w))

# _terms(w) is every spreading term of the pod spec with its path: topology spread
# constraints, and required and preferred pod anti-affinity terms.
_terms(w) := array.concat(
	[{"selector": object.get(c, "labelSelector", null), "path": array.concat(_tsc_path(w), [i])} |
		some i, c in _list(known.at(w.config, _tsc_path(w)))
	],
	array.concat(
		[{"selector": object.get(t, "labelSelector", null), "path": array.concat(_anti_affinity_path(w), [required, i])} |
			required := "requiredDuringSchedulingIgnoredDuringExecution"
			some i, t in _list(known.at(w.config, array.concat(_anti_affinity_path(w), [required])))
		],
		[{"selector": object.get(t, ["podAffinityTerm", "labelSelector"], null), "path": array.concat(_anti_affinity_path(w), [preferred, i])} |
			preferred := "preferredDuringSchedulingIgnoredDuringExecution"
			some i, t in _list(known.at(w.config, array.concat(_anti_affinity_path(w), [preferred])))
		],
	),
)

# A term spreads the workload when its selector selects the workload's own pods (a
# null selector selects nothing; `matchLabelKeys` only narrows to the pod's own
# label values, so it never decides).
_spreads(w) if {
	some term in _terms(w)
	k8s.selector_matches(term.selector, k8s.pod_labels(w))
}

_list(x) := x if is_array(x)

_list(x) := [] if not is_array(x)
