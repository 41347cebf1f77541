# METADATA
# title: HorizontalPodAutoscaler targets a workload that is not in the bundle
# description: >-
#   An HPA whose `scaleTargetRef` names no object does nothing: after a rename or a
#   wrong kind the workload silently stops scaling, and Kubernetes only says so in the
#   HPA's status. The rule checks built-in targets (Deployment, StatefulSet, ReplicaSet
#   of `apps`) and looks only in the bundle, in the HPA's namespace; custom targets such
#   as Argo Rollouts are not checked. When the bundle holds no workload of that kind
#   or name in the namespace, or holds a kustomization that pulls resources from
#   elsewhere, the target may live in another directory and the rule gives an
#   unverified note instead of a violation.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-005.md
# custom:
#   id: SG-K8S-005
#   slug: hpa-target-exists
#   severity: medium
#   input:
#     selector:
#       types: [HorizontalPodAutoscaler, ScaledObject]
#   remediation: >-
#     Make `scaleTargetRef` name the workload exactly (kind, name, same namespace),
#     and keep the HPA beside it, e.g. `scaleTargetRef: {apiVersion: apps/v1, kind:
#     Deployment, name: checkout}` for `kind: Deployment` / `metadata: {name: checkout}`.
package scalegate.rules.hpa_target_exists

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result

deny contains finding if {
	some h in _unresolved
	_verifiable(h)
	finding := result.finding(h, ["spec", "scaleTargetRef", "name"], sprintf(
		"HorizontalPodAutoscaler %q targets %s, which is not in %s",
		[h.name, _target_text(h), input.bundle.path],
	))
}

# An HPA whose scaleTargetRef names no kind or no name targets nothing at all: the API
# server rejects it, and a template that renders it so scales nothing.
deny contains finding if {
	some h in k8s.hpas
	some field in ["kind", "name"]
	path := ["spec", "scaleTargetRef", field]
	known.missing(h, path)
	finding := result.finding(h, path, sprintf(
		"HorizontalPodAutoscaler %q sets no spec.scaleTargetRef.%s, so it targets no workload",
		[h.name, field],
	))
}

unverified contains finding if {
	some h in _unresolved
	not _verifiable(h)
	finding := result.finding(h, ["spec", "scaleTargetRef", "name"], sprintf(
		"HorizontalPodAutoscaler %q targets %s, which is not in %s; the target may be defined elsewhere, since the bundle %s",
		[h.name, _target_text(h), input.bundle.path, _why_unverifiable(h)],
	))
}

unverified contains finding if {
	some h in k8s.hpas
	_built_in(h)
	some field in ["kind", "name"]
	path := ["spec", "scaleTargetRef", field]
	not known.present(h.config, path)
	known.unknown(h, path)
	finding := result.finding(h, path, sprintf(
		"HorizontalPodAutoscaler %q: spec.scaleTargetRef.%s is not known before deployment",
		[h.name, field],
	))
}

# _unresolved is every HPA with a built-in target kind and a known name that names
# no workload in the bundle.
_unresolved := [h |
	some h in k8s.hpas
	_built_in(h)
	k8s.scale_target_key(h)
	not k8s.scale_target(h)
]

# _built_in(h): the target is a Deployment, StatefulSet or ReplicaSet of the `apps`
# group (or the old `extensions`, or no apiVersion at all). An unknown kind is not
# known to be built in.
_built_in(h) if {
	ref := h.config.spec.scaleTargetRef
	ref.kind in {"Deployment", "StatefulSet", "ReplicaSet"}
	_built_in_group(ref)
}

_built_in_group(ref) if not known.present(ref, ["apiVersion"])

_built_in_group(ref) if split(ref.apiVersion, "/")[0] in {"apps", "extensions"}

# _verifiable(h): the bundle is where the HPA's target would be. It holds, in the
# HPA's namespace, a workload of the target's kind or of the target's name (so a
# wrong name or a wrong kind is a mistake, not a split layout), and no kustomization.
_verifiable(h) if {
	not _kustomized
	[_, kind, name] := k8s.scale_target_key(h)
	_neighbour(k8s.namespace(h), kind, name)
}

_neighbour(ns, kind, _) if [ns, kind] in _kinds

_neighbour(ns, _, name) if [ns, name] in _names

_kinds := {[k8s.namespace(w), w.type] | some w in k8s.workloads}

_names := {[k8s.namespace(w), w.name] | some w in k8s.workloads}

_kustomized if {
	some r in k8s.objects
	k8s.api_group(r) == "kustomize.config.k8s.io"
}

_why_unverifiable(_) := "holds a kustomization" if _kustomized

_why_unverifiable(h) := sprintf("holds no %s and no workload named %q%s", [kind, name, _in_namespace(h)]) if {
	not _kustomized
	[_, kind, name] := k8s.scale_target_key(h)
}

_target_text(h) := sprintf("%s %q%s", [kind, name, _in_namespace(h)]) if {
	[_, kind, name] := k8s.scale_target_key(h)
}

_in_namespace(h) := sprintf(" in namespace %q", [k8s.namespace(h)]) if is_string(k8s.namespace(h))

_in_namespace(h) := "" if not is_string(k8s.namespace(h))
