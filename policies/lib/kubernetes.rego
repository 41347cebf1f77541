# Shape knowledge about Kubernetes objects, so that each rule is a few lines: which
# objects are workloads, where their pod template and containers are, how many
# replicas they run, which autoscalers (HPAs, KEDA ScaledObjects) set that number and
# which workload each one targets, which PodDisruptionBudgets select their pods, and
# which requests a namespace's LimitRange gives their containers.
#
# Cross-resource joins look only inside the bundle (docs/architecture.md "Input
# model") and go through indexes keyed by namespace and label, so no rule is
# quadratic in the bundle size.
package scalegate.lib.kubernetes

import data.scalegate.lib.index
import data.scalegate.lib.known

# The kinds that own a pod template (docs/rules/).
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
# `Container "api" of Deployment "web"`, `Init container "migrate" of Job "seed"`,
# and `Container #0 of Pod "web"` for one without a name (see `container_label`).
container_description(entry, w) := sprintf("%s %s of %s %q", [_container_word(entry), container_label(entry), w.type, w.name])

# container_label(entry) is the container's name quoted (`"api"`), or its position
# (`#0`) when it has no name: a template with an unknown name, or a fragment, is
# what a linter sees, and a rule that printed the name would otherwise say nothing.
container_label(entry) := sprintf("%q", [entry.container.name]) if is_string(entry.container.name)

container_label(entry) := sprintf("#%d", [_last(entry.path)]) if not is_string(entry.container.name)

# container_key(entry) tells a container apart from the others of its pod, for the
# `key` of a finding: its name, or `containers[0]` / `initContainers[0]` when it has
# none (an unnamed container and an unnamed init container never share a key).
container_key(entry) := entry.container.name if is_string(entry.container.name)

container_key(entry) := sprintf("%s[%d]", [entry.path[count(entry.path) - 2], _last(entry.path)]) if not is_string(entry.container.name)

_last(path) := path[count(path) - 1]

_container_word(entry) := "Init container" if entry.init

_container_word(entry) := "Container" if not entry.init

# -- Replicas and autoscalers ---------------------------------------------------

# target_key(w) is how an autoscaler's `scaleTargetRef` names a workload:
# `[namespace, kind, name]` (a scale target is always in the autoscaler's namespace).
target_key(w) := [namespace(w), w.type, w.name]

# api_group(r) is the API group of the object's `apiVersion`: `"apps"` for
# `apps/v1`, `"core"` for `v1`; undefined when `apiVersion` is not a string.
api_group(r) := _group_of(r.config.apiVersion)

_group_of(api_version) := "core" if {
	is_string(api_version)
	not contains(api_version, "/")
}

_group_of(api_version) := split(api_version, "/")[0] if {
	is_string(api_version)
	contains(api_version, "/")
}

# hpas is every HorizontalPodAutoscaler of the bundle (`autoscaling/v1`, `v2`,
# `v2beta1`, `v2beta2`), in input order.
hpas := [h | some h in objects; h.type == "HorizontalPodAutoscaler"]

# scaled_objects is every KEDA ScaledObject (`keda.sh/v1alpha1`) of the bundle, in
# input order. KEDA creates the HPA for each one when it is applied, so a bundle
# holds only the ScaledObject; another CRD that happens to be called ScaledObject is
# not one.
scaled_objects := [s | some s in objects; s.type == "ScaledObject"; api_group(s) == "keda.sh"]

# autoscalers is every object that sets the replica count of a workload: `hpas`, then
# `scaled_objects`.
autoscalers := array.concat(hpas, scaled_objects)

# scale_target_key(a) is the `target_key` of the workload the autoscaler `a` names
# in `spec.scaleTargetRef`: an HPA gives the kind (it is required); a ScaledObject's
# `kind` defaults to Deployment. Undefined when the reference has no name.
scale_target_key(a) := [namespace(a), _target_kind(a), ref.name] if {
	ref := a.config.spec.scaleTargetRef
	is_string(ref.name)
}

_target_kind(a) := a.config.spec.scaleTargetRef.kind if a.type == "HorizontalPodAutoscaler"

_target_kind(a) := kind if {
	a.type == "ScaledObject"
	kind := a.config.spec.scaleTargetRef.kind
	is_string(kind)
} else := "Deployment" if a.type == "ScaledObject"

