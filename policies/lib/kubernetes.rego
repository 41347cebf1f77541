# Shape knowledge about Kubernetes objects, so that each rule is a few lines: which
# objects are workloads, where their pod template and containers are, how many
# replicas they run, and which PodDisruptionBudgets select their pods.
#
# Cross-resource joins look only inside the bundle (DESIGN.md §4) and go through
# indexes keyed by namespace and label, so no rule is quadratic in the bundle size.
package scalegate.lib.kubernetes

import data.scalegate.lib.index
import data.scalegate.lib.known

# The kinds that own a pod template (DESIGN.md §6, "Approved patterns").
workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}

# objects is every Kubernetes object of the bundle, in input order.
objects := [r | some r in input.resources; r.format == "kubernetes"]

# workloads is every object of a kind in `workload_kinds`, in input order.
workloads := [w | some w in objects; w.type in workload_kinds]

# namespace(r) is the object's namespace, or null when none is set.
namespace(r) := object.get(r, "namespace", null)

# pod_template_path(w) is the path of the pod template in `w.config`: `[]` for a Pod
# (the object is its own template), `["spec", "jobTemplate", "spec", "template"]` for
# a CronJob, `["spec", "template"]` for the other workloads.
pod_template_path(w) := [] if w.type == "Pod"

pod_template_path(w) := ["spec", "jobTemplate", "spec", "template"] if w.type == "CronJob"

pod_template_path(w) := ["spec", "template"] if {
	w.type in workload_kinds
	not w.type in {"Pod", "CronJob"}
}

# pod_spec_path(w) is the path of the pod spec in `w.config`.
pod_spec_path(w) := array.concat(pod_template_path(w), ["spec"])

# pod_spec(w) is the pod spec; undefined when the workload has none.
pod_spec(w) := known.at(w.config, pod_spec_path(w))

# pod_labels(w) is the labels of the pods `w` creates (its template's labels); `{}`
# when there are none.
pod_labels(w) := labels if {
	labels := known.at(w.config, array.concat(pod_template_path(w), ["metadata", "labels"]))
	is_object(labels)
} else := {}

# containers(w) is every container and init container of the pod spec, as
# `{"container": c, "path": [...], "init": bool}` with `path` its path in `w.config`.
containers(w) := [{"container": c, "path": array.concat(spec_path, [field, i]), "init": field == "initContainers"} |
	spec_path := pod_spec_path(w)
	spec := known.at(w.config, spec_path)
	some field in ["containers", "initContainers"]
	some i, c in _list(object.get(spec, field, []))
]

# container_description(entry, w) names a container for messages:
# `Container "api" of Deployment "web"`, `Init container "migrate" of Job "seed"`.
container_description(entry, w) := sprintf("%s %q of %s %q", [_container_word(entry), entry.container.name, w.type, w.name])

_container_word(entry) := "Init container" if entry.init

_container_word(entry) := "Container" if not entry.init

# -- Replicas and autoscalers ---------------------------------------------------

# target_key(w) is how an HPA's `scaleTargetRef` names a workload.
target_key(w) := [namespace(w), w.type, w.name]

# hpa_min_replicas maps each target_key to the `minReplicas` of the HPAs targeting it
# (default 1). Two HPAs on one workload fight each other; the larger floor is the one
# the workload runs at whenever that HPA wins.
hpa_min_replicas := {target: max(mins) | some target, mins in index.group(_hpa_pairs)}

_hpa_pairs := [[[namespace(h), ref.kind, ref.name], object.get(h.config, ["spec", "minReplicas"], 1)] |
	some h in objects
	h.type == "HorizontalPodAutoscaler"
	ref := h.config.spec.scaleTargetRef
]

# hpa_targeted(w) holds when an HPA in the bundle targets `w`.
hpa_targeted(w) if is_number(hpa_min_replicas[target_key(w)])

# replicas(w) is the number of pods `w` runs: the HPA's `minReplicas` when an HPA in
# the bundle targets it, else `spec.replicas`, else 1 (also for kinds without
# replicas).
replicas(w) := hpa_min_replicas[target_key(w)]

