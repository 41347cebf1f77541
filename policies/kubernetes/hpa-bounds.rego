# METADATA
# title: HorizontalPodAutoscaler bounds do not allow resilient scaling
# description: >-
#   An HPA whose floor is a single replica scales the service down to one pod in quiet
#   hours, where a node drain or a crash takes it down; an HPA whose `maxReplicas` is
#   not above its `minReplicas` can never add a pod and only hides a fixed size. Every
#   HPA (`autoscaling/v1` and `v2`) must keep `minReplicas` (absent means 1) at
#   `kubernetes.min_replicas` or more and leave room above it. KEDA ScaledObjects are
#   not checked here: a floor of zero is what they are for.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-004.md
# custom:
#   id: SG-K8S-004
#   slug: hpa-bounds
#   severity: medium
#   input:
#     selector:
#       types: [HorizontalPodAutoscaler, ScaledObject]
#   remediation: >-
#     Set `minReplicas` to at least the minimum and `maxReplicas` above it, sized for
#     peak load, e.g. `spec: {minReplicas: 2, maxReplicas: 10}`.
package scalegate.rules.hpa_bounds

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result

deny contains finding if {
	some h in k8s.hpas
	floor := k8s.autoscaler_min_replicas(h)
	is_number(floor)
	floor < _min_replicas
	finding := result.finding_with_key(h, ["spec", "minReplicas"], sprintf(
		"HorizontalPodAutoscaler %q %s; at least %d are required",
		[h.name, _min_text(h, floor), _min_replicas],
	), "minReplicas")
}

deny contains finding if {
	some h in k8s.hpas
	floor := k8s.autoscaler_min_replicas(h)
	ceiling := known.at(h.config, ["spec", "maxReplicas"])
	is_number(floor)
	is_number(ceiling)
	ceiling <= floor
	finding := result.finding_with_key(h, ["spec", "maxReplicas"], sprintf(
		"HorizontalPodAutoscaler %q has maxReplicas %d, not above its minReplicas %d: it can never add a replica",
		[h.name, ceiling, floor],
	), "maxReplicas")
}

deny contains finding if {
	some h in k8s.hpas
	known.missing(h, ["spec", "maxReplicas"])
	finding := result.finding_with_key(h, ["spec", "maxReplicas"], sprintf(
		"HorizontalPodAutoscaler %q does not set maxReplicas (required)",
		[h.name],
	), "maxReplicas")
}

unverified contains finding if {
	some h in k8s.hpas
	some field in ["minReplicas", "maxReplicas"]
	not known.present(h.config, ["spec", field])
	known.unknown(h, ["spec", field])
	finding := result.finding_with_key(h, ["spec", field], sprintf(
		"HorizontalPodAutoscaler %q: spec.%s is not known before deployment",
		[h.name, field],
	), field)
}

_min_replicas := data.scalegate.settings.kubernetes.min_replicas

_min_text(h, floor) := sprintf("has minReplicas %d", [floor]) if known.present(h.config, ["spec", "minReplicas"])

_min_text(h, floor) := sprintf("does not set minReplicas (default %d)", [floor]) if not known.present(h.config, ["spec", "minReplicas"])