# autoscaler_min_replicas(a) is the floor the autoscaler keeps its target at: an
# HPA's `minReplicas` (default 1), a ScaledObject's `minReplicaCount` (default 0,
# KEDA scales to zero when idle). Undefined when the value is not known.
autoscaler_min_replicas(a) := _number_or(a, ["spec", "minReplicas"], 1) if a.type == "HorizontalPodAutoscaler"

autoscaler_min_replicas(a) := _number_or(a, ["spec", "minReplicaCount"], 0) if a.type == "ScaledObject"

# _number_or(r, path, fallback) is the value at `path`, or `fallback` when it is absent
# or empty (`minReplicas:` sets nothing); undefined when the value is unknown.
_number_or(r, path, _) := v if {
	v := known.at(r.config, path)
}

_number_or(r, path, fallback) := fallback if {
	not known.present(r.config, path)
	not known.unknown(r, path)
}

# autoscalers_by_target maps a `target_key` to the indexes (in `autoscalers`) of the
# autoscalers that name it. (Look keys up with `object.get(m, [key], d)`.)
autoscalers_by_target := index.group([[key, i] |
	some i, a in autoscalers
	key := scale_target_key(a)
])

# autoscalers_of(w) is the autoscalers in the bundle that target `w`, in
# `autoscalers` order; `[]` when none does.
autoscalers_of(w) := [autoscalers[i] | some i in object.get(autoscalers_by_target, [target_key(w)], [])]

# autoscaled(w) holds when an HPA or a KEDA ScaledObject in the bundle targets `w`.
autoscaled(w) if object.get(autoscalers_by_target, [target_key(w)], []) != []

# hpa_min_replicas maps each target_key to the `minReplicas` of the HPAs targeting it
# (default 1). Two HPAs on one workload fight each other; the larger floor is the one
# the workload runs at whenever that HPA wins.
hpa_min_replicas := {target: max(mins) | some target, mins in index.group(_hpa_pairs)}

_hpa_pairs := [[scale_target_key(h), autoscaler_min_replicas(h)] | some h in hpas]

# hpa_targeted(w) holds when an HPA (not a ScaledObject) in the bundle targets `w`,
# whether or not its `minReplicas` is known.
hpa_targeted(w) if {
	some a in autoscalers_of(w)
	a.type == "HorizontalPodAutoscaler"
}

# autoscaler_min_replicas_by_target maps each target_key to the largest floor of the
# autoscalers (HPAs and ScaledObjects) targeting it.
autoscaler_min_replicas_by_target := {target: max(mins) | some target, mins in index.group(_autoscaler_pairs)}

_autoscaler_pairs := [[scale_target_key(a), autoscaler_min_replicas(a)] | some a in autoscalers]

# replicas(w) is the number of pods `w` runs: the autoscaler's floor when an HPA
# (`minReplicas`, default 1) or a KEDA ScaledObject (`minReplicaCount`, default 0)
# in the bundle targets it, else `spec.replicas`, else 1 (also for kinds without
# replicas, and for an empty `replicas:`). Undefined when the number it depends on
# is unknown.
replicas(w) := autoscaler_min_replicas_by_target[target_key(w)]

replicas(w) := n if {
	not autoscaled(w)
	n := _number_or(w, ["spec", "replicas"], 1)
}

# workloads_by_target_key maps a `target_key` to the indexes (in `workloads`) of the
# workloads it names (more than one only when the bundle repeats an object).
workloads_by_target_key := index.group([[target_key(w), i] | some i, w in workloads])

# scale_target(a) is the workload in the bundle that the autoscaler `a` targets (the
# first, should the bundle repeat it); undefined when the bundle does not hold it.
scale_target(a) := workloads[object.get(workloads_by_target_key, [scale_target_key(a)], [])[0]]

# -- Defaults a namespace gives its containers -----------------------------------

# _limit_range_requests is every `[namespace, resource]` for which a LimitRange in the
# bundle gives a container without a request one: an item of `type: Container` with
# the resource in `defaultRequest`, or in `default`, `max` or `min`, from which the
# API server defaults `defaultRequest`.
_limit_range_requests contains [namespace(l), resource] if {
	some l in objects
	l.type == "LimitRange"
	some item in _list(object.get(l.config, ["spec", "limits"], []))
	item.type == "Container"
	some field in ["defaultRequest", "default", "max", "min"]
	some resource, _ in _map(object.get(item, field, {}))
}

# limit_range_default_request(ns, resource) holds when a LimitRange of namespace `ns`
# in the bundle sets the request for `resource` of containers that do not.
limit_range_default_request(ns, resource) if [ns, resource] in _limit_range_requests

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