replicas(w) := n if {
	not hpa_targeted(w)
	n := object.get(w.config, ["spec", "replicas"], 1)
}

# -- Label selectors ------------------------------------------------------------

# selector_matches(selector, labels) follows Kubernetes: every `matchLabels` pair
# and every `matchExpressions` requirement holds. An empty selector `{}` selects
# everything; an absent (null) one selects nothing.
selector_matches(selector, labels) if {
	is_object(selector)
	every k, v in _map(object.get(selector, "matchLabels", {})) {
		_map(labels)[k] == v
	}
	every e in _list(object.get(selector, "matchExpressions", [])) {
		_expression_matches(e, _map(labels))
	}
}

_expression_matches(e, labels) if {
	e.operator == "In"
	labels[e.key] in e.values
}

_expression_matches(e, labels) if {
	e.operator == "NotIn"
	not labels[e.key] in _list(object.get(e, "values", []))
}

_expression_matches(e, labels) if {
	e.operator == "Exists"
	e.key in object.keys(labels)
}

_expression_matches(e, labels) if {
	e.operator == "DoesNotExist"
	not e.key in object.keys(labels)
}

# _anchor(ns, selector) is one `matchLabels` pair of the selector (the smallest key),
# as an index key: whatever it selects carries that pair, so looking it up in a
# label index finds every candidate without scanning the namespace.
_anchor(ns, selector) := [ns, k, match_labels[k]] if {
	match_labels := _map(object.get(selector, "matchLabels", {}))
	count(match_labels) > 0
	k := min(object.keys(match_labels))
}

# workloads_by_label maps [namespace, key, value] to the indexes (in `workloads`) of
# the workloads whose pods carry that label. (Look keys up with `object.get(m, [key], d)`:
# an array as the second argument is a path, not a key.)
workloads_by_label := index.group([[[namespace(w), k, v], i] |
	some i, w in workloads
	some k, v in pod_labels(w)
])

# workloads_by_namespace maps a namespace to the indexes of its workloads.
workloads_by_namespace := index.group([[namespace(w), i] | some i, w in workloads])

# selected_workloads(ns, selector) is the workloads in namespace `ns` whose pods the
# selector selects, in input order.
selected_workloads(ns, selector) := [workloads[i] |
	some i in _candidates(ns, selector)
	selector_matches(selector, pod_labels(workloads[i]))
]

_candidates(ns, selector) := object.get(workloads_by_label, [_anchor(ns, selector)], [])

_candidates(ns, selector) := object.get(workloads_by_namespace, [ns], []) if not _anchor(ns, selector)

# -- PodDisruptionBudgets -------------------------------------------------------

# pdbs is every PodDisruptionBudget of the bundle, in input order.
pdbs := [p | some p in objects; p.type == "PodDisruptionBudget"]

_pdb_selector(p) := object.get(p.config, ["spec", "selector"], null)

# PDBs indexed by one matchLabels pair, so a workload looks only at PDBs that share
# a label with its pods...
_pdbs_by_anchor := index.group([[a, i] |
	some i, p in pdbs
	a := _anchor(namespace(p), _pdb_selector(p))
])

# ...and, per namespace, the PDBs without matchLabels (matchExpressions only, or `{}`
# which selects every pod of the namespace), which every workload there must check.
_pdbs_unanchored := index.group([[namespace(p), i] |
	some i, p in pdbs
	not _anchor(namespace(p), _pdb_selector(p))
])

# pdb_covers(w) holds when a PodDisruptionBudget in the bundle, in the namespace of
# `w`, selects the pods of `w`.
pdb_covers(w) if {
	labels := pod_labels(w)
	some k, v in labels
	some i in object.get(_pdbs_by_anchor, [[namespace(w), k, v]], [])
	selector_matches(_pdb_selector(pdbs[i]), labels)
}

pdb_covers(w) if {
	some i in object.get(_pdbs_unanchored, [namespace(w)], [])
	selector_matches(_pdb_selector(pdbs[i]), pod_labels(w))
}

_map(x) := x if is_object(x)

_map(x) := {} if not is_object(x)

_list(x) := x if is_array(x)

_list(x) := [] if not is_array(x)
