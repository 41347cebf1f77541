# METADATA
# title: Load balancing pins clients to one backend (session affinity)
# description: >-
#   Sticky sessions exist to keep session state in one server's memory: the
#   balancer sends each client back to the same pod or instance, so load spreads
#   unevenly, new replicas take no existing clients when the service scales out,
#   and scaling in or replacing a backend logs its users out. Checked: Kubernetes
#   Services with `sessionAffinity: ClientIP`, ingress-nginx `affinity: cookie`,
#   and `stickiness.enabled=true` in the AWS Load Balancer Controller's
#   target-group-attributes annotations (as YAML, Helm output, or the Terraform
#   `kubernetes_service`/`kubernetes_ingress` resources); `aws_lb_target_group` (and
#   `aws_alb_target_group`) with a `stickiness` block whose `enabled` is true or
#   absent (the provider's default is true); and classic ELB stickiness policies,
#   which are reported on the policy resource that enables them.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-STL-003.md
# custom:
#   id: SG-STL-003
#   slug: session-affinity
#   severity: medium
#   input:
#     selector:
#       types: [Service, Ingress, kubernetes_service, kubernetes_service_v1, kubernetes_ingress, kubernetes_ingress_v1, aws_alb_target_group, aws_lb_target_group, aws_app_cookie_stickiness_policy, aws_lb_cookie_stickiness_policy, aws_load_balancer_policy]
#   remediation: >-
#     Keep session state out of the server (a signed cookie or token, Redis,
#     DynamoDB) and let the balancer spread every request: remove
#     `sessionAffinity: ClientIP` (or set `sessionAffinity: None`) and the affinity
#     annotations, and on AWS disable stickiness explicitly, e.g. `stickiness {
#     type = "lb_cookie"` / `enabled = false }` in the `aws_lb_target_group`, or
#     delete the `aws_lb_cookie_stickiness_policy`.
package scalegate.rules.session_affinity

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

# -- Kubernetes Services and Ingresses, as YAML or as Terraform resources ---------

deny contains finding if {
	some view in _services
	known.at(view.resource.config, view.affinity) == "ClientIP"
	finding := result.finding_with_key(
		view.resource,
		view.affinity,
		sprintf("%s sets %s to ClientIP: every connection from one client IP goes to the same pod", [
			_describe(view.resource), view.affinity_field,
		]),
		"session-affinity",
	)
}

deny contains finding if {
	some view in array.concat(_services, _ingresses)
	some annotation in _sticky_annotations[view.kind]
	value := known.at(view.resource.config, array.concat(view.annotations, [annotation]))
	_sticky(annotation, value)
	finding := result.finding_with_key(
		view.resource,
		array.concat(view.annotations, [annotation]),
		sprintf("%s sets the annotation %s: %s", [_describe(view.resource), annotation, _annotation_effect[annotation]]),
		annotation,
	)
}

# -- AWS load balancers ------------------------------------------------------------

deny contains finding if {
	some r in _target_groups
	some i, block in _list(known.at(r.config, ["stickiness"]))
	path := ["stickiness", i, "enabled"]
	_enabled(r, path)
	finding := result.finding_with_key(
		r,
		path,
		sprintf("%s enables stickiness (%s): each client is sent back to the same target", [r.id, _enabled_how(r, path)]),
		"stickiness",
	)
}

deny contains finding if {
	some type in _elb_stickiness_types
	some r in object.get(tf.by_type, type, [])
	tf.is_managed(r)
	finding := result.finding(r, [], sprintf(
		"%s makes %s send each client back to the same instance",
		[r.id, _load_balancer(r)],
	))
}

deny contains finding if {
	some r in _load_balancer_policies
	type := known.at(r.config, ["policy_type_name"])
	type in _elb_stickiness_policy_types
	finding := result.finding(r, ["policy_type_name"], sprintf(
		"%s is a %s: it makes %s send each client back to the same instance",
		[r.id, type, _load_balancer(r)],
	))
}

# -- Values known only when Terraform runs -----------------------------------------

unverified contains finding if {
	some view in _services
	not known.present(view.resource.config, view.affinity)
	known.unknown(view.resource, view.affinity)
	finding := result.finding_with_key(view.resource, view.affinity, sprintf(
		"%s: %s is not known before Terraform runs",
		[_describe(view.resource), view.affinity_field],
	), "session-affinity")
}

# One note per resource for its annotations, whichever of them are hidden.
unverified contains finding if {
	some view in array.concat(_services, _ingresses)
	hidden := [annotation |
		some annotation in _sticky_annotations[view.kind]
		path := array.concat(view.annotations, [annotation])
		not known.present(view.resource.config, path)
		known.unknown(view.resource, path)
	]
	count(hidden) > 0
	finding := result.finding_with_key(view.resource, view.annotations, sprintf(
		"%s: its annotations are not all known before Terraform runs, so %s cannot be checked",
		[_describe(view.resource), concat(" and ", hidden)],
	), "annotations")
}

unverified contains finding if {
	some r in _target_groups
	not known.present(r.config, ["stickiness"])
	known.unknown(r, ["stickiness"])
	finding := result.finding_with_key(r, ["stickiness"], sprintf(
		"%s: whether it has a stickiness block is not known before Terraform runs",
		[r.id],
	), "stickiness")
}

unverified contains finding if {
	some r in _target_groups
	some i, _ in _list(known.at(r.config, ["stickiness"]))
	path := ["stickiness", i, "enabled"]
	not known.present(r.config, path)
	known.unknown(r, path)
	finding := result.finding_with_key(r, path, sprintf(
		"%s: stickiness.enabled is not known before Terraform runs",
		[r.id],
	), "stickiness")
}

