# METADATA
# title: HPA scales on utilisation of a resource its containers do not request
# description: >-
#   Utilisation is usage divided by the request: when a container of the target does
#   not request the resource, the HPA cannot compute it and stops scaling on that metric,
#   so the service stays at its floor under load. The rule reads `Resource` and
#   `ContainerResource` metrics with a `Utilization` target (and v2beta1
#   `targetAverageUtilization`), `targetCPUUtilizationPercentage`, and the default of an
#   HPA without metrics (80% CPU), and checks the containers the HPA controller counts:
#   app containers and native sidecars. A request counts when set, when a limit sets it,
#   or when a LimitRange of the namespace in the bundle gives a default.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-006.md
# custom:
#   id: SG-K8S-006
#   slug: hpa-needs-requests
#   severity: high
#   input:
#     selector:
#       types: [HorizontalPodAutoscaler, ScaledObject]
#   remediation: >-
#     Request the resource the HPA scales on in every container of the target, sized
#     from observed usage, e.g. `resources: {requests: {cpu: 250m, memory: 256Mi}}`;
#     or scale on an `AverageValue` target, which needs no request.
package scalegate.rules.hpa_needs_requests

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some [i, resource, only, by_default] in _needs
	h := k8s.hpas[i]
	w := k8s.scale_target(h)
	not scale.held_at_zero(w)
	some entry in _counted_containers(w, only)
	not _requested(w, entry, resource)
	known.missing(w, _path(entry, "requests", resource))
	known.missing(w, _path(entry, "limits", resource))
	finding := result.finding_with_key(w, _path(entry, "requests", resource), sprintf(
		"%s does not set resources.requests.%s, which HorizontalPodAutoscaler %q needs to compute %s utilisation%s",
		[k8s.container_description(entry, w), resource, h.name, _label[resource], _default_text(by_default)],
	), sprintf("%s/resources.requests.%s", [k8s.container_key(entry), resource]))
}

unverified contains finding if {
	some [i, resource, only, _] in _needs
	h := k8s.hpas[i]
	w := k8s.scale_target(h)
	not scale.held_at_zero(w)
	some entry in _counted_containers(w, only)
	not _requested(w, entry, resource)
	some kind in ["requests", "limits"]
	known.unknown(w, _path(entry, kind, resource))
	finding := result.finding_with_key(w, _path(entry, "requests", resource), sprintf(
		"%s: resources.%s.%s is not known before deployment, and HorizontalPodAutoscaler %q scales on %s utilisation",
		[k8s.container_description(entry, w), kind, resource, h.name, _label[resource]],
	), sprintf("%s/resources.requests.%s", [k8s.container_key(entry), resource]))
}

unverified contains finding if {
	some h in k8s.hpas
	k8s.scale_target(h)
	not known.present(h.config, ["spec", "metrics"])
	known.unknown(h, ["spec", "metrics"])
	finding := result.finding(h, ["spec", "metrics"], sprintf(
		"HorizontalPodAutoscaler %q: spec.metrics is not known before deployment",
		[h.name],
	))
}

_label := {"cpu": "CPU", "memory": "memory"}

_default_text(true) := " (the default metric of an HPA without metrics)"

_default_text(false) := ""

# _needs is every [i, resource, container, by_default] such that the HPA
# `k8s.hpas[i]` needs the request for `resource`: of every counted container when
# `container` is "" (a `Resource` metric), or of the one container a
# `ContainerResource` metric names.
_needs contains [i, "cpu", "", false] if {
	some i, h in k8s.hpas
	known.present(h.config, ["spec", "targetCPUUtilizationPercentage"])
}

# An HPA without metrics (v1 without a target, v2 with no `metrics`) scales on 80% CPU.
_needs contains [i, "cpu", "", true] if {
	some i, h in k8s.hpas
	not known.present(h.config, ["spec", "targetCPUUtilizationPercentage"])
	not known.unknown(h, ["spec", "targetCPUUtilizationPercentage"])
	_no_metrics(h)
}

_needs contains [i, resource, "", false] if {
	some i, h in k8s.hpas
	some m in _metrics(h)
	m.type == "Resource"
	resource := m.resource.name
	resource in {"cpu", "memory"}
	_utilization(m.resource)
}

_needs contains [i, resource, container, false] if {
	some i, h in k8s.hpas
	some m in _metrics(h)
	m.type == "ContainerResource"
	resource := m.containerResource.name
	resource in {"cpu", "memory"}
	container := m.containerResource.container
	is_string(container)
	_utilization(m.containerResource)
}

_metrics(h) := metrics if {
	metrics := h.config.spec.metrics
	is_array(metrics)
}

_no_metrics(h) if known.missing(h, ["spec", "metrics"])

_no_metrics(h) if _metrics(h) == []

# v2 and v2beta2 say `target: {type: Utilization}`; v2beta1 `targetAverageUtilization`.
_utilization(source) if source.target.type == "Utilization"

_utilization(source) if known.present(source, ["targetAverageUtilization"])

# _counted_containers(w, only) is the containers the HPA controller adds up: app
# containers and native sidecars (init containers with `restartPolicy: Always`), all
# of them or the one named `only`.
_counted_containers(w, only) := [entry |
	some entry in k8s.containers(w)
	_counted(entry)
	_named(only, entry)
]

# A metric without a container counts every one, named or not.
_named(only, _) if only == ""

_named(only, entry) if only == entry.container.name

_counted(entry) if not entry.init

_counted(entry) if entry.container.restartPolicy == "Always"

_path(entry, kind, resource) := array.concat(entry.path, ["resources", kind, resource])

# A limit without a request sets the request to the limit; a LimitRange's default
# applies to containers that set neither.
_requested(_, entry, resource) if known.present(entry.container, ["resources", "requests", resource])

_requested(_, entry, resource) if known.present(entry.container, ["resources", "limits", resource])

_requested(w, _, resource) if k8s.limit_range_default_request(k8s.namespace(w), resource)
