# Voluntary-disruption arithmetic: how many pods a PodDisruptionBudget or a rolling
# update lets go at once, computed the way the Kubernetes controllers do, so that a
# rule calls a budget blocking only when the cluster would find it blocking.
#
# The PDB → workloads join goes through the label indexes of lib/kubernetes, so it is
# not quadratic in the bundle size.
package scalegate.lib.disruption

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.scale

# percent(v) is the number in a percentage such as "25%"; undefined for anything
# else, including numbers (Kubernetes' int-or-string accepts only `N%` strings).
percent(v) := to_number(trim_suffix(v, "%")) if {
	is_string(v)
	regex.match(`^[0-9]+%$`, v)
}

# scaled(v, total, round_up) is the int-or-percent `v` resolved against `total` pods
# as intstr.GetScaledValueFromIntOrPercent does: a number is itself, a percentage
# is its share of `total`, rounded up when `round_up` (a PDB's `minAvailable` and
# `maxUnavailable`, a rolling update's `maxSurge`) and down otherwise (a rolling
# update's `maxUnavailable`). Undefined when `v` is neither.
scaled(v, _, _) := v if is_number(v)

scaled(v, total, true) := ceil((percent(v) * total) / 100)

scaled(v, total, false) := floor((percent(v) * total) / 100)

# pdb_workloads(p) is the workloads in the bundle whose pods the PodDisruptionBudget
# `p` selects (same namespace; a null selector selects nothing, `{}` everything), in
# input order.
pdb_workloads(p) := k8s.selected_workloads(k8s.namespace(p), object.get(p.config, ["spec", "selector"], null))

# counted_kinds are the kinds whose manifest states how many pods they run. A
# DaemonSet runs one pod per matching node and a Job's pods come and go with its
# runs: neither count is in the bundle.
counted_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "Pod"}

# pod_count_known(w) holds when the bundle says how many pods `w` runs: it is of a
# counted kind, and its replica count is known or set by an HPA in the bundle.
pod_count_known(w) if {
	w.type in counted_kinds
	k8s.hpa_targeted(w)
}

pod_count_known(w) if {
	w.type in counted_kinds
	not known.unknown(w, ["spec", "replicas"])
}

# expected_pods(workloads) is how many pods the workloads run together (the sum of
# k8s.replicas: an HPA's floor when one targets the workload, 0 for a workload held
# at zero, which no HPA scales up); undefined when the
# count of any of them is not in the bundle (see pod_count_known).
expected_pods(workloads) := sum([_pods(w) | some w in workloads]) if {
	every w in workloads {
		pod_count_known(w)
	}
}

_pods(w) := 0 if scale.held_at_zero(w)

_pods(w) := k8s.replicas(w) if not scale.held_at_zero(w)