unverified contains finding if {
	some r in _load_balancer_policies
	not known.present(r.config, ["policy_type_name"])
	known.unknown(r, ["policy_type_name"])
	finding := result.finding(r, ["policy_type_name"], sprintf(
		"%s: policy_type_name is not known before Terraform runs, so whether it is a stickiness policy cannot be checked",
		[r.id],
	))
}

# -- Where each resource kind keeps the fields ---------------------------------------

# A view is a resource with the paths of its session-affinity field and of its
# annotations map, so YAML objects and the Terraform kubernetes provider's blocks
# (`metadata { annotations = ... }`, `spec { session_affinity = ... }`) share one
# check.
_services := array.concat(
	[{"resource": r, "kind": "Service", "affinity": ["spec", "sessionAffinity"], "affinity_field": "spec.sessionAffinity", "annotations": ["metadata", "annotations"]} |
		some r in k8s.objects
		r.type == "Service"
	],
	[{"resource": r, "kind": "Service", "affinity": ["spec", 0, "session_affinity"], "affinity_field": "spec.session_affinity", "annotations": ["metadata", 0, "annotations"]} |
		some r in _terraform_of_types({"kubernetes_service", "kubernetes_service_v1"})
	],
)

_ingresses := array.concat(
	[{"resource": r, "kind": "Ingress", "annotations": ["metadata", "annotations"]} |
		some r in k8s.objects
		r.type == "Ingress"
	],
	[{"resource": r, "kind": "Ingress", "annotations": ["metadata", 0, "annotations"]} |
		some r in _terraform_of_types({"kubernetes_ingress", "kubernetes_ingress_v1"})
	],
)

_terraform_of_types(types) := [r |
	some type in types
	some r in object.get(tf.by_type, type, [])
	tf.is_managed(r)
]

# _describe(r) names a resource in messages: `Service "web"` for a Kubernetes
# object, its address for a Terraform resource.
_describe(r) := sprintf("%s %q", [r.type, r.name]) if r.format == "kubernetes"

_describe(r) := r.id if r.format != "kubernetes"

# -- Annotations -------------------------------------------------------------------

_nginx_affinity := "nginx.ingress.kubernetes.io/affinity"

_alb_attributes := "alb.ingress.kubernetes.io/target-group-attributes"

_nlb_attributes := "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"

# The annotations that turn on stickiness, per kind. The AWS Load Balancer
# Controller reads the ALB attributes on an Ingress or on the Services behind it.
_sticky_annotations := {
	"Ingress": [_nginx_affinity, _alb_attributes],
	"Service": [_alb_attributes, _nlb_attributes],
}

_annotation_effect := {
	_nginx_affinity: "ingress-nginx sends each client back to the same pod",
	_alb_attributes: "its target groups send each client back to the same target (stickiness.enabled=true)",
	_nlb_attributes: "its target groups send each client back to the same target (stickiness.enabled=true)",
}

# _sticky(annotation, value) holds when the annotation's value turns stickiness on.
_sticky(annotation, value) if {
	annotation == _nginx_affinity
	value == "cookie"
}

_sticky(annotation, value) if {
	annotation in {_alb_attributes, _nlb_attributes}
	is_string(value)
	["stickiness.enabled", "true"] in _attributes(value)
}

# _attributes(value) is the `key=value` pairs of a target-group-attributes
# annotation (`stickiness.enabled=true,stickiness.type=lb_cookie`), as [key, value]
# with the value lower-cased.
_attributes(value) := {[trim_space(kv[0]), lower(trim_space(kv[1]))] |
	some pair in split(value, ",")
	kv := split(pair, "=")
	count(kv) == 2
}

# -- Target groups -------------------------------------------------------------------

# `aws_alb_target_group` is the provider's older name for the same resource.
_target_groups := _terraform_of_types({"aws_lb_target_group", "aws_alb_target_group"})

# _enabled(r, path) holds when the stickiness block's `enabled` is known to be true:
# set to true, or absent (the provider's default is true).
_enabled(r, path) if _true(known.at(r.config, path))

_enabled(r, path) if known.missing(r, path)

# Terraform converts "true" to a bool for a bool attribute.
_true(v) if v == true

_true(v) if v == "true"

_enabled_how(r, path) := "enabled = true" if known.present(r.config, path)

_enabled_how(r, path) := "stickiness.enabled is not set, and it defaults to true" if not known.present(r.config, path)

# -- Classic load balancers ------------------------------------------------------------

# Resources whose only purpose is to make a classic ELB sticky.
_elb_stickiness_types := {"aws_lb_cookie_stickiness_policy", "aws_app_cookie_stickiness_policy"}

# `aws_load_balancer_policy` types that do the same.
_elb_stickiness_policy_types := {"LBCookieStickinessPolicyType", "AppCookieStickinessPolicyType"}

_load_balancer_policies := _terraform_of_types({"aws_load_balancer_policy"})

# _load_balancer(r) names the classic load balancer a policy applies to, from the
# references of its `load_balancer` (or `load_balancer_name`) attribute.
_load_balancer(r) := concat(", ", addresses) if {
	addresses := _referenced_load_balancers(r)
	count(addresses) > 0
} else := "its classic load balancer"

_referenced_load_balancers(r) := [a |
	some attribute in ["load_balancer", "load_balancer_name"]
	some a in object.get(r, ["references", attribute], [])
]

_list(x) := x if is_array(x)

_list(x) := [] if not is_array(x)
